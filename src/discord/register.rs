//! Purpose: registering the application commands generated from `commands/` (the JSON of
//! `manifest/discord-commands.json`) — to `DISCORD_GUILD_ID` when set (instant, for
//! development), else globally — and only when they differ from what Discord already has,
//! since command creates count against a daily limit. One bulk overwrite (`PUT`) replaces
//! the whole set, so commands no longer declared disappear with it.
//!
//! Discord answers with more than it was sent (ids, versions, localizations) and in its own
//! forms (`default_member_permissions` as a string, `false` and `[]` left out, the
//! global-only `contexts`/`integration_types`/`dm_permission` dropped on server commands), so
//! the comparison looks only at what Steward sends, in Discord's forms.

use reqwest::Method;
use serde_json::Value;

use super::rest::{Resend, RestError};
use super::Discord;
use crate::manifest::discord_commands;

/// Keys Discord keeps only on global commands.
const GLOBAL_ONLY: [&str; 3] = ["contexts", "integration_types", "dm_permission"];

/// What registration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registered {
    Unchanged,
    Overwritten { count: usize },
}

/// Registers the commands if they differ from Discord's; the scope is the server of
/// `DISCORD_GUILD_ID` when set, else global. Needs the bot token.
pub async fn register(discord: &Discord) -> Result<Registered, RestError> {
    let application = match discord.application_id {
        Some(id) => id,
        None => {
            let me = discord
                .rest
                .bot(Method::GET, "/applications/@me", None, Resend::Safe)
                .await?;
            me["id"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| {
                    RestError::Transport("no application id in /applications/@me".into())
                })?
        }
    };
    let path = match discord.guild_id {
        Some(guild) => format!("/applications/{application}/guilds/{guild}/commands"),
        None => format!("/applications/{application}/commands"),
    };
    let wanted = discord_commands();
    let existing = discord
        .rest
        .bot(Method::GET, &path, None, Resend::Safe)
        .await?;
    if same_commands(&wanted, &existing, discord.guild_id.is_some()) {
        return Ok(Registered::Unchanged);
    }
    let stored = discord
        .rest
        .bot(Method::PUT, &path, Some(&wanted), Resend::Safe)
        .await?;
    Ok(Registered::Overwritten {
        count: stored.as_array().map_or(0, Vec::len),
    })
}

/// Whether Discord's `existing` commands are the `wanted` ones.
pub fn same_commands(wanted: &Value, existing: &Value, in_guild: bool) -> bool {
    let (Some(wanted), Some(existing)) = (wanted.as_array(), existing.as_array()) else {
        return false;
    };
    wanted.len() == existing.len()
        && wanted.iter().all(|w| {
            existing
                .iter()
                .find(|e| e["name"] == w["name"] && kind(e) == kind(w))
                .is_some_and(|e| covers(w, e, in_guild))
        })
}

/// A command's type; Discord defaults it to 1 (chat input).
fn kind(command: &Value) -> i64 {
    command["type"].as_i64().unwrap_or(1)
}

/// Every key of `wanted` has its value in `existing` (missing counting as the default).
fn covers(wanted: &Value, existing: &Value, in_guild: bool) -> bool {
    match (wanted, existing) {
        (Value::Object(w), _) => w.iter().all(|(key, value)| {
            if in_guild && GLOBAL_ONLY.contains(&key.as_str()) {
                return true;
            }
            let theirs = existing.get(key).unwrap_or(&Value::Null);
            if key == "options" || key == "choices" {
                return same_list(value, theirs, in_guild);
            }
            covers(value, theirs, in_guild)
        }),
        (Value::Array(w), Value::Array(e)) => {
            w.len() == e.len() && w.iter().zip(e).all(|(a, b)| covers(a, b, in_guild))
        }
        (Value::Array(w), Value::Null) => w.is_empty(),
        (Value::Bool(false), Value::Null) => true,
        (Value::Number(w), Value::String(e)) => e.parse::<f64>().ok() == w.as_f64(),
        (Value::Number(w), Value::Number(e)) => w.as_f64() == e.as_f64(),
        _ => wanted == existing,
    }
}

/// Options and choices, in order (order is what users see).
fn same_list(wanted: &Value, existing: &Value, in_guild: bool) -> bool {
    let empty = Vec::new();
    let w = wanted.as_array().unwrap_or(&empty);
    let e = existing.as_array().unwrap_or(&empty);
    w.len() == e.len() && w.iter().zip(e).all(|(a, b)| covers(a, b, in_guild))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What Discord would answer for `wanted`: ids added, its forms used.
    fn as_discord_returns(wanted: &Value, in_guild: bool) -> Value {
        fn strip(v: &mut Value, in_guild: bool) {
            if let Some(map) = v.as_object_mut() {
                map.retain(|k, v| {
                    !(in_guild && GLOBAL_ONLY.contains(&k.as_str())) && *v != json!(false)
                });
                if let Some(p) = map.get_mut("default_member_permissions") {
                    *p = json!(p.to_string());
                }
                map.insert("name_localizations".into(), Value::Null);
                map.values_mut().for_each(|v| strip(v, in_guild));
            } else if let Some(items) = v.as_array_mut() {
                items.iter_mut().for_each(|v| strip(v, in_guild));
            }
        }
        let mut out = wanted.clone();
        strip(&mut out, in_guild);
        for (i, c) in out.as_array_mut().into_iter().flatten().enumerate() {
            c["id"] = json!(format!("{}", 1000 + i));
            c["version"] = json!("1");
        }
        out
    }

    #[test]
    fn discords_forms_of_the_same_commands_count_as_the_same() {
        let wanted = discord_commands();
        for in_guild in [true, false] {
            assert!(same_commands(
                &wanted,
                &as_discord_returns(&wanted, in_guild),
                in_guild
            ));
        }
        assert!(!same_commands(&wanted, &json!([]), true));
    }

    #[test]
    fn a_changed_description_or_option_is_a_difference() {
        let wanted = discord_commands();
        let mut changed = as_discord_returns(&wanted, true);
        changed[0]["description"] = json!("something else");
        assert!(!same_commands(&wanted, &changed, true));
        let mut fewer = as_discord_returns(&wanted, true);
        if let Some(options) = fewer[0]["options"].as_array_mut() {
            options.pop();
        }
        assert!(!same_commands(&wanted, &fewer, true));
    }
}
