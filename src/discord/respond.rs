//! Purpose: Discord message and interaction-callback bodies from a rendered reply — the
//! renderer (`render::discord`) decides embeds, limits and mentions; this file decides which
//! message is the callback, which are follow-ups, what is ephemeral, and where buttons go.
//! Callback types: <https://discord.com/developers/docs/interactions/receiving-and-responding>.

use serde_json::{json, Map, Value};

use crate::render::discord::{render, DiscordMessage};
use crate::reply::Reply;

/// Message flag: only the asker sees it.
pub const EPHEMERAL: u64 = 1 << 6;
/// Interaction callback types.
pub const PONG: u8 = 1;
pub const CHANNEL_MESSAGE: u8 = 4;
pub const DEFERRED_CHANNEL_MESSAGE: u8 = 5;
pub const DEFERRED_UPDATE_MESSAGE: u8 = 6;
pub const UPDATE_MESSAGE: u8 = 7;
pub const AUTOCOMPLETE_RESULT: u8 = 8;
/// Action rows a message may carry.
pub const MAX_ROWS: usize = 5;

/// One message body (`content`, `embeds`, `allowed_mentions`, and `flags`/`components`
/// when given) — the shape shared by callbacks, follow-ups, edits and create-message. The
/// rendered message moves in whole: its embeds are not copied.
pub fn body(message: DiscordMessage, flags: Option<u64>, components: &[Value]) -> Value {
    let mut out = Map::new();
    out.insert("embeds".into(), Value::Array(message.embeds));
    out.insert("allowed_mentions".into(), message.allowed_mentions);
    if let Some(content) = message.content {
        out.insert("content".into(), Value::String(content));
    }
    if let Some(flags) = flags {
        out.insert("flags".into(), json!(flags));
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Array(components.to_vec()));
    }
    Value::Object(out)
}

/// The reply as message bodies. Errors are always ephemeral; `components` (action rows) go
/// on the last message, five rows a message, continuing in further messages.
pub fn bodies(reply: &Reply, ephemeral: bool, components: &[Value]) -> Vec<Value> {
    let flags = (ephemeral || reply.is_error()).then_some(EPHEMERAL);
    let messages = render(reply);
    let mut rows = components.chunks(MAX_ROWS);
    let last = messages.len().saturating_sub(1);
    let mut out: Vec<Value> = messages
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            body(
                m,
                flags,
                if i == last {
                    rows.next().unwrap_or_default()
                } else {
                    &[]
                },
            )
        })
        .collect();
    for more in rows {
        let mut extra = json!({"allowed_mentions": {"parse": []}, "components": more});
        if let Some(flags) = flags {
            extra["flags"] = json!(flags);
        }
        out.push(extra);
    }
    out
}

/// A callback of `kind` with `data`.
pub fn callback(kind: u8, data: Value) -> Value {
    json!({"type": kind, "data": data})
}

pub fn pong() -> Value {
    json!({"type": PONG})
}

/// "Steward is thinking…": the answer follows by editing the original response.
pub fn deferred(ephemeral: bool) -> Value {
    match ephemeral {
        true => callback(DEFERRED_CHANNEL_MESSAGE, json!({"flags": EPHEMERAL})),
        false => json!({"type": DEFERRED_CHANNEL_MESSAGE}),
    }
}

/// A body without `flags`: edits cannot change them (the original response's stay).
pub fn without_flags(mut body: Value) -> Value {
    if let Some(map) = body.as_object_mut() {
        map.remove("flags");
    }
    body
}

/// An ephemeral one-message answer (refusals, errors before any command runs).
pub fn ephemeral_reply(reply: &Reply) -> Value {
    let first = bodies(reply, true, &[])
        .into_iter()
        .next()
        .unwrap_or_else(|| json!({"content": "…"}));
    callback(CHANNEL_MESSAGE, first)
}

/// Autocomplete choices: each name is both the label and the value.
pub fn choices(names: &[String]) -> Value {
    callback(
        AUTOCOMPLETE_RESULT,
        json!({"choices": names.iter().map(|n| json!({"name": n, "value": n})).collect::<Vec<_>>()}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::t;

    #[test]
    fn errors_are_ephemeral_and_buttons_go_last() {
        let error = bodies(&Reply::error("no"), false, &[]);
        assert_eq!(error[0]["flags"], EPHEMERAL);
        let row = json!({"type": 1, "components": []});
        let long = Reply::new().bullets(
            (0..400)
                .map(|i| vec![t(format!("item {i} {}", "x".repeat(60)))])
                .collect(),
        );
        let answer = bodies(&long, false, std::slice::from_ref(&row));
        assert!(answer.len() > 1);
        assert!(answer[0].get("flags").is_none() && answer[0].get("components").is_none());
        assert_eq!(
            answer.last().map(|b| b["components"][0].clone()),
            Some(row.clone())
        );
        let many: Vec<Value> = (0..7).map(|_| row.clone()).collect();
        let split = bodies(&Reply::text("hi"), true, &many);
        assert_eq!(split.len(), 2);
        assert_eq!(split[1]["components"].as_array().map(Vec::len), Some(2));
        assert_eq!(split[1]["flags"], EPHEMERAL);
    }
}
