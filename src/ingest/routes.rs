//! Purpose: the events API on `serve`'s listener (INGEST.md, "Endpoints") — `POST /v1/batch`
//! and `/v1/track` … `/v1/alias` as Segment's HTTP Tracking API has them
//! (<https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/>): the
//! write key from Basic auth or the body's `writeKey`, a per-key rate limit, the body parsed,
//! the messages stored durably for the key's tenant, then `200 {"success":true}`.
//!
//! Answers: 401 for no, an unknown or a revoked key (never saying which); 400 naming what is
//! wrong with the body; 413 over Segment's limits; 429 with `Retry-After` over the rate limit;
//! 500 with a reference when the store fails (nothing was acknowledged).

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::Utc;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::body::{parse_batch, parse_single, BodyError, Parsed};
use super::message::MessageType;
use super::request::{basic_key, decoded};
use crate::app::App;
use crate::fault;
use crate::store::ingest::Delivery;

/// Requests per second one write key may send, unless configured otherwise.
pub const DEFAULT_RATE: NonZeroU32 = match NonZeroU32::new(2_000) {
    Some(rate) => rate,
    None => NonZeroU32::MIN,
};

struct Intake {
    app: Arc<App>,
    /// Keyed by tenant and key name.
    limiter: DefaultKeyedRateLimiter<String>,
}

/// The events API routes, allowing `rate` requests per second per write key, and the
/// Zendesk webhook ([`super::zendesk`]).
pub fn router(app: Arc<App>, rate: NonZeroU32) -> Router {
    let zendesk = super::zendesk::router(app.clone());
    let intake = Arc::new(Intake {
        app,
        limiter: RateLimiter::keyed(Quota::per_second(rate)),
    });
    Router::new()
        .route("/v1/batch", post(on_batch))
        .route("/v1/{kind}", post(on_single))
        .with_state(intake)
        .merge(zendesk)
}

async fn on_batch(State(intake): State<Arc<Intake>>, headers: HeaderMap, body: Bytes) -> Response {
    receive(intake, None, headers, body).await
}

async fn on_single(
    State(intake): State<Arc<Intake>>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match MessageType::parse(&kind) {
        Some(kind) => receive(intake, Some(kind), headers, body).await,
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn answer(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({"success": false, "error": error}))).into_response()
}

fn unauthorized() -> Response {
    let mut response = answer(
        StatusCode::UNAUTHORIZED,
        "a valid write key is required: send it as the HTTP Basic user name or as \"writeKey\"",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Basic realm=\"steward\""),
    );
    response
}

fn refused(error: &BodyError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    answer(status, &error.to_string())
}

async fn receive(
    intake: Arc<Intake>,
    kind: Option<MessageType>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let received = Utc::now();
    let header_key = basic_key(&headers);
    let parsed: Result<Parsed, BodyError> = decoded(&headers, &body).and_then(|json| match kind {
        None => parse_batch(&json, received),
        Some(kind) => parse_single(kind, &json, received),
    });
    let key: Option<SecretString> = match (&header_key, &parsed) {
        (Some(key), _) => Some(key.clone()),
        (None, Ok(parsed)) => parsed.write_key.clone(),
        (None, Err(_)) => None,
    };
    let Some(key) = key else {
        return unauthorized();
    };
    let owner = match intake.app.store.write_key_tenant(key.expose_secret()) {
        Ok(Some(owner)) => owner,
        Ok(None) => return unauthorized(),
        Err(error) => {
            let reference = fault::reference();
            tracing::error!(%reference, %error, "could not look up a write key");
            return answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("internal error (reference {reference})"),
            );
        }
    };
    if let Err(not_until) = intake
        .limiter
        .check_key(&format!("{}\u{0}{}", owner.tenant, owner.name))
    {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut response = answer(
            StatusCode::TOO_MANY_REQUESTS,
            "over the write key's rate limit; retry after the time in Retry-After",
        );
        if let Ok(value) = header::HeaderValue::from_str(&seconds.max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return refused(&error),
    };
    let app = intake.app.clone();
    let stored = tokio::task::spawn_blocking(move || {
        fault::catch("events API: storing a request", || {
            let zone = {
                let book = app.store.book(&owner.tenant)?;
                let book = book.read().unwrap_or_else(|p| p.into_inner());
                app.timezone_of(&book)
            };
            let delivery = Delivery {
                messages: &parsed.accepted,
                rejected: parsed.skipped_by_reason(),
                received,
                zone,
                key: Some(&owner.name),
            };
            app.store.ingest(&owner.tenant, &delivery)
        })
    })
    .await;
    match stored {
        Ok(Ok(Ok(_receipt))) => Json(json!({"success": true})).into_response(),
        Ok(Ok(Err(error))) => {
            let reference = fault::reference();
            tracing::error!(%reference, %error, "could not store received events");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("internal error (reference {reference}); nothing was stored, send again"),
            )
        }
        Ok(Err(fault)) => answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("internal error (reference {})", fault.reference),
        ),
        Err(_) => {
            let fault = fault::lost("events API: storing a request");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("internal error (reference {})", fault.reference),
            )
        }
    }
}
