//! Checks what Steward sends to Discord (and answers it) against Discord's own OpenAPI
//! description (`discord-api-spec/openapi.json` under `STEWARD_API_SPECS`, read at test
//! time): the request body schema of each operation, with every object closed so an
//! undeclared key is an error, as `tests/manifest.rs` does for the command registration.
//! Without the description (a bare clone) nothing is checked here; see `api_specs`.

use serde_json::{json, Value};
use std::sync::OnceLock;

/// The operations Steward uses, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `POST /interactions/{id}/{token}/callback` — also the HTTP endpoint's response body.
    Callback,
    /// `POST /channels/{channel_id}/messages`.
    CreateMessage,
    /// `POST /webhooks/{application_id}/{token}` (follow-ups).
    FollowUp,
    /// `PATCH /webhooks/{application_id}/{token}/messages/@original`.
    EditOriginal,
    /// `PUT /applications/{application_id}/guilds/{guild_id}/commands`.
    BulkOverwrite,
    /// `POST /users/@me/channels`.
    OpenDm,
}

fn pointer(op: Op) -> (&'static str, &'static str) {
    match op {
        Op::Callback => (
            "/interactions/{interaction_id}/{interaction_token}/callback",
            "post",
        ),
        Op::CreateMessage => ("/channels/{channel_id}/messages", "post"),
        Op::FollowUp => ("/webhooks/{webhook_id}/{webhook_token}", "post"),
        Op::EditOriginal => (
            "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            "patch",
        ),
        Op::BulkOverwrite => (
            "/applications/{application_id}/guilds/{guild_id}/commands",
            "put",
        ),
        Op::OpenDm => ("/users/@me/channels", "post"),
    }
}

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

struct Validators {
    ops: Vec<(Op, jsonschema::Validator)>,
    /// The file parts create-message's `multipart/form-data` schema declares.
    file_parts: Vec<String>,
}

/// Where Discord's description sits under `STEWARD_API_SPECS`.
const DESCRIPTION: &str = "discord-api-spec/openapi.json";

/// The validators, when the description is available.
fn validators() -> Option<&'static Validators> {
    static V: OnceLock<Option<Validators>> = OnceLock::new();
    V.get_or_init(|| super::api_specs::find(DESCRIPTION).map(|path| load(&path)))
        .as_ref()
}

fn load(path: &std::path::Path) -> Validators {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (Discord's OpenAPI description)", path.display()));
    let mut doc: Value = serde_json::from_str(&text).expect("openapi.json is JSON");
    close_objects(&mut doc["components"]);
    let ops = [
        Op::Callback,
        Op::CreateMessage,
        Op::FollowUp,
        Op::EditOriginal,
        Op::BulkOverwrite,
        Op::OpenDm,
    ];
    // Execute-webhook's multipart schema in this description repeats its JSON schema
    // without the file parts; Discord's docs give every message upload the same
    // `files[n]`, so create-message's list stands for both.
    let multipart = &doc["paths"]["/channels/{channel_id}/messages"]["post"]["requestBody"]
        ["content"]["multipart/form-data"]["schema"]["allOf"];
    let file_parts: Vec<String> = multipart
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["properties"].as_object())
        .flat_map(|p| p.keys().filter(|k| k.starts_with("files[")).cloned())
        .collect();
    assert!(!file_parts.is_empty(), "create-message takes files");
    Validators {
        file_parts,
        ops: ops
            .into_iter()
            .map(|op| {
                let (path, method) = pointer(op);
                let mut root = doc["paths"][path][method]["requestBody"]["content"]
                    ["application/json"]["schema"]
                    .clone();
                assert!(!root.is_null(), "{path} {method} is described");
                close_objects(&mut root);
                root["components"] = doc["components"].clone();
                root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
                (
                    op,
                    jsonschema::draft202012::new(&root).expect("the schema compiles"),
                )
            })
            .collect(),
    }
}

/// Whether `name` is a file part Discord takes: those create-message's multipart schema
/// declares, or `files[n]` when the description is not available.
pub fn is_file_part(name: &str) -> bool {
    match validators() {
        Some(v) => v.file_parts.iter().any(|p| p == name),
        None => name
            .strip_prefix("files[")
            .and_then(|rest| rest.strip_suffix(']'))
            .is_some_and(|n| n.parse::<u8>().is_ok_and(|n| n < 10)),
    }
}

/// What is wrong with `body` as the request body of `op` (nothing can be, without the
/// description).
pub fn errors(op: Op, body: &Value) -> Vec<String> {
    let Some(validators) = validators() else {
        return Vec::new();
    };
    let (_, validator) = validators
        .ops
        .iter()
        .find(|(o, _)| *o == op)
        .expect("a validator per op");
    validator
        .iter_errors(body)
        .map(|e| format!("{op:?} {}: {e}", e.instance_path()))
        .collect()
}

/// Panics with the schema errors, if any.
pub fn assert_valid(op: Op, body: &Value) {
    let errors = errors(op, body);
    assert!(
        errors.is_empty(),
        "not a valid {op:?} body:\n{}\n{body:#}",
        errors.join("\n")
    );
}

#[test]
#[ignore = "needs the Discord API description: set STEWARD_API_SPECS to the folder of the official API descriptions"]
fn conformance_checks_catch_what_discord_would_refuse() {
    super::api_specs::require(DESCRIPTION);
    assert_valid(Op::Callback, &json!({"type": 1}));
    assert_valid(
        Op::Callback,
        &json!({"type": 4, "data": {"content": "hi", "flags": 64}}),
    );
    assert!(!errors(
        Op::Callback,
        &json!({"type": 4, "data": {"content": "x".repeat(2001)}})
    )
    .is_empty());
    assert!(!errors(Op::Callback, &json!({"type": 8, "data": {"choices": (0..26).map(|i| json!({"name": format!("n{i}"), "value": "v"})).collect::<Vec<_>>()}})).is_empty());
    assert!(!errors(
        Op::CreateMessage,
        &json!({"content": "hi", "nonce": "x".repeat(26)})
    )
    .is_empty());
    assert!(!errors(Op::CreateMessage, &json!({"content": "hi", "bogus": 1})).is_empty());
    assert!(!errors(
        Op::CreateMessage,
        &json!({"embeds": [{"title": "t".repeat(257)}]})
    )
    .is_empty());
    assert_valid(
        Op::CreateMessage,
        &json!({"content": "hi", "nonce": "abc-0", "enforce_nonce": true, "allowed_mentions": {"parse": []}}),
    );
}
