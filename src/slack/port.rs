//! Purpose: the scheduler's `ChatPort` for Slack — `chat.postMessage` with the post's marker
//! in the message `metadata` (`steward_post`, DECISIONS 5), and `find_marker` reading
//! `conversations.history` for it. `429` waits `Retry-After` (a long one is handed back to
//! the scheduler, which retries the period later); `5xx` backs off, and first looks in
//! history, since a message answered with a server error may still have been posted. Once
//! part of a long post is out, a later part's failure is logged, not retried as a whole:
//! a duplicate is worse than a miss. Each post goes out with the token of its own workspace,
//! the tenant its marker names.

use async_trait::async_trait;
use serde_json::{json, Value};
use std::sync::Arc;

use super::api::{Api, ApiError, Resend};
use super::{actions, pictures, Slack};
use crate::domain::tenant::TenantId;
use crate::render::slack::{render, MAX_BLOCKS};
use crate::scheduler::parse_marker;
use crate::scheduler::port::{ChatPort, DmChannels, Post, PostError, Target};

/// The `event_type` of Steward's message metadata.
pub const EVENT_TYPE: &str = "steward_post";
/// History pages read when looking for a marker (200 messages each).
const HISTORY_PAGES: usize = 5;
/// How far before the claim history is read.
const HISTORY_SLACK_SECS: i64 = 600;

pub struct SlackPort {
    slack: Arc<Slack>,
    /// Direct-message channel of each user, once opened, by workspace.
    dms: std::sync::Mutex<std::collections::HashMap<Option<TenantId>, Arc<DmChannels>>>,
}

impl SlackPort {
    pub fn new(slack: Arc<Slack>) -> Self {
        SlackPort {
            slack,
            dms: Default::default(),
        }
    }

    /// The client with the token of the workspace a post is for: the tenant its marker names
    /// (DECISIONS 5 markers begin `steward:{tenant}:`). With one bot token, any marker will
    /// do; with installations, one that names no tenant cannot be posted.
    async fn api(&self, marker: &str) -> Result<(Option<TenantId>, Api), PostError> {
        let tenant = parse_marker(marker).map(|(tenant, _)| tenant);
        let api = match &tenant {
            Some(tenant) => self
                .slack
                .api_of_tenant(tenant)
                .await
                .map_err(|e| PostError::Failed(format!("{tenant}: {e}")))?,
            None if self.slack.oauth.is_none() => self.slack.single_workspace().clone(),
            None => {
                return Err(PostError::Failed(
                    "the post's marker names no tenant".into(),
                ))
            }
        };
        Ok((tenant, api))
    }

    /// The channel id to post to: the channel, or the user's DM with Steward.
    async fn channel(
        &self,
        api: &Api,
        tenant: &Option<TenantId>,
        target: &Target,
    ) -> Result<String, PostError> {
        let dms = self
            .dms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(tenant.clone())
            .or_default()
            .clone();
        dms.resolve(target, |user| async move {
            let opened = api
                .post("conversations.open", &json!({"users": user}), Resend::Safe)
                .await
                .map_err(post_error)?;
            opened["channel"]["id"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| PostError::Failed("conversations.open returned no channel".into()))
        })
        .await
    }

    /// The messages of a post: rendered, with the account buttons the post's kind carries
    /// ([`crate::actions::post_buttons`]), marked.
    pub fn messages(&self, channel: &str, post: &Post) -> Vec<Value> {
        let mut messages = render(&post.reply);
        let accounts =
            crate::actions::post_buttons(&self.slack.app.store, &post.marker, &post.reply);
        let buttons = actions::post_blocks(&accounts);
        if !buttons.is_empty() {
            if let Some(last) = messages.last_mut() {
                if last.blocks.len() + buttons.len() <= MAX_BLOCKS {
                    last.blocks.extend(buttons);
                } else {
                    let text = last.text.clone();
                    messages.push(crate::render::slack::SlackMessage {
                        text,
                        blocks: buttons,
                    });
                }
            }
        }
        messages
            .into_iter()
            .enumerate()
            .map(|(part, m)| {
                json!({
                    "channel": channel,
                    "text": m.text,
                    "blocks": m.blocks,
                    "unfurl_links": false,
                    "unfurl_media": false,
                    "metadata": {"event_type": EVENT_TYPE, "event_payload": {"marker": post.marker, "part": part.to_string()}},
                })
            })
            .collect()
    }

    /// Posts one message, retrying as the policy says.
    async fn deliver(
        &self,
        api: &Api,
        channel: &str,
        message: &Value,
        marker: &str,
        part: usize,
    ) -> Result<(), PostError> {
        let mut attempt = 1;
        loop {
            let error = match api.post_once("chat.postMessage", message).await {
                Ok(_) => return Ok(()),
                Err(error) => error,
            };
            // Sent again after any transient failure — but one that may have been posted
            // (a server error, a lost connection, a timeout) is first looked for in history.
            let Some(wait) = api.retry.wait(attempt, &error, Resend::Safe) else {
                return Err(post_error(error));
            };
            tokio::time::sleep(wait).await;
            let maybe_posted = !error.surely_unsent();
            if maybe_posted
                && matches!(
                    self.history_has(api, channel, marker, Some(part)).await,
                    Ok(Some(true))
                )
            {
                tracing::info!(
                    part,
                    "a message answered with an error had been posted; not sending it again"
                );
                return Ok(());
            }
            attempt += 1;
        }
    }

    /// Whether recent history holds a message with `marker` (and `part`); `None` when the
    /// channel's history cannot be read.
    async fn history_has(
        &self,
        api: &Api,
        channel: &str,
        marker: &str,
        part: Option<usize>,
    ) -> Result<Option<bool>, PostError> {
        let claimed = marker
            .rsplit(':')
            .next()
            .and_then(|t| t.parse::<i64>().ok())
            .unwrap_or(0);
        let oldest = (claimed - HISTORY_SLACK_SECS).max(0).to_string();
        let mut cursor = String::new();
        for _ in 0..HISTORY_PAGES {
            let mut params = vec![
                ("channel", channel.to_string()),
                ("limit", "200".to_string()),
                ("include_all_metadata", "true".to_string()),
                ("oldest", oldest.clone()),
            ];
            if !cursor.is_empty() {
                params.push(("cursor", cursor.clone()));
            }
            let page = match api.get("conversations.history", &params).await {
                Ok(page) => page,
                Err(ApiError::Slack(code)) => {
                    tracing::warn!(%code, "channel history cannot be read");
                    return Ok(None);
                }
                Err(error) => return Err(post_error(error)),
            };
            let found = page["messages"].as_array().into_iter().flatten().any(|m| {
                let metadata = &m["metadata"];
                metadata["event_type"] == EVENT_TYPE
                    && metadata["event_payload"]["marker"] == marker
                    && part.is_none_or(|p| {
                        metadata["event_payload"]["part"]
                            .as_str()
                            .and_then(|s| s.parse().ok())
                            == Some(p)
                    })
            });
            if found {
                return Ok(Some(true));
            }
            cursor = page["response_metadata"]["next_cursor"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if cursor.is_empty() {
                break;
            }
        }
        Ok(Some(false))
    }
}

fn post_error(error: ApiError) -> PostError {
    match error {
        ApiError::RateLimited(wait) => PostError::RateLimited(wait),
        other => PostError::Failed(other.to_string()),
    }
}

#[async_trait]
impl ChatPort for SlackPort {
    async fn post(&self, target: &Target, post: &Post) -> Result<(), PostError> {
        let (tenant, api) = self.api(&post.marker).await?;
        let channel = self.channel(&api, &tenant, target).await?;
        let mut delivered = 0;
        for (part, message) in self.messages(&channel, post).iter().enumerate() {
            match self
                .deliver(&api, &channel, message, &post.marker, part)
                .await
            {
                Ok(()) => delivered += 1,
                Err(error) if delivered == 0 => return Err(error),
                Err(error) => {
                    tracing::error!(%error, part, delivered, "the rest of a long post could not be delivered; dropped rather than posting its first part twice");
                    return Ok(());
                }
            }
        }
        // The pictures follow the text; one that fails is logged by `share`, and the post
        // still counts as delivered (retrying it would post its text twice).
        pictures::share(&api, post.reply.pictures.clone(), &channel, None).await;
        Ok(())
    }

    async fn find_marker(&self, target: &Target, marker: &str) -> Result<Option<bool>, PostError> {
        let (tenant, api) = self.api(marker).await?;
        let channel = self.channel(&api, &tenant, target).await?;
        self.history_has(&api, &channel, marker, None).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn markers_name_tenant_and_kind() {
        use crate::scheduler::parse_marker;
        let (tenant, kind) =
            parse_marker("steward:slack:E1:T1:renewals@C1:2026-03-02:1772442000").expect("valid");
        assert_eq!(
            (tenant.to_string(), kind.as_str()),
            ("slack:E1:T1".to_string(), "renewals")
        );
        let (tenant, kind) =
            parse_marker("steward:slack:T1:escalations@dm:red:12>U1:5").expect("valid");
        assert_eq!(
            (tenant.to_string(), kind.as_str()),
            ("slack:T1".to_string(), "escalations")
        );
        assert_eq!(parse_marker("other"), None);
    }
}
