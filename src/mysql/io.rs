//! A packet reader/writer over one connection: buffering, sequence ids, optional
//! compressed framing, timeouts, and handing the raw stream over for a TLS upgrade.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::wire::WireError;
use super::{compress, packet};
use crate::net::BoxStream;

/// Why reading or writing stopped.
#[derive(Debug)]
pub enum IoError {
    /// The peer closed the connection.
    Closed,
    /// No bytes within the allowed time.
    Timeout,
    /// The socket failed.
    Io(io::Error),
    /// The peer sent bad framing or too big a packet.
    Wire(WireError),
}

impl From<io::Error> for IoError {
    fn from(e: io::Error) -> Self {
        IoError::Io(e)
    }
}

impl From<WireError> for IoError {
    fn from(e: WireError) -> Self {
        IoError::Wire(e)
    }
}

/// Packet-level access to a connection.
pub struct PacketIo {
    stream: BoxStream,
    /// Bytes read from the socket, not yet used.
    raw: Vec<u8>,
    /// Decompressed bytes not yet used (compressed mode).
    plain: Vec<u8>,
    /// Plain packets waiting to be written.
    out: Vec<u8>,
    seq: u8,
    comp_seq: u8,
    compressed: bool,
    max_packet: usize,
}

impl PacketIo {
    /// Wraps a connection; packets above `max_packet` bytes are refused.
    pub fn new(stream: BoxStream, max_packet: usize) -> Self {
        PacketIo {
            stream,
            raw: Vec::new(),
            plain: Vec::new(),
            out: Vec::new(),
            seq: 0,
            comp_seq: 0,
            compressed: false,
            max_packet,
        }
    }

    /// The connection (for its TLS details).
    pub fn stream(&self) -> &BoxStream {
        &self.stream
    }

    /// Switches to compressed framing for everything that follows.
    pub fn enable_compression(&mut self) {
        self.compressed = true;
    }

    /// Reads one logical packet. The wait for its first byte is bounded by
    /// `first_wait`, later bytes by `mid_wait`.
    pub async fn read(
        &mut self,
        first_wait: Duration,
        mid_wait: Duration,
    ) -> Result<Vec<u8>, IoError> {
        let mut wait = if self.raw.is_empty() && self.plain.is_empty() {
            first_wait
        } else {
            mid_wait
        };
        loop {
            if let Some(p) = self.take_packet()? {
                return Ok(p);
            }
            self.fill(wait).await?;
            wait = mid_wait;
        }
    }

    /// Takes a complete packet out of the buffers, if there is one.
    fn take_packet(&mut self) -> Result<Option<Vec<u8>>, IoError> {
        loop {
            let src = if self.compressed {
                &mut self.plain
            } else {
                &mut self.raw
            };
            if let Some(d) = packet::decode(src, self.max_packet)? {
                src.drain(..d.consumed);
                self.seq = d.seq.wrapping_add(1);
                return Ok(Some(d.payload));
            }
            if !self.compressed {
                return Ok(None);
            }
            match compress::decode(&self.raw, self.max_packet)? {
                Some(f) => {
                    self.raw.drain(..f.consumed);
                    self.comp_seq = f.seq.wrapping_add(1);
                    self.plain.extend_from_slice(&f.data);
                }
                None => return Ok(None),
            }
        }
    }

    async fn fill(&mut self, wait: Duration) -> Result<(), IoError> {
        // Reads straight into the buffer's free space: at least 16 KiB, more once
        // the buffer has grown for a large packet (fewer reads, no extra copy).
        self.raw.reserve(16 * 1024);
        let n = tokio::time::timeout(wait, self.stream.read_buf(&mut self.raw))
            .await
            .map_err(|_| IoError::Timeout)??;
        if n == 0 {
            return Err(IoError::Closed);
        }
        Ok(())
    }

    /// Queues one packet with the next sequence id.
    pub fn push(&mut self, payload: &[u8]) {
        self.seq = packet::encode(payload, self.seq, &mut self.out);
    }

    /// Writes everything queued (compressing it in compressed mode).
    pub async fn flush(&mut self) -> Result<(), IoError> {
        if self.out.is_empty() {
            return Ok(());
        }
        let data = std::mem::take(&mut self.out);
        if self.compressed {
            let mut framed = Vec::with_capacity(data.len() / 2 + 16);
            self.comp_seq = compress::encode(&data, self.comp_seq, &mut framed);
            self.stream.write_all(&framed).await?;
        } else {
            self.stream.write_all(&data).await?;
        }
        self.stream.flush().await?;
        Ok(())
    }

    /// Queues and writes one packet.
    pub async fn send(&mut self, payload: &[u8]) -> Result<(), IoError> {
        self.push(payload);
        self.flush().await
    }

    /// Hands the stream over for a TLS handshake, together with any bytes already
    /// read past the last packet.
    pub fn into_parts(self) -> (BoxStream, Vec<u8>, u8) {
        (self.stream, self.raw, self.seq)
    }

    /// Resumes packet I/O over an upgraded stream, keeping the sequence id.
    pub fn resume(stream: BoxStream, seq: u8, max_packet: usize) -> Self {
        let mut io = PacketIo::new(stream, max_packet);
        io.seq = seq;
        io
    }

    /// Closes the write side, ignoring errors (the connection is going away).
    pub async fn shutdown(&mut self) {
        let _ = self.stream.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::{TcpListener, TcpStream};

    const T: Duration = Duration::from_secs(5);

    async fn pair() -> (TcpStream, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let c = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
        (l.accept().await.unwrap().0, c)
    }

    #[tokio::test]
    async fn reads_and_writes_packets_with_sequence() {
        let (a, mut b) = pair().await;
        let mut io = PacketIo::new(Box::new(a), 1024);
        b.write_all(&[1, 0, 0, 0, 0x0e, 2, 0, 0]).await.unwrap();
        assert_eq!(io.read(T, T).await.unwrap(), [0x0e]);
        io.send(b"ok").await.unwrap();
        let mut got = [0u8; 6];
        b.read_exact(&mut got).await.unwrap();
        assert_eq!(got, [2, 0, 0, 1, b'o', b'k']);
        let (_, leftover, seq) = io.into_parts();
        assert_eq!((leftover, seq), (vec![2, 0, 0], 2));
    }

    #[tokio::test]
    async fn compressed_mode_roundtrip() {
        let (a, mut b) = pair().await;
        let mut io = PacketIo::new(Box::new(a), 1024);
        io.enable_compression();
        // Stored frame (seq 0) holding COM_PING (seq 0).
        b.write_all(&[5, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x0e])
            .await
            .unwrap();
        assert_eq!(io.read(T, T).await.unwrap(), [0x0e]);
        io.send(&[0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00])
            .await
            .unwrap();
        let mut got = [0u8; 18];
        b.read_exact(&mut got).await.unwrap();
        assert_eq!(
            got,
            [11, 0, 0, 1, 0, 0, 0, 7, 0, 0, 1, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]
        );
    }

    #[tokio::test]
    async fn too_big_and_closed() {
        let (a, mut b) = pair().await;
        let mut io = PacketIo::new(Box::new(a), 10);
        b.write_all(&[20, 0, 0, 0]).await.unwrap();
        assert!(matches!(
            io.read(T, T).await,
            Err(IoError::Wire(WireError::TooBig))
        ));
        drop(b);
        let (a, b) = pair().await;
        let mut io = PacketIo::new(Box::new(a), 10);
        drop(b);
        assert!(matches!(io.read(T, T).await, Err(IoError::Closed)));
    }
}
