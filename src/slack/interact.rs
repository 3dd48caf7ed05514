//! Purpose: interactivity — button clicks run the command line their button stands for
//! (answered through `response_url`: to the clicker, or in the channel for 'Share'), and the
//! '/account add' modal is opened, read and answered in place.

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

use super::api::{Api, ApiError};
use super::commands::{ephemeral, follow_up, payloads};
use super::{access, actions, pictures, Origin, Slack};
use crate::fault;
use crate::render::slack::render;
use crate::reply::Reply;

/// The modal's `callback_id`.
pub const ACCOUNT_ADD: &str = "steward_account_add";
/// A modal holds at most 100 blocks.
const MAX_MODAL_BLOCKS: usize = 100;

/// The interaction payload of a request body: the JSON in its `payload` form field.
pub fn payload(body: &[u8]) -> Option<Value> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == "payload")
        .and_then(|(_, v)| serde_json::from_str(&v).ok())
}

/// Who clicked or submitted, from an interaction payload.
pub fn origin(payload: &Value) -> Option<Origin> {
    let str_of = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let team = str_of(&payload["team"]["id"]).or_else(|| str_of(&payload["user"]["team_id"]))?;
    let enterprise =
        str_of(&payload["enterprise"]["id"]).or_else(|| str_of(&payload["team"]["enterprise_id"]));
    let channel = str_of(&payload["channel"]["id"])
        .or_else(|| str_of(&payload["container"]["channel_id"]))
        .or_else(|| str_of(&payload["view"]["private_metadata"]))
        .unwrap_or_default();
    Some(Origin {
        team,
        enterprise,
        user: str_of(&payload["user"]["id"])?,
        channel,
    })
}

/// Handles an interaction payload; `Some` is a body Slack expects back at once (a modal's
/// `response_action`), `None` an empty 200.
/// A panic is answered with an apology naming the reference in the log: through
/// `response_url` for a click, beside the modal's name field for a submission.
pub async fn handle(slack: &Arc<Slack>, payload: Value) -> Option<Value> {
    match payload["type"].as_str() {
        Some("block_actions") => {
            let slack = slack.clone();
            tokio::spawn(async move {
                let response_url = payload["response_url"].as_str().map(str::to_string);
                let clicked = click(slack.clone(), payload);
                let maybe = fault::Changed::Maybe;
                if let Err(fault) = fault::catch_async("Slack button", maybe, clicked).await {
                    let apology = vec![ephemeral(&fault.apology())];
                    let api = slack.tokenless().clone();
                    follow_up(api, response_url, apology, Vec::new()).await;
                }
            });
            None
        }
        Some("message_action")
            if payload["callback_id"] == crate::manifest::slack::LOG_SHORTCUT =>
        {
            let slack = slack.clone();
            tokio::spawn(async move {
                let response_url = payload["response_url"].as_str().map(str::to_string);
                let maybe = fault::Changed::Nothing;
                let opened = super::capture::shortcut(slack.clone(), payload);
                if let Err(fault) = fault::catch_async("Slack shortcut", maybe, opened).await {
                    let apology = vec![ephemeral(&fault.apology())];
                    let api = slack.tokenless().clone();
                    follow_up(api, response_url, apology, Vec::new()).await;
                }
            });
            None
        }
        Some("block_suggestion") => Some(super::capture::options(slack, &payload).await),
        Some("view_submission") if payload["view"]["callback_id"] == super::capture::LOG_MODAL => {
            let submitted = super::capture::submit(slack, &payload);
            let maybe = fault::Changed::Maybe;
            Some(
                fault::catch_async("Slack Log to account", maybe, submitted)
                    .await
                    .unwrap_or_else(|fault| {
                        json!({"response_action": "errors", "errors": {"account": fault.apology()}})
                    }),
            )
        }
        Some("view_submission") if payload["view"]["callback_id"] == ACCOUNT_ADD => {
            let submitted = submit(slack, &payload);
            let maybe = fault::Changed::Maybe;
            Some(
                fault::catch_async("Slack modal", maybe, submitted)
                    .await
                    .unwrap_or_else(|fault| {
                        json!({"response_action": "errors", "errors": {"name": fault.apology()}})
                    }),
            )
        }
        _ => None,
    }
}

/// The client of the user's workspace, if the user may act; else the refusal to show them.
pub(crate) async fn allowed(slack: &Slack, origin: &Origin) -> Result<Api, String> {
    let api = slack
        .api_of(origin)
        .await
        .map_err(|e| slack.reinstall_text(&e))?;
    match slack.gate.check(&api, origin).await {
        Ok(access) => match access.refusal() {
            Some(refusal) => Err(refusal.to_string()),
            None => Ok(api),
        },
        Err(error) => {
            tracing::warn!(%error, "users.info failed; access refused for now");
            Err(access::unavailable(&error))
        }
    }
}

/// A button click: run its line as the clicker and answer through `response_url`. An account
/// button's line comes from [`crate::actions::press`], which refuses (to the clicker alone,
/// nothing run) an owner's button pressed by anyone but the owner or an admin.
async fn click(slack: Arc<Slack>, payload: Value) {
    let action = &payload["actions"][0];
    let (Some(action_id), Some(value)) = (action["action_id"].as_str(), action["value"].as_str())
    else {
        return;
    };
    let Some(clicked) = actions::click(action_id, value) else {
        return;
    };
    let response_url = payload["response_url"].as_str().map(str::to_string);
    let Some((origin, actor)) = origin(&payload).and_then(|o| o.actor().map(|a| (o, a))) else {
        return;
    };
    let (api, refused) = match allowed(&slack, &origin).await {
        Err(refusal) => (slack.tokenless().clone(), Err(Reply::error(refusal))),
        Ok(api) => (
            api,
            match clicked {
                actions::Click::Share(line) => Ok((line, true)),
                actions::Click::Pick(line) => Ok((line, false)),
                actions::Click::Press(button, name) => {
                    crate::actions::press(&slack.app, &actor, button, &name)
                        .map(|line| (line, false))
                }
            },
        ),
    };
    let (mut messages, pictures, public) = match refused {
        Err(refusal) => (payloads(&refusal, None, false), Vec::new(), false),
        Ok((line, in_channel)) => {
            let reply = slack.execute(actor, &crate::actions::Line::new(line)).await;
            let public = in_channel && !reply.is_error();
            (payloads(&reply, None, public), reply.pictures, public)
        }
    };
    // A new message, never a replacement of the post that was clicked.
    for message in &mut messages {
        message["replace_original"] = json!(false);
    }
    if public {
        // A shared answer shares its pictures into the channel too.
        follow_up(api.clone(), response_url, messages, Vec::new()).await;
        pictures::share(&api, pictures, &origin.channel, None).await;
    } else {
        follow_up(api, response_url, messages, pictures).await;
    }
}

fn text_input(block_id: &str, label: &str, hint: &str, optional: bool) -> Value {
    json!({
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "hint": {"type": "plain_text", "text": hint},
        "element": {"type": "plain_text_input", "action_id": "value", "max_length": 200},
    })
}

/// The '/account add' modal; the channel rides along in `private_metadata`.
pub fn account_modal(channel: &str) -> Value {
    let tiers: Vec<Value> = (1..=3).map(|n| json!({"text": {"type": "plain_text", "text": format!("Tier {n}")}, "value": n.to_string()})).collect();
    json!({
        "type": "modal",
        "callback_id": ACCOUNT_ADD,
        "private_metadata": channel,
        "title": {"type": "plain_text", "text": "Add an account"},
        "submit": {"type": "plain_text", "text": "Add"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            text_input("name", "Account name", "As the customer is known, e.g. Acme Corp", false),
            text_input("arr", "ARR", "Annual recurring revenue, e.g. 50k or $1.2M", false),
            {"type": "input", "block_id": "renewal", "label": {"type": "plain_text", "text": "Renewal date"},
             "element": {"type": "datepicker", "action_id": "value"}},
            {"type": "input", "block_id": "owner", "optional": true, "label": {"type": "plain_text", "text": "Owner"},
             "element": {"type": "users_select", "action_id": "value"}},
            {"type": "input", "block_id": "tier", "optional": true, "label": {"type": "plain_text", "text": "Tier"},
             "hint": {"type": "plain_text", "text": "Computed from ARR when left out"},
             "element": {"type": "static_select", "action_id": "value", "options": tiers}},
            text_input("industry", "Industry", "e.g. SaaS, healthcare, retail", true),
        ],
    })
}

/// How long a `trigger_id` can open a modal: "Triggers expire in three seconds"
/// (docs.slack.dev/interactivity/handling-user-interaction, "Modal trigger IDs").
pub const TRIGGER_LIFETIME: Duration = Duration::from_secs(3);

/// Opens the modal (`views.open`) while the trigger is valid: tries are cut at `expires`, and
/// a `429` is waited out only when its `Retry-After` ends before then.
pub async fn open_account_modal(
    api: &Api,
    trigger_id: &str,
    channel: &str,
    expires: Instant,
) -> Result<(), ApiError> {
    let body = json!({"trigger_id": trigger_id, "view": account_modal(channel)});
    api.post_before("views.open", &body, expires)
        .await
        .map(|_| ())
}

/// The command line a submitted modal stands for.
pub fn account_add_line(values: &Value) -> String {
    let get = |block: &str| {
        let v = &values[block]["value"];
        v["value"]
            .as_str()
            .or(v["selected_date"].as_str())
            .or(v["selected_user"].as_str())
            .or(v["selected_option"]["value"].as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let mut line = format!(
        "/account add {}",
        crate::command::quote(get("name").unwrap_or_default())
    );
    for (key, block) in [("arr", "arr"), ("renewal", "renewal")] {
        line.push_str(&format!(
            " {key}:{}",
            crate::command::quote(get(block).unwrap_or_default())
        ));
    }
    if let Some(owner) = get("owner") {
        line.push_str(&format!(" owner:<@{owner}>"));
    }
    if let Some(tier) = get("tier") {
        line.push_str(&format!(" tier:{tier}"));
    }
    if let Some(industry) = get("industry") {
        line.push_str(&format!(" industry:{}", crate::command::quote(industry)));
    }
    line
}

/// Which input an error message is about, for Slack to show it beside that field.
fn field_of(message: &str) -> &'static str {
    let lower = message.to_lowercase();
    ["arr", "renewal", "owner", "tier", "industry"]
        .into_iter()
        .find(|f| lower.contains(f))
        .unwrap_or("name")
}

/// A submitted modal: add the account, then show the answer in the modal (or the error
/// beside the field it concerns).
async fn submit(slack: &Arc<Slack>, payload: &Value) -> Value {
    let Some((origin, actor)) = origin(payload).and_then(|o| o.actor().map(|a| (o, a))) else {
        return json!({"response_action": "errors", "errors": {"name": "this request names no valid Slack workspace."}});
    };
    // Slack waits 3 s for the answer to a submission: a look-up slower than the deadline
    // (a rate-limited `users.info` waited out) is refused for now; nothing was added.
    let checked = tokio::time::timeout(slack.deadline, allowed(slack, &origin)).await;
    let refused = checked.unwrap_or_else(|_| {
        Err("Steward could not check your access with Slack in time; please submit again.".into())
    });
    if let Err(refusal) = refused {
        return json!({"response_action": "errors", "errors": {"name": refusal}});
    }
    let line = account_add_line(&payload["view"]["state"]["values"]);
    let reply = slack.execute(actor, &crate::actions::Line::new(line)).await;
    let text = crate::render::text::render(&reply);
    if reply.is_error() {
        let message = crate::render::slack::truncate(text.trim_start_matches("error:").trim(), 150);
        let mut errors = serde_json::Map::new();
        errors.insert(field_of(&message).to_string(), json!(message));
        return json!({"response_action": "errors", "errors": errors});
    }
    let blocks: Vec<Value> = render(&reply)
        .into_iter()
        .flat_map(|m| m.blocks)
        .take(MAX_MODAL_BLOCKS)
        .collect();
    json!({
        "response_action": "update",
        "view": {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Account added"},
            "close": {"type": "plain_text", "text": "Done"},
            "blocks": blocks,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modal_values_become_a_line() {
        let values = json!({
            "name": {"value": {"type": "plain_text_input", "value": "Acme \"Big\" Corp"}},
            "arr": {"value": {"type": "plain_text_input", "value": "$50,000"}},
            "renewal": {"value": {"type": "datepicker", "selected_date": "2030-03-31"}},
            "owner": {"value": {"type": "users_select", "selected_user": "U7"}},
            "tier": {"value": {"type": "static_select", "selected_option": {"value": "2"}}},
            "industry": {"value": {"type": "plain_text_input", "value": null}},
        });
        assert_eq!(account_add_line(&values), "/account add “Acme \"Big\" Corp” arr:\"$50,000\" renewal:\"2030-03-31\" owner:<@U7> tier:2");
        assert_eq!(field_of("arr is required"), "arr");
        assert_eq!(field_of("something else"), "name");
    }
}
