//! Purpose: `POST /discord/interactions` — Discord's HTTP interactions endpoint. The body is
//! read up to 64 KiB (413 beyond), its signature checked before anything is parsed (401),
//! then parsed with serenity's `Interaction` model and handed to the same handlers as the
//! gateway; the callback is the response body, and follow-up work runs after it.

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serenity::model::application::Interaction;
use std::sync::Arc;

use super::verify::MAX_BODY;
use super::{interactions, Discord};

/// The Discord routes; `discord.door` must be set (`DISCORD_PUBLIC_KEY`).
pub fn router(discord: Arc<Discord>) -> Router {
    Router::new()
        .route("/discord/interactions", post(interactions_endpoint))
        .with_state(discord)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn interactions_endpoint(
    State(discord): State<Arc<Discord>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let declared = header(&headers, "content-length").and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BODY) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let Some(door) = &discord.door else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if door
        .check(
            header(&headers, "x-signature-ed25519"),
            header(&headers, "x-signature-timestamp"),
            &bytes,
        )
        .is_err()
    {
        tracing::debug!("interaction with a bad signature refused");
        return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
    }
    let interaction: Interaction = match serde_json::from_slice(&bytes) {
        Ok(interaction) => interaction,
        Err(error) => {
            tracing::warn!(%error, "a signed interaction could not be read");
            return (StatusCode::BAD_REQUEST, "unreadable interaction").into_response();
        }
    };
    let handled = interactions::handle(&discord, interaction).await;
    if let Some(after) = handled.after {
        tokio::spawn(after);
    }
    Json(handled.callback).into_response()
}
