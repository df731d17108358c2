//! Readings of the TLS settings beyond Manticore: `ssl_verify_client`,
//! `ssl_protocols`, `ssl_ciphers` / `ssl_ciphersuites` and `ssl_crl`.
//!
//! Each function returns a short reason on failure; the caller adds the key, value,
//! file and line. Whether a cipher string selects anything is only known to the TLS
//! library: that is checked when the TLS context is built.

use std::path::PathBuf;

use super::types::{TlsProtocol, VerifyClient};

/// `off | optional | on` (also `0`/`1`, `no`/`yes`, `false`/`true`, `none`,
/// `required`), case-insensitive.
pub(crate) fn verify_client(text: &str) -> Result<VerifyClient, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "off" | "0" | "no" | "false" | "none" => Ok(VerifyClient::Off),
        "optional" => Ok(VerifyClient::Optional),
        "on" | "1" | "yes" | "true" | "required" => Ok(VerifyClient::On),
        _ => Err("expected off, optional or on".into()),
    }
}

/// A list of versions separated by blanks or commas: `TLSv1.2 TLSv1.3`
/// (case-insensitive; `TLSv1.0` is accepted for `TLSv1`). The result is sorted
/// without repeats and must be contiguous: OpenSSL sets a minimum and a maximum.
pub(crate) fn protocols(text: &str) -> Result<Vec<TlsProtocol>, String> {
    let mut out = Vec::new();
    for word in text.split([' ', '\t', ',']).filter(|w| !w.is_empty()) {
        let p = match word.to_ascii_lowercase().as_str() {
            "tlsv1" | "tlsv1.0" => TlsProtocol::Tls10,
            "tlsv1.1" => TlsProtocol::Tls11,
            "tlsv1.2" => TlsProtocol::Tls12,
            "tlsv1.3" => TlsProtocol::Tls13,
            _ => {
                return Err(format!(
                    "unknown protocol '{word}' (expected TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3)"
                ))
            }
        };
        out.push(p);
    }
    out.sort();
    out.dedup();
    if out.is_empty() {
        return Err("no protocol given".into());
    }
    let all = [
        TlsProtocol::Tls10,
        TlsProtocol::Tls11,
        TlsProtocol::Tls12,
        TlsProtocol::Tls13,
    ];
    let first = all.iter().position(|p| *p == out[0]).unwrap_or(0);
    if all[first..].iter().take(out.len()).ne(out.iter()) {
        return Err("the protocols must be consecutive versions (a minimum and a maximum)".into());
    }
    Ok(out)
}

/// An OpenSSL cipher string: not empty, printable ASCII without blanks inside.
pub(crate) fn cipher_list(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(c) = text.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(format!("character {c:?} is not allowed in a cipher list"));
    }
    Ok(Some(text.to_string()))
}

/// `auto` or an `http://` URL; empty means none.
pub(crate) fn responder(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        Ok(None)
    } else if text.eq_ignore_ascii_case("auto") {
        Ok(Some("auto".into()))
    } else if text.starts_with("http://") && text.len() > "http://".len() {
        Ok(Some(text.to_string()))
    } else {
        Err("expected auto or an http:// URL".into())
    }
}

/// Every non-empty `ssl_crl` value, in order.
pub(crate) fn crl_paths<'a>(values: impl Iterator<Item = &'a str>) -> Vec<PathBuf> {
    values
        .filter(|v| !v.trim().is_empty())
        .map(PathBuf::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_client_values() {
        assert_eq!(verify_client("OFF"), Ok(VerifyClient::Off));
        assert_eq!(verify_client("optional"), Ok(VerifyClient::Optional));
        assert_eq!(verify_client("on"), Ok(VerifyClient::On));
        assert!(verify_client("maybe").is_err());
    }

    #[test]
    fn protocols_are_sorted_and_contiguous() {
        use TlsProtocol::*;
        assert_eq!(protocols("TLSv1.3 tlsv1.2"), Ok(vec![Tls12, Tls13]));
        assert_eq!(protocols("TLSv1.3"), Ok(vec![Tls13]));
        assert_eq!(
            protocols("TLSv1,TLSv1.1, TLSv1.2"),
            Ok(vec![Tls10, Tls11, Tls12])
        );
        let e = protocols("TLSv1.2 SSLv3").unwrap_err();
        assert!(e.contains("unknown protocol 'SSLv3'"), "{e}");
        assert!(protocols("TLSv1.1 TLSv1.3").is_err());
        assert!(protocols(" ").is_err());
    }

    fn load(body: &str) -> Result<crate::config::Searchd, String> {
        crate::config::parse_str(&format!("searchd {{\n{body}\n}}\n"), "t.conf")
            .map(|c| c.searchd)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn searchd_keys_and_defaults() {
        let d = load("").unwrap();
        assert_eq!(d.ssl_verify_client, VerifyClient::Off);
        assert_eq!(
            d.ssl_protocols,
            vec![TlsProtocol::Tls12, TlsProtocol::Tls13]
        );
        assert_eq!((d.ssl_ciphers, d.ssl_crl.len()), (None, 0));
        let s = load(
            "ssl_verify_client = optional\nssl_protocols = TLSv1.3\n\
             ssl_ciphers = ECDHE-RSA-AES128-GCM-SHA256\n\
             ssl_ciphersuites = TLS_AES_128_GCM_SHA256\nssl_crl = /a.pem\nssl_crl = /b.pem\n\
             ssl_psk_file = /psk.txt\nssl_ocsp_response = /ocsp.der",
        )
        .unwrap();
        assert_eq!(s.ssl_verify_client, VerifyClient::Optional);
        assert_eq!(s.ssl_protocols, vec![TlsProtocol::Tls13]);
        assert_eq!(
            s.ssl_ciphers.as_deref(),
            Some("ECDHE-RSA-AES128-GCM-SHA256")
        );
        assert_eq!(
            s.ssl_ciphersuites.as_deref(),
            Some("TLS_AES_128_GCM_SHA256")
        );
        assert_eq!(
            s.ssl_crl,
            vec![PathBuf::from("/a.pem"), PathBuf::from("/b.pem")]
        );
        assert_eq!(s.ssl_psk_file, Some(PathBuf::from("/psk.txt")));
        assert_eq!(s.ssl_ocsp_response, Some(PathBuf::from("/ocsp.der")));
    }

    #[test]
    fn bad_values_are_config_errors_naming_the_value() {
        let e = load("ssl_protocols = TLSv1.2 TLSv1.4").unwrap_err();
        assert!(
            e.starts_with("ERROR: invalid value 'TLSv1.2 TLSv1.4' for key 'ssl_protocols'"),
            "{e}"
        );
        assert!(e.contains("unknown protocol 'TLSv1.4'"), "{e}");
        let e = load("ssl_ocsp_responder = https://x/").unwrap_err();
        assert!(e.contains("expected auto or an http:// URL"), "{e}");
        assert_eq!(
            load("ssl_ocsp_responder = AUTO")
                .unwrap()
                .ssl_ocsp_responder
                .as_deref(),
            Some("auto")
        );
        let e = load("ssl_verify_client = sometimes").unwrap_err();
        assert!(e.contains("'sometimes' for key 'ssl_verify_client'"), "{e}");
    }

    #[test]
    fn cipher_lists() {
        assert_eq!(
            cipher_list("ECDHE-RSA-AES128-GCM-SHA256:!aNULL"),
            Ok(Some("ECDHE-RSA-AES128-GCM-SHA256:!aNULL".into()))
        );
        assert_eq!(cipher_list(""), Ok(None));
        assert!(cipher_list("AES128 SHA").is_err());
    }
}
