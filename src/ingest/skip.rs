//! Purpose: why one message of a request is skipped (the rest is kept): a typed reason whose
//! `Display` says what was wrong with an accepted example, and the label it is counted under.

use chrono::{DateTime, Utc};
use thiserror::Error;

const EXAMPLE: &str = r#"{"type":"track","userId":"u-1","event":"Report Created"}"#;

/// Why one message was skipped (the rest of its batch is kept).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SkipReason {
    #[error("a message must be a JSON object, e.g. {EXAMPLE}")]
    NotAnObject,
    #[error("the message is {bytes} bytes; at most 32768 (32 KB) per message are accepted")]
    TooLarge { bytes: usize },
    #[error("a message in a batch needs \"type\", e.g. {EXAMPLE}")]
    MissingType,
    #[error("\"type\" {0:?} is not track, identify, group, page, screen or alias")]
    UnknownType(String),
    #[error("a message needs \"userId\" or \"anonymousId\", e.g. {EXAMPLE}")]
    MissingUser,
    #[error("a track message needs \"event\", e.g. {EXAMPLE}")]
    MissingEvent,
    #[error("a group message needs \"groupId\", e.g. {{\"type\":\"group\",\"userId\":\"u-1\",\"groupId\":\"0015g00000AbC\"}}")]
    MissingGroupId,
    #[error("a {event} event needs \"properties.ticketId\", e.g. {{\"ticketId\":\"48213\"}}")]
    MissingTicketId { event: &'static str },
    #[error("a {event} event needs \"properties.score\" from 0 to 10, e.g. {{\"score\":9}}")]
    MissingScore { event: &'static str },
    #[error("\"{field}\" must be {expected}, e.g. {}", example(expected))]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    #[error(
        "\"{field}\" {value:?} is not an ISO 8601 time, e.g. \"2026-11-23T10:15:00.123+01:00\""
    )]
    BadTime { field: &'static str, value: String },
    #[error("dated {at}: more than 400 days before or 1 day after it was received ({received})")]
    OutOfWindow { at: String, received: DateTime<Utc> },
    #[error("\"{field}\" is {value}, outside {range}")]
    OutOfRange {
        field: &'static str,
        value: String,
        range: &'static str,
    },
}

impl SkipReason {
    /// The name skipped messages are counted under (`missing user`, `out of window`, …).
    pub fn label(&self) -> &'static str {
        match self {
            SkipReason::NotAnObject => "not an object",
            SkipReason::TooLarge { .. } => "too large",
            SkipReason::MissingType => "missing type",
            SkipReason::UnknownType(_) => "unknown type",
            SkipReason::MissingUser => "missing user",
            SkipReason::MissingEvent => "missing event",
            SkipReason::MissingGroupId => "missing groupId",
            SkipReason::MissingTicketId { .. } => "missing ticketId",
            SkipReason::MissingScore { .. } => "missing score",
            SkipReason::WrongType { .. } => "wrong type",
            SkipReason::BadTime { .. } => "bad time",
            SkipReason::OutOfWindow { .. } => "out of window",
            SkipReason::OutOfRange { .. } => "out of range value",
        }
    }
}

/// A value of the JSON type a [`SkipReason::WrongType`] expected.
fn example(expected: &str) -> &'static str {
    match expected {
        "an object" => r#"{"plan":"pro"}"#,
        "a number" => "50",
        "a string" => r#""Report Created""#,
        _ => r#""0015g00000AbC" or 42"#,
    }
}
