//! Purpose: the *Log to account* message command on Discord (DECISIONS 27) — a message's
//! *Apps → Log to account* (application command type 3, whose interaction carries the
//! message in `data.resolved.messages`) is answered, to the clicker alone, with a select of
//! accounts (the channel's linked account preselected) and one button per kind; the kind
//! button writes the entry through [`crate::app::App::execute_sourced`] (rights, audit and
//! undo as for `/account log`) with the message's permalink
//! (`https://discord.com/channels/GUILD/CHANNEL/MESSAGE`), author and time.
//!
//! What was captured waits in memory for the clicks (a quarter of an hour); after a
//! restart the command is simply used again.

use serde_json::{json, Value};
use serenity::model::application::{
    CommandInteraction, ComponentInteraction, ComponentInteractionDataKind,
};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{respond, Discord};
use crate::app::Actor;
use crate::domain::account::{ActivityKind, ActivitySource};
use crate::reply::Reply;

/// Custom id prefixes of the answer's components.
pub const ACCOUNT_SELECT: &str = "stw:logacct:";
pub const KIND_BUTTON: &str = "stw:logkind:";
/// How long a captured message waits for its clicks.
const KEEP: Duration = Duration::from_secs(15 * 60);
/// Discord's limit on a select's options.
const MAX_OPTIONS: usize = 25;

/// A captured message.
#[derive(Debug, Clone)]
pub struct Captured {
    pub text: String,
    pub source: ActivitySource,
}

/// Messages captured and not yet logged, by message id.
#[derive(Default)]
pub struct Captures(Mutex<HashMap<String, (Instant, Captured)>>);

impl Captures {
    fn put(&self, id: &str, captured: Captured) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (at, _)| at.elapsed() < KEEP);
        map.insert(id.to_string(), (Instant::now(), captured));
    }

    fn get(&self, id: &str) -> Option<Captured> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(id)
            .filter(|(at, _)| at.elapsed() < KEEP)
            .map(|(_, c)| c.clone())
    }
}

/// Discord's link to a message.
pub fn permalink(guild: u64, channel: u64, message: u64) -> String {
    format!("https://discord.com/channels/{guild}/{channel}/{message}")
}

/// Discord message content as plain text: user mentions (`<@123>`, `<@!123>`) as `@name`
/// from the message's `mentions`, else `@id`.
pub fn plain_text(content: &str, names: &HashMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = content;
    while let Some(start) = rest.find("<@") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let after_bang = after.strip_prefix('!').unwrap_or(after);
        let digits: String = after_bang
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !digits.is_empty() && after_bang[digits.len()..].starts_with('>') {
            out.push('@');
            out.push_str(names.get(&digits).map_or(digits.as_str(), String::as_str));
            rest = &after_bang[digits.len() + 1..];
        } else {
            out.push_str("<@");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The answer's components: the account select and the kind buttons for `chosen`.
fn components(message: &str, names: &[(u64, String)], chosen: Option<u64>) -> Vec<Value> {
    let options: Vec<Value> = names
        .iter()
        .take(MAX_OPTIONS)
        .map(|(id, name)| {
            json!({"label": crate::render::slack::truncate(name, 100), "value": id.to_string(), "default": Some(*id) == chosen})
        })
        .collect();
    let mut rows = vec![json!({"type": 1, "components": [{
        "type": 3, "custom_id": format!("{ACCOUNT_SELECT}{message}"),
        "placeholder": "Which account?", "options": options,
    }]})];
    if let Some(account) = chosen {
        let buttons: Vec<Value> = ActivityKind::LOGGABLE
            .iter()
            .map(|k| {
                let label = match *k {
                    "followup" => "Renewal follow-up".to_string(),
                    other => format!("{}{}", other[..1].to_uppercase(), &other[1..]),
                };
                json!({"type": 2, "style": 1, "label": label, "custom_id": format!("{KIND_BUTTON}{k}:{account}:{message}")})
            })
            .collect();
        rows.push(json!({"type": 1, "components": buttons}));
    }
    rows
}

/// The account names offered, the linked one first, then by name.
fn offered(discord: &Discord, actor: &Actor) -> (Vec<(u64, String)>, Option<u64>) {
    let Ok(lock) = discord.app.store.book(&actor.tenant) else {
        return (Vec::new(), None);
    };
    let book = lock.read().unwrap_or_else(|p| p.into_inner());
    let linked = book
        .channel_account(&actor.channel)
        .map(|a| (a.id.0, a.name.clone()));
    let mut names: Vec<(u64, String)> = book
        .active()
        .filter(|a| Some(a.id.0) != linked.as_ref().map(|l| l.0))
        .map(|a| (a.id.0, a.name.clone()))
        .collect();
    names.sort_by_key(|n| n.1.to_lowercase());
    let chosen = linked.as_ref().map(|l| l.0);
    if let Some(linked) = linked {
        names.insert(0, linked);
    }
    (names, chosen)
}

fn ephemeral(content: &str, components: Vec<Value>) -> Value {
    json!({"content": content, "flags": respond::EPHEMERAL, "components": components, "allowed_mentions": {"parse": []}})
}

/// The message command: capture the message, answer with the account select.
pub fn command(discord: &Discord, actor: &Actor, c: &CommandInteraction) -> Value {
    let Some(target) = c.data.target_id else {
        return respond::ephemeral_reply(&Reply::error("this command needs a message."));
    };
    let message_id = target.get();
    let Some(message) = c.data.resolved.messages.get(&target.into()) else {
        return respond::ephemeral_reply(&Reply::error(
            "Discord did not send the message; try again.",
        ));
    };
    let names: HashMap<String, String> = message
        .mentions
        .iter()
        .map(|u| {
            (
                u.id.get().to_string(),
                u.global_name.clone().unwrap_or_else(|| u.name.clone()),
            )
        })
        .collect();
    let text = crate::render::slack::truncate(
        &plain_text(&message.content, &names),
        crate::domain::account::MAX_LOGGED_MESSAGE_CHARS,
    );
    let author = message
        .author
        .global_name
        .clone()
        .unwrap_or_else(|| message.author.name.clone());
    let guild = c.guild_id.map(|g| g.get()).unwrap_or_default();
    let captured = Captured {
        text,
        source: ActivitySource {
            permalink: permalink(guild, message.channel_id.get(), message_id),
            author,
            at: chrono::DateTime::from_timestamp(message.timestamp.unix_timestamp(), 0)
                .unwrap_or_else(|| discord.now()),
        },
    };
    discord.captures.put(&message_id.to_string(), captured);
    let (names, chosen) = offered(discord, actor);
    if names.is_empty() {
        return respond::ephemeral_reply(&Reply::error(
            "there are no accounts yet. Add one with `/account add \"Acme Corp\" arr:50k renewal:2027-03-31`.",
        ));
    }
    let content = match chosen {
        Some(_) => "Log this message to the channel's account — or pick another — as:",
        None => "Log this message to which account?",
    };
    respond::callback(
        respond::CHANNEL_MESSAGE,
        ephemeral(content, components(&message_id.to_string(), &names, chosen)),
    )
}

/// A click on the answer's select or buttons; `None` when the custom id is not ours.
pub async fn click(discord: &Discord, actor: Actor, c: &ComponentInteraction) -> Option<Value> {
    let id = c.data.custom_id.as_str();
    if let Some(message) = id.strip_prefix(ACCOUNT_SELECT) {
        let chosen = match &c.data.kind {
            ComponentInteractionDataKind::StringSelect { values } => {
                values.first().and_then(|v| v.parse().ok())
            }
            _ => None,
        };
        let (names, _) = offered(discord, &actor);
        let body = ephemeral("Log it as:", components(message, &names, chosen));
        return Some(respond::callback(respond::UPDATE_MESSAGE, body));
    }
    let rest = id.strip_prefix(KIND_BUTTON)?;
    let mut parts = rest.splitn(3, ':');
    let (kind, account, message) = (parts.next()?, parts.next()?, parts.next()?);
    let kind = ActivityKind::parse(kind)?;
    let Some(captured) = discord.captures.get(message) else {
        let late =
            Reply::error("this capture has expired; use *Log to account* on the message again.");
        return Some(respond::callback(
            respond::UPDATE_MESSAGE,
            respond::without_flags(
                respond::bodies(&late, true, &[])
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
            ),
        ));
    };
    let name = {
        let lock = discord.app.store.book(&actor.tenant).ok()?;
        let book = lock.read().unwrap_or_else(|p| p.into_inner());
        book.account(crate::domain::account::AccountId(account.parse().ok()?))
            .map(|a| a.name.clone())?
    };
    let text = if captured.text.trim().is_empty() {
        "(no text)".to_string()
    } else {
        captured
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let line = format!(
        "/account log {} {} type:{}",
        crate::command::quote(&name),
        crate::command::quote(&text),
        kind.option()
    );
    let (app, now, source) = (discord.app.clone(), discord.now(), captured.source);
    let reply = crate::fault::blocking("Discord Log to account", move || {
        app.execute_sourced(&actor, now, &line, Some(&source))
    })
    .await;
    let mut body = respond::bodies(&reply, true, &[])
        .into_iter()
        .next()
        .unwrap_or_default();
    body["components"] = json!([]);
    Some(respond::callback(
        respond::UPDATE_MESSAGE,
        respond::without_flags(body),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_become_names_and_the_permalink_has_three_ids() {
        let names = HashMap::from([("42".to_string(), "Jane".to_string())]);
        assert_eq!(
            plain_text("hi <@42> and <@!7>, <@x", &names),
            "hi @Jane and @7, <@x"
        );
        assert_eq!(permalink(1, 2, 3), "https://discord.com/channels/1/2/3");
    }

    #[test]
    fn kind_buttons_carry_the_account_and_the_message() {
        let rows = components("99", &[(5, "Acme".into())], Some(5));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["components"][0]["options"][0]["default"], true);
        assert_eq!(
            rows[1]["components"][4]["custom_id"],
            "stw:logkind:followup:5:99"
        );
        assert_eq!(components("99", &[(5, "Acme".into())], None).len(), 1);
    }
}
