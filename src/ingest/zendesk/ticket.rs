//! Purpose: a Zendesk trigger's JSON body (INGEST.md, "Zendesk webhook") → the ticket change
//! it reports, as the [`Message`] a `Ticket …` track event would be: status new, open,
//! pending or hold → open (`Ticket Created`; `Ticket Escalated` when the priority is urgent),
//! solved or closed → `Ticket Solved`; the organization's external id, then its name, are
//! the ids an account is matched by. Zendesk's placeholders arrive as strings; an id may
//! also come as a number. Hostile input gets a typed error (a 400 naming the problem), never
//! a panic.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::super::fields::echo;
use super::super::message::{Message, MessageId, MAX_MESSAGE_ID_CHARS};
use crate::domain::signals::TicketChange;

/// The body to give the trigger in Zendesk, with Zendesk's placeholders.
pub const TRIGGER_BODY: &str = r#"{"ticket": {"id": "{{ticket.id}}", "status": "{{ticket.status}}", "priority": "{{ticket.priority}}", "organization": {"external_id": "{{ticket.organization.external_id}}", "name": "{{ticket.organization.name}}"}}}"#;

/// The statuses that count a ticket open.
const OPEN: [&str; 4] = ["new", "open", "pending", "hold"];
/// The statuses that count it solved.
const SOLVED: [&str; 2] = ["solved", "closed"];

/// Why a body was refused. Each `Display` is the 400 answer: what is wrong, and the body
/// that works.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TicketError {
    #[error("the body is not JSON ({detail}); give the trigger this body: {TRIGGER_BODY}")]
    Malformed { detail: String },
    #[error("the body must be a JSON object with a \"ticket\" object: {TRIGGER_BODY}")]
    NoTicket,
    #[error("\"ticket.{field}\" must be {expected}; give the trigger this body: {TRIGGER_BODY}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    #[error("\"ticket.id\" is missing; give the trigger this body: {TRIGGER_BODY}")]
    MissingId,
    #[error("\"ticket.id\" has {chars} characters; at most 100 are accepted")]
    LongId { chars: usize },
    #[error("\"ticket.status\" is missing; give the trigger this body: {TRIGGER_BODY}")]
    MissingStatus,
    #[error("\"ticket.status\" {0:?} is not one of new, open, pending, hold (open), solved, closed (solved)")]
    UnknownStatus(String),
}

/// The change a ticket's status and priority report: open → created, or escalated when the
/// priority is urgent; solved or closed → solved. Any case, spaces around ignored.
pub fn change(status: &str, priority: &str) -> Result<TicketChange, TicketError> {
    let status = status.trim();
    let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(status));
    if is(&SOLVED) {
        Ok(TicketChange::Solved)
    } else if !is(&OPEN) {
        Err(TicketError::UnknownStatus(echo(status)))
    } else if priority.trim().eq_ignore_ascii_case("urgent") {
        Ok(TicketChange::Escalated)
    } else {
        Ok(TicketChange::Created)
    }
}

/// The message a trigger's `body` reports, signed at `at` (`timestamp` as the header said it).
pub fn parse(body: &[u8], at: DateTime<Utc>, timestamp: &str) -> Result<Message, TicketError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| TicketError::Malformed {
        detail: e.to_string(),
    })?;
    let ticket = value
        .as_object()
        .and_then(|top| top.get("ticket"))
        .and_then(Value::as_object)
        .ok_or(TicketError::NoTicket)?;
    let ticket_id = id(ticket, "id", "id")?.ok_or(TicketError::MissingId)?;
    let chars = ticket_id.chars().count();
    if chars > MAX_MESSAGE_ID_CHARS {
        return Err(TicketError::LongId { chars });
    }
    let status = text(ticket, "status", "status")?.ok_or(TicketError::MissingStatus)?;
    let priority = text(ticket, "priority", "priority")?.unwrap_or_default();
    let change = change(status, priority)?;
    let mut account_ids = Vec::new();
    match field(ticket, "organization") {
        None => {}
        Some(Value::Object(organization)) => {
            account_ids.extend(id(organization, "external_id", "organization.external_id")?);
            account_ids.extend(text(organization, "name", "organization.name")?.map(str::to_owned));
        }
        Some(_) => {
            return Err(TicketError::WrongType {
                field: "organization",
                expected: "an object",
            })
        }
    }
    let content = [
        ticket_id.as_str(),
        &status.trim().to_lowercase(),
        &priority.trim().to_lowercase(),
        timestamp,
    ];
    Ok(Message::zendesk_ticket(
        content_id(&content),
        ticket_id,
        change,
        at,
        account_ids,
    ))
}

/// The same ticket change signed at the same time is the same message whichever tenant it
/// reaches and however often it is sent: its id hashes only those.
fn content_id(parts: &[&str]) -> MessageId {
    let mut hash = Sha256::new();
    hash.update(b"zendesk");
    for part in parts {
        hash.update([0]);
        hash.update(part.as_bytes());
    }
    MessageId::Content(hex::encode(hash.finalize()))
}

/// A field's value; `null` is absent.
fn field<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    m.get(key).filter(|v| !v.is_null())
}

/// A string, trimmed; empty is absent (a placeholder Zendesk had no value for).
fn text<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &'static str,
) -> Result<Option<&'a str>, TicketError> {
    match field(m, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim()).filter(|s| !s.is_empty())),
        Some(_) => Err(TicketError::WrongType {
            field: path,
            expected: "a string",
        }),
    }
}

/// An id: a non-empty string or a number.
fn id(
    m: &Map<String, Value>,
    key: &str,
    path: &'static str,
) -> Result<Option<String>, TicketError> {
    match field(m, key) {
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        _ => text(m, key, path)
            .map(|s| s.map(str::to_owned))
            .map_err(|_| TicketError::WrongType {
                field: path,
                expected: "a string or a number",
            }),
    }
}
