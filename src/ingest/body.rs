//! Purpose: request bodies of the events API → messages: `/v1/batch` (`{"batch":[…],
//! "sentAt"?, "context"?, "writeKey"?}`), the single-message routes (`/v1/track` …), and the
//! JSON lines of `steward ingest`; the request-wide limits (500 KB, 2,500 messages) and the
//! write key sent in the body. A bad message is skipped with its reason; the rest is kept.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde_json::Value;
use thiserror::Error;

use super::fields::parse_time;
use super::message::{parse_message, Envelope, Message, MessageType};
use super::skip::SkipReason;

/// At most this many bytes per request, after decompression, as Segment: 500 KB.
pub const MAX_REQUEST_BYTES: usize = 500 * 1024;
/// At most this many messages per batch.
pub const MAX_BATCH_MESSAGES: usize = 2_500;

const BATCH_EXAMPLE: &str =
    r#"{"batch":[{"type":"track","userId":"u-1","event":"Report Created"}]}"#;

/// Why a whole request was refused; nothing of it is kept.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BodyError {
    #[error(
        "the request is {bytes} bytes; at most 512000 (500 KB) are accepted — send smaller batches"
    )]
    TooLarge { bytes: usize },
    #[error("the batch has {count} messages; at most 2500 are accepted per request")]
    TooManyMessages { count: usize },
    #[error("the body is not JSON ({detail}); send e.g. {BATCH_EXAMPLE}")]
    Malformed { detail: String },
    #[error("the body must be a JSON object, e.g. {BATCH_EXAMPLE}")]
    NotAnObject,
    #[error("\"batch\" must be a list of messages, e.g. {BATCH_EXAMPLE}")]
    NoBatch,
    #[error("\"sentAt\" is not an ISO 8601 time, e.g. \"2026-11-23T10:15:00.123Z\"")]
    BadSentAt,
    #[error("the body is not valid gzip ({detail}); send it whole, gzipped or plain")]
    BadGzip { detail: String },
    #[error("Content-Encoding {0:?} is not accepted; send the body plain or with gzip")]
    UnknownEncoding(String),
}

impl BodyError {
    /// The HTTP status to answer with: 413 for a request over a limit, else 400.
    pub fn status(&self) -> u16 {
        match self {
            BodyError::TooLarge { .. } | BodyError::TooManyMessages { .. } => 413,
            _ => 400,
        }
    }
}

/// A message that was skipped: its place in the request and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub index: usize,
    pub reason: SkipReason,
}

/// What a request carried. `write_key` is the body's `writeKey`: kept secret (its `Debug`
/// prints `[REDACTED]`), never logged.
#[derive(Debug, Default)]
pub struct Parsed {
    pub accepted: Vec<Message>,
    pub skipped: Vec<Skipped>,
    pub write_key: Option<SecretString>,
}

impl Parsed {
    /// Skipped messages counted by [`SkipReason::label`].
    pub fn skipped_by_reason(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for s in &self.skipped {
            *counts.entry(s.reason.label()).or_insert(0) += 1;
        }
        counts
    }
}

/// The body of `POST /v1/batch`, received at `received`.
pub fn parse_batch(body: &[u8], received: DateTime<Utc>) -> Result<Parsed, BodyError> {
    batch(&top_object(body)?, received)
}

/// The body of `POST /v1/{kind}`: one message, its type given by the route.
pub fn parse_single(
    kind: MessageType,
    body: &[u8],
    received: DateTime<Utc>,
) -> Result<Parsed, BodyError> {
    single(&top_object(body)?, Some(kind), received)
}

/// One line of `steward ingest`: one message (with its `type`) or one `{"batch":[…]}`;
/// `received` is `--now`.
pub fn parse_line(line: &[u8], received: DateTime<Utc>) -> Result<Parsed, BodyError> {
    let top = top_object(line)?;
    if top.get("batch").is_some_and(|b| !b.is_null()) {
        batch(&top, received)
    } else {
        single(&top, None, received)
    }
}

/// The body as JSON: an object, else an error.
fn top_object(body: &[u8]) -> Result<Value, BodyError> {
    if body.len() > MAX_REQUEST_BYTES {
        return Err(BodyError::TooLarge { bytes: body.len() });
    }
    // serde_json's syntax errors name the problem and its place, never the content.
    match serde_json::from_slice(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(BodyError::NotAnObject),
        Err(e) => Err(BodyError::Malformed {
            detail: e.to_string(),
        }),
    }
}

fn write_key(top: &Value) -> Option<SecretString> {
    match top.get("writeKey") {
        Some(Value::String(k)) if !k.is_empty() => Some(SecretString::from(k.clone())),
        _ => None,
    }
}

fn batch(top: &Value, received: DateTime<Utc>) -> Result<Parsed, BodyError> {
    let messages = match top.get("batch") {
        Some(Value::Array(messages)) => messages,
        _ => return Err(BodyError::NoBatch),
    };
    if messages.len() > MAX_BATCH_MESSAGES {
        return Err(BodyError::TooManyMessages {
            count: messages.len(),
        });
    }
    let sent_at = match top.get("sentAt") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(parse_time(s).ok_or(BodyError::BadSentAt)?),
        Some(_) => return Err(BodyError::BadSentAt),
    };
    let group_id = match top.get("context") {
        Some(Value::Object(c)) => match c.get("groupId") {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        },
        _ => None,
    };
    let envelope = Envelope {
        sent_at,
        group_id,
        received,
    };
    let mut parsed = Parsed {
        write_key: write_key(top),
        ..Parsed::default()
    };
    for (index, message) in messages.iter().enumerate() {
        match parse_message(message, None, &envelope) {
            Ok(m) => parsed.accepted.push(m),
            Err(reason) => parsed.skipped.push(Skipped { index, reason }),
        }
    }
    Ok(parsed)
}

fn single(
    top: &Value,
    route: Option<MessageType>,
    received: DateTime<Utc>,
) -> Result<Parsed, BodyError> {
    let envelope = Envelope {
        sent_at: None,
        group_id: None,
        received,
    };
    let mut parsed = Parsed {
        write_key: write_key(top),
        ..Parsed::default()
    };
    match parse_message(top, route, &envelope) {
        Ok(m) => parsed.accepted.push(m),
        Err(reason) => parsed.skipped.push(Skipped { index: 0, reason }),
    }
    Ok(parsed)
}
