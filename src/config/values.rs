//! Typed readings of config values: counts, durations and sizes.
//!
//! Each function returns a short reason on failure; the caller adds the key, value,
//! file and line.

use std::time::Duration;

/// A plain non-negative integer.
pub(crate) fn number(text: &str) -> Result<u64, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected a number".into());
    }
    text.parse::<u64>().map_err(|_| "number is too big".into())
}

/// Splits `123abc` into `(123, "abc")`.
fn split_number(text: &str) -> Result<(u64, &str), String> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err("expected a number".into());
    }
    let (num, suffix) = text.split_at(digits);
    let num = num.parse::<u64>().map_err(|_| "number is too big")?;
    Ok((num, suffix.trim()))
}

/// A duration: a number with an optional suffix `us`, `ms`, `s`, `m`, `h`, `d` or `w`
/// (case-insensitive); a bare number counts in `unit`.
pub(crate) fn duration(text: &str, unit: Duration) -> Result<Duration, String> {
    let (num, suffix) = split_number(text.trim())?;
    let micros: u64 = match suffix.to_ascii_lowercase().as_str() {
        "" => return unit.checked_mul(to_u32(num)?).ok_or_else(too_long),
        "us" => 1,
        "ms" => 1_000,
        "s" => 1_000_000,
        "m" => 60_000_000,
        "h" => 3_600_000_000,
        "d" => 86_400_000_000,
        "w" => 604_800_000_000,
        _ => return Err(format!("unknown time suffix '{suffix}'")),
    };
    num.checked_mul(micros)
        .map(Duration::from_micros)
        .ok_or_else(too_long)
}

fn too_long() -> String {
    "duration is too long".into()
}

fn to_u32(num: u64) -> Result<u32, String> {
    u32::try_from(num).map_err(|_| too_long())
}

/// A size in bytes: a number with an optional `k`, `m` or `g` suffix
/// (case-insensitive, powers of 1024).
pub(crate) fn size(text: &str) -> Result<u64, String> {
    let (num, suffix) = split_number(text.trim())?;
    let mul: u64 = match suffix.to_ascii_lowercase().as_str() {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        _ => return Err(format!("unknown size suffix '{suffix}'")),
    };
    num.checked_mul(mul)
        .ok_or_else(|| "size is too big".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn durations() {
        let cases: &[(&str, Duration)] = &[
            ("300", Duration::from_secs(300)),
            ("10us", Duration::from_micros(10)),
            ("250ms", Duration::from_millis(250)),
            ("7s", Duration::from_secs(7)),
            ("2m", Duration::from_secs(120)),
            ("1h", Duration::from_secs(3600)),
            ("1D", Duration::from_secs(86_400)),
            ("1w", Duration::from_secs(604_800)),
            (" 5 s ", Duration::from_secs(5)),
        ];
        for (text, want) in cases {
            assert_eq!(duration(text, SEC), Ok(*want), "{text}");
        }
        assert_eq!(
            duration("3", Duration::from_millis(1)),
            Ok(Duration::from_millis(3))
        );
    }

    #[test]
    fn bad_durations() {
        assert_eq!(duration("abc", SEC), Err("expected a number".into()));
        assert_eq!(duration("", SEC), Err("expected a number".into()));
        assert_eq!(duration("5y", SEC), Err("unknown time suffix 'y'".into()));
        assert_eq!(
            duration("99999999999999", SEC),
            Err("duration is too long".into())
        );
        assert_eq!(
            duration("99999999999999999w", SEC),
            Err("duration is too long".into())
        );
        assert_eq!(
            duration("99999999999999999999999", SEC),
            Err("number is too big".into())
        );
    }

    #[test]
    fn sizes() {
        let cases: &[(&str, u64)] = &[
            ("100", 100),
            ("8k", 8192),
            ("8K", 8192),
            ("128m", 128 << 20),
            ("128M", 128 << 20),
            ("2g", 2 << 30),
            ("2G", 2 << 30),
        ];
        for (text, want) in cases {
            assert_eq!(size(text), Ok(*want), "{text}");
        }
        assert_eq!(size("12t"), Err("unknown size suffix 't'".into()));
        assert_eq!(size("m"), Err("expected a number".into()));
        assert_eq!(size("99999999999999999g"), Err("size is too big".into()));
    }

    #[test]
    fn numbers() {
        assert_eq!(number("1000"), Ok(1000));
        assert_eq!(number("10k"), Err("expected a number".into()));
        assert_eq!(number("-1"), Err("expected a number".into()));
        assert_eq!(number(""), Err("expected a number".into()));
        assert_eq!(
            number("99999999999999999999999"),
            Err("number is too big".into())
        );
    }
}
