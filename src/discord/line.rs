//! Purpose: a command interaction's data → the command line `App::execute` runs, e.g.
//! `/account add "Acme Corp" arr:"50k" renewal:"2027-03-31" owner:<@42>`, so parsing,
//! rights and the audit trail are the ones every surface shares.
//!
//! Positionals go first in their declared order, then `key:value` options in declared order.
//! Strings are quoted (a value like `Q3: expand` then never reads as a `key:`); a `"` inside
//! a value becomes `'`, since it would close the phrase (see [`crate::command::quote`]).
//! Users become `<@id>`; numbers are written as typed; choices as their value. An option that
//! repeats on the command line is one text option on Discord (see `manifest::discord`): its
//! comma-separated items become one `key:"item"` each.

use crate::command::quote;
use serenity::model::application::{CommandData, CommandDataOption, CommandDataOptionValue};

use crate::command::spec::{self, Kind, SubSpec};

/// The line for a command interaction; `Err` names what Discord sent that has no line.
pub fn command_line(data: &CommandData) -> Result<String, String> {
    let group = data.name.as_str();
    let Some((sub, options)) = data.options.iter().find_map(|o| match &o.value {
        CommandDataOptionValue::SubCommand(options) => Some((o.name.as_str(), options.as_slice())),
        _ => None,
    }) else {
        return Err(format!("/{group} arrived without a subcommand"));
    };
    let spec = spec::group(group).and_then(|g| g.sub(sub));
    let mut words = vec![format!("/{group}"), sub.to_string()];
    match spec {
        Some(spec) => words.extend(ordered(spec, options)?),
        // Not declared (an outdated registration): let the parser say what is wrong.
        None => {
            for o in options {
                words.push(format!("{}:{}", o.name, value_text(&o.value, None)?));
            }
        }
    }
    Ok(words.join(" "))
}

/// The options as words: positionals in declared order, then the named ones.
fn ordered(spec: &SubSpec, given: &[CommandDataOption]) -> Result<Vec<String>, String> {
    let find = |name: &str| given.iter().find(|o| o.name == name);
    let mut words = Vec::new();
    for declared in spec.positionals() {
        if let Some(o) = find(&declared.name) {
            words.push(value_text(&o.value, Some(declared.kind))?);
        }
    }
    for declared in spec.named() {
        if let (Some(o), true) = (find(&declared.name), declared.repeat) {
            let CommandDataOptionValue::String(items) = &o.value else {
                return Err(format!("{}: expected text", declared.name));
            };
            words.extend(
                items
                    .split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(|item| format!("{}:{}", declared.name, quote(item))),
            );
        } else if let Some(o) = find(&declared.name) {
            words.push(format!(
                "{}:{}",
                declared.name,
                value_text(&o.value, Some(declared.kind))?
            ));
        }
    }
    // Options Discord sent that `commands/` does not declare: passed on for the parser to
    // refuse, never dropped silently.
    for o in given.iter().filter(|o| spec.option(&o.name).is_none()) {
        words.push(format!("{}:{}", o.name, value_text(&o.value, None)?));
    }
    Ok(words)
}

/// One value as the text parser reads it.
fn value_text(value: &CommandDataOptionValue, kind: Option<Kind>) -> Result<String, String> {
    Ok(match value {
        CommandDataOptionValue::String(s) if kind == Some(Kind::Choice) && is_word(s) => s.clone(),
        CommandDataOptionValue::String(s)
        | CommandDataOptionValue::Autocomplete { value: s, .. } => quote(s),
        CommandDataOptionValue::Integer(i) => i.to_string(),
        CommandDataOptionValue::Number(n) => number(*n),
        CommandDataOptionValue::Boolean(b) => if *b { "yes" } else { "no" }.to_string(),
        CommandDataOptionValue::User(id) => format!("<@{id}>"),
        CommandDataOptionValue::Mentionable(id) => format!("<@{id}>"),
        CommandDataOptionValue::Role(id) => format!("<@&{id}>"),
        CommandDataOptionValue::Channel(id) => format!("<#{id}>"),
        other => {
            return Err(format!(
                "options of type {:?} are not used by Steward",
                other.kind()
            ))
        }
    })
}

fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `85.5`, `100` (no `.0`), as the percent and number readers take them.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(value: serde_json::Value) -> CommandData {
        serde_json::from_value(value).expect("command data as Discord sends it")
    }

    fn line(name: &str, sub: &str, options: serde_json::Value) -> Result<String, String> {
        command_line(&data(json!({
            "id": "1", "name": name, "type": 1,
            "options": [{"name": sub, "type": 1, "options": options}]
        })))
    }

    #[test]
    fn positionals_first_then_named_in_declared_order() {
        let got = line(
            "account",
            "add",
            json!([
                {"name": "renewal", "type": 3, "value": "2027-03-31"},
                {"name": "owner", "type": 6, "value": "80351110224678912"},
                {"name": "name", "type": 3, "value": "Acme Corp"},
                {"name": "arr", "type": 3, "value": "50k"},
            ]),
        );
        assert_eq!(got.as_deref(), Ok("/account add \"Acme Corp\" arr:\"50k\" renewal:\"2027-03-31\" owner:<@80351110224678912>"));
    }

    #[test]
    fn numbers_choices_and_quotes() {
        let got = line(
            "health",
            "set",
            json!([
                {"name": "account", "type": 3, "value": "The \"A\" Team"},
                {"name": "usage", "type": 10, "value": 85.5},
                {"name": "nps", "type": 10, "value": 9.0},
            ]),
        );
        // The name reaches the parser whole: curly quotes around its straight ones.
        assert_eq!(
            got.as_deref(),
            Ok("/health set “The \"A\" Team” usage:85.5 nps:9")
        );
        let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date");
        let parsed = crate::command::parse(got.as_deref().unwrap_or_default(), today);
        assert!(
            format!("{parsed:?}").contains("The \\\"A\\\" Team"),
            "{parsed:?}"
        );
        let got = line(
            "renewal",
            "followup",
            json!([
                {"name": "account", "type": 3, "value": "Acme"},
                {"name": "responded", "type": 3, "value": "yes"},
            ]),
        );
        assert_eq!(
            got.as_deref(),
            Ok("/renewal followup \"Acme\" responded:yes")
        );
    }

    #[test]
    fn a_repeated_option_arrives_comma_separated() {
        let got = line(
            "steward",
            "feature",
            json!([
                {"name": "event", "type": 3, "value": "Report Created, Report \"Shared\",, "},
                {"name": "name", "type": 3, "value": "Reports"},
                {"name": "action", "type": 3, "value": "add"},
            ]),
        );
        assert_eq!(
            got.as_deref(),
            Ok("/steward feature add \"Reports\" event:\"Report Created\" event:“Report \"Shared\"”")
        );
        let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date");
        let parsed = crate::command::parse(got.as_deref().unwrap_or_default(), today);
        assert!(
            format!("{parsed:?}").contains("[\"Report Created\", \"Report \\\"Shared\\\"\"]"),
            "{parsed:?}"
        );
    }

    #[test]
    fn no_options_and_unknown_ones() {
        assert_eq!(
            line("portfolio", "summary", json!([])).as_deref(),
            Ok("/portfolio summary")
        );
        assert_eq!(
            line(
                "nosuch",
                "thing",
                json!([{"name": "x", "type": 4, "value": 3}])
            )
            .as_deref(),
            Ok("/nosuch thing x:3")
        );
        let bare = data(json!({"id": "1", "name": "account", "type": 1}));
        assert!(command_line(&bare).is_err());
    }
}
