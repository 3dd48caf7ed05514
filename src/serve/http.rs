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
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::HttpTimeouts;

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
