//! Purpose: the scheduler's `ChatPort` for Discord — create-message to a channel, or to a
//! user's DM channel (opened once, remembered), each message with a `nonce` derived from the
//! post's marker and `enforce_nonce`, so a retried create within Discord's dedup window
//! returns the message already made instead of posting it twice. The marker's key also
//! stands in the footer of the first message's last embed ("ref …"): `find_marker` reads
//! recent history for it after a restart (DECISIONS 5), since history does not return nonces.
//! Posts get the account buttons their kind carries; the reply's pictures follow in one more
//! message with the files, the next part's nonce.
//!
//! `429`s wait `retry_after` (a long one is handed back to the scheduler); once part of a
//! long post is out, a later part's failure is logged, not retried as a whole.

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;

use super::rest::{Resend, RestError};
use super::{components, pictures, respond, Discord};
use crate::render::discord::MAX_EMBED_TOTAL;
use crate::scheduler::port::{ChatPort, DmChannels, Post, PostError, Target};

/// Messages of recent history searched for a marker.
const HISTORY: usize = 100;

pub struct DiscordPort {
    discord: Arc<Discord>,
    /// DM channel of each user, once opened.
    dms: DmChannels,
}

/// The key a marker is known by in Discord: 20 hex digits of its SHA-256.
pub fn marker_key(marker: &str) -> String {
    hex::encode(Sha256::digest(marker.as_bytes()))[..20].to_string()
}

/// The nonce of one part of a post: the key and the part (Discord allows 25 characters).
pub fn nonce(marker: &str, part: usize) -> String {
    format!("{}-{part}", marker_key(marker))
}

/// The footer text that marks a post in history.
fn footer(marker: &str) -> String {
    format!("ref {}", marker_key(marker))
}

fn embed_chars(embed: &Value) -> usize {
    let s = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    s(&embed["title"])
        + s(&embed["description"])
        + s(&embed["footer"]["text"])
        + embed["fields"].as_array().map_or(0, |f| {
            f.iter().map(|x| s(&x["name"]) + s(&x["value"])).sum()
        })
}

impl DiscordPort {
    pub fn new(discord: Arc<Discord>) -> Self {
        DiscordPort {
            discord,
            dms: DmChannels::default(),
        }
    }

    /// The channel id to post to: the channel, or the user's DM channel with Steward.
    async fn channel(&self, target: &Target) -> Result<String, PostError> {
        self.dms
            .resolve(target, |user| async move {
                let body = json!({"recipient_id": user});
                let opened = self
                    .discord
                    .rest
                    .bot(
                        Method::POST,
                        "/users/@me/channels",
                        Some(&body),
                        Resend::Safe,
                    )
                    .await
                    .map_err(post_error)?;
                opened["id"]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| PostError::Failed("no DM channel id returned".into()))
            })
            .await
    }

    /// The create-message bodies of a post: rendered, with the account buttons the post's
    /// kind carries ([`crate::actions::post_buttons`]), the marker in a footer, a nonce each.
    pub fn messages(&self, post: &Post) -> Vec<Value> {
        let accounts =
            crate::actions::post_buttons(&self.discord.app.store, &post.marker, &post.reply);
        let rows = components::post_rows(&accounts);
        let mut bodies = respond::bodies(&post.reply, false, &rows);
        mark(&mut bodies, &footer(&post.marker));
        for (part, body) in bodies.iter_mut().enumerate() {
            body["nonce"] = json!(nonce(&post.marker, part));
            body["enforce_nonce"] = json!(true);
        }
        bodies
    }

    /// Whether the channel's recent history holds a message marked with `marker`.
    async fn history_has(&self, channel: &str, marker: &str) -> Result<Option<bool>, PostError> {
        let path = format!("/channels/{channel}/messages?limit={HISTORY}");
        let page = match self
            .discord
            .rest
            .bot(Method::GET, &path, None, Resend::Safe)
            .await
        {
            Ok(page) => page,
            Err(
                RestError::NoToken
                | RestError::Status {
                    status: 403 | 404, ..
                },
            ) => return Ok(None),
            Err(error) => return Err(post_error(error)),
        };
        let wanted = footer(marker);
        let found = page.as_array().into_iter().flatten().any(|m| {
            m["embeds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|e| e["footer"]["text"] == wanted.as_str())
        });
        Ok(Some(found))
    }
}

/// Puts `footer` on the last embed of the first message with room for it, else adds a
/// message holding only it: the marker must be findable whatever the post's size.
fn mark(bodies: &mut Vec<Value>, footer: &str) {
    let len = footer.chars().count();
    for body in bodies.iter_mut() {
        let Some(embeds) = body["embeds"].as_array_mut() else {
            continue;
        };
        let total: usize = embeds.iter().map(embed_chars).sum();
        if let Some(last) = embeds.last_mut().filter(|_| total + len <= MAX_EMBED_TOTAL) {
            last["footer"] = json!({"text": footer});
            return;
        }
    }
    bodies
        .push(json!({"embeds": [{"footer": {"text": footer}}], "allowed_mentions": {"parse": []}}));
}

fn post_error(error: RestError) -> PostError {
    match error {
        RestError::RateLimited(wait) => PostError::RateLimited(wait),
        other => PostError::Failed(other.to_string()),
    }
}

#[async_trait]
impl ChatPort for DiscordPort {
    async fn post(&self, target: &Target, post: &Post) -> Result<(), PostError> {
        let channel = self.channel(target).await?;
        let path = format!("/channels/{channel}/messages");
        let messages = self.messages(post);
        for (part, body) in messages.iter().enumerate() {
            // Safe to resend: `enforce_nonce` turns a repeated create into the same message.
            match self
                .discord
                .rest
                .bot(Method::POST, &path, Some(body), Resend::Safe)
                .await
            {
                Ok(_) => {}
                Err(error) if part == 0 => return Err(post_error(error)),
                Err(error) => {
                    tracing::error!(%error, part, "the rest of a long post could not be delivered; dropped rather than posting its first part twice");
                    return Ok(());
                }
            }
        }
        // The pictures come last, as the next part with its own nonce. The text is the
        // record: a failure here is logged, never handed back (a retried post would repeat
        // the text).
        let next = nonce(&post.marker, messages.len());
        if let Err(error) =
            pictures::post(&self.discord, &channel, &post.reply.pictures, Some(next)).await
        {
            tracing::warn!(%error, "a post's pictures could not be delivered; the text went out");
        }
        Ok(())
    }

    async fn find_marker(&self, target: &Target, marker: &str) -> Result<Option<bool>, PostError> {
        if !self.discord.rest.has_token() {
            return Ok(None);
        }
        let channel = self.channel(target).await?;
        self.history_has(&channel, marker).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_fit_and_differ_per_part() {
        use crate::scheduler::parse_marker;
        let marker = "steward:discord:1:weekly@2:2026-03-02:1772442000";
        assert!(nonce(marker, 0).len() <= 25 && nonce(marker, 999).len() <= 25);
        assert_ne!(nonce(marker, 0), nonce(marker, 1));
        assert_eq!(nonce(marker, 0), nonce(marker, 0));
        let (tenant, kind) =
            parse_marker("steward:discord:1:renewals@2:2026-03-02:5").expect("valid");
        assert_eq!((tenant.as_str(), kind.as_str()), ("discord:1", "renewals"));
    }

    #[test]
    fn the_footer_goes_where_there_is_room() {
        let full = json!({"embeds": [{"description": "x".repeat(MAX_EMBED_TOTAL)}]});
        let mut bodies = vec![full.clone(), json!({"embeds": [{"description": "short"}]})];
        mark(&mut bodies, "ref abc");
        assert_eq!(bodies[0], full);
        assert_eq!(bodies[1]["embeds"][0]["footer"]["text"], "ref abc");
        let mut only_full = vec![full];
        mark(&mut only_full, "ref abc");
        assert_eq!(only_full.len(), 2);
    }
}
