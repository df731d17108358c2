//! The TLS engine over memory BIOs: ciphertext moves between the socket and the two
//! BIOs; every OpenSSL call, its `SSL_get_error` and the error queue are read within
//! one poll (the queue is per thread and tasks may move between threads).

#![allow(unsafe_code)]

use std::ffi::c_void;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::ffi;
use super::handle::{clear_errors, drain_errors, Ssl, SslCtx};

/// Ciphertext moved per socket read.
const READ_CHUNK: usize = 32 * 1024;
/// Ciphertext moved out of the output BIO per socket write.
const WRITE_CHUNK: usize = 64 * 1024;
/// Plaintext encrypted per `poll_write` (a few records).
const PLAIN_CHUNK: usize = 64 * 1024;

/// An established (or establishing) TLS connection over `io`.
pub struct TlsStream<S> {
    io: S,
    ssl: Ssl,
    /// Keeps the context the connection was made from alive (contexts can be swapped).
    _ctx: Arc<SslCtx>,
    /// Ciphertext taken from the output BIO and not yet written
    /// (`out[out_pos..out_len]`). Allocated (and zeroed) once, on first use.
    out: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    /// Scratch buffer for socket reads.
    inbuf: Vec<u8>,
    /// The peer closed (close_notify or TCP EOF): reads return end of stream.
    read_eof: bool,
    /// close_notify has been produced.
    shutdown_sent: bool,
    /// A fatal handshake error waiting for its alert to be flushed.
    failed: Option<String>,
    /// The task that last waited for the socket to accept writes: a read that flushes
    /// ciphertext may steal its wakeup, so it is woken when the read side drains.
    writer: Option<Waker>,
    /// The output BIO is known to be empty (no OpenSSL call since it was drained):
    /// what spares a `BIO_ctrl_pending` per flush.
    out_drained: bool,
    /// What is known of the input waiting to be decrypted.
    input: Input,
}

/// What is known of the input BIO and OpenSSL's own buffer, so that a poll does not
/// ask OpenSSL again what it already answered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    /// Ciphertext was just fed in.
    Present,
    /// The last read wanted more: nothing can be decrypted before the socket gives more.
    Exhausted,
    /// An OpenSSL call ran since: ask.
    Unknown,
}

/// What one OpenSSL call ended with.
struct Outcome {
    ret: i32,
    code: i32,
    errors: String,
}

impl<S> TlsStream<S> {
    pub(super) fn new(io: S, ctx: Arc<SslCtx>) -> io::Result<Self> {
        let ssl = Ssl::new_accept(&ctx).map_err(io::Error::other)?;
        Ok(TlsStream {
            io,
            ssl,
            _ctx: ctx,
            out: Vec::new(),
            out_pos: 0,
            out_len: 0,
            inbuf: vec![0; READ_CHUNK],
            read_eof: false,
            shutdown_sent: false,
            failed: None,
            writer: None,
            out_drained: true,
            input: Input::Unknown,
        })
    }

    /// Negotiated cipher name, e.g. `TLS_AES_256_GCM_SHA384`.
    pub fn cipher(&self) -> Option<String> {
        self.ssl.cipher()
    }

    /// Negotiated protocol, e.g. `TLSv1.3`.
    pub fn protocol(&self) -> Option<String> {
        self.ssl.protocol()
    }

    /// The subject of the client's certificate (`/CN=...`), when it presented one.
    pub fn peer_subject(&self) -> Option<String> {
        self.ssl.peer_subject()
    }

    /// Why the client's certificate was refused (the verify callback has already
    /// logged it as a warning with the certificate's subject).
    fn client_refusal(&self) -> Option<String> {
        let why = self.ssl.verify_failure()?;
        Some(format!("client certificate refused: {why}"))
    }

    /// The underlying stream.
    pub fn get_ref(&self) -> &S {
        &self.io
    }

    /// Runs `call` on the SSL with a clean error queue, then reads its error code and
    /// drains the queue, all without yielding.
    fn call(&mut self, call: impl FnOnce(*mut ffi::SSL) -> i32) -> Outcome {
        let api = self.ssl.api;
        clear_errors(api);
        let ret = call(self.ssl.as_ptr());
        // Any call may produce output (alerts, tickets, key updates) or consume input.
        self.out_drained = false;
        self.input = Input::Unknown;
        let code = if ret == 1 {
            0
        } else {
            self.ssl.error_code(ret)
        };
        let errors = drain_errors(api);
        Outcome { ret, code, errors }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream<S> {
    /// Writes all ciphertext waiting in the output BIO to the socket.
    fn poll_flush_out(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            if self.out_pos == self.out_len {
                if self.out_drained {
                    return Poll::Ready(Ok(()));
                }
                if self.out.len() < WRITE_CHUNK {
                    // The buffer is allocated on first use only.
                    if self.ssl.pending_out() == 0 {
                        self.out_drained = true;
                        return Poll::Ready(Ok(()));
                    }
                    self.out.resize(WRITE_CHUNK, 0);
                }
                let n = self.ssl.take_out(&mut self.out);
                // A memory BIO gives all it has when it has less than was asked for.
                self.out_drained = n < self.out.len();
                self.out_len = n;
                self.out_pos = 0;
                if n == 0 {
                    return Poll::Ready(Ok(()));
                }
            }
            let pending = &self.out[self.out_pos..self.out_len];
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, pending))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.out_pos += n;
        }
    }

    fn has_unflushed(&mut self) -> bool {
        if self.out_pos < self.out_len {
            return true;
        }
        if !self.out_drained && self.ssl.pending_out() == 0 {
            self.out_drained = true;
        }
        !self.out_drained
    }

    /// Reads ciphertext from the socket into the input BIO; `Ok(false)` at TCP EOF.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<bool>> {
        let mut buf = ReadBuf::new(&mut self.inbuf);
        ready!(Pin::new(&mut self.io).poll_read(cx, &mut buf))?;
        let n = buf.filled().len();
        if n == 0 {
            return Poll::Ready(Ok(false));
        }
        self.ssl
            .put_in(&self.inbuf[..n])
            .map_err(io::Error::other)?;
        self.input = Input::Present;
        Poll::Ready(Ok(true))
    }

    /// Drives the server handshake to completion (or to its error, after the alert
    /// OpenSSL produced has been sent).
    pub(super) fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            if let Some(reason) = &self.failed {
                let reason = reason.clone();
                let _ = ready!(self.poll_flush_out(cx));
                return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, reason)));
            }
            ready!(self.poll_flush_out(cx))?;
            let api = self.ssl.api;
            // SAFETY: the pointer is our live SSL; the call only uses its memory BIOs.
            let out = self.call(|ssl| unsafe { (api.SSL_do_handshake)(ssl) });
            if out.ret == 1 {
                ready!(self.poll_flush_out(cx))?;
                return Poll::Ready(Ok(()));
            }
            match out.code {
                ffi::SSL_ERROR_WANT_READ => {
                    ready!(self.poll_flush_out(cx))?;
                    if !ready!(self.poll_fill(cx))? {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "TLS handshake failed: the peer closed the connection",
                        )));
                    }
                }
                // Anything else (including WANT_WRITE, which memory BIOs never cause)
                // ends the handshake rather than spinning.
                code => {
                    let why = match self.client_refusal() {
                        Some(refusal) => format!("TLS handshake failed: {refusal}"),
                        None => failure("TLS handshake failed", code, &out.errors),
                    };
                    self.failed = Some(why);
                }
            }
        }
    }

    fn wake_writer(&mut self) {
        if let Some(w) = self.writer.take() {
            w.wake();
        }
    }
}

/// The message for a fatal OpenSSL error.
fn failure(what: &str, code: i32, errors: &str) -> String {
    if errors.is_empty() {
        format!("{what}: SSL error {code}")
    } else {
        format!("{what}: {errors}")
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.read_eof || buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            // Post-handshake messages (tickets, key updates) may be waiting to go out;
            // sending them must not block reading.
            // The attempt may take the write wakeup from a task waiting in
            // `poll_write`: wake that task so it registers again.
            if this.has_unflushed() {
                let flushed = this.poll_flush_out(cx);
                this.wake_writer();
                if let Poll::Ready(r) = flushed {
                    r?;
                }
            }
            // Once the handshake is done, a read with no input can only ask for
            // more: go to the socket without the call.
            if this.input == Input::Unknown {
                this.input = if this.ssl.has_input() {
                    Input::Present
                } else {
                    Input::Exhausted
                };
            }
            if this.input == Input::Exhausted {
                if !ready!(this.poll_fill(cx))? {
                    this.read_eof = true;
                    return Poll::Ready(Ok(()));
                }
                continue;
            }
            let api = this.ssl.api;
            // Decrypt straight into the caller's unfilled (possibly uninitialised)
            // space: zero-filling it first would cost a memset per read.
            // SAFETY: the slice is only written to (by SSL_read_ex), never read, and no
            // initialised byte is ever replaced by an uninitialised one.
            let unfilled = unsafe { buf.unfilled_mut() };
            let mut n = 0usize;
            // SAFETY: `unfilled` is writable for its length (SSL_read_ex only writes
            // into it, never reads) and `n` is a valid out pointer; both outlive the call.
            let out = this.call(|ssl| unsafe {
                (api.SSL_read_ex)(
                    ssl,
                    unfilled.as_mut_ptr().cast::<c_void>(),
                    unfilled.len(),
                    &mut n,
                )
            });
            if out.ret == 1 {
                let n = n.min(buf.remaining());
                // SAFETY: SSL_read_ex reported writing `n` bytes (at most the
                // unfilled length) at the start of the unfilled space.
                unsafe { buf.assume_init(n) };
                buf.advance(n);
                return Poll::Ready(Ok(()));
            }
            match out.code {
                ffi::SSL_ERROR_ZERO_RETURN => {
                    this.read_eof = true;
                    return Poll::Ready(Ok(()));
                }
                ffi::SSL_ERROR_WANT_READ => {
                    this.input = Input::Exhausted;
                    if !ready!(this.poll_fill(cx))? {
                        this.read_eof = true;
                        return Poll::Ready(Ok(()));
                    }
                }
                code => {
                    // Best effort: send the alert OpenSSL produced.
                    let _ = this.poll_flush_out(cx);
                    let msg = failure("TLS read failed", code, &out.errors);
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, msg)));
                }
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream<S> {
    /// Flushes ciphertext from the write side, remembering the task if it must wait.
    fn poll_flush_out_writer(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = self.poll_flush_out(cx);
        if r.is_pending() {
            self.writer = Some(cx.waker().clone());
        }
        r
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        // Never encrypt more while earlier ciphertext is still unsent.
        ready!(this.poll_flush_out_writer(cx))?;
        let chunk = &buf[..buf.len().min(PLAIN_CHUNK)];
        let api = this.ssl.api;
        let mut n = 0usize;
        // SAFETY: `chunk` is readable for its length and `n` is a valid out pointer;
        // both outlive the call.
        let out = this.call(|ssl| unsafe {
            (api.SSL_write_ex)(ssl, chunk.as_ptr().cast::<c_void>(), chunk.len(), &mut n)
        });
        if out.ret != 1 {
            let msg = failure("TLS write failed", out.code, &out.errors);
            return Poll::Ready(Err(io::Error::other(msg)));
        }
        // Start sending now; what the socket does not take yet goes out on the next
        // write or flush.
        if let Poll::Ready(Err(e)) = this.poll_flush_out(cx) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_flush_out_writer(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.shutdown_sent {
            ready!(this.poll_flush_out_writer(cx))?;
            let api = this.ssl.api;
            // SAFETY: the pointer is our live SSL; the call writes close_notify into the
            // output BIO. Its result is not needed: we do not wait for the peer's reply.
            this.call(|ssl| unsafe { (api.SSL_shutdown)(ssl) });
            this.shutdown_sent = true;
        }
        ready!(this.poll_flush_out_writer(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

impl<S: crate::net::Stream> crate::net::Stream for TlsStream<S> {
    fn tls_info(&self) -> Option<crate::net::TlsInfo> {
        Some(crate::net::TlsInfo {
            cipher: self.cipher()?,
            protocol: self.protocol()?,
            peer_subject: self.peer_subject(),
        })
    }
}
