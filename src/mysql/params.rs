//! COM_STMT_EXECUTE parameters: the NULL bitmap, the types block (when new params are
//! bound) and the binary values, turned into escaped SQL literals.

use std::collections::HashMap;

use super::sqltext::quote;
use super::wire::{Reader, WireError, WireResult};

/// A parameter's wire type and its unsigned flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamType {
    /// MySQL type code.
    pub code: u8,
    /// The unsigned flag (0x80 of the flags byte).
    pub unsigned: bool,
}

/// The fixed head of COM_STMT_EXECUTE (after the command byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecuteHead {
    /// The statement id from COM_STMT_PREPARE.
    pub stmt_id: u32,
    /// Cursor flags (cursors are not supported; ignored).
    pub flags: u8,
}

/// Reads the statement id, flags and iteration count.
pub fn parse_head(r: &mut Reader<'_>) -> WireResult<ExecuteHead> {
    let stmt_id = r.u32()?;
    let flags = r.u8()?;
    r.u32()?;
    Ok(ExecuteHead { stmt_id, flags })
}

/// Decodes `n` parameters. `types` holds the types bound by an earlier execute and is
/// replaced when this one binds new ones; `long_data` holds COM_STMT_SEND_LONG_DATA
/// values, which the packet does not repeat.
pub fn decode(
    r: &mut Reader<'_>,
    n: usize,
    types: &mut Vec<ParamType>,
    long_data: &HashMap<u16, Vec<u8>>,
) -> WireResult<Vec<String>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let bitmap = r.take(n.div_ceil(8))?;
    if r.u8()? == 1 {
        *types = (0..n)
            .map(|_| {
                Ok(ParamType {
                    code: r.u8()?,
                    unsigned: r.u8()? & 0x80 != 0,
                })
            })
            .collect::<WireResult<_>>()?;
    }
    if types.len() != n {
        return Err(WireError::Malformed("parameter types were never bound"));
    }
    let mut out = Vec::with_capacity(n);
    for (i, ty) in types.iter().enumerate() {
        let lit = if bitmap[i / 8] & (1 << (i % 8)) != 0 {
            "NULL".to_string()
        } else if let Some(data) = u16::try_from(i).ok().and_then(|k| long_data.get(&k)) {
            quote(&String::from_utf8_lossy(data))
        } else {
            literal(r, *ty)?
        };
        out.push(lit);
    }
    Ok(out)
}

/// Reads one value and renders it as an SQL literal.
pub fn literal(r: &mut Reader<'_>, ty: ParamType) -> WireResult<String> {
    let int = |v: u64, bits: u32| -> String {
        if ty.unsigned {
            v.to_string()
        } else {
            let shift = 64 - bits;
            (((v << shift) as i64) >> shift).to_string()
        }
    };
    Ok(match ty.code {
        0x06 => "NULL".into(),
        0x01 => int(r.uint(1)?, 8),
        0x02 | 0x0D => int(r.uint(2)?, 16),
        0x03 | 0x09 => int(r.uint(4)?, 32),
        0x08 => int(r.uint(8)?, 64),
        0x04 => float(f64::from(f32::from_bits(r.u32()?))),
        0x05 => float(f64::from_bits(r.uint(8)?)),
        0x07 | 0x0A | 0x0C => quote(&datetime(r.lenenc_bytes_u8()?)?),
        0x0B => quote(&time(r.lenenc_bytes_u8()?)?),
        0x00 | 0x0F | 0x10 | 0xF5..=0xFE => quote(&String::from_utf8_lossy(r.lenenc_bytes()?)),
        _ => return Err(WireError::Malformed("unknown parameter type")),
    })
}

fn float(v: f64) -> String {
    if v.is_finite() {
        format!("{v:?}")
    } else {
        "NULL".into()
    }
}

impl<'a> Reader<'a> {
    /// A temporal value: one length byte, then that many bytes.
    fn lenenc_bytes_u8(&mut self) -> WireResult<&'a [u8]> {
        let n = self.u8()?;
        self.take(usize::from(n))
    }
}

/// DATE / DATETIME / TIMESTAMP body (0, 4, 7 or 11 bytes).
fn datetime(b: &[u8]) -> WireResult<String> {
    let mut r = Reader::new(b);
    if b.is_empty() {
        return Ok("0000-00-00 00:00:00".into());
    }
    let (y, m, d) = (r.u16()?, r.u8()?, r.u8()?);
    let mut s = format!("{y:04}-{m:02}-{d:02}");
    if b.len() >= 7 {
        let (h, mi, se) = (r.u8()?, r.u8()?, r.u8()?);
        s.push_str(&format!(" {h:02}:{mi:02}:{se:02}"));
    }
    if b.len() >= 11 {
        s.push_str(&format!(".{:06}", r.u32()?));
    }
    Ok(s)
}

/// TIME body (0, 8 or 12 bytes): sign, days, hours, minutes, seconds, micros.
fn time(b: &[u8]) -> WireResult<String> {
    if b.is_empty() {
        return Ok("00:00:00".into());
    }
    let mut r = Reader::new(b);
    let neg = r.u8()? == 1;
    let days = r.u32()?;
    let (h, m, s) = (r.u8()?, r.u8()?, r.u8()?);
    let hours = u64::from(days) * 24 + u64::from(h);
    let mut out = format!("{}{hours:02}:{m:02}:{s:02}", if neg { "-" } else { "" });
    if b.len() >= 12 {
        out.push_str(&format!(".{:06}", r.u32()?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(bytes: &[u8], n: usize, types: &mut Vec<ParamType>) -> WireResult<Vec<String>> {
        decode(&mut Reader::new(bytes), n, types, &HashMap::new())
    }

    #[test]
    fn decodes_typed_params_with_null_bitmap() {
        let mut bytes = vec![0b0000_0100, 1];
        // types: LONGLONG, VAR_STRING, NULL-able LONG, DOUBLE, TINY unsigned, DATETIME
        bytes.extend_from_slice(&[0x08, 0, 0xFD, 0, 0x03, 0, 0x05, 0, 0x01, 0x80, 0x0C, 0]);
        bytes.extend_from_slice(&(-5i64).to_le_bytes());
        bytes.extend_from_slice(b"\x04it's");
        bytes.extend_from_slice(&2.5f64.to_le_bytes());
        bytes.push(200);
        bytes.extend_from_slice(&[7, 0xE8, 0x07, 2, 29, 13, 5, 9]);
        let mut types = Vec::new();
        let got = run(&bytes, 6, &mut types).unwrap();
        assert_eq!(
            got,
            [
                "-5",
                "'it\\'s'",
                "NULL",
                "2.5",
                "200",
                "'2024-02-29 13:05:09'"
            ]
        );
        assert_eq!(types.len(), 6);
    }

    #[test]
    fn reuses_bound_types() {
        let mut types = vec![ParamType {
            code: 0x03,
            unsigned: false,
        }];
        let got = run(&[0, 0, 0xFF, 0xFF, 0xFF, 0xFF], 1, &mut types).unwrap();
        assert_eq!(got, ["-1"]);
    }

    #[test]
    fn long_data_replaces_value() {
        let mut types = Vec::new();
        let mut long = HashMap::new();
        long.insert(0u16, b"big".to_vec());
        let bytes = [0, 1, 0xFC, 0];
        let got = decode(&mut Reader::new(&bytes), 1, &mut types, &long).unwrap();
        assert_eq!(got, ["'big'"]);
    }

    #[test]
    fn bad_params_are_errors() {
        let mut types = Vec::new();
        assert!(run(&[0, 0], 1, &mut types).is_err());
        assert!(run(&[0, 1, 0x08, 0, 1, 2], 1, &mut types).is_err());
        assert!(run(&[0, 1, 0x42, 0, 1], 1, &mut types).is_err());
        assert!(run(&[], 1, &mut types).is_err());
    }
}
