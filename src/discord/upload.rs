//! Purpose: messages with files (a reply's pictures) — Discord's "Uploading Files"
//! (<https://discord.com/developers/docs/reference#uploading-files>): a `multipart/form-data`
//! body of a `payload_json` part holding the JSON body, whose `attachments` name each file,
//! and one `files[n]` part per file. Discord's OpenAPI description
//! (`discord-api-spec/openapi.json`, operations `create_message` and `execute_webhook`) lists
//! `multipart/form-data` beside `application/json` for both; create-message's multipart
//! schema is `MessageCreateRequest` plus binary `files[0]`…`files[9]`. [`super::rest`] sends
//! them on its one request path, retried like any call.

use reqwest::multipart::{Form, Part};
use serde_json::Value;

use super::rest::RestError;

/// A file sent with a message: the part `files[n]` of a multipart request.
#[derive(Debug)]
pub struct Upload {
    /// The name `attachments[].filename` and `attachment://…` refer to.
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Upload {
    pub fn png(name: String, bytes: Vec<u8>) -> Upload {
        Upload {
            name,
            content_type: "image/png",
            bytes,
        }
    }
}

/// What a request carries.
#[derive(Clone, Copy)]
pub(super) enum Payload<'a> {
    Nothing,
    Json(&'a Value),
    /// `payload_json` and the files, as `multipart/form-data`.
    Files(&'a Value, &'a [Upload]),
}

impl<'a> Payload<'a> {
    /// `body` with `files`; without any, plain JSON.
    pub(super) fn with_files(body: &'a Value, files: &'a [Upload]) -> Self {
        match files.is_empty() {
            true => Payload::Json(body),
            false => Payload::Files(body, files),
        }
    }
}

impl<'a> From<Option<&'a Value>> for Payload<'a> {
    fn from(body: Option<&'a Value>) -> Self {
        body.map_or(Payload::Nothing, Payload::Json)
    }
}

/// `payload_json` first, then `files[0]`, `files[1]`, … in the order of `files`.
pub(super) fn form(body: &Value, files: &[Upload]) -> Result<Form, RestError> {
    let part = |part: Part, content_type: &str| {
        part.mime_str(content_type)
            .map_err(|e| RestError::Transport(format!("content type {content_type}: {e}")))
    };
    let mut form = Form::new().part(
        "payload_json",
        part(Part::text(body.to_string()), "application/json")?,
    );
    for (n, file) in files.iter().enumerate() {
        let bytes = Part::bytes(file.bytes.clone()).file_name(file.name.clone());
        form = form.part(format!("files[{n}]"), part(bytes, file.content_type)?);
    }
    Ok(form)
}
