//! Purpose: the events API's parsing against INGEST.md — messages (`message`:
//! required fields, `null`, times and clock skew, the window, ids, account ids, tickets,
//! surveys) and bodies (`body`: limits, write keys, routes, lines).

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

use super::*;

mod body;
mod message;

/// When the test requests arrive.
pub(super) fn received() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .expect("valid")
}

pub(super) fn batch_of(messages: Value) -> Parsed {
    let body = json!({ "batch": messages }).to_string();
    parse_batch(body.as_bytes(), received()).expect("a valid body")
}

/// The one message of a batch, or why it was skipped.
pub(super) fn one(message: Value) -> Result<Message, SkipReason> {
    let mut parsed = batch_of(json!([message]));
    match (parsed.accepted.pop(), parsed.skipped.pop()) {
        (Some(m), None) => Ok(m),
        (None, Some(s)) => Err(s.reason),
        other => panic!("one message gave {other:?}"),
    }
}

pub(super) fn reason(message: Value) -> &'static str {
    one(message).err().map_or("accepted", |r| r.label())
}
