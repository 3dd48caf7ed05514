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
use serde::Deserialize;
use serenity::model::application::{Interaction, InteractionType};
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
    let interaction = match read(&bytes) {
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

/// The interaction in a signed body. serenity's `Interaction` reads the whole body into a
/// `serde_json::Value` to find its `type`, then reads the variant from that tree; the three
/// kinds Steward answers most (commands, autocomplete, clicks) are read straight from the
/// bytes instead, once their `type` is known. The rest, and every failure, go through
/// serenity's own reading.
fn read(bytes: &[u8]) -> Result<Interaction, serde_json::Error> {
    #[derive(Deserialize)]
    struct Kind {
        #[serde(rename = "type")]
        kind: InteractionType,
    }
    let direct = match serde_json::from_slice::<Kind>(bytes).map(|k| k.kind) {
        Ok(InteractionType::Command) => serde_json::from_slice(bytes).map(Interaction::Command),
        Ok(InteractionType::Autocomplete) => {
            serde_json::from_slice(bytes).map(Interaction::Autocomplete)
        }
        Ok(InteractionType::Component) => serde_json::from_slice(bytes).map(Interaction::Component),
        _ => return serde_json::from_slice(bytes),
    };
    direct.or_else(|_| serde_json::from_slice(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    /// A command, an autocomplete, a click and a ping, as Discord sends them (the fixtures of
    /// `tests/discord.rs`, captured from Discord's documentation).
    fn samples() -> Vec<Value> {
        let fixture = |text: &str| serde_json::from_str::<Value>(text).expect("fixture JSON");
        let command = fixture(include_str!("../../tests/discord/command.json"));
        let mut autocomplete = command.clone();
        autocomplete["type"] = json!(4);
        vec![
            command,
            autocomplete,
            fixture(include_str!("../../tests/discord/component.json")),
            fixture(include_str!("../../tests/discord/ping.json")),
        ]
    }

    #[test]
    fn reads_each_kind_as_serenity_does() {
        for sample in samples() {
            let bytes = serde_json::to_vec(&sample).expect("JSON");
            let ours = read(&bytes).expect("read");
            let theirs: Interaction = serde_json::from_slice(&bytes).expect("serenity reads it");
            assert_eq!(
                serde_json::to_value(&ours).ok(),
                serde_json::to_value(&theirs).ok(),
                "{sample}"
            );
        }
        let member_user = read(&serde_json::to_vec(&samples()[0]).expect("JSON"));
        match member_user {
            Ok(Interaction::Command(c)) => assert_eq!(c.user.id.get(), 1500000000000000001),
            other => panic!("not a command: {other:?}"),
        }
    }

    proptest! {
        /// Whatever the body, `read` accepts exactly what serenity accepts.
        #[test]
        fn accepts_what_serenity_accepts(text in "\\PC{0,300}", kind in 0u8..7, cut in 0usize..2000) {
            let mut sample = samples()[usize::from(kind) % 4].clone();
            sample["type"] = json!(kind);
            sample["data"]["name"] = json!(text);
            let mut bytes = serde_json::to_vec(&sample).expect("JSON");
            if cut < bytes.len() {
                bytes.truncate(cut);
            }
            let theirs = serde_json::from_slice::<Interaction>(&bytes).is_ok();
            prop_assert_eq!(read(&bytes).is_ok(), theirs);
        }
    }
}
