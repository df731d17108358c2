//! MySQL protocol front end.

mod compress;
mod packet;
mod wire;
