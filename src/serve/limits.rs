//! Purpose: what every request to `serve` is held to before a route sees it — a body of at
//! most [`MAX_BODY`] (`413`, refused on its `Content-Length` before a byte of it is read, or
//! cut off while a chunked one is read), sent within the body timeout (`408` for a client
//! that sends it too slowly) — and the last guard against a panic in a route, answered `500`
//! with a reference id the log line beside the panic carries. Routes keep their own, smaller
//! limits (Slack's and Discord's doors: 64 KiB).

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::time::Duration;

use crate::fault;

/// The largest request body any route accepts: 1 MiB.
pub const MAX_BODY: usize = 1024 * 1024;

/// Holds a request to the limits, then runs the route under a panic guard.
pub async fn guard(State(body_timeout): State<Duration>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY as u64) {
        tracing::warn!(path = %request.uri().path(), "request refused: body over 1 MiB");
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(body_timeout, Limited::new(body, MAX_BODY).collect()).await;
    let bytes: Bytes = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
            tracing::warn!(path = %parts.uri.path(), "request refused: body over 1 MiB");
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        }
        Ok(Err(_)) => return StatusCode::BAD_REQUEST.into_response(),
        Err(_) => {
            tracing::warn!(path = %parts.uri.path(), "request refused: body not sent within the body timeout");
            return StatusCode::REQUEST_TIMEOUT.into_response();
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    // Nothing reaches a route's commit without passing `App::execute`, which says itself
    // whether it changed anything; a panic that escapes to here cannot be placed.
    match fault::catch_async("HTTP request", fault::Changed::Maybe, next.run(request)).await {
        Ok(response) => response,
        Err(fault) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error (reference {})", fault.reference),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::post;
    use axum::Router;
    use hyper_util::service::TowerToHyperService;

    fn app() -> Router {
        Router::new()
            .route("/echo", post(|body: Bytes| async move { body }))
            .route(
                "/bug",
                post(|| async {
                    if true {
                        panic!("injected fault in a route");
                    }
                    "unreachable"
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                Duration::from_secs(5),
                guard,
            ))
    }

    async fn send(request: Request) -> (StatusCode, String) {
        let service = TowerToHyperService::new(app());
        let response = hyper::service::Service::call(&service, request)
            .await
            .expect("infallible");
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn oversized_bodies_are_refused_and_panics_answered_500_with_a_reference() {
        let declared = Request::post("/echo")
            .header(header::CONTENT_LENGTH, (20 * 1024 * 1024).to_string())
            .body(Body::empty())
            .expect("request");
        assert_eq!(send(declared).await.0, StatusCode::PAYLOAD_TOO_LARGE);
        let chunks = futures::stream::iter(
            (0..32).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; 64 * 1024]))),
        );
        let streamed = Request::post("/echo")
            .body(Body::from_stream(chunks))
            .expect("request");
        assert_eq!(send(streamed).await.0, StatusCode::PAYLOAD_TOO_LARGE);
        let small = Request::post("/echo")
            .body(Body::from("hi"))
            .expect("request");
        assert_eq!(send(small).await, (StatusCode::OK, "hi".into()));
        let bug = Request::post("/bug").body(Body::empty()).expect("request");
        let (status, body) = send(bug).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let reference = body.trim_start_matches("internal error (reference ");
        assert_eq!(reference.len(), 9, "{body}");
    }
}
