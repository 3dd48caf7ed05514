//! Purpose: slash commands — one per command group (`/account`, or `/sw-account` with
//! `STEWARD_SLACK_PREFIX=sw-`); the group and the text become the line `App::execute` runs.
//! Answers are ephemeral with a 'Share in channel' button on answers that only read. Slack
//! wants an answer within 3 s: what is done within [`super::INLINE_DEADLINE`] is answered
//! inline, anything slower is acknowledged at once and answered through `response_url`.

use serde_json::{json, Value};
use std::sync::Arc;

use super::api::Api;
use super::{access, actions, interact, pictures, Origin, Slack};
use crate::actions::Line;
use crate::command::spec::groups;
use crate::fault;
use crate::picture::Picture;
use crate::render::slack::{render, MAX_BLOCKS};
use crate::reply::Reply;

/// Slack lets a `response_url` be used five times.
const RESPONSE_URL_USES: usize = 5;

/// A slash command as Slack sends it (form fields over HTTP, an envelope in Socket Mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashCommand {
    pub origin: Origin,
    /// `/account` (or `/sw-account`).
    pub command: String,
    pub text: String,
    pub response_url: Option<String>,
    pub trigger_id: Option<String>,
}

impl SlashCommand {
    /// Reads Slack's form-encoded payload; `None` when a required field is missing.
    /// A field given twice counts with its last value; fields Steward does not read are
    /// skipped without being copied.
    pub fn from_form(body: &[u8]) -> Option<SlashCommand> {
        const NAMES: [&str; 8] = [
            "team_id",
            "enterprise_id",
            "user_id",
            "channel_id",
            "command",
            "text",
            "response_url",
            "trigger_id",
        ];
        let mut fields: [Option<String>; 8] = Default::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            if let Some(at) = NAMES.iter().position(|n| *n == name) {
                fields[at] = Some(value.into_owned());
            }
        }
        let [team, enterprise, user, channel, command, text, response_url, trigger_id] =
            fields.map(|f| f.filter(|v| !v.is_empty()));
        Some(SlashCommand {
            origin: Origin {
                team: team?,
                enterprise,
                user: user?,
                channel: channel?,
            },
            command: command?,
            text: text.unwrap_or_default(),
            response_url,
            trigger_id,
        })
    }
}

/// The immediate answer to Slack.
#[derive(Debug, Clone, PartialEq)]
pub enum Ack {
    /// A message body (`response_type`, `text`, `blocks`).
    Message(Value),
    /// An empty 200: the answer follows through `response_url` (or a modal opened).
    Empty,
}

/// What answering a command produced.
enum Answer {
    /// Message bodies, and the pictures that follow them (drawn after acknowledging) with
    /// the client of the workspace they go to.
    Messages(Vec<Value>, Vec<Picture>, Api),
    /// A modal was opened instead.
    Modal,
}

/// The command group a Slack command names, prefix stripped.
pub fn group_of<'a>(prefix: &str, command: &'a str) -> Option<&'a str> {
    let name = command.trim().trim_start_matches('/');
    let name = name
        .strip_prefix(prefix)
        .filter(|_| !prefix.is_empty())
        .unwrap_or(name);
    groups().iter().any(|g| g.name == name).then_some(name)
}

/// Message bodies for a reply: ephemeral (or in the channel), split within Slack's limits,
/// with a button for each command a question offers, and a 'Share in channel' button for
/// `share_line`, a command line the caller found to only read ([`super::Line`]).
pub fn payloads(reply: &Reply, share_line: Option<&str>, in_channel: bool) -> Vec<Value> {
    let mut messages = render(reply);
    let share = share_line
        .filter(|_| !reply.is_error())
        .and_then(actions::share_block);
    for block in actions::choices_block(&reply.choices)
        .into_iter()
        .chain(share)
    {
        let Some(last) = messages.last_mut() else {
            break;
        };
        if last.blocks.len() < MAX_BLOCKS {
            last.blocks.push(block);
        } else {
            let text = last.text.clone();
            messages.push(crate::render::slack::SlackMessage {
                text,
                blocks: vec![block],
            });
        }
    }
    let kind = if in_channel {
        "in_channel"
    } else {
        "ephemeral"
    };
    messages
        .into_iter()
        .map(|m| {
            let text = if m.text.trim().is_empty() {
                "Done.".to_string()
            } else {
                m.text
            };
            let mut body = json!({"response_type": kind, "text": text});
            if !m.blocks.is_empty() {
                body["blocks"] = Value::Array(m.blocks);
            }
            body
        })
        .collect()
}

/// A short ephemeral text answer.
pub fn ephemeral(text: &str) -> Value {
    let body = payloads(&Reply::error(text), None, false)
        .into_iter()
        .next();
    body.unwrap_or_else(|| json!({"response_type": "ephemeral", "text": text}))
}

/// Answers a slash command: inline when done before the deadline, else through `response_url`.
pub async fn handle(slack: &Arc<Slack>, command: SlashCommand) -> Ack {
    let Some(group) = group_of(&slack.prefix, &command.command).map(str::to_string) else {
        let help = format!("/{}steward help", slack.prefix);
        return Ack::Message(ephemeral(&format!(
            "Steward has no command {}. `{help}` lists the commands.",
            command.command
        )));
    };
    let response_url = command.response_url.clone();
    let line = Line::new(
        format!("/{group} {}", command.text.trim())
            .trim_end()
            .to_string(),
    );
    // A panic escaping `answer` happened outside `App::execute` (which catches its own):
    // before the command ran, or after it returned — so a command that only reads changed
    // nothing, and any other may have.
    let changed = match line.only_reads() {
        true => fault::Changed::Nothing,
        false => fault::Changed::Maybe,
    };
    // Polled in place (no task per request) until the deadline; if it is not done by then,
    // it moves to a task of its own and finishes there. A panic inside is answered with an
    // apology naming the reference in the log. A zero deadline answers everything through
    // `response_url`.
    let mut work = Box::pin(fault::catch_async(
        "Slack slash command",
        changed,
        answer(slack.clone(), command, group, line),
    ));
    let done = if slack.deadline.is_zero() {
        None
    } else {
        tokio::time::timeout(slack.deadline, &mut work).await.ok()
    };
    match done.ok_or(()) {
        Ok(Ok(Answer::Modal)) => Ack::Empty,
        Ok(Ok(Answer::Messages(messages, pictures, api))) => {
            let mut messages = messages.into_iter();
            let Some(first) = messages.next() else {
                return Ack::Empty;
            };
            let rest: Vec<Value> = messages.collect();
            if !rest.is_empty() || !pictures.is_empty() {
                tokio::spawn(follow_up(api, response_url, rest, pictures));
            }
            Ack::Message(first)
        }
        Ok(Err(fault)) => Ack::Message(ephemeral(&fault.apology())),
        Err(()) => {
            // Slow: acknowledge now; the answer follows when the work is done.
            let slack = slack.clone();
            tokio::spawn(async move {
                match work.await {
                    Ok(Answer::Messages(messages, pictures, api)) => {
                        follow_up(api, response_url, messages, pictures).await
                    }
                    Ok(Answer::Modal) => {}
                    Err(fault) => {
                        let apology = vec![ephemeral(&fault.apology())];
                        let api = slack.tokenless().clone();
                        follow_up(api, response_url, apology, Vec::new()).await
                    }
                }
            });
            Ack::Empty
        }
    }
}

/// Answers `command` to `group`, whose `line` is `/group text` ([`handle`]).
async fn answer(slack: Arc<Slack>, command: SlashCommand, group: String, line: Line) -> Answer {
    let received = tokio::time::Instant::now();
    let only = |text: &str| {
        let api = slack.tokenless().clone();
        Answer::Messages(vec![ephemeral(text)], Vec::new(), api)
    };
    let Some(actor) = command.origin.actor() else {
        return only("this request names no valid Slack workspace.");
    };
    let api = match slack.api_of(&command.origin).await {
        Ok(api) => api,
        Err(error) => {
            tracing::info!(%error, "a command from a workspace without a usable installation");
            return only(&slack.reinstall_text(&error));
        }
    };
    match slack.gate.check(&api, &command.origin).await {
        Ok(access) => {
            if let Some(refusal) = access.refusal() {
                return only(refusal);
            }
        }
        Err(error) => {
            tracing::warn!(%error, "users.info failed; access refused for now");
            return only(&access::unavailable(&error));
        }
    }
    let text = command.text.trim();
    let account = group == "account";
    if account && text == "add" {
        if let Some(trigger) = &command.trigger_id {
            let expires = received + interact::TRIGGER_LIFETIME;
            match interact::open_account_modal(&api, trigger, &command.origin.channel, expires)
                .await
            {
                Ok(()) => return Answer::Modal,
                Err(error) => {
                    tracing::warn!(%error, "could not open the add-account modal; answering with the usage")
                }
            }
        }
    }
    if account && is_channel_link(text) {
        if let Some(refusal) = not_a_member(&slack, &api, &command.origin.channel).await {
            return only(&refusal);
        }
    }
    let reply = slack.execute(actor, &line).await;
    let share = line.only_reads().then_some(line.text());
    Answer::Messages(payloads(&reply, share, false), reply.pictures, api)
}

/// Whether `/account …` text is `channel link …`.
fn is_channel_link(text: &str) -> bool {
    let mut words = text.split_whitespace().map(str::to_lowercase);
    words.next().as_deref() == Some("channel") && words.next().as_deref() == Some("link")
}

/// Linking a customer channel Steward is not in: how to invite it. Asked with
/// `conversations.info` (`channel.is_member`); when Slack cannot say, the link goes ahead.
async fn not_a_member(slack: &Slack, api: &Api, channel: &str) -> Option<String> {
    let params = [("channel", channel.to_string())];
    let asked = api.get("conversations.info", &params);
    let answer = tokio::time::timeout(slack.deadline / 2, asked)
        .await
        .ok()?
        .ok()?;
    (answer["channel"]["is_member"] == false).then(|| {
        "Steward is not in this channel yet, so it cannot see its messages. Invite it first with `/invite @Steward`, then link again.".to_string()
    })
}

/// Sends the rest of an answer through `response_url` (at most its five uses), then its
/// pictures, privately, in one more message when a use is left — uploaded with `api`, the
/// client of the workspace the answer goes to.
pub async fn follow_up(
    api: Api,
    response_url: Option<String>,
    messages: Vec<Value>,
    pictures: Vec<Picture>,
) {
    let Some(url) = response_url else {
        tracing::warn!("an answer could not be delivered: the request had no response_url");
        return;
    };
    let total = messages.len();
    for message in messages.into_iter().take(RESPONSE_URL_USES) {
        if let Err(error) = api.respond(&url, &message).await {
            tracing::warn!(%error, "could not answer through response_url");
            return;
        }
    }
    if total > RESPONSE_URL_USES {
        tracing::warn!(
            total,
            "answer longer than Slack's five response_url uses; the rest was dropped"
        );
    }
    // The first message went inline; `total` more used the URL.
    if !pictures.is_empty() && total < RESPONSE_URL_USES {
        pictures::answer_privately(&api, &url, pictures).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::t;

    #[test]
    fn command_names_map_to_groups() {
        assert_eq!(group_of("", "/account"), Some("account"));
        assert_eq!(group_of("sw-", "/sw-renewal"), Some("renewal"));
        assert_eq!(group_of("sw-", "/renewal"), Some("renewal"));
        assert_eq!(group_of("", "/webhook-collect"), None);
    }

    #[test]
    fn answers_are_ephemeral_with_share_on_reads() {
        let reply = Reply::new().para(vec![t("Acme")]);
        let body = &payloads(&reply, Some("/account show Acme"), false)[0];
        assert_eq!(body["response_type"], "ephemeral");
        let blocks = body["blocks"].as_array().expect("blocks");
        assert_eq!(
            blocks.last().map(|b| b["elements"][0]["action_id"].clone()),
            Some(json!(actions::SHARE))
        );
        let write = &payloads(&reply, None, false)[0];
        assert_eq!(write["blocks"].as_array().map(Vec::len), Some(1));
        let error = &payloads(&Reply::error("no"), Some("/account show X"), false)[0];
        assert_eq!(error["blocks"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn form_fields() {
        let body = b"team_id=T1&enterprise_id=E1&user_id=U1&channel_id=C1&command=%2Faccount&text=show+Acme&response_url=http%3A%2F%2Fx%2Fr&trigger_id=1.2";
        let command = SlashCommand::from_form(body).expect("valid");
        assert_eq!(
            command.origin.tenant().map(|t| t.to_string()),
            Some("slack:E1:T1".into())
        );
        assert_eq!(command.text, "show Acme");
        assert!(SlashCommand::from_form(b"team_id=T1&user_id=U1").is_none());
    }
}
