//! The search and bulk-insert workloads: statements built from the corpus files
//! before the clock starts, so that the driver's own cost during a run is sending
//! bytes and reading answers.

/// One `SELECT id, WEIGHT() ... MATCH('<q>') LIMIT 20` per non-empty line of `path`.
pub fn queries(path: &str, table: &str) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let out: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|q| {
            format!(
                "SELECT id, WEIGHT() FROM {table} WHERE MATCH('{}') LIMIT 20",
                escape(q)
            )
        })
        .collect();
    if out.is_empty() {
        return Err(format!("{path}: no queries"));
    }
    Ok(out)
}

/// Multi-row INSERTs of `batch` documents each from a TSV file of
/// `id<TAB>title<TAB>body<TAB>price<TAB>category` lines, each with its document count.
pub fn insert_batches(path: &str, table: &str, batch: usize) -> Result<Vec<(String, u64)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let head = format!("INSERT INTO {table} (id,title,body,price,category) VALUES ");
    let (mut out, mut cur, mut in_cur) = (Vec::new(), head.clone(), 0u64);
    for (n, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        let [id, title, body, price, category] = f[..] else {
            return Err(format!("{path}:{}: expected 5 tab-separated fields", n + 1));
        };
        let id: u64 = id
            .parse()
            .map_err(|e| format!("{path}:{}: id: {e}", n + 1))?;
        let price: u32 = price
            .parse()
            .map_err(|e| format!("{path}:{}: price: {e}", n + 1))?;
        if in_cur > 0 {
            cur.push(',');
        }
        cur.push_str(&format!(
            "({id},'{}','{}',{price},'{}')",
            escape(title),
            escape(body),
            escape(category)
        ));
        in_cur += 1;
        if in_cur == batch.max(1) as u64 {
            out.push((std::mem::replace(&mut cur, head.clone()), in_cur));
            in_cur = 0;
        }
    }
    if in_cur > 0 {
        out.push((cur, in_cur));
    }
    Ok(out)
}

/// A SQL string literal's content: backslash and single quote escaped.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\'")
}

/// User plus system CPU seconds this process has used so far (`/proc/self/stat`).
pub fn self_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // fields after the ")" that ends the command name: state is field 3
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after the state
    (ticks(11) + ticks(12)) / 100.0
}
