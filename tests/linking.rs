//! The server must not link libssl/libcrypto at build time: it loads them at run time
//! so that it starts (and degrades) where no usable TLS library is installed.

#[test]
fn the_binary_has_no_build_time_dependency_on_openssl() {
    let out = std::process::Command::new("readelf")
        .arg("-d")
        .arg(env!("CARGO_BIN_EXE_searchd"))
        .output()
        .expect("readelf (binutils) must be installed");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let needed: Vec<&str> = text.lines().filter(|l| l.contains("(NEEDED)")).collect();
    assert!(
        !needed.is_empty(),
        "readelf shows no NEEDED entries:\n{text}"
    );
    for line in &needed {
        assert!(
            !line.contains("libssl") && !line.contains("libcrypto"),
            "links OpenSSL at build time: {line}"
        );
    }
}
