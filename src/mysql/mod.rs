//! MySQL protocol front end.

mod compress;
mod packet;
mod wire;
mod handshake;
mod response;
mod resultset;
mod params;
mod sqltext;
