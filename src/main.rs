//! The `searchd` binary: everything happens in the library.

/// jemalloc, with the options of `.cargo/config.toml`: after a bulk load it
/// returns freed memory to the system (the C library's allocator kept about half
/// of the daemon's RSS as free space in per-thread arenas), at the same CPU cost.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let code = searchd::daemon::main_with_args(std::env::args().skip(1).collect());
    std::process::exit(code);
}
