//! OK, ERR and EOF packets.

use super::wire::put_lenenc_int;

/// Server status: more result sets follow.
pub const MORE_RESULTS_EXISTS: u16 = 0x0008;
/// ERR messages are cut to this many bytes.
pub const MAX_ERR_MESSAGE: usize = 512;

/// The fields of an OK packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OkInfo {
    /// Affected rows.
    pub affected: u64,
    /// Last insert id.
    pub last_insert_id: u64,
    /// Server status flags.
    pub status: u16,
    /// Warning count.
    pub warnings: u16,
}

/// An OK packet (header 0x00).
pub fn ok(info: &OkInfo) -> Vec<u8> {
    ok_with_header(0x00, info)
}

fn ok_with_header(header: u8, info: &OkInfo) -> Vec<u8> {
    let mut out = vec![header];
    put_lenenc_int(&mut out, info.affected);
    put_lenenc_int(&mut out, info.last_insert_id);
    out.extend_from_slice(&info.status.to_le_bytes());
    out.extend_from_slice(&info.warnings.to_le_bytes());
    out
}

/// A classic EOF packet.
pub fn eof(status: u16, warnings: u16) -> Vec<u8> {
    let mut out = vec![0xFE];
    out.extend_from_slice(&warnings.to_le_bytes());
    out.extend_from_slice(&status.to_le_bytes());
    out
}

/// What ends a result set: an EOF packet, or with DEPRECATE_EOF an OK packet with
/// header 0xFE.
pub fn end_of_rows(deprecate_eof: bool, status: u16, warnings: u16) -> Vec<u8> {
    if deprecate_eof {
        let info = OkInfo {
            status,
            warnings,
            ..OkInfo::default()
        };
        ok_with_header(0xFE, &info)
    } else {
        eof(status, warnings)
    }
}

/// An ERR packet; the message is cut to [`MAX_ERR_MESSAGE`] bytes on a character
/// boundary, and a SQLSTATE that is not 5 bytes becomes `HY000`.
pub fn err(code: u16, sqlstate: &str, message: &str) -> Vec<u8> {
    let state = if sqlstate.len() == 5 {
        sqlstate
    } else {
        "HY000"
    };
    let mut cut = message.len().min(MAX_ERR_MESSAGE);
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut out = vec![0xFF];
    out.extend_from_slice(&code.to_le_bytes());
    out.push(b'#');
    out.extend_from_slice(state.as_bytes());
    out.extend_from_slice(&message.as_bytes()[..cut]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_ok() {
        let info = OkInfo {
            affected: 1,
            last_insert_id: 300,
            status: 0x0002,
            warnings: 0,
        };
        assert_eq!(
            ok(&info),
            [0x00, 0x01, 0xFC, 0x2C, 0x01, 0x02, 0x00, 0x00, 0x00]
        );
    }

    #[test]
    fn golden_err() {
        let got = err(1047, "08S01", "unknown command (code=5)");
        let mut want = vec![0xFF, 0x17, 0x04, b'#'];
        want.extend_from_slice(b"08S01unknown command (code=5)");
        assert_eq!(got, want);
    }

    #[test]
    fn err_message_is_cut_to_512_bytes() {
        let long = "é".repeat(400);
        let got = err(1064, "42000", &long);
        assert_eq!(got.len(), 9 + 512);
        let long = "x".repeat(600);
        assert_eq!(err(1064, "bad", &long)[4..9], *b"HY000");
    }

    #[test]
    fn golden_eof_both_ways() {
        assert_eq!(
            end_of_rows(false, 0x000A, 1),
            [0xFE, 0x01, 0x00, 0x0A, 0x00]
        );
        assert_eq!(
            end_of_rows(true, 0x0002, 0),
            [0xFE, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]
        );
    }
}
