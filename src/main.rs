//! The `searchd` binary: everything happens in the library.

fn main() {
    let code = searchd::daemon::main_with_args(std::env::args().skip(1).collect());
    std::process::exit(code);
}
