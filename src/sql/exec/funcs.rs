//! Scalar functions of select expressions from Sphinx's set: math, integer
//! conversions, `INTERVAL`, `BITDOT`, `CRC32`, `TO_STRING` and two-argument
//! `MIN`/`MAX`.

use super::value::Val;

/// Whether `name` (upper case) with `nargs` arguments is one of these functions.
pub fn is_scalar(name: &str, nargs: usize) -> bool {
    match name {
        "MIN" | "MAX" | "IDIV" | "POW" => nargs == 2,
        "SQRT" | "LN" | "LOG2" | "LOG10" | "EXP" | "SIN" | "COS" | "TAN" | "ASIN" | "ACOS"
        | "ATAN" | "SINT" | "UINT" | "BIGINT" | "CRC32" | "TO_STRING" => nargs == 1,
        "INTERVAL" | "BITDOT" => nargs >= 2,
        _ => false,
    }
}

/// Applies a function that [`is_scalar`] accepts to its evaluated arguments.
pub fn apply(name: &str, args: &[Val]) -> Val {
    let f = |i: usize| args.get(i).and_then(Val::as_f64).unwrap_or(0.0);
    let int = |i: usize| args.get(i).and_then(Val::as_i64).unwrap_or(0);
    match name {
        "MIN" | "MAX" => {
            let (a, b) = (args[0].clone(), args[1].clone());
            let a_first = (f(0) <= f(1)) == (name == "MIN");
            let pick = if a_first { a } else { b };
            match pick {
                Val::Int(_) | Val::Float(_) => pick,
                other => Val::Float(other.as_f64().unwrap_or(0.0)),
            }
        }
        "IDIV" => Val::Int(int(0).checked_div(int(1)).unwrap_or(0)),
        "POW" => Val::Float(f(0).powf(f(1))),
        "SQRT" => Val::Float(f(0).sqrt()),
        "LN" => Val::Float(f(0).ln()),
        "LOG2" => Val::Float(f(0).log2()),
        "LOG10" => Val::Float(f(0).log10()),
        "EXP" => Val::Float(f(0).exp()),
        "SIN" => Val::Float(f(0).sin()),
        "COS" => Val::Float(f(0).cos()),
        "TAN" => Val::Float(f(0).tan()),
        "ASIN" => Val::Float(f(0).asin()),
        "ACOS" => Val::Float(f(0).acos()),
        "ATAN" => Val::Float(f(0).atan()),
        "SINT" => Val::Int(i64::from(int(0) as u32 as i32)),
        "UINT" => Val::Int(i64::from(int(0) as u32)),
        "BIGINT" => Val::Int(int(0)),
        "CRC32" => Val::Int(i64::from(crc32(args[0].text().as_bytes()))),
        "TO_STRING" => Val::Str(args[0].text()),
        // The number of thresholds (in ascending order) that are not above the value.
        "INTERVAL" => Val::Int(
            args[1..]
                .iter()
                .take_while(|t| t.as_f64().unwrap_or(0.0) <= f(0))
                .count() as i64,
        ),
        // The sum of the weights whose bit is set in the mask.
        _ => {
            let mask = int(0) as u64;
            let sum = (1..args.len())
                .filter(|&i| i <= 64 && mask & (1 << (i - 1)) != 0)
                .map(int)
                .sum();
            Val::Int(sum)
        }
    }
}

/// CRC-32 (IEEE, as zlib computes it).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sphinx_scalar_functions() {
        let i = Val::Int;
        assert_eq!(apply("INTERVAL", &[i(4), i(2), i(4), i(6)]), i(2));
        assert_eq!(apply("INTERVAL", &[i(1), i(2), i(4)]), i(0));
        assert_eq!(apply("BITDOT", &[i(5), i(1), i(2), i(10)]), i(11));
        assert_eq!(
            apply("CRC32", &[Val::Str("green".into())]),
            i(3_499_814_433)
        );
        assert_eq!(apply("MIN", &[i(5), i(3)]), i(3));
        assert_eq!(apply("MAX", &[i(5), Val::Float(7.5)]), Val::Float(7.5));
        assert_eq!(apply("IDIV", &[i(7), i(2)]), i(3));
        assert_eq!(apply("IDIV", &[i(7), i(0)]), i(0));
        assert_eq!(apply("SINT", &[i(4_294_967_294)]), i(-2));
        assert_eq!(apply("UINT", &[Val::Float(3.7)]), i(3));
        assert_eq!(apply("TO_STRING", &[i(12)]), Val::Str("12".into()));
        assert_eq!(apply("POW", &[i(3), i(2)]), Val::Float(9.0));
        assert!(is_scalar("MIN", 2) && !is_scalar("MIN", 1) && !is_scalar("NOPE", 1));
    }
}
