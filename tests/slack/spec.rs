//! Checks what Steward sends to the Slack Web API against Slack's own OpenAPI description
//! (`slack-api-specs/slack_web_openapi_v2_without_examples.json` under `STEWARD_API_SPECS`,
//! read at test time): the method exists, every argument is one it declares, required ones
//! are there, each has the declared type, and Block Kit blocks match its `blocks`
//! definition. Without the description (a bare clone) only the checks that need no
//! description run (Block Kit limits, response_url's own keys); see `api_specs`.

use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// Arguments newer than the 2021 description, documented on api.slack.com since:
/// `metadata` (chat.postMessage, 2022) and `include_all_metadata` (conversations.history).
const NEWER_ARGUMENTS: [(&str, &str); 2] = [
    ("chat.postMessage", "metadata"),
    ("conversations.history", "include_all_metadata"),
];
/// Methods newer than the description — Socket Mode's, and the external file upload that
/// replaced `files.upload` (2024) — with the arguments their reference pages on
/// docs.slack.dev document: (method, required, optional).
const NEWER_METHODS: [(&str, &[&str], &[&str]); 3] = [
    ("apps.connections.open", &[], &[]),
    (
        "files.getUploadURLExternal",
        &["filename", "length"],
        &["alt_txt", "snippet_type"],
    ),
    (
        "files.completeUploadExternal",
        &["files"],
        &[
            "channel_id",
            "channels",
            "thread_ts",
            "initial_comment",
            "blocks",
        ],
    ),
];

/// What is wrong with a call of a method newer than the description.
fn check_newer(
    method: &str,
    required: &[&str],
    optional: &[&str],
    args: &Map<String, Value>,
) -> Vec<String> {
    let mut errors: Vec<String> = args
        .keys()
        .filter(|k| !required.contains(&k.as_str()) && !optional.contains(&k.as_str()))
        .map(|k| format!("{method}: unknown argument `{k}`"))
        .collect();
    errors.extend(
        required
            .iter()
            .filter(|r| !args.contains_key(**r))
            .map(|r| format!("{method}: required argument `{r}` missing")),
    );
    if method == "files.completeUploadExternal" {
        let files_ok = args["files"]
            .as_array()
            .is_some_and(|files| !files.is_empty() && files.iter().all(|f| f["id"].is_string()));
        if !files_ok {
            errors.push(format!("{method}: `files` must be a list of {{id, title}}"));
        }
        if args.contains_key("thread_ts") && !args.contains_key("channel_id") {
            errors.push(format!("{method}: thread_ts without channel_id"));
        }
    }
    errors
}
/// Arguments whose declared type is a JSON-encoded string in forms; a JSON body carries
/// them as structures (Slack accepts both).
const STRUCTURED: [&str; 3] = ["blocks", "view", "attachments"];

struct Spec {
    doc: Value,
    blocks: jsonschema::Validator,
}

/// Where Slack's Web API description sits under `STEWARD_API_SPECS`.
pub const DESCRIPTION: &str = "slack-api-specs/slack_web_openapi_v2_without_examples.json";

/// The description, when it is available.
fn spec() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(|| super::api_specs::find(DESCRIPTION).map(|path| load(&path)))
        .as_ref()
}

fn load(path: &std::path::Path) -> Spec {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (Slack's OpenAPI description)", path.display()));
    let doc: Value = serde_json::from_str(&text).expect("the description is JSON");
    let mut root = doc["definitions"]["blocks"].clone();
    root["definitions"] = doc["definitions"].clone();
    let blocks = jsonschema::draft4::new(&root).expect("the blocks schema compiles");
    Spec { doc, blocks }
}

fn block_errors(blocks: &Value, at: &str) -> Vec<String> {
    let mut errors: Vec<String> = spec()
        .into_iter()
        .flat_map(|spec| spec.blocks.iter_errors(blocks))
        .map(|e| format!("{at}{}: {e}", e.instance_path()))
        .collect();
    for (i, block) in blocks.as_array().into_iter().flatten().enumerate() {
        if block["type"] == "image" {
            errors.extend(
                image_block_errors(block)
                    .into_iter()
                    .map(|e| format!("{at}/{i}: {e}")),
            );
        }
    }
    errors
}

/// The description's blocks schema is loose; the image block's own rules, from
/// docs.slack.dev/reference/block-kit/blocks/image-block: exactly one of `image_url` and
/// `slack_file` (`slack_file` with exactly one of `id` and `url`), `alt_text` of at most
/// 2000 characters, an optional plain-text `title` of at most 2000.
fn image_block_errors(block: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let file = &block["slack_file"];
    match (block["image_url"].is_string(), file.is_object()) {
        (true, false) => {}
        (false, true) if file["id"].is_string() != file["url"].is_string() => {}
        _ => errors.push(format!(
            "image block needs image_url or slack_file {{id|url}}: {block}"
        )),
    }
    let chars = |v: &Value| v.as_str().map(|s| s.chars().count());
    if !chars(&block["alt_text"]).is_some_and(|n| (1..=2000).contains(&n)) {
        errors.push("image block alt_text missing or over 2000 characters".into());
    }
    if !block["title"].is_null()
        && (block["title"]["type"] != "plain_text"
            || chars(&block["title"]["text"]).is_none_or(|n| n > 2000))
    {
        errors.push("image block title must be plain_text of at most 2000 characters".into());
    }
    errors
}

fn type_ok(declared: &str, name: &str, value: &Value) -> bool {
    match declared {
        "string" => {
            value.is_string()
                || (STRUCTURED.contains(&name) && (value.is_array() || value.is_object()))
        }
        "boolean" => value.is_boolean() || matches!(value.as_str(), Some("true" | "false")),
        "integer" => {
            value.is_i64()
                || value.is_u64()
                || value.as_str().is_some_and(|s| s.parse::<i64>().is_ok())
        }
        "number" => value.is_number() || value.as_str().is_some_and(|s| s.parse::<f64>().is_ok()),
        _ => true,
    }
}

/// What is wrong with a call of `method` carrying `args` (JSON body or query parameters).
pub fn check_call(method: &str, args: &Map<String, Value>) -> Vec<String> {
    if let Some((_, required, optional)) = NEWER_METHODS.iter().find(|(m, ..)| *m == method) {
        return check_newer(method, required, optional, args);
    }
    let Some(spec) = spec() else {
        return block_and_view_errors(method, args);
    };
    let Some(operations) = spec.doc["paths"][format!("/{method}")].as_object() else {
        return vec![format!("{method}: no such method in Slack's description")];
    };
    let parameters: Vec<&Value> = operations
        .values()
        .flat_map(|op| op["parameters"].as_array().into_iter().flatten())
        .collect();
    let mut errors = Vec::new();
    for (name, value) in args {
        if NEWER_ARGUMENTS.contains(&(method, name.as_str())) {
            continue;
        }
        match parameters
            .iter()
            .find(|p| p["name"] == name.as_str() && p["in"] != "header")
        {
            None => errors.push(format!("{method}: unknown argument `{name}`")),
            Some(p) => {
                if !type_ok(p["type"].as_str().unwrap_or_default(), name, value) {
                    errors.push(format!(
                        "{method}: `{name}` should be {}: {value}",
                        p["type"]
                    ));
                }
            }
        }
    }
    for p in &parameters {
        let name = p["name"].as_str().unwrap_or_default();
        if p["required"] == true
            && p["in"] != "header"
            && name != "token"
            && !args.contains_key(name)
        {
            errors.push(format!("{method}: required argument `{name}` missing"));
        }
    }
    errors.extend(block_and_view_errors(method, args));
    errors
}

/// What is wrong with the blocks and the view of a call.
fn block_and_view_errors(method: &str, args: &Map<String, Value>) -> Vec<String> {
    let mut errors = Vec::new();
    if let Some(blocks) = args.get("blocks") {
        errors.extend(block_errors(blocks, &format!("{method} blocks")));
    }
    if let Some(view) = args.get("view") {
        errors.extend(check_view(view, method));
    }
    errors
}

fn check_view(view: &Value, method: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if !matches!(view["type"].as_str(), Some("home" | "modal")) {
        errors.push(format!(
            "{method}: view type must be home or modal: {}",
            view["type"]
        ));
    }
    if view["type"] == "modal" && !view["title"]["text"].is_string() {
        errors.push(format!("{method}: a modal needs a title"));
    }
    errors.extend(block_errors(
        &view["blocks"],
        &format!("{method} view.blocks"),
    ));
    if view["blocks"].as_array().map_or(0, Vec::len) > 100 {
        errors.push(format!("{method}: more than 100 blocks in a view"));
    }
    errors
}

/// What is wrong with a message posted to a `response_url` (the message arguments of
/// `chat.postMessage`, plus `response_type` and `replace_original`/`delete_original`).
pub fn check_response_url(body: &Value) -> Vec<String> {
    let Some(args) = body.as_object() else {
        return vec!["response_url body is not an object".into()];
    };
    let mut errors = Vec::new();
    let mut message = Map::new();
    for (name, value) in args {
        match name.as_str() {
            "response_type" if matches!(value.as_str(), Some("ephemeral" | "in_channel")) => {}
            "replace_original" | "delete_original" if value.is_boolean() => {}
            "text" | "blocks" | "thread_ts" | "mrkdwn" => {
                message.insert(name.clone(), value.clone());
            }
            _ => errors.push(format!("response_url: unexpected `{name}`: {value}")),
        }
    }
    message.insert("channel".into(), json!("C0RESPONSE"));
    errors.extend(
        check_call("chat.postMessage", &message)
            .into_iter()
            .map(|e| format!("response_url: {e}")),
    );
    if !args.contains_key("text")
        && !args.contains_key("blocks")
        && args.get("delete_original") != Some(&json!(true))
    {
        errors.push("response_url: neither text nor blocks".into());
    }
    errors
}

/// The message checks Slack applies on top of the description (Block Kit limits).
pub fn check_message_limits(body: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let blocks = body["blocks"].as_array().cloned().unwrap_or_default();
    if blocks.len() > 50 {
        errors.push(format!("{} blocks in one message (max 50)", blocks.len()));
    }
    for block in &blocks {
        if let Some(text) = block["text"]["text"].as_str() {
            let max = if block["type"] == "header" { 150 } else { 3000 };
            if text.chars().count() > max {
                errors.push(format!(
                    "{} text of {} chars",
                    block["type"],
                    text.chars().count()
                ));
            }
        }
    }
    errors
}
