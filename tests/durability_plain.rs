//! Plain mode: RT tables declared in the config (Manticore's manual style, with
//! `: parent` inheritance, and a Sphinx 2.2 `index` section) are created on first
//! start, reopened after, and keep what was inserted across a clean stop and a
//! SIGKILL.

#[path = "durability_support/mod.rs"]
mod support;

use mysql_async::prelude::Queryable;
use support::{exec, rows, Node};

fn sections(dir: &std::path::Path) -> String {
    let d = dir.join("data");
    format!(
        "table products {{\n    type = rt\n    path = {p}\n    rt_field = title\n    rt_field = description\n    \
         rt_attr_uint = price\n    rt_attr_bigint = big\n    rt_attr_float = rating\n    rt_attr_bool = ok\n    \
         rt_attr_string = tag\n    rt_attr_timestamp = added\n    rt_attr_json = meta\n    \
         rt_attr_multi = cats\n    rt_attr_multi_64 = cats64\n    rt_mem_limit = 128M\n    \
         morphology = stem_en\n    min_word_len = 2\n}}\n\n\
         table products2 : products {{\n    path = {p2}\n}}\n\n\
         index legacy {{\n    type = rt\n    path = {l}\n    rt_field = title\n    rt_attr_uint = gid\n    \
         rt_mem_limit = 32M\n    dict = keywords\n    min_prefix_len = 3\n}}\n",
        p = d.join("products").display(),
        p2 = d.join("products2").display(),
        l = d.join("legacy").display(),
    )
}

async fn view(node: &Node) -> Vec<Vec<String>> {
    let mut c = node.conn().await;
    let mut out = rows(&mut c, "show tables").await;
    out.extend(rows(&mut c, "describe products").await);
    out.extend(rows(&mut c, "select * from products order by id asc").await);
    out.extend(
        rows(
            &mut c,
            "select id from products where match('runs') order by id asc",
        )
        .await,
    );
    out.extend(rows(&mut c, "select * from products2 order by id asc").await);
    out.extend(
        rows(
            &mut c,
            "select * from legacy where match('pre*') order by id asc",
        )
        .await,
    );
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn declared_tables_keep_inserts_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let text = sections(dir.path());
    let mut node = Node::with_config(dir, "    binlog_flush = 1\n", &text);
    node.start();
    let mut c = node.conn().await;
    exec(
        &mut c,
        "insert into products (id, title, description, price, big, rating, ok, tag, added, meta, cats, cats64) \
         values (1, 'a dog runs', 'desc one', 10, -7, 4.5, 1, 'red', 1600000000, '{\"k\":1}', (2,1), (-3)), \
         (2, 'cats sleep', 'two', 20, 8, 1.25, 0, 'blue', 5, '{}', (), ())",
    )
    .await;
    exec(
        &mut c,
        "insert into products2 (id, title) values (5, 'inherited')",
    )
    .await;
    exec(
        &mut c,
        "insert into legacy (id, title, gid) values (9, 'prefixed words', 3)",
    )
    .await;
    exec(&mut c, "delete from products where id = 2").await;
    drop(c);
    let before = view(&node).await;
    let flat = format!("{before:?}");
    assert!(
        flat.contains("a dog runs") && !flat.contains("cats sleep"),
        "{flat}"
    );
    assert!(
        flat.contains("inherited") && flat.contains("prefixed words"),
        "{flat}"
    );
    node.stop();
    node.start();
    assert_eq!(view(&node).await, before);
    node.kill9();
    node.start();
    assert_eq!(view(&node).await, before);
    assert!(node.path("data/products.meta").exists());
    let mut c = node.conn().await;
    let err = c
        .query_drop("create table x (title text)")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("plain mode"), "{err}");
}
