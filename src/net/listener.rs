//! Binding the configured `listen` sockets and accepting connections on them.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, UnixListener};

use crate::config::{Listen, ListenAddr, Proto};
use crate::net::dispatch::{self, Ctx};
use crate::net::workers::Workers;
use crate::net::BoxStream;

/// A bound socket with the `listen` directive it came from.
pub struct Listener {
    pub spec: Arc<Listen>,
    socket: Socket,
}

enum Socket {
    Tcp(TcpListener),
    Unix(UnixListener, PathBuf),
}

impl Listener {
    /// Binds one directive. Must run inside the tokio runtime.
    pub fn bind(spec: &Listen) -> io::Result<Listener> {
        let socket = match &spec.addr {
            ListenAddr::Tcp { host, port, .. } => {
                let addr = SocketAddr::new(*host, *port);
                Socket::Tcp(bind_tcp(addr)?)
            }
            ListenAddr::Unix(path) => {
                remove_stale_socket(path)?;
                Socket::Unix(UnixListener::bind(path)?, path.clone())
            }
        };
        Ok(Listener {
            spec: Arc::new(spec.clone()),
            socket,
        })
    }

    /// The address actually bound (the port is known even when 0 was asked for).
    pub fn local_addr(&self) -> String {
        match &self.socket {
            Socket::Tcp(l) => l
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_else(|_| "?".into()),
            Socket::Unix(_, path) => path.display().to_string(),
        }
    }

    /// The start-up log line for this listener.
    pub fn log_line(&self) -> String {
        match &self.socket {
            Socket::Tcp(_) => format!(
                "listening on {} for {}",
                self.local_addr(),
                self.spec.proto.log_name()
            ),
            Socket::Unix(_, path) => format!("listening on UNIX socket {}", path.display()),
        }
    }

    /// Accepts connections until shutdown, handing each to its own task on one of
    /// the connection `workers`.
    pub async fn run(self, ctx: Ctx, workers: Arc<Workers>) {
        let shutdown = ctx.shutdown.clone();
        let mut backoff = Duration::from_millis(5);
        loop {
            let accepted = tokio::select! {
                _ = shutdown.wait() => break,
                a = self.accept() => a,
            };
            match accepted {
                Ok((stream, peer)) => {
                    backoff = Duration::from_millis(5);
                    let ctx = ctx.clone();
                    let spec = Arc::clone(&self.spec);
                    workers.spawn(move || async move {
                        // Registered with the event loop of the worker it runs on.
                        match stream.register() {
                            Ok(stream) => dispatch::handle(stream, peer, spec, ctx).await,
                            Err(e) => tracing::warn!("dropping a connection from {peer}: {e}"),
                        }
                    });
                }
                Err(e) => {
                    // Out of descriptors and similar: wait a little, never spin.
                    tracing::warn!("accept() failed on {}: {e}", self.local_addr());
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                }
            }
        }
        if let Socket::Unix(_, path) = &self.socket {
            let _ = std::fs::remove_file(path);
        }
    }

    async fn accept(&self) -> io::Result<(Accepted, String)> {
        match &self.socket {
            Socket::Tcp(l) => {
                let (s, peer) = l.accept().await?;
                let _ = s.set_nodelay(true);
                Ok((Accepted::Tcp(s.into_std()?), peer.ip().to_string()))
            }
            Socket::Unix(l, _) => {
                let (s, _) = l.accept().await?;
                Ok((Accepted::Unix(s.into_std()?), "(unix)".to_string()))
            }
        }
    }
}

/// An accepted socket on its way to a worker (non-blocking, not yet registered
/// with any event loop).
enum Accepted {
    Tcp(std::net::TcpStream),
    Unix(std::os::unix::net::UnixStream),
}

impl Accepted {
    /// Registers the socket with the event loop of the calling thread's runtime.
    fn register(self) -> io::Result<BoxStream> {
        Ok(match self {
            Accepted::Tcp(s) => Box::new(tokio::net::TcpStream::from_std(s)?),
            Accepted::Unix(s) => Box::new(tokio::net::UnixStream::from_std(s)?),
        })
    }
}

/// Binds with SO_REUSEADDR (so a restart does not wait for TIME_WAIT), like upstream.
fn bind_tcp(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// A unix socket file left by a previous run would make bind fail: remove it, but
/// never remove anything that is not a socket.
fn remove_stale_socket(path: &std::path::Path) -> io::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_socket() => std::fs::remove_file(path),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "file exists and is not a socket",
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Whether a directive is served (replication listeners are accepted, not served).
pub fn is_served(spec: &Listen) -> bool {
    spec.proto != Proto::Replication
}
