//! Purpose: Discord's inputs — command, component and autocomplete interactions built on the
//! recorded interactions in `tests/discord/` with hostile names, options and custom ids, and
//! hostile bytes — read with serenity's model the way the endpoint reads them, down to the
//! command line they become.

use proptest::prelude::*;
use serde_json::{json, Value};
use serenity::model::application::Interaction;

use super::fixture::{asker, now, today};
use super::{book, check_reading, text};
use steward::command::parse;
use steward::command::spec::groups;
use steward::discord::components::{click, Click};
use steward::discord::names::NameIndex;
use steward::discord::{autocomplete, line, prompts};

const COMMAND: &str = include_str!("../discord/command.json");
const COMPONENT: &str = include_str!("../discord/component.json");

fn recorded(json: &str) -> Value {
    serde_json::from_str(json).expect("a recorded interaction")
}

/// An option value of any type Discord sends, around hostile text.
fn option_value() -> impl Strategy<Value = (u8, Value)> {
    prop_oneof![
        text::text().prop_map(|t| (3, json!(t))),
        any::<i64>().prop_map(|n| (4, json!(n))),
        any::<f64>().prop_map(|n| (10, json!(n))),
        any::<bool>().prop_map(|b| (5, json!(b))),
        any::<u64>().prop_map(|id| (6, json!(id.to_string()))),
    ]
}

fn command_interaction() -> impl Strategy<Value = Value> {
    let name = prop_oneof![
        any::<prop::sample::Index>().prop_map(|i| i.get(groups()).name.clone()),
        text::short_text(40),
    ];
    let options = prop::collection::vec((text::short_text(40), option_value()), 0..5);
    (name, any::<prop::sample::Index>(), options, any::<bool>()).prop_map(
        |(group, sub, options, focused)| {
            let subs = groups().iter().find(|g| g.name == group);
            let sub = subs.map_or("list".to_string(), |g| sub.get(&g.subcommands).name.clone());
            let options: Vec<Value> = options
                .into_iter()
                .map(|(name, (kind, value))| {
                    json!({"name": name, "type": kind, "value": value, "focused": focused && kind == 3})
                })
                .collect();
            let mut interaction = recorded(COMMAND);
            interaction["type"] = json!(if focused { 4 } else { 2 });
            interaction["data"]["name"] = json!(group);
            interaction["data"]["options"] = json!([{"name": sub, "type": 1, "options": options}]);
            interaction
        },
    )
}

fn component_interaction() -> impl Strategy<Value = Value> {
    let prefix = prop::sample::select(vec![
        "steward:share:",
        "steward:followup:",
        "steward:renewed:",
        "steward:snooze:",
        "steward:renewed!:",
        "steward:snooze!:",
        "steward:health:",
        "steward:save-product-gap:",
        "steward:expand-module:",
        "steward:snooze14:",
        "",
    ]);
    (prefix, text::short_text(200)).prop_map(|(prefix, rest)| {
        let mut interaction = recorded(COMPONENT);
        interaction["data"]["custom_id"] = json!(format!("{prefix}{rest}"));
        interaction
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => text::bytes(),
        3 => command_interaction().prop_map(|v| v.to_string().into_bytes()),
        3 => component_interaction().prop_map(|v| v.to_string().into_bytes()),
    ]
}

proptest! {
    #![proptest_config(text::cases(256))]

    #[test]
    fn hostile_interactions_are_read_or_refused(body in body()) {
        let index = NameIndex::build(book(), 0);
        match serde_json::from_slice::<Interaction>(&body) {
            Ok(Interaction::Command(c)) => {
                if let Ok(line) = line::command_line(&c.data) {
                    let _ = parse(&line, today());
                }
            }
            Ok(Interaction::Autocomplete(c)) => {
                if let Some(option) = c.data.autocomplete() {
                    let _ = autocomplete::suggest(&index, book(), option.value);
                }
            }
            Ok(Interaction::Component(c)) => {
                match click(&c.data.custom_id) {
                    Click::Run { line, .. } => {
                        let _ = parse(&line, today());
                    }
                    Click::Press { button, account, .. } => {
                        let presser = steward::domain::person::UserId("U1".into());
                        let line = button.line(&account, book().by_name(&account), book(), &presser);
                        let _ = parse(&line, today());
                    }
                    _ => {}
                }
            }
            Ok(_) | Err(_) => {}
        }
    }

    #[test]
    fn hostile_mentions_are_read_as_prompts(message in text::text()) {
        let prompt = prompts::without_mention(&format!("<@42> {message} <@!42>"), Some(42));
        let (reading, trace) = steward::prompt::read_traced(&prompt, book(), &asker(), now(), today(), None);
        check_reading(&prompt, &reading)?;
        // `why:` explains any reading without a panic.
        let _ = trace.explain(&reading);
    }
}
