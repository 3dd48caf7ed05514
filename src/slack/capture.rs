//! Purpose: the *Log to account* message shortcut (DECISIONS 27) — a `message_action`
//! opens a modal (account: an external select whose options `POST /slack/options` loads as
//! the user types, prefilled with the channel's linked account; kind; the message's text,
//! first 500 characters, mentions as names); its `view_submission` runs `/account log` through
//! [`crate::app::App::execute_sourced`], so rights, the audit trail and undo apply, with the
//! message's permalink, author and time as the entry's source.
//!
//! Payloads: docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload
//! (message shortcuts), …/block_suggestion-payload (external select options), and
//! …/view-interactions-payload (view_submission).

use serde_json::{json, Value};
use std::sync::Arc;
use tokio::time::Instant;

use super::api::Api;
use super::commands::{ephemeral, follow_up};
use super::interact::TRIGGER_LIFETIME;
use super::{Origin, Slack};
use crate::domain::account::{ActivityKind, ActivitySource, MAX_LOGGED_MESSAGE_CHARS};
use crate::render::slack::truncate;

/// The modal's `callback_id`.
pub const LOG_MODAL: &str = "steward_log_modal";
/// At most this many mentioned users are looked up for their names.
const MAX_NAME_LOOKUPS: usize = 10;

/// The user ids mentioned in Slack message text (`<@U123>`, `<@U123|name>`).
pub fn mentioned(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let end = rest.find('>').unwrap_or(rest.len());
        let id = rest[..end].split('|').next().unwrap_or_default();
        if !id.is_empty() && !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
        rest = &rest[end..];
    }
    ids
}

/// Slack's message markup as plain text: `<@U1>` → `@name` (or `@U1` when no name is
/// known), `<#C1|general>` → `#general`, `<https://x|label>` → `label (https://x)`,
/// `<!here>` → `@here`, `&lt;`/`&gt;`/`&amp;` unescaped (docs.slack.dev/messaging/
/// formatting-message-text, "Retrieving messages").
pub fn plain_text(text: &str, name_of: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let inner = &after[..end];
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t, Some(l)),
            None => (inner, None),
        };
        let shown = if let Some(id) = target.strip_prefix('@') {
            format!(
                "@{}",
                name_of(id)
                    .or(label.map(str::to_string))
                    .unwrap_or_else(|| id.to_string())
            )
        } else if let Some(id) = target.strip_prefix('#') {
            format!("#{}", label.unwrap_or(id))
        } else if let Some(special) = target.strip_prefix('!') {
            format!(
                "@{}",
                label.unwrap_or(special.split('^').next().unwrap_or(special))
            )
        } else {
            match label {
                Some(l) if l != target => format!("{l} ({target})"),
                _ => target.to_string(),
            }
        };
        out.push_str(&shown);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What rides along in the modal's `private_metadata` (at most 3,000 characters).
fn metadata(channel: &str, ts: &str, author: &str, author_name: &str) -> String {
    json!({"c": channel, "ts": ts, "a": author, "n": truncate(author_name, 100)}).to_string()
}

fn option(text: &str) -> Value {
    json!({"text": {"type": "plain_text", "text": truncate(text, 75)}, "value": truncate(text, 150)})
}

/// The modal: account (external select), kind, and the text to log.
pub fn log_modal(linked: Option<&str>, text: &str, private_metadata: String) -> Value {
    let mut account = json!({
        "type": "external_select",
        "action_id": "value",
        "min_query_length": 0,
        "placeholder": {"type": "plain_text", "text": "Type an account name"},
    });
    if let Some(name) = linked {
        account["initial_option"] = option(name);
    }
    let kinds: Vec<Value> = ActivityKind::LOGGABLE
        .iter()
        .map(|k| {
            let label = match *k {
                "followup" => "renewal follow-up",
                other => other,
            };
            json!({"text": {"type": "plain_text", "text": label}, "value": k})
        })
        .collect();
    let mut text_input = json!({
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": true,
        "max_length": MAX_LOGGED_MESSAGE_CHARS,
    });
    if !text.trim().is_empty() {
        text_input["initial_value"] = json!(text);
    }
    json!({
        "type": "modal",
        "callback_id": LOG_MODAL,
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": "Log to account"},
        "submit": {"type": "plain_text", "text": "Log"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "input", "block_id": "account", "label": {"type": "plain_text", "text": "Account"}, "element": account},
            {"type": "input", "block_id": "kind", "label": {"type": "plain_text", "text": "Kind"},
             "element": {"type": "static_select", "action_id": "value", "options": kinds.clone(), "initial_option": kinds[3].clone()}},
            {"type": "input", "block_id": "text", "label": {"type": "plain_text", "text": "What to log"}, "element": text_input},
        ],
    })
}

/// A `message_action` with the *Log to account* callback: refused (ephemerally, nothing
/// written) for guests and other organizations, else the modal opens.
pub async fn shortcut(slack: Arc<Slack>, payload: Value) {
    let expires = Instant::now() + TRIGGER_LIFETIME;
    let response_url = payload["response_url"].as_str().map(str::to_string);
    let Some(origin) = super::interact::origin(&payload) else {
        return;
    };
    let api = match super::interact::allowed(&slack, &origin).await {
        Ok(api) => api,
        Err(refusal) => {
            let api = slack.tokenless().clone();
            follow_up(api, response_url, vec![ephemeral(&refusal)], Vec::new()).await;
            return;
        }
    };
    let message = &payload["message"];
    let ts = message["ts"]
        .as_str()
        .or(payload["message_ts"].as_str())
        .unwrap_or_default()
        .to_string();
    let author = message["user"].as_str().unwrap_or_default().to_string();
    let raw = message["text"].as_str().unwrap_or_default();
    // Names of the author and of mentioned users, from the users.info cache (a bounded
    // number of look-ups, all inside the trigger's three seconds).
    let mut names = std::collections::HashMap::new();
    let mut ids = mentioned(raw);
    if !author.is_empty() {
        ids.insert(0, author.clone());
    }
    let lookups = ids.into_iter().take(MAX_NAME_LOOKUPS).map(|id| {
        let (slack, api) = (slack.clone(), api.clone());
        let origin = Origin {
            user: id.clone(),
            ..origin.clone()
        };
        async move { (id, slack.gate.name(&api, &origin).await) }
    });
    let budget = expires.saturating_duration_since(Instant::now()) / 3;
    if let Ok(found) = tokio::time::timeout(budget, futures::future::join_all(lookups)).await {
        names.extend(
            found
                .into_iter()
                .filter_map(|(id, name)| name.map(|n| (id, n))),
        );
    }
    let text = truncate(
        &plain_text(raw, |id| names.get(id).cloned()),
        MAX_LOGGED_MESSAGE_CHARS,
    );
    let author_name = names
        .get(&author)
        .cloned()
        .unwrap_or_else(|| format!("@{author}"));
    let linked = origin.tenant().and_then(|tenant| {
        let book = slack.app.store.book(&tenant).ok()?;
        let book = book.read().unwrap_or_else(|p| p.into_inner());
        book.channel_account(&origin.channel)
            .map(|a| a.name.clone())
    });
    let view = log_modal(
        linked.as_deref(),
        &text,
        metadata(&origin.channel, &ts, &author, &author_name),
    );
    let body = json!({"trigger_id": payload["trigger_id"], "view": view});
    if let Err(error) = api.post_before("views.open", &body, expires).await {
        tracing::warn!(%error, "could not open the Log to account modal");
    }
}

/// The account field's options (`block_suggestion`): the tenant's account names matching
/// what was typed, as the Discord autocomplete finds them.
pub async fn options(slack: &Arc<Slack>, payload: &Value) -> Value {
    let typed = payload["value"].as_str().unwrap_or_default().to_string();
    let Some(origin) = super::interact::origin(payload) else {
        return json!({"options": []});
    };
    if super::interact::allowed(slack, &origin).await.is_err() {
        return json!({"options": []});
    }
    let Some(tenant) = origin.tenant() else {
        return json!({"options": []});
    };
    let names = match slack.app.store.book(&tenant) {
        Ok(lock) => {
            let book = lock.read().unwrap_or_else(|p| p.into_inner());
            crate::discord::autocomplete::suggest(&slack.names.of(&lock, &book), &book, &typed)
        }
        Err(error) => {
            tracing::warn!(%error, "options could not read the book");
            Vec::new()
        }
    };
    // Slack shows at most 100 options.
    let options: Vec<Value> = names.iter().take(100).map(|n| option(n)).collect();
    json!({"options": options})
}

/// The `/account log` line a submitted modal stands for.
pub fn log_line(values: &Value) -> Option<String> {
    let account = values["account"]["value"]["selected_option"]["value"].as_str()?;
    let kind = values["kind"]["value"]["selected_option"]["value"]
        .as_str()
        .and_then(ActivityKind::parse)
        .unwrap_or(ActivityKind::Note);
    let text: String = values["text"]["value"]["value"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text = if text.is_empty() {
        "(no text)".to_string()
    } else {
        text
    };
    Some(format!(
        "/account log {} {} type:{}",
        crate::command::quote(account),
        crate::command::quote(&truncate(&text, MAX_LOGGED_MESSAGE_CHARS)),
        kind.option()
    ))
}

/// The message's permalink (`chat.getPermalink`), or one built from the channel and ts
/// when Slack cannot be asked in time.
async fn permalink(slack: &Slack, api: &Api, channel: &str, ts: &str) -> String {
    let params = [
        ("channel", channel.to_string()),
        ("message_ts", ts.to_string()),
    ];
    let asked = api.get("chat.getPermalink", &params);
    match tokio::time::timeout(slack.deadline / 2, asked).await {
        Ok(Ok(answer)) => answer["permalink"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| built_permalink(channel, ts)),
        _ => built_permalink(channel, ts),
    }
}

/// `https://slack.com/archives/C1/p1700000000000100`, the form Slack's permalinks take.
pub fn built_permalink(channel: &str, ts: &str) -> String {
    format!(
        "https://slack.com/archives/{channel}/p{}",
        ts.replace('.', "")
    )
}

/// A submitted *Log to account* modal: the entry is written as the submitter (refused
/// beside the account field when they may not), then the modal says what was logged.
pub async fn submit(slack: &Arc<Slack>, payload: &Value) -> Value {
    let errors =
        |message: &str| json!({"response_action": "errors", "errors": {"account": message}});
    let Some(origin) = super::interact::origin(payload) else {
        return errors("this request names no valid Slack workspace.");
    };
    let meta: Value = payload["view"]["private_metadata"]
        .as_str()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or(Value::Null);
    let channel = meta["c"].as_str().unwrap_or_default().to_string();
    let origin = Origin {
        channel: channel.clone(),
        ..origin
    };
    let Some(actor) = origin.actor() else {
        return errors("this request names no valid Slack workspace.");
    };
    let checked =
        tokio::time::timeout(slack.deadline, super::interact::allowed(slack, &origin)).await;
    let api = match checked {
        Ok(Ok(api)) => api,
        Ok(Err(refusal)) => return errors(&refusal),
        Err(_) => {
            return errors(
                "Steward could not check your access with Slack in time; please submit again.",
            )
        }
    };
    let Some(line) = log_line(&payload["view"]["state"]["values"]) else {
        return errors("choose an account.");
    };
    let ts = meta["ts"].as_str().unwrap_or_default().to_string();
    let source = ActivitySource {
        permalink: permalink(slack, &api, &channel, &ts).await,
        author: meta["n"].as_str().unwrap_or("someone").to_string(),
        at: super::events::slack_time(&ts).unwrap_or_else(|| slack.now()),
    };
    let (app, now) = (slack.app.clone(), slack.now());
    let reply = crate::fault::blocking("Slack Log to account", move || {
        app.execute_sourced(&actor, now, &line, Some(&source))
    })
    .await;
    let text = crate::render::text::render(&reply);
    if reply.is_error() {
        let message = crate::render::slack::truncate(text.trim_start_matches("error:").trim(), 150);
        return errors(&message);
    }
    json!({
        "response_action": "update",
        "view": {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Logged"},
            "close": {"type": "plain_text", "text": "Done"},
            "blocks": [{"type": "section", "text": {"type": "plain_text", "text": crate::render::slack::truncate(text.trim(), 3000)}}],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_at_characters_and_mentions_become_names() {
        assert_eq!(truncate("héllo", 10), "héllo");
        let long = "é".repeat(600);
        let cut = truncate(&long, MAX_LOGGED_MESSAGE_CHARS);
        assert_eq!(cut.chars().count(), MAX_LOGGED_MESSAGE_CHARS);
        assert!(cut.ends_with('…'));
        let text = "Hi <@U1> and <@U2|bob>, see <#C9|renewals> and <https://acme.com|the deck> &amp; <!here> &lt;3";
        assert_eq!(mentioned(text), ["U1", "U2"]);
        let shown = plain_text(text, |id| (id == "U1").then(|| "Jane Doe".to_string()));
        assert_eq!(
            shown,
            "Hi @Jane Doe and @bob, see #renewals and the deck (https://acme.com) & @here <3"
        );
        assert_eq!(plain_text("<@U7> unknown", |_| None), "@U7 unknown");
        assert_eq!(plain_text("a < b", |_| None), "a < b");
    }

    #[test]
    fn a_submitted_modal_becomes_one_log_line() {
        let values = json!({
            "account": {"value": {"type": "external_select", "selected_option": {"text": {"type": "plain_text", "text": "Acme Corp"}, "value": "Acme Corp"}}},
            "kind": {"value": {"type": "static_select", "selected_option": {"value": "followup"}}},
            "text": {"value": {"type": "plain_text_input", "value": "Can we\n  meet type:call?"}},
        });
        assert_eq!(
            log_line(&values).expect("a line"),
            "/account log \"Acme Corp\" \"Can we meet type:call?\" type:followup"
        );
        assert!(log_line(&json!({})).is_none());
        assert_eq!(
            built_permalink("C1", "1700000000.000100"),
            "https://slack.com/archives/C1/p1700000000000100"
        );
    }
}
