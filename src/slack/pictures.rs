//! Purpose: pictures on Slack. They are drawn off the async threads after the request was
//! acknowledged, then uploaded with Slack's external upload flow — `files.getUploadURLExternal`,
//! the bytes POSTed to the returned `upload_url`, `files.completeUploadExternal` (the old
//! `files.upload` is retired: docs.slack.dev/messaging/working-with-files). A picture is
//! either shared into a channel (scheduled posts, prompts, shared answers: `channel_id`, and
//! `thread_ts` to stay in a thread) or, for an ephemeral answer, completed without a channel —
//! "if not specified the file will be private" — and shown in a follow-up through
//! `response_url` as an `image` block whose `slack_file` names it (the poster, Steward, has
//! access to its own file, which is what Slack asks of a `slack_file`).
//!
//! A picture that cannot be delivered is logged and dropped: the text already said it all.

use serde_json::{json, Value};

use super::api::{Api, ApiError, Resend};
use crate::picture::drawing::draw;
use crate::picture::Picture;

/// Where an uploaded picture goes.
#[derive(Debug, Clone, Copy)]
pub enum Destination<'a> {
    /// Shared nowhere; shown in an ephemeral answer through its file id.
    Private,
    /// Shared into a channel (or a thread of it).
    Channel {
        channel: &'a str,
        thread_ts: Option<&'a str>,
    },
}

/// Uploads one drawn picture; its Slack file id.
pub async fn upload(
    api: &Api,
    picture: &Picture,
    png: &[u8],
    to: Destination<'_>,
) -> Result<String, ApiError> {
    let ticket = api
        .get(
            "files.getUploadURLExternal",
            &[
                ("filename", picture.file_name()),
                ("length", png.len().to_string()),
                ("alt_txt", alt_text(picture)),
            ],
        )
        .await?;
    let (Some(url), Some(file)) = (ticket["upload_url"].as_str(), ticket["file_id"].as_str())
    else {
        return Err(ApiError::Transport(
            "files.getUploadURLExternal returned no upload_url or file_id".into(),
        ));
    };
    api.upload_bytes(url, "image/png", png).await?;
    let mut complete = json!({"files": [{"id": file, "title": picture.title()}]});
    if let Destination::Channel { channel, thread_ts } = to {
        complete["channel_id"] = json!(channel);
        if let Some(ts) = thread_ts {
            complete["thread_ts"] = json!(ts);
        }
    }
    api.post(
        "files.completeUploadExternal",
        &complete,
        Resend::OnlyUnsent,
    )
    .await?;
    Ok(file.to_string())
}

/// Draws and shares `pictures` into a channel (or thread), one file each.
pub async fn share(api: &Api, pictures: Vec<Picture>, channel: &str, thread_ts: Option<&str>) {
    for (picture, png) in draw(pictures).await {
        let to = Destination::Channel { channel, thread_ts };
        if let Err(error) = upload(api, &picture, &png, to).await {
            tracing::warn!(%error, file = picture.file_name(), "could not share a picture");
        }
    }
}

/// Draws `pictures`, uploads them privately and sends one ephemeral message showing them
/// through `response_url`.
pub async fn answer_privately(api: &Api, response_url: &str, pictures: Vec<Picture>) {
    let mut blocks = Vec::new();
    let mut words = Vec::new();
    for (picture, png) in draw(pictures).await {
        match upload(api, &picture, &png, Destination::Private).await {
            Ok(file) => {
                words.push(picture.alt_text());
                blocks.push(image_block(&file, &picture));
            }
            Err(error) => {
                tracing::warn!(%error, file = picture.file_name(), "could not upload a picture")
            }
        }
    }
    if blocks.is_empty() {
        return;
    }
    let message = json!({"response_type": "ephemeral", "text": words.join(" "), "blocks": blocks});
    if let Err(error) = api.respond(response_url, &message).await {
        tracing::warn!(%error, "could not send the pictures through response_url");
    }
}

/// Slack's limit on an image block's `alt_text` and `title` is 2000 characters (docs.slack.dev,
/// image block); alt text is kept to 1000, which also suits `files.getUploadURLExternal`.
const MAX_IMAGE_TEXT: usize = 2000;
const MAX_ALT_TEXT: usize = 1000;

fn alt_text(picture: &Picture) -> String {
    picture.alt_text().chars().take(MAX_ALT_TEXT).collect()
}

/// An `image` block showing an uploaded file.
pub fn image_block(file_id: &str, picture: &Picture) -> Value {
    let title: String = picture.title().chars().take(MAX_IMAGE_TEXT).collect();
    json!({
        "type": "image",
        "slack_file": {"id": file_id},
        "alt_text": alt_text(picture),
        "title": {"type": "plain_text", "text": title},
    })
}
