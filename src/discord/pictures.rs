//! Purpose: a reply's pictures on Discord — drawn to PNG off the async threads, only once the
//! text is out (so no picture delays the 3-second acknowledgement), and sent as ONE message
//! with the files attached: one embed per picture (title, alt text, `image.url` =
//! `attachment://<file>`), the files listed in `attachments` with the alt text as their
//! description. Interactions get it as a follow-up, ephemeral exactly when the answer was;
//! prompts and scheduled posts as a create-message in the same channel.
//!
//! A picture that cannot be sent is logged and dropped: the text always says the same in
//! words, so it stays the record.

use reqwest::Method;
use serde_json::{json, Value};

use super::respond::EPHEMERAL;
use super::rest::{Resend, RestError};
use super::upload::Upload;
use super::Discord;
use crate::picture::Picture;
use crate::render::discord::{escape, MAX_DESCRIPTION, MAX_EMBEDS, MAX_EMBED_TOTAL, MAX_TITLE};
use crate::render::slack::truncate;

/// Discord's limit on an attachment's description.
const MAX_ATTACHMENT_DESCRIPTION: usize = 1024;

/// A message of pictures, drawn: the JSON body and the files it names.
pub struct Drawn {
    pub body: Value,
    pub files: Vec<Upload>,
}

/// Draws `pictures` (at most [`MAX_EMBEDS`], the embeds a message holds) through
/// [`crate::picture::drawing`] — off the async threads, one at a time — and builds their
/// message; `None` when there are none or none could be drawn (logged).
pub async fn draw(pictures: &[Picture], ephemeral: bool) -> Option<Drawn> {
    let pictures: Vec<Picture> = pictures.iter().take(MAX_EMBEDS).cloned().collect();
    if pictures.is_empty() {
        return None;
    }
    let (pictures, pngs): (Vec<Picture>, Vec<Vec<u8>>) = crate::picture::drawing::draw(pictures)
        .await
        .into_iter()
        .unzip();
    (!pictures.is_empty()).then(|| message(&pictures, pngs, ephemeral))
}

/// The message body and files for `pictures` and their PNGs (in the same order).
fn message(pictures: &[Picture], pngs: Vec<Vec<u8>>, ephemeral: bool) -> Drawn {
    // Embed text counts against 6000 characters a message: each picture gets its share.
    let share = MAX_EMBED_TOTAL / pictures.len().max(1);
    let mut embeds = Vec::new();
    let mut attachments = Vec::new();
    let mut files = Vec::new();
    for (n, (picture, png)) in pictures.iter().zip(pngs).enumerate() {
        let name = file_name(pictures, n);
        let alt = picture.alt_text();
        let title = truncate(&escape(&picture.title()), MAX_TITLE.min(share / 2));
        let room = MAX_DESCRIPTION.min(share.saturating_sub(title.chars().count()));
        embeds.push(json!({
            "title": title,
            "description": truncate(&escape(&alt), room),
            "image": {"url": format!("attachment://{name}")},
        }));
        attachments.push(json!({
            // A string: the description's `SnowflakeType`; it matches `files[n]`.
            "id": n.to_string(),
            "filename": name,
            "description": truncate(&alt, MAX_ATTACHMENT_DESCRIPTION),
        }));
        files.push(Upload::png(name, png));
    }
    let mut body = json!({
        "embeds": embeds,
        "attachments": attachments,
        "allowed_mentions": {"parse": []},
    });
    if ephemeral {
        body["flags"] = json!(EPHEMERAL);
    }
    Drawn { body, files }
}

/// The picture's file name, made unique within the message: `attachment://` finds a file
/// by name, so two pictures of the same name would show the same image.
fn file_name(pictures: &[Picture], n: usize) -> String {
    let name = pictures[n].file_name();
    match pictures[..n].iter().any(|p| p.file_name() == name) {
        true => format!("{n}-{name}"),
        false => name,
    }
}

/// The pictures of an interaction's answer as one follow-up message
/// (`POST /webhooks/{application}/{token}`), ephemeral when the answer was.
pub async fn follow_up(
    discord: &Discord,
    application: u64,
    token: &str,
    pictures: &[Picture],
    ephemeral: bool,
) {
    let Some(drawn) = draw(pictures, ephemeral).await else {
        return;
    };
    let path = format!("/webhooks/{application}/{token}");
    if let Err(error) =
        super::interactions::webhook(discord, Method::POST, &path, &drawn.body, &drawn.files).await
    {
        tracing::warn!(%error, "could not send an answer's pictures");
    }
}

/// The pictures as a create-message in `channel` (`nonce`, when given, with
/// `enforce_nonce`, so a resend cannot post them twice).
pub async fn post(
    discord: &Discord,
    channel: &str,
    pictures: &[Picture],
    nonce: Option<String>,
) -> Result<(), RestError> {
    let Some(mut drawn) = draw(pictures, false).await else {
        return Ok(());
    };
    let resend = match nonce {
        Some(nonce) => {
            drawn.body["nonce"] = json!(nonce);
            drawn.body["enforce_nonce"] = json!(true);
            Resend::Safe
        }
        None => Resend::OnlyRateLimits,
    };
    let path = format!("/channels/{channel}/messages");
    discord
        .rest
        .bot_files(Method::POST, &path, &drawn.body, &drawn.files, resend)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picture::PowerGrid;

    fn grid(account: &str) -> Picture {
        Picture::PowerGrid(PowerGrid {
            account: account.into(),
            people: Vec::new(),
        })
    }

    #[test]
    fn each_picture_is_an_embed_showing_its_attachment() {
        let pictures = [grid("Acme *Corp*"), grid("Globex"), grid("Acme *Corp*")];
        let drawn = message(&pictures, vec![vec![1], vec![2], vec![3]], true);
        let body = &drawn.body;
        assert_eq!(body["flags"], EPHEMERAL);
        let names: Vec<&str> = drawn.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "power-grid-acme-corp.png",
                "power-grid-globex.png",
                "2-power-grid-acme-corp.png"
            ]
        );
        for (n, name) in names.iter().enumerate() {
            assert_eq!(body["attachments"][n]["id"], n.to_string());
            assert_eq!(body["attachments"][n]["filename"], *name);
            assert_eq!(
                body["embeds"][n]["image"]["url"],
                format!("attachment://{name}")
            );
        }
        assert_eq!(body["embeds"][0]["title"], "Power grid — Acme \\*Corp\\*");
        assert_eq!(drawn.files[2].content_type, "image/png");
        assert!(message(&pictures[..1], vec![vec![1]], false)
            .body
            .get("flags")
            .is_none());
    }

    #[test]
    fn long_names_stay_within_embed_limits() {
        let pictures: Vec<Picture> = (0..MAX_EMBEDS)
            .map(|i| grid(&format!("{i} {}", "x".repeat(5000))))
            .collect();
        let drawn = message(&pictures, vec![Vec::new(); MAX_EMBEDS], false);
        let chars = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
        let total: usize = drawn.body["embeds"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| chars(&e["title"]) + chars(&e["description"]))
            .sum();
        assert!(total <= MAX_EMBED_TOTAL, "{total}");
        assert!(drawn.body["attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|a| chars(&a["description"]) <= MAX_ATTACHMENT_DESCRIPTION));
    }
}
