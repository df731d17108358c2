//! Listeners, protocol sniffing, connection limits and shutdown.

mod stream;

pub use stream::{BoxStream, PrefixedStream, Stream, TlsInfo};
