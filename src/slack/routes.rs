//! Purpose: the Slack HTTP routes of INTERFACE.md — `POST /slack/commands`,
//! `/slack/events`, `/slack/interactivity` — behind [`super::verify::guard`], translating
//! each request for the transport-neutral handlers and their answers back to HTTP.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{middleware, Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;

use super::commands::{self, Ack, SlashCommand};
use super::events::{self, EventAck};
use super::verify::{guard, Verifier};
use super::{interact, Slack};

/// The Slack routes, every one behind the signature check.
pub fn router(slack: Arc<Slack>, verifier: Arc<Verifier>) -> Router {
    Router::new()
        .route("/slack/commands", post(on_command))
        .route("/slack/events", post(on_event))
        .route("/slack/interactivity", post(on_interaction))
        .route("/slack/options", post(on_interaction))
        .route_layer(middleware::from_fn_with_state(verifier, guard))
        .with_state(slack)
}

async fn on_command(State(slack): State<Arc<Slack>>, body: Bytes) -> Response {
    let Some(command) = SlashCommand::from_form(&body) else {
        // Slack checks a command URL's certificate with `ssl_check=1` and no command.
        let ssl_check =
            url::form_urlencoded::parse(&body).any(|(k, v)| k == "ssl_check" && v == "1");
        return if ssl_check {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        }
        .into_response();
    };
    match commands::handle(&slack, command).await {
        Ack::Message(body) => Json(body).into_response(),
        Ack::Empty => StatusCode::OK.into_response(),
    }
}

async fn on_event(State(slack): State<Arc<Slack>>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(envelope) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if let Some(retry) = headers
        .get("x-slack-retry-num")
        .and_then(|v| v.to_str().ok())
    {
        let reason = headers
            .get("x-slack-retry-reason")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        tracing::debug!(retry, reason, "Slack retried an event");
    }
    match events::handle(&slack, envelope).await {
        EventAck::Challenge(challenge) => Json(json!({"challenge": challenge})).into_response(),
        EventAck::Ok => StatusCode::OK.into_response(),
        EventAck::Bad => StatusCode::BAD_REQUEST.into_response(),
        EventAck::Unavailable => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

async fn on_interaction(State(slack): State<Arc<Slack>>, body: Bytes) -> Response {
    let Some(payload) = interact::payload(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match interact::handle(&slack, payload).await {
        Some(body) => Json(body).into_response(),
        None => StatusCode::OK.into_response(),
    }
}
