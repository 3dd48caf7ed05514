//! Purpose: the Discord application commands, as the JSON body of the bulk overwrite
//! (`PUT /applications/{id}/commands`): one slash command per group, one SUB_COMMAND per
//! subcommand, each declared option mapped to Discord's option types.
//!
//! Mapping (Discord option type in brackets):
//! - string, text, money, date, days → STRING (3): Discord has no type for them, and the text
//!   parser reads them exactly as typed on Slack or the console;
//! - percent → NUMBER (10) with `min_value` 0 / `max_value` 100 (or the declared bounds), so
//!   Discord rejects `150` or `high` before we see it; `85.5` still works;
//! - integer → INTEGER (4) with the declared `min`/`max`;
//! - user → USER (6); choice → STRING with `choices`; account → STRING with `autocomplete`;
//! - an option that repeats (`event:A event:B`) → one STRING, since Discord options cannot
//!   repeat: its description asks for comma-separated values, which `discord::line` turns
//!   back into one `key:value` each (so a value there cannot hold a comma).
//!
//! Every command is guild-only (`contexts: [0]`): rights depend on the member's roles
//! (DECISIONS 21). `default_member_permissions` (Manage Server) is set only on a group whose
//! subcommands are all admin, since it hides the whole top-level command (DECISIONS 20);
//! it is an integer, as Discord's OpenAPI request schema types it.

use serde::Serialize;

use super::truncate;
use crate::command::spec::{groups, GroupSpec, Kind, OptionSpec, SubSpec};

/// Discord's limit on every command, option and choice description.
pub const MAX_DESCRIPTION_CHARS: usize = 100;

/// `MANAGE_GUILD` ("Manage Server").
const MANAGE_GUILD: u64 = 1 << 5;

// ApplicationCommandType / ApplicationCommandOptionType / InteractionContextType /
// ApplicationIntegrationType values.
const CHAT_INPUT: u8 = 1;
const MESSAGE: u8 = 3;
const SUB_COMMAND: u8 = 1;
const STRING: u8 = 3;
const INTEGER: u8 = 4;
const USER: u8 = 6;
const NUMBER: u8 = 10;
const CONTEXT_GUILD: u8 = 0;
const GUILD_INSTALL: u8 = 0;

#[derive(Serialize)]
struct Command {
    name: String,
    #[serde(rename = "type")]
    kind: u8,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_member_permissions: Option<u64>,
    /// Deprecated in favour of `contexts`, kept consistent with it for older clients.
    dm_permission: bool,
    contexts: Vec<u8>,
    integration_types: Vec<u8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    options: Vec<CommandOption>,
}

/// The *Log to account* message command's name (DECISIONS 27).
pub const LOG_COMMAND: &str = "Log to account";

/// A SUB_COMMAND or one of its value options.
#[derive(Serialize)]
struct CommandOption {
    #[serde(rename = "type")]
    kind: u8,
    name: String,
    description: String,
    #[serde(skip_serializing_if = "is_false")]
    required: bool,
    #[serde(skip_serializing_if = "is_false")]
    autocomplete: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    choices: Vec<Choice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_value: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_value: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    options: Vec<CommandOption>,
}

#[derive(Serialize)]
struct Choice {
    name: String,
    value: String,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// The bulk-overwrite body as a JSON value: an array of commands, one per group.
pub fn discord_commands() -> serde_json::Value {
    serde_json::to_value(all_commands()).expect("plain structs always serialise to JSON")
}

/// The same, pretty-printed with a trailing newline, keys in a fixed order: the text of
/// `manifest/discord-commands.json`.
pub fn discord_commands_json() -> String {
    let mut json = serde_json::to_string_pretty(&all_commands())
        .expect("plain structs always serialise to JSON");
    json.push('\n');
    json
}

/// One group's command, for checking declarations that are not (yet) in `commands/`.
pub fn group_command(group: &GroupSpec) -> serde_json::Value {
    serde_json::to_value(command(group)).expect("plain structs always serialise to JSON")
}

fn all_commands() -> Vec<Command> {
    let mut commands: Vec<Command> = groups().iter().map(command).collect();
    commands.push(log_command());
    commands
}

/// The message context-menu command (type 3): a message's *Apps → Log to account*. Message
/// commands have an empty description and no options (discord.com/developers/docs/
/// interactions/application-commands, "Message Commands").
fn log_command() -> Command {
    Command {
        name: LOG_COMMAND.into(),
        kind: MESSAGE,
        description: String::new(),
        default_member_permissions: None,
        dm_permission: false,
        contexts: vec![CONTEXT_GUILD],
        integration_types: vec![GUILD_INSTALL],
        options: Vec::new(),
    }
}

fn command(group: &GroupSpec) -> Command {
    let all_admin = !group.subcommands.is_empty() && group.subcommands.iter().all(|s| s.admin);
    Command {
        name: group.name.clone(),
        kind: CHAT_INPUT,
        description: truncate(&group.description, MAX_DESCRIPTION_CHARS),
        default_member_permissions: all_admin.then_some(MANAGE_GUILD),
        dm_permission: false,
        contexts: vec![CONTEXT_GUILD],
        integration_types: vec![GUILD_INSTALL],
        options: group.subcommands.iter().map(subcommand).collect(),
    }
}

fn subcommand(sub: &SubSpec) -> CommandOption {
    // Discord rejects a required option after an optional one. Within each half the
    // positionals come first, in the order they are typed on Slack and the console.
    let mut ordered: Vec<&OptionSpec> = sub.options.iter().collect();
    ordered.sort_by_key(|o| (!o.required, !o.positional));
    CommandOption {
        kind: SUB_COMMAND,
        name: sub.name.clone(),
        description: truncate(&sub.description, MAX_DESCRIPTION_CHARS),
        required: false,
        autocomplete: false,
        choices: Vec::new(),
        min_value: None,
        max_value: None,
        options: ordered.into_iter().map(value_option).collect(),
    }
}

fn value_option(option: &OptionSpec) -> CommandOption {
    let description = match option.repeat {
        true => format!("{} (several: separate with commas)", option.description),
        false => option.description.clone(),
    };
    let mut out = CommandOption {
        kind: STRING,
        name: option.name.clone(),
        description: truncate(&description, MAX_DESCRIPTION_CHARS),
        required: option.required,
        autocomplete: false,
        choices: Vec::new(),
        min_value: None,
        max_value: None,
        options: Vec::new(),
    };
    match option.kind {
        Kind::String | Kind::Text | Kind::Money | Kind::Date | Kind::Days | Kind::Secret => {}
        Kind::Integer => {
            out.kind = INTEGER;
            out.min_value = option.min;
            out.max_value = option.max;
        }
        Kind::Number => {
            out.kind = NUMBER;
            out.min_value = option.min;
            out.max_value = option.max;
        }
        Kind::Percent => {
            out.kind = NUMBER;
            out.min_value = Some(option.min.unwrap_or(0));
            out.max_value = Some(option.max.unwrap_or(100));
        }
        Kind::User => out.kind = USER,
        Kind::Choice => {
            out.choices = option
                .choices
                .iter()
                .map(|c| Choice {
                    name: truncate(c, MAX_DESCRIPTION_CHARS),
                    value: c.clone(),
                })
                .collect();
        }
        Kind::Account => out.autocomplete = true,
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(text: &str) -> SubSpec {
        toml::from_str(text).expect("test declaration parses")
    }

    #[test]
    fn required_options_come_first_positionals_leading() {
        let s = sub(r#"
            name = "x"
            description = "d"
            examples = ["/g x"]
            options = [
              { name = "a", kind = "string", positional = true, required = true, description = "a" },
              { name = "b", kind = "string", positional = true, description = "b" },
              { name = "c", kind = "string", description = "c" },
              { name = "d", kind = "user", required = true, description = "d" },
            ]
        "#);
        let names: Vec<_> = subcommand(&s).options.into_iter().map(|o| o.name).collect();
        assert_eq!(names, ["a", "d", "b", "c"]);
    }

    #[test]
    fn kinds_map_to_discord_types() {
        let s = sub(r#"
            name = "x"
            description = "d"
            examples = ["/g x"]
            options = [
              { name = "p", kind = "percent", description = "p" },
              { name = "n", kind = "integer", min = 1, max = 3, description = "n" },
              { name = "c", kind = "choice", choices = ["yes", "no"], description = "c" },
              { name = "a", kind = "account", description = "a" },
            ]
        "#);
        let v = serde_json::to_value(subcommand(&s)).expect("serialises");
        assert_eq!(v["options"][0]["type"], 10);
        assert_eq!(v["options"][0]["max_value"], 100);
        assert_eq!(v["options"][1]["type"], 4);
        assert_eq!(v["options"][1]["min_value"], 1);
        assert_eq!(v["options"][2]["choices"][1]["value"], "no");
        assert_eq!(v["options"][3]["autocomplete"], true);
        assert!(v["options"][3].get("required").is_none());
    }
}
