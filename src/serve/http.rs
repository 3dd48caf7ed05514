//! Purpose: the HTTP listener under `serve` — hyper's HTTP/1 connections, each with a
//! deadline on request headers, and a shutdown that stops accepting, lets requests in flight
//! finish within a grace period, and never waits on a half-sent one.
//!
//! Why not `axum::serve`: it sets no timer on hyper's connection builder, so hyper's
//! `header_read_timeout` ("Requires a Timer set by Builder::timer to take effect", hyper
//! 1.x `server/conn/http1.rs`) never runs, and a client that sends its headers a byte a
//! minute holds its connection (a file descriptor) for ever. Here the builder gets
//! `TokioTimer` and the configured timeout, which also closes kept-alive connections that
//! stay idle that long (hyper starts the timer whenever it waits for a request head).
//!
//! On shutdown every connection is told to finish (hyper's `graceful_shutdown`: an idle one
//! closes, one with a response under way closes after it). A connection with no request in
//! the handler — nothing received, or a request head only partly received — is dropped at
//! once: waiting for the rest of a request no one would answer is what a slow client wants.
//! What is still running when the grace period ends is dropped.
//!
//! [`listen`] opens the listener with a deep accept queue: std and mio listen with a backlog
//! of 128 (mio 1.2 `net/tcp/listener.rs`, "the same backlog value as the standard
//! library"), so 200 clients connecting at once overflowed it (`TcpExtListenOverflows` in
//! `nstat`) and the dropped ones waited out TCP's 1 s SYN retransmission: the first burst
//! after start had a p99 of a second.

use axum::body::Body;
use axum::Router;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::HttpTimeouts;

/// Finished handshakes the kernel may queue for `accept` (it caps this at
/// `net.core.somaxconn`, 4096 on current Linux).
const BACKLOG: u32 = 4096;

/// A listener on `addr` (`host:port`; the first address it resolves to that binds) with an
/// accept queue of [`BACKLOG`].
pub async fn listen(addr: &str) -> std::io::Result<TcpListener> {
    let mut failure = None;
    for resolved in tokio::net::lookup_host(addr).await? {
        let socket = if resolved.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(resolved) {
            Ok(()) => return socket.listen(BACKLOG),
            Err(error) => failure = Some(error),
        }
    }
    Err(failure.unwrap_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::AddrNotAvailable,
            format!("{addr} names no address"),
        )
    }))
}

/// How long accepting pauses after it failed (out of file descriptors, say), so the loop
/// does not spin while connections are being closed.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// Serves `routes` on `listener` until `shutdown` resolves, then drains as described above.
pub async fn serve(
    listener: TcpListener,
    routes: Router,
    timeouts: HttpTimeouts,
    shutdown: impl Future<Output = ()>,
) {
    let service = TowerToHyperService::new(routes);
    let (closing, closed) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        // Finished connections are reaped as new ones come.
        while connections.try_join_next().is_some() {}
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                let connection = connection(stream, service.clone(), timeouts, closed.clone());
                connections.spawn(connection);
            }
            Err(error) => {
                tracing::warn!(%error, "could not accept a connection; pausing");
                tokio::select! {
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(ACCEPT_PAUSE) => {}
                }
            }
        }
    }
    drop(listener);
    let _ = closing.send(true);
    let open = connections.len();
    let drained = tokio::time::timeout(timeouts.grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            left = connections.len(),
            grace = ?timeouts.grace,
            "requests still running at the end of the grace period were dropped"
        );
        connections.shutdown().await;
    } else if open > 0 {
        tracing::info!(open, "connections closed");
    }
}

/// Drives one connection until it ends, or until shutdown finds no request in its handler.
async fn connection(
    stream: TcpStream,
    service: TowerToHyperService<Router>,
    timeouts: HttpTimeouts,
    mut closing: watch::Receiver<bool>,
) {
    let busy = Arc::new(AtomicUsize::new(0));
    let counted = {
        let busy = busy.clone();
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let guard = Busy::enter(busy.clone());
            let answering = hyper::service::Service::call(&service, request);
            async move {
                let response = answering.await?;
                // Busy until the response body is written (hyper drops it then).
                Ok::<_, std::convert::Infallible>(response.map(|body| {
                    Body::new(body.map_frame(move |frame| {
                        let _still_busy = &guard;
                        frame
                    }))
                }))
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header);
    let conn = builder.serve_connection(TokioIo::new(stream), counted);
    tokio::pin!(conn);
    tokio::select! {
        _ = &mut conn => return,
        _ = closing.wait_for(|closing| *closing) => {}
    }
    conn.as_mut().graceful_shutdown();
    if busy.load(Ordering::SeqCst) == 0 {
        return;
    }
    let _ = conn.await;
}

/// Counts a request in a connection's handler while it lives.
struct Busy(Arc<AtomicUsize>);

impl Busy {
    fn enter(count: Arc<AtomicUsize>) -> Busy {
        count.fetch_add(1, Ordering::SeqCst);
        Busy(count)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clients connecting at once, none accepted yet, all get through the handshake: with
    /// std's and mio's backlog of 128, those past it waited a 1 s SYN retransmission.
    #[tokio::test]
    async fn a_burst_of_connections_fits_the_accept_queue() {
        let somaxconn: usize = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(BACKLOG as usize);
        let clients = 300.min(somaxconn);
        let listener = listen("127.0.0.1:0").await.expect("listen");
        let addr = listener.local_addr().expect("addr");
        let connecting: Vec<_> = (0..clients)
            .map(|_| {
                tokio::spawn(tokio::time::timeout(
                    Duration::from_millis(700),
                    TcpStream::connect(addr),
                ))
            })
            .collect();
        let mut connected = 0;
        for client in connecting {
            if matches!(client.await, Ok(Ok(Ok(_)))) {
                connected += 1;
            }
        }
        assert_eq!(
            connected, clients,
            "handshakes lost to a short accept queue"
        );
        drop(listener);
    }

    #[tokio::test]
    async fn an_address_that_is_none_is_an_error() {
        assert!(listen("not an address").await.is_err());
    }
}
