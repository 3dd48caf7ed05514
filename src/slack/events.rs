//! Purpose: the Events API — `url_verification`; `app_mention` and `message.im` to the
//! prompt reader ([`super::prompts`]); `app_home_opened` to the App Home view. Each event is handled once: its
//! `event_id` is recorded durably before the answer (Slack retries, with `X-Slack-Retry-Num`,
//! what it did not see acknowledged — also across our restarts). The 200 goes back at once;
//! the work runs after it, so a failure inside never turns into a retry storm. Messages from
//! bots, Steward included, are ignored. `app_uninstalled` and `tokens_revoked` (bot tokens)
//! delete the workspace's installation before the answer; its book stays.

use chrono::Duration;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::api::{Api, Resend};
use super::commands::payloads;
use super::{access, home, pictures, prompts, Origin, Slack};
use crate::fault;
use crate::reply::{Reply, Span};

/// Seen event ids are kept this long (Slack retries within minutes).
const KEEP_SEEN_HOURS: i64 = 24;
/// Pruning runs at most this often.
const PRUNE_EVERY_SECS: i64 = 3600;

/// What the Events API endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventAck {
    /// `url_verification`: echo the challenge.
    Challenge(String),
    /// A plain 200.
    Ok,
    /// Not an Events API payload.
    Bad,
    /// Could not be stored just now: a 503, so Slack retries it.
    Unavailable,
}

/// The workspace and user an event comes from; the channel it happened in.
pub fn origin(envelope: &Value) -> Option<Origin> {
    let str_of = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let event = &envelope["event"];
    let first_auth = &envelope["authorizations"][0];
    Some(Origin {
        team: str_of(&envelope["team_id"]).or_else(|| str_of(&first_auth["team_id"]))?,
        enterprise: str_of(&envelope["enterprise_id"])
            .or_else(|| str_of(&first_auth["enterprise_id"])),
        user: str_of(&event["user"]).unwrap_or_default(),
        channel: str_of(&event["channel"]).unwrap_or_default(),
    })
}

/// Handles one Events API payload.
pub async fn handle(slack: &Arc<Slack>, envelope: Value) -> EventAck {
    match envelope["type"].as_str() {
        Some("url_verification") => match envelope["challenge"].as_str() {
            Some(challenge) => EventAck::Challenge(challenge.to_string()),
            None => EventAck::Bad,
        },
        Some("event_callback") => {
            let (Some(origin), Some(event_id)) = (
                origin(&envelope),
                envelope["event_id"].as_str().map(str::to_string),
            ) else {
                return EventAck::Bad;
            };
            let Some(tenant) = origin.tenant() else {
                return EventAck::Bad;
            };
            if let Some(incoming) = channel_message(&envelope) {
                return customer_channel(slack, tenant, incoming).await;
            }
            let (store_slack, now) = (slack.clone(), slack.now());
            let first = tokio::task::spawn_blocking(move || {
                store_slack.app.store.first_sight(&tenant, &event_id, now)
            })
            .await;
            match first {
                Ok(Ok(false)) => {
                    tracing::debug!("event already handled; retry ignored");
                    return EventAck::Ok;
                }
                Ok(Ok(true)) => {}
                // Better to answer twice than never: handle it even if it could not be recorded.
                Ok(Err(error)) => tracing::error!(%error, "could not record an event id"),
                Err(_) => tracing::error!("recording an event id panicked"),
            }
            prune_now_and_then(slack);
            if revokes_bot_tokens(&envelope) {
                // At once, before the answer: from now on nothing goes out with them.
                drop_tokens(slack, &envelope, &origin);
                return EventAck::Ok;
            }
            tokio::spawn(dispatch(slack.clone(), envelope, origin));
            EventAck::Ok
        }
        Some(_) => EventAck::Ok,
        None => EventAck::Bad,
    }
}

/// Whether the event takes Steward's bot token away: `app_uninstalled`, or `tokens_revoked`
/// naming bot tokens (revoked user tokens are none of Steward's).
fn revokes_bot_tokens(envelope: &Value) -> bool {
    let event = &envelope["event"];
    match event["type"].as_str() {
        Some("app_uninstalled") => true,
        Some("tokens_revoked") => event["tokens"]["bot"]
            .as_array()
            .is_some_and(|bots| !bots.is_empty()),
        _ => false,
    }
}

/// Deletes the installation the event is about — the workspace's, or its organization's
/// org-wide one — with its tokens. The workspace's book stays until an admin forgets it.
fn drop_tokens(slack: &Slack, envelope: &Value, origin: &Origin) {
    let kind = envelope["event"]["type"].as_str().unwrap_or_default();
    if slack.oauth.is_none() {
        tracing::warn!(kind, "Slack took SLACK_BOT_TOKEN's access away: it no longer works; install the app again and set the new token");
        return;
    }
    let org_wide = envelope["authorizations"][0]["is_enterprise_install"] == true;
    let enterprise = origin.enterprise.as_deref();
    let team = (!org_wide).then_some(origin.team.as_str());
    match slack.app.store.delete_installation(enterprise, team) {
        Ok(true) => {
            tracing::info!(kind, installation = %crate::store::installs::owner(enterprise, team), "installation and its tokens deleted; the book stays until forgotten")
        }
        Ok(false) => tracing::info!(kind, "no installation to delete"),
        Err(error) => tracing::error!(kind, %error, "could not delete an installation"),
    }
}

/// A human's plain message in a public or private channel (`message.channels`,
/// `message.groups`), as customer-channel metadata: channel, ts, thread, author, and whether
/// the author is from another workspace (`user_team` differs from the workspace's team:
/// Slack Connect). Bots, edits, joins and every other `subtype` are `None` — and so are
/// DMs and mentions, which go their own way.
pub fn channel_message(envelope: &Value) -> Option<crate::channels::Incoming> {
    let event = &envelope["event"];
    if event["type"] != "message"
        || !matches!(event["channel_type"].as_str(), Some("channel" | "group"))
        || from_bot(envelope)
    {
        return None;
    }
    let ts = event["ts"].as_str()?;
    let at = slack_time(ts)?;
    let team = envelope["team_id"].as_str().unwrap_or_default();
    let user_team = event["user_team"].as_str().unwrap_or(team);
    Some(crate::channels::Incoming {
        channel: event["channel"].as_str()?.to_string(),
        id: ts.to_string(),
        thread: event["thread_ts"]
            .as_str()
            .filter(|t| *t != ts)
            .map(str::to_string),
        author: event["user"].as_str()?.to_string(),
        outsider: !team.is_empty() && user_team != team,
        at,
    })
}

/// A Slack `ts` (`1700000000.000100`) as an instant.
pub fn slack_time(ts: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let (secs, micros) = ts.split_once('.').unwrap_or((ts, "0"));
    let secs: i64 = secs.parse().ok()?;
    let micros: u32 = format!("{micros:0<6}").get(..6)?.parse().ok()?;
    chrono::DateTime::from_timestamp(secs, micros * 1000)
}

/// Stores a channel message's metadata if (and only if) its channel is linked, durably
/// before the 200 — its ts is its id, so a retry is recognised without an event id record.
async fn customer_channel(
    slack: &Arc<Slack>,
    tenant: crate::domain::tenant::TenantId,
    incoming: crate::channels::Incoming,
) -> EventAck {
    let (app, now) = (slack.app.clone(), slack.now());
    let stored =
        tokio::task::spawn_blocking(move || crate::channels::ingest(&app, &tenant, incoming, now))
            .await;
    match stored {
        Ok(Ok(ingested)) => tracing::trace!(?ingested, "channel message"),
        // Unacknowledged, Slack retries it: nothing is lost.
        Ok(Err(error)) => {
            tracing::error!(%error, "could not store a customer channel message");
            return EventAck::Unavailable;
        }
        Err(_) => {
            tracing::error!("storing a customer channel message panicked");
            return EventAck::Unavailable;
        }
    }
    EventAck::Ok
}

/// Drops seen event ids older than a day, at most once an hour.
fn prune_now_and_then(slack: &Arc<Slack>) {
    let now = slack.now();
    let last = slack.last_prune.load(Ordering::Relaxed);
    if now.timestamp() - last < PRUNE_EVERY_SECS
        || slack
            .last_prune
            .compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let slack = slack.clone();
    tokio::task::spawn_blocking(move || {
        let before = now - Duration::hours(KEEP_SEEN_HOURS);
        for tenant in slack.app.store.tenants().unwrap_or_default() {
            if let Err(error) = slack.app.store.prune_seen(&tenant, before) {
                tracing::warn!(%tenant, %error, "could not prune seen event ids");
            }
        }
    });
}

/// Whether a message event was sent by a bot (any bot, Steward too) or is not a plain
/// message (edits, joins, deletions carry a `subtype`).
pub fn from_bot(envelope: &Value) -> bool {
    let event = &envelope["event"];
    let user = event["user"].as_str();
    let ours = envelope["authorizations"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|a| a["user_id"].as_str() == user && user.is_some());
    !event["bot_id"].is_null()
        || !event["bot_profile"].is_null()
        || !event["subtype"].is_null()
        || user.is_none()
        || ours
}

/// Whether the event is a prompt to answer — a mention (answered in its thread) or a direct
/// message — and the thread its answer goes to.
fn prompt_thread(envelope: &Value) -> Option<Option<String>> {
    let event = &envelope["event"];
    match event["type"].as_str() {
        Some("app_mention") if !from_bot(envelope) => Some(
            event["thread_ts"]
                .as_str()
                .or(event["ts"].as_str())
                .map(str::to_string),
        ),
        Some("message") if event["channel_type"] == "im" && !from_bot(envelope) => Some(None),
        _ => None,
    }
}

/// The work after the 200. A panic in it is logged with a reference, which a prompt's asker
/// is given in the apology answered in its place.
async fn dispatch(slack: Arc<Slack>, envelope: Value, origin: Origin) {
    if let Some(thread) = prompt_thread(&envelope) {
        let answered = fault::catch_async(
            "Slack prompt",
            fault::Changed::Maybe,
            answer_prompt(&slack, &envelope, &origin, thread.clone()),
        )
        .await;
        if let Err(fault) = answered {
            if let Ok(api) = slack.api_of(&origin).await {
                post_answer(&api, &origin.channel, thread.as_deref(), &fault.reply()).await;
            }
        }
        return;
    }
    let event = &envelope["event"];
    if event["type"] == "app_home_opened" && event["tab"].as_str().is_none_or(|t| t == "home") {
        let published = fault::catch_async(
            "Slack App Home",
            fault::Changed::Nothing,
            home::publish(&slack, &origin),
        )
        .await;
        if let Ok(Err(error)) = published {
            tracing::warn!(%error, "could not publish the App Home view");
        }
    }
}

/// What an empty prompt (a bare mention) is answered with: a pointer to the commands.
pub fn prompt_reply(prefix: &str) -> Reply {
    Reply::new().para(vec![
        Span::Text(
            "Ask me about your accounts, e.g. “how healthy is Acme?” — or use the slash commands: "
                .into(),
        ),
        Span::Code(format!("/{prefix}steward help")),
        Span::Text(" lists them all, e.g. ".into()),
        Span::Code(format!("/{prefix}account show \"Acme Corp\"")),
        Span::Text(" or ".into()),
        Span::Code(format!("/{prefix}renewal list within:90d")),
        Span::Text(".".into()),
    ])
}

/// Reads a mention or DM with the prompt reader and answers in its thread (or the DM).
async fn answer_prompt(
    slack: &Arc<Slack>,
    envelope: &Value,
    origin: &Origin,
    thread: Option<String>,
) {
    let bot = envelope["authorizations"][0]["user_id"].as_str();
    let text =
        prompts::without_mention(envelope["event"]["text"].as_str().unwrap_or_default(), bot);
    let api = match slack.api_of(origin).await {
        Ok(api) => api,
        Err(error) => {
            tracing::info!(%error, "a prompt from a workspace without a usable installation; not answered");
            return;
        }
    };
    let reply = match slack.gate.check(&api, origin).await {
        Ok(access) => match (access.refusal(), origin.actor()) {
            (Some(refusal), _) => Reply::error(refusal),
            (None, Some(actor)) => prompts::answer(slack, actor, text).await,
            (None, None) => return,
        },
        Err(error) => {
            tracing::warn!(%error, "users.info failed; access refused for now");
            Reply::error(access::unavailable(&error))
        }
    };
    if post_answer(&api, &origin.channel, thread.as_deref(), &reply).await {
        pictures::share(&api, reply.pictures, &origin.channel, thread.as_deref()).await;
    }
}

/// Posts a reply's messages into `channel` (or a thread of it); whether all went out. A post
/// is sent again only when it surely did not arrive (see [`Resend::OnlyUnsent`]): a lost
/// answer is better than the same answer twice.
async fn post_answer(api: &Api, channel: &str, thread: Option<&str>, reply: &Reply) -> bool {
    for body in payloads(reply, None, true) {
        let mut message = json!({"channel": channel, "text": body["text"], "unfurl_links": false, "unfurl_media": false});
        if let Some(blocks) = body.get("blocks") {
            message["blocks"] = blocks.clone();
        }
        if let Some(ts) = thread {
            message["thread_ts"] = json!(ts);
        }
        if let Err(error) = api
            .post("chat.postMessage", &message, Resend::OnlyUnsent)
            .await
        {
            tracing::warn!(%error, "could not answer a prompt");
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bots_and_subtypes_are_ignored() {
        let human = json!({"authorizations": [{"user_id": "UBOT"}], "event": {"type": "message", "user": "U1", "text": "hi"}});
        assert!(!from_bot(&human));
        for event in [
            json!({"type": "message", "user": "U2", "bot_id": "B1"}),
            json!({"type": "message", "subtype": "bot_message", "bot_id": "B1"}),
            json!({"type": "message", "user": "U1", "subtype": "message_changed"}),
            json!({"type": "message", "user": "UBOT"}),
        ] {
            assert!(
                from_bot(&json!({"authorizations": [{"user_id": "UBOT"}], "event": event})),
                "{event}"
            );
        }
    }

    #[test]
    fn grid_events_name_the_enterprise() {
        let envelope = json!({"team_id": "T1", "authorizations": [{"enterprise_id": "E1", "team_id": "T1"}], "event": {"user": "U1", "channel": "D1"}});
        assert_eq!(
            origin(&envelope)
                .and_then(|o| o.tenant())
                .map(|t| t.to_string()),
            Some("slack:E1:T1".into())
        );
    }
}
