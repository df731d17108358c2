//! Listeners, protocol sniffing, connection limits and shutdown.

pub mod dispatch;
mod listener;
mod shutdown;
pub mod sniff;
mod stream;
mod workers;

pub use listener::{is_served, Listener};
pub use shutdown::{Drain, DrainToken, Shutdown};
pub use stream::{BoxStream, PrefixedStream, Stream, TlsInfo};
pub use workers::Workers;
