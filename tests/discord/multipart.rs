//! The fake REST API's reading of `multipart/form-data` (Discord's "Uploading Files"): the
//! `payload_json` part as the body, each `files[n]` part recorded by name, size, first bytes
//! and PNG dimensions, and what Discord would refuse — a part it does not know, a file without
//! a name, an attachment or `attachment://` link naming no uploaded file.

#![allow(dead_code)]

use serde_json::Value;

use super::spec;

/// One uploaded file, as the fake saw it.
#[derive(Debug, Clone)]
pub struct File {
    /// The part's name: `files[n]`.
    pub part: String,
    pub filename: String,
    pub content_type: String,
    pub size: usize,
    /// The first 8 bytes (a PNG's signature).
    pub head: Vec<u8>,
    /// Width and height when the file decodes as a PNG, else the decoder's error.
    pub png: Result<(u32, u32), String>,
}

/// A form's `payload_json` (parsed) and files; `None` when `content_type` is not multipart.
/// Malformed forms come back as problems.
pub fn read(
    content_type: &str,
    bytes: &[u8],
    problems: &mut Vec<String>,
) -> Option<(Value, Vec<File>)> {
    let boundary = content_type
        .strip_prefix("multipart/form-data")?
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut body = Value::Null;
    let mut files = Vec::new();
    for raw in split(bytes, delimiter.as_bytes()).into_iter().skip(1) {
        if raw.starts_with(b"--") {
            break;
        }
        let raw = raw.strip_prefix(b"\r\n").unwrap_or(raw);
        let raw = raw.strip_suffix(b"\r\n").unwrap_or(raw);
        let Some(at) = find(raw, b"\r\n\r\n") else {
            problems.push("a multipart part without headers".into());
            continue;
        };
        let (head, content) = (String::from_utf8_lossy(&raw[..at]), &raw[at + 4..]);
        let header = |name: &str| {
            head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_string())
            })
        };
        let disposition = header("content-disposition").unwrap_or_default();
        let param = |key: &str| {
            disposition.split(';').find_map(|p| {
                p.trim()
                    .strip_prefix(key)
                    .and_then(|v| v.strip_prefix('='))
                    .map(|v| v.trim_matches('"').to_string())
            })
        };
        let name = param("name").unwrap_or_default();
        if name == "payload_json" {
            body = serde_json::from_slice(content).unwrap_or_else(|e| {
                problems.push(format!("payload_json is not JSON: {e}"));
                Value::Null
            });
        } else if spec::is_file_part(&name) {
            let filename = param("filename").unwrap_or_default();
            if filename.is_empty() {
                problems.push(format!("{name} has no filename"));
            }
            files.push(File {
                part: name,
                filename,
                content_type: header("content-type").unwrap_or_default(),
                size: content.len(),
                head: content.iter().take(8).copied().collect(),
                png: dimensions(content),
            });
        } else {
            problems.push(format!("a multipart part Discord does not take: {name:?}"));
        }
    }
    Some((body, files))
}

/// What Discord would refuse in how `body` names `files`: each `files[n]` is listed in
/// `attachments` with `id` n and its filename, and every `attachment://` link names a file.
pub fn check_attachments(body: &Value, files: &[File]) -> Vec<String> {
    let mut problems = Vec::new();
    let listed = body["attachments"].as_array().cloned().unwrap_or_default();
    for file in files {
        let n = file.part.trim_start_matches("files[").trim_end_matches(']');
        if !listed
            .iter()
            .any(|a| a["id"].as_str() == Some(n) && a["filename"] == file.filename.as_str())
        {
            problems.push(format!(
                "{} ({}) is not in attachments",
                file.part, file.filename
            ));
        }
    }
    for embed in body["embeds"].as_array().into_iter().flatten() {
        if let Some(name) = embed["image"]["url"]
            .as_str()
            .and_then(|u| u.strip_prefix("attachment://"))
        {
            if !files.iter().any(|f| f.filename == name) {
                problems.push(format!("attachment://{name} names no uploaded file"));
            }
        }
    }
    problems
}

fn dimensions(bytes: &[u8]) -> Result<(u32, u32), String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let mut buffer = vec![0; reader.output_buffer_size().ok_or("no buffer size")?];
    let info = reader.next_frame(&mut buffer).map_err(|e| e.to_string())?;
    Ok((info.width, info.height))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut bytes: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(at) = find(bytes, delimiter) {
        out.push(&bytes[..at]);
        bytes = &bytes[at + delimiter.len()..];
    }
    out.push(bytes);
    out
}
