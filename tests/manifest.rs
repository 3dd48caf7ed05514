//! Purpose: the generated Slack manifest and Discord registration stay in step with
//! `commands/`, within both platforms' limits, and valid against Discord's own OpenAPI
//! description. `STEWARD_BLESS=1 cargo test --test manifest` rewrites `manifest/`.

use std::path::PathBuf;

use regex::Regex;
use serde_json::{json, Value};
use steward::command::spec::{groups, GroupSpec};
use steward::manifest::{discord_commands, discord_commands_json, group_command, slack_manifest};

#[path = "common/api_specs.rs"]
mod api_specs;

fn crate_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The committed file equals `generated`, or is rewritten under `STEWARD_BLESS=1`.
fn check_committed(relative: &str, generated: &str, regenerate: &str) {
    let path = crate_path(relative);
    if std::env::var("STEWARD_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("file in a folder"))
            .expect("create manifest/");
        std::fs::write(&path, generated).expect("write manifest file");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{relative} is out of date with commands/: run `{regenerate}` \
         (or `STEWARD_BLESS=1 cargo test --test manifest`) and commit the result"
    );
}

#[test]
fn committed_manifests_match_the_generated_ones() {
    check_committed(
        "manifest/slack-app.yaml",
        &slack_manifest(""),
        "cargo run -- manifest slack > manifest/slack-app.yaml",
    );
    check_committed(
        "manifest/discord-commands.json",
        &discord_commands_json(),
        "cargo run -- manifest discord > manifest/discord-commands.json",
    );
}

/// The README's command reference equals the one generated from `commands/`; under
/// `STEWARD_BLESS=1` the block between the markers is rewritten.
#[test]
fn readme_command_reference_matches_commands() {
    use steward::manifest::reference::{command_reference, END, START};
    let path = crate_path("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md needs the command reference markers:\n{START}\n{END}");
    };
    let body_start = start + START.len() + 1;
    let committed = readme.get(body_start..end).unwrap_or_default();
    let generated = format!("\n{}", command_reference());
    if std::env::var("STEWARD_BLESS").is_ok_and(|v| v == "1") {
        let rewritten = format!("{}{generated}{}", &readme[..body_start], &readme[end..]);
        std::fs::write(&path, rewritten).expect("write README.md");
        return;
    }
    assert!(
        committed == generated,
        "README.md's command reference is out of date with commands/: run \
         `STEWARD_BLESS=1 cargo test --test manifest readme` and commit the result"
    );
}

#[test]
fn discord_json_text_and_value_agree() {
    let parsed: Value = serde_json::from_str(&discord_commands_json()).expect("valid JSON");
    assert_eq!(parsed, discord_commands());
    assert!(discord_commands_json().ends_with("}\n]\n"));
}

// ---- Discord limits (https://discord.com/developers/docs/interactions/application-commands)

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

fn options(v: &Value) -> &[Value] {
    v["options"].as_array().map_or(&[], Vec::as_slice)
}

/// Characters Discord counts towards a command's 4000: names, descriptions, choices.
fn total_chars(v: &Value) -> usize {
    let own = chars(&v["name"]) + chars(&v["description"]);
    let choices: usize = v["choices"].as_array().map_or(0, |cs| {
        cs.iter()
            .map(|c| chars(&c["name"]) + chars(&c["value"]))
            .sum()
    });
    own + choices + options(v).iter().map(total_chars).sum::<usize>()
}

fn check_discord_limits(command: &Value) {
    let name_re = Regex::new(r"^[-_\p{L}\p{N}]{1,32}$").expect("valid regex");
    let check = |v: &Value, here: &str| {
        let name = v["name"].as_str().unwrap_or_default();
        assert!(name_re.is_match(name), "{here}: bad name {name:?}");
        assert_eq!(name, name.to_lowercase(), "{here}: names must be lowercase");
        let d = chars(&v["description"]);
        assert!((1..=100).contains(&d), "{here}: description of {d} chars");
        assert!(options(v).len() <= 25, "{here}: more than 25 options");
        let required: Vec<bool> = options(v).iter().map(|o| o["required"] == true).collect();
        assert!(
            required.windows(2).all(|w| w[0] || !w[1]),
            "{here}: required after optional"
        );
        if let Some(choices) = v["choices"].as_array() {
            assert!(choices.len() <= 25, "{here}: more than 25 choices");
            for c in choices {
                assert!(
                    (1..=100).contains(&chars(&c["name"])),
                    "{here}: choice name {c}"
                );
                assert!(chars(&c["value"]) <= 100, "{here}: choice value {c}");
            }
        }
    };
    let top = command["name"].as_str().unwrap_or_default().to_string();
    check(command, &top);
    for sub in options(command) {
        let here = format!("{top} {}", sub["name"]);
        check(sub, &here);
        for o in options(sub) {
            check(o, &format!("{here} {}", o["name"]));
        }
    }
    assert!(
        total_chars(command) <= 4000,
        "{top}: more than 4000 characters"
    );
}

#[test]
fn discord_commands_are_within_discords_limits() {
    let commands = discord_commands();
    let commands = commands.as_array().expect("an array");
    assert_eq!(
        commands.len(),
        groups().len() + 1,
        "one command per group, and the message command"
    );
    assert!(commands.len() <= 100, "at most 100 top-level commands");
    // The message context-menu command (type 3, "Message Commands" in Discord's
    // application-commands docs): a name with spaces, an empty description, no options.
    let log = commands.last().expect("the message command");
    assert_eq!(log["type"], 3);
    assert_eq!(log["name"], "Log to account");
    assert_eq!(log["description"], "");
    assert!(log.get("options").is_none());
    for (command, group) in commands.iter().zip(groups()) {
        assert_eq!(command["name"], group.name.as_str());
        assert_eq!(command["type"], 1);
        assert_eq!(options(command).len(), group.subcommands.len());
        check_discord_limits(command);
    }
}

/// A group using every option kind, all admin: covers what `commands/` may not (yet).
fn every_kind_group() -> GroupSpec {
    toml::from_str(
        r#"
        name = "every-kind"
        description = "A test group with every option kind"
        [[subcommand]]
        name = "all"
        description = "Every kind"
        admin = true
        examples = ["/every-kind all"]
        options = [
          { name = "s", kind = "string", positional = true, required = true, description = "s" },
          { name = "t", kind = "text", positional = true, description = "t" },
          { name = "i", kind = "integer", min = -5, max = 5, required = true, description = "i" },
          { name = "m", kind = "money", description = "m" },
          { name = "x", kind = "number", description = "x" },
          { name = "p", kind = "percent", description = "p" },
          { name = "d", kind = "date", description = "d" },
          { name = "n", kind = "days", description = "n" },
          { name = "u", kind = "user", description = "u" },
          { name = "c", kind = "choice", choices = ["a", "b"], description = "c" },
          { name = "a", kind = "account", description = "a" },
          { name = "k", kind = "secret", description = "k" },
        ]
        "#,
    )
    .expect("test group parses")
}

#[test]
fn admin_only_groups_are_hidden_from_non_admins_others_are_not() {
    let admin_only = group_command(&every_kind_group());
    assert_eq!(admin_only["default_member_permissions"], 32);
    check_discord_limits(&admin_only);
    for (command, group) in discord_commands()
        .as_array()
        .expect("an array")
        .iter()
        .zip(groups())
    {
        let all_admin = group.subcommands.iter().all(|s| s.admin);
        assert_eq!(
            command.get("default_member_permissions").is_some(),
            all_admin,
            "{}",
            group.name
        );
        assert_eq!(
            command["contexts"],
            json!([0]),
            "{}: guild only",
            group.name
        );
    }
}

// ---- Discord's OpenAPI description (discord-api-spec/ under STEWARD_API_SPECS)

/// Makes every object schema closed, so a key the schema does not declare is an error
/// (the published schemas leave `additionalProperties` open).
fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// A validator for the body of `PUT /applications/{application_id}/commands`.
fn bulk_overwrite_validator() -> jsonschema::Validator {
    let path = api_specs::require("discord-api-spec/openapi.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (Discord's OpenAPI description)", path.display()));
    let mut doc: Value = serde_json::from_str(&text).expect("openapi.json is JSON");
    let pointer = "/paths/~1applications~1{application_id}~1commands/put/requestBody/content/application~1json/schema";
    let mut root = doc
        .pointer(pointer)
        .expect("the bulk-overwrite operation is described")
        .clone();
    assert_eq!(
        root["items"]["$ref"],
        "#/components/schemas/ApplicationCommandUpdateRequest"
    );
    close_objects(&mut doc["components"]);
    root["components"] = doc["components"].take();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    jsonschema::draft202012::new(&root).expect("the schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, body: &Value) -> Vec<String> {
    validator
        .iter_errors(body)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
#[ignore = "needs the Discord API description: set STEWARD_API_SPECS to the folder of the official API descriptions"]
fn conformance_discord_commands_validate_against_discords_openapi() {
    let validator = bulk_overwrite_validator();
    let errors = schema_errors(&validator, &discord_commands());
    assert!(
        errors.is_empty(),
        "not a valid bulk overwrite:\n{}",
        errors.join("\n")
    );
    let every_kind = json!([group_command(&every_kind_group())]);
    let errors = schema_errors(&validator, &every_kind);
    assert!(
        errors.is_empty(),
        "every-kind group is invalid:\n{}",
        errors.join("\n")
    );
}

#[test]
#[ignore = "needs the Discord API description: set STEWARD_API_SPECS to the folder of the official API descriptions"]
fn conformance_schema_check_catches_unknown_keys_and_wrong_types() {
    let validator = bulk_overwrite_validator();
    let good = json!([group_command(&every_kind_group())]);
    assert!(validator.is_valid(&good), "the unbroken body must pass");
    let broken = [
        ("/0/options/0/options/0", "bogus", json!(1)),
        ("/0", "bogus", json!(1)),
        ("/0/options/0/options/0", "required", json!("yes")),
        ("/0/options/0/options/1", "min_value", json!("low")),
        ("/0/options/0/options/0", "type", json!(42)),
        ("/0", "contexts", json!([7])),
    ];
    for (at, key, value) in broken {
        let mut body = good.clone();
        body.pointer_mut(at).expect("path exists")[key] = value.clone();
        assert!(
            !validator.is_valid(&body),
            "{at}/{key} = {value} passed the schema check"
        );
    }
}

// ---- Slack (https://api.slack.com/reference/manifests)

fn slash_commands(yaml: &str) -> Vec<serde_norway::Value> {
    let manifest: serde_norway::Value = serde_norway::from_str(yaml).expect("the manifest is YAML");
    manifest["features"]["slash_commands"]
        .as_sequence()
        .cloned()
        .expect("features.slash_commands")
}

fn text(v: &serde_norway::Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

#[test]
fn slack_manifest_has_one_command_per_group() {
    for prefix in ["", "sw-"] {
        let yaml = slack_manifest(prefix);
        let commands = slash_commands(&yaml);
        let names: Vec<String> = commands.iter().map(|c| text(c, "command")).collect();
        let expected: Vec<String> = groups()
            .iter()
            .map(|g| format!("/{prefix}{}", g.name))
            .collect();
        assert_eq!(names, expected);
        for c in &commands {
            assert!(text(c, "command").starts_with('/'));
            assert_eq!(text(c, "url"), "https://steward.example.com/slack/commands");
            assert_eq!(c["should_escape"].as_bool(), Some(true));
        }
    }
}

#[test]
fn slack_manifest_is_within_slacks_limits() {
    for c in slash_commands(&slack_manifest("sw-")) {
        let command = text(&c, "command");
        assert!(
            command.chars().count() <= 32,
            "{command}: name over 32 characters"
        );
        let description = text(&c, "description");
        assert!(
            (1..=2000).contains(&description.chars().count()),
            "{command}: description"
        );
        assert!(
            text(&c, "usage_hint").chars().count() <= 1000,
            "{command}: usage hint"
        );
    }
}

#[test]
fn slack_manifest_settings() {
    let manifest: serde_norway::Value = serde_norway::from_str(&slack_manifest("")).expect("YAML");
    let settings = &manifest["settings"];
    assert_eq!(settings["socket_mode_enabled"].as_bool(), Some(false));
    assert_eq!(
        settings["interactivity"]["is_enabled"].as_bool(),
        Some(true)
    );
    let events: Vec<&str> = settings["event_subscriptions"]["bot_events"]
        .as_sequence()
        .expect("bot_events")
        .iter()
        .filter_map(|e| e.as_str())
        .collect();
    assert_eq!(
        events,
        [
            "app_home_opened",
            "app_mention",
            "message.im",
            "message.channels",
            "message.groups",
            "app_uninstalled",
            "tokens_revoked"
        ]
    );
    // The *Log to account* message shortcut (api.slack.com/reference/manifests,
    // `features.shortcuts`: name, type message, callback_id, description) and the
    // options URL of its external select (`settings.interactivity.message_menu_options_url`).
    let shortcut = &manifest["features"]["shortcuts"][0];
    assert_eq!(shortcut["name"].as_str(), Some("Log to account"));
    assert_eq!(shortcut["type"].as_str(), Some("message"));
    assert_eq!(
        shortcut["callback_id"].as_str(),
        Some("steward_log_to_account")
    );
    assert_eq!(
        settings["interactivity"]["message_menu_options_url"].as_str(),
        Some("https://steward.example.com/slack/options")
    );
    let scopes: Vec<&str> = manifest["oauth_config"]["scopes"]["bot"]
        .as_sequence()
        .expect("bot scopes")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(scopes.contains(&"channels:history") && scopes.contains(&"groups:history"));
    let scopes = manifest["oauth_config"]["scopes"]["bot"]
        .as_sequence()
        .expect("bot scopes");
    assert!(scopes.iter().any(|s| s.as_str() == Some("commands")));
}

/// Events the 2021 AsyncAPI description does not list although Slack sends them
/// (api.slack.com/events/app_home_opened).
const NEWER_THAN_THE_DESCRIPTION: [&str; 1] = ["app_home_opened"];

#[test]
#[ignore = "needs the Slack API description: set STEWARD_API_SPECS to the folder of the official API descriptions"]
fn conformance_slack_manifest_events_are_slacks_events() {
    let path = api_specs::require("slack-api-specs/slack_events_api_async_v1.json");
    let text = std::fs::read_to_string(path).expect("the events description");
    let description: Value = serde_json::from_str(&text).expect("JSON");
    let topics = description["topics"].as_object().expect("topics");
    let manifest: serde_norway::Value = serde_norway::from_str(&slack_manifest("")).expect("YAML");
    let events = manifest["settings"]["event_subscriptions"]["bot_events"]
        .as_sequence()
        .expect("bot_events");
    assert!(events.iter().any(|e| e.as_str() == Some("app_uninstalled")));
    assert!(events.iter().any(|e| e.as_str() == Some("tokens_revoked")));
    for event in events.iter().filter_map(|e| e.as_str()) {
        if NEWER_THAN_THE_DESCRIPTION.contains(&event) {
            continue;
        }
        // The description names `app_uninstalled` as topic `app.uninstalled`.
        let topic = event.replace('_', ".");
        assert!(
            topics.contains_key(&topic),
            "{event} is no event Slack describes"
        );
    }
}
