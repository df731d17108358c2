//! Connection phase: the server's HandshakeV10, the client's SSLRequest and
//! HandshakeResponse41, and the AuthSwitchRequest.

use super::wire::{put_nul_bytes, Reader, WireError, WireResult};

/// Capability flags (the ones this front end uses), named as in the MySQL docs.
#[allow(missing_docs)]
pub mod caps {
    pub const LONG_PASSWORD: u32 = 0x1;
    pub const LONG_FLAG: u32 = 0x4;
    pub const CONNECT_WITH_DB: u32 = 0x8;
    pub const COMPRESS: u32 = 0x20;
    pub const PROTOCOL_41: u32 = 0x200;
    pub const SSL: u32 = 0x800;
    pub const TRANSACTIONS: u32 = 0x2000;
    pub const SECURE_CONNECTION: u32 = 0x8000;
    pub const MULTI_STATEMENTS: u32 = 0x1_0000;
    pub const MULTI_RESULTS: u32 = 0x2_0000;
    pub const PLUGIN_AUTH: u32 = 0x8_0000;
    pub const CONNECT_ATTRS: u32 = 0x10_0000;
    pub const PLUGIN_AUTH_LENENC_CLIENT_DATA: u32 = 0x20_0000;
    pub const DEPRECATE_EOF: u32 = 0x100_0000;

    /// Everything advertised, SSL aside.
    pub const SERVER: u32 = LONG_PASSWORD
        | LONG_FLAG
        | CONNECT_WITH_DB
        | COMPRESS
        | PROTOCOL_41
        | TRANSACTIONS
        | SECURE_CONNECTION
        | MULTI_STATEMENTS
        | MULTI_RESULTS
        | PLUGIN_AUTH
        | CONNECT_ATTRS
        | PLUGIN_AUTH_LENENC_CLIENT_DATA
        | DEPRECATE_EOF;
}

/// The only auth plugin spoken.
pub const NATIVE_PASSWORD: &str = "mysql_native_password";
/// Server status: autocommit on.
pub const STATUS_AUTOCOMMIT: u16 = 0x0002;
/// Default collation `utf8_general_ci`.
pub const CHARSET: u8 = 0x21;

/// Builds the HandshakeV10 payload.
pub fn handshake_v10(
    version: &str,
    conn_id: u32,
    scramble: &[u8; 20],
    capabilities: u32,
) -> Vec<u8> {
    let mut out = vec![0x0A];
    put_nul_bytes(&mut out, version.as_bytes());
    out.extend_from_slice(&conn_id.to_le_bytes());
    out.extend_from_slice(&scramble[..8]);
    out.push(0);
    out.extend_from_slice(&(capabilities as u16).to_le_bytes());
    out.push(CHARSET);
    out.extend_from_slice(&STATUS_AUTOCOMMIT.to_le_bytes());
    out.extend_from_slice(&((capabilities >> 16) as u16).to_le_bytes());
    out.push(21);
    out.extend_from_slice(&[0; 10]);
    out.extend_from_slice(&scramble[8..]);
    out.push(0);
    put_nul_bytes(&mut out, NATIVE_PASSWORD.as_bytes());
    out
}

/// Builds an AuthSwitchRequest to `mysql_native_password`.
pub fn auth_switch(scramble: &[u8; 20]) -> Vec<u8> {
    let mut out = vec![0xFE];
    put_nul_bytes(&mut out, NATIVE_PASSWORD.as_bytes());
    put_nul_bytes(&mut out, scramble);
    out
}

/// The fixed 32-byte head every client response starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHead {
    /// The client's capability flags.
    pub capabilities: u32,
    /// The client's largest packet.
    pub max_packet: u32,
    /// The client's collation id.
    pub charset: u8,
}

/// A parsed HandshakeResponse41.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeResponse {
    /// Capabilities, max packet, charset.
    pub head: ClientHead,
    /// The user name (any is accepted).
    pub user: String,
    /// The scrambled password (not checked).
    pub auth_response: Vec<u8>,
    /// CONNECT_WITH_DB: the database asked for.
    pub database: Option<String>,
    /// PLUGIN_AUTH: the auth plugin the client used.
    pub auth_plugin: Option<String>,
    /// CONNECT_ATTRS: key/value pairs.
    pub attrs: Vec<(String, String)>,
}

fn parse_head(r: &mut Reader<'_>) -> WireResult<ClientHead> {
    let capabilities = r.u32()?;
    if capabilities & caps::PROTOCOL_41 == 0 {
        return Err(WireError::Malformed("client does not speak protocol 4.1"));
    }
    let max_packet = r.u32()?;
    let charset = r.u8()?;
    r.take(23)?;
    Ok(ClientHead {
        capabilities,
        max_packet,
        charset,
    })
}

/// Recognises an SSLRequest: exactly the 32-byte head with the SSL flag set.
pub fn parse_ssl_request(payload: &[u8]) -> Option<ClientHead> {
    if payload.len() != 32 {
        return None;
    }
    let head = parse_head(&mut Reader::new(payload)).ok()?;
    (head.capabilities & caps::SSL != 0).then_some(head)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Parses a HandshakeResponse41.
pub fn parse_response(payload: &[u8]) -> WireResult<HandshakeResponse> {
    let mut r = Reader::new(payload);
    let head = parse_head(&mut r)?;
    let c = head.capabilities;
    let user = text(r.nul_bytes()?);
    let auth_response = if c & caps::PLUGIN_AUTH_LENENC_CLIENT_DATA != 0 {
        r.lenenc_bytes()?.to_vec()
    } else if c & caps::SECURE_CONNECTION != 0 {
        let n = r.u8()?;
        r.take(usize::from(n))?.to_vec()
    } else {
        r.nul_bytes()?.to_vec()
    };
    let database = optional_nul(&mut r, c & caps::CONNECT_WITH_DB != 0)?;
    let auth_plugin = optional_nul(&mut r, c & caps::PLUGIN_AUTH != 0)?;
    let attrs = if c & caps::CONNECT_ATTRS != 0 && r.remaining() > 0 {
        parse_attrs(r.lenenc_bytes()?)?
    } else {
        Vec::new()
    };
    Ok(HandshakeResponse {
        head,
        user,
        auth_response,
        database: database.filter(|d| !d.is_empty()),
        auth_plugin,
        attrs,
    })
}

/// A NUL-terminated field that is present when `flag` is set and bytes remain
/// (a missing NUL at the very end is tolerated).
fn optional_nul(r: &mut Reader<'_>, flag: bool) -> WireResult<Option<String>> {
    if !flag || r.remaining() == 0 {
        return Ok(None);
    }
    let mut probe = r.clone();
    match probe.nul_bytes() {
        Ok(b) => {
            *r = probe;
            Ok(Some(text(b)))
        }
        Err(_) => Ok(Some(text(r.rest()))),
    }
}

fn parse_attrs(block: &[u8]) -> WireResult<Vec<(String, String)>> {
    let mut r = Reader::new(block);
    let mut out = Vec::new();
    while r.remaining() > 0 {
        let k = text(r.lenenc_bytes()?);
        let v = text(r.lenenc_bytes()?);
        out.push((k, v));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRAMBLE: &[u8; 20] = b"abcdefghij0123456789";

    #[test]
    fn golden_handshake_v10() {
        let got = handshake_v10("5.7.0", 7, SCRAMBLE, caps::SERVER);
        let mut want = vec![0x0A];
        want.extend_from_slice(b"5.7.0\0");
        want.extend_from_slice(&[0x07, 0x00, 0x00, 0x00]);
        want.extend_from_slice(b"abcdefgh\0");
        want.extend_from_slice(&[0x2D, 0xA2]); // caps low
        want.push(0x21);
        want.extend_from_slice(&[0x02, 0x00]);
        want.extend_from_slice(&[0x3B, 0x01]); // caps high
        want.push(21);
        want.extend_from_slice(&[0; 10]);
        want.extend_from_slice(b"ij0123456789\0");
        want.extend_from_slice(b"mysql_native_password\0");
        assert_eq!(got, want);
    }

    #[test]
    fn golden_auth_switch() {
        let got = auth_switch(SCRAMBLE);
        assert_eq!(got, b"\xfemysql_native_password\0abcdefghij0123456789\0");
    }

    fn head(c: u32) -> Vec<u8> {
        let mut v = c.to_le_bytes().to_vec();
        v.extend_from_slice(&[0, 0, 0, 1, 0x21]);
        v.extend_from_slice(&[0; 23]);
        v
    }

    #[test]
    fn parses_full_response() {
        let c = caps::PROTOCOL_41
            | caps::PLUGIN_AUTH_LENENC_CLIENT_DATA
            | caps::CONNECT_WITH_DB
            | caps::PLUGIN_AUTH
            | caps::CONNECT_ATTRS;
        let mut p = head(c);
        p.extend_from_slice(b"root\0\x02\xaa\xbbManticore\0caching_sha2_password\0");
        p.extend_from_slice(b"\x09\x04_pid\x03123");
        let r = parse_response(&p).unwrap();
        assert_eq!(r.user, "root");
        assert_eq!(r.auth_response, [0xaa, 0xbb]);
        assert_eq!(r.database.as_deref(), Some("Manticore"));
        assert_eq!(r.auth_plugin.as_deref(), Some("caching_sha2_password"));
        assert_eq!(r.attrs, [("_pid".to_string(), "123".to_string())]);
        assert_eq!(r.head.max_packet, 0x0100_0000);
    }

    #[test]
    fn parses_secure_connection_auth() {
        let mut p = head(caps::PROTOCOL_41 | caps::SECURE_CONNECTION);
        p.extend_from_slice(b"u\0\x01\x99");
        let r = parse_response(&p).unwrap();
        assert_eq!(
            (r.user.as_str(), r.auth_response.as_slice()),
            ("u", &[0x99][..])
        );
        assert_eq!(r.database, None);
    }

    #[test]
    fn ssl_request_is_recognised() {
        let p = head(caps::PROTOCOL_41 | caps::SSL);
        assert!(parse_ssl_request(&p).is_some());
        assert!(parse_ssl_request(&head(caps::PROTOCOL_41)).is_none());
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse_response(b"GET / HTTP/1.1\r\n").is_err());
        assert!(parse_response(&head(caps::PROTOCOL_41)[..20]).is_err());
        let mut p = head(caps::PROTOCOL_41 | caps::PLUGIN_AUTH_LENENC_CLIENT_DATA);
        p.extend_from_slice(b"u\0\x09ab");
        assert!(parse_response(&p).is_err());
        assert!(parse_response(&head(0)).is_err());
    }
}
