//! MySQL protocol front end. (Temporary shim in the lead's branch; replaced at merge.)

use std::sync::Arc;

use crate::net::BoxStream;
use crate::service::{ConnectionGuard, Service};

pub struct MysqlConn {
    pub service: Arc<dyn Service>,
    pub guard: ConnectionGuard,
    pub vip: bool,
    pub readonly: bool,
}

pub async fn serve(stream: BoxStream, conn: MysqlConn) {
    let _ = (stream, conn);
}

pub fn maxed_out_packet(msg: &str) -> Vec<u8> {
    msg.as_bytes().to_vec()
}
