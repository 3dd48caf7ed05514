//! Purpose: `/steward apikey` — write keys for the events API (INGEST.md, "Write keys"): create
//! one (shown in this one reply, stored only as its digest), list them (name, prefix, created,
//! last used, events received — never a key), and revoke one (refused at once). Admins only:
//! declared in `commands/steward.toml`, checked by the app and again here.

use super::{paginate, Ctx, Outcome};
use crate::command::invocation::closest_any_case;
use crate::command::quote;
use crate::command::steward::KeyAction;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::money::group_thousands;
use crate::domain::writekey::{check_name, WriteKey, WriteKeyRecord, KEY_BYTES};
use crate::reply::{b, t, Reply, Span};

pub fn handle(action: &KeyAction, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    if !ctx.is_admin {
        return Err(DomainError::AdminOnly {
            action: "manage write keys".into(),
        });
    }
    match action {
        KeyAction::Create { name } => create(name, ctx, book),
        KeyAction::List { page } => list(*page, ctx, book),
        KeyAction::Revoke { name } => revoke(name, book),
    }
}

/// A new key: its record (digest and prefix) is what is committed; the key itself is only in
/// the reply, whose last paragraph is the key alone (`steward apikey create` prints it bare).
fn create(name: &str, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    let name = check_name(name)?;
    if let Some(existing) = book.write_key(&name) {
        return Err(DomainError::Duplicate {
            what: "write key",
            name: existing.name.clone(),
            hint: format!(
                "Pick another name, or revoke that key first with `/steward apikey revoke {}`. Example: /steward apikey create \"Segment staging\"",
                quote(&existing.name)
            ),
        });
    }
    let mut random = [0u8; KEY_BYTES];
    (ctx.entropy)(&mut random).map_err(|e| {
        DomainError::Refused(format!(
            "no key was made: the system's random number generator failed ({e}). Try again."
        ))
    })?;
    let key = WriteKey::from_random(&random);
    random.fill(0);
    let record = WriteKeyRecord::new(&name, &key, ctx.now, ctx.actor);
    let usage = format!(
        "curl -u {}…: https://HOST/v1/track -H 'Content-Type: application/json' -d '{{\"userId\":\"u1\",\"event\":\"Signed In\"}}'",
        record.prefix
    );
    let reply = Reply::new()
        .para(vec![
            t("Write key "),
            b(&name),
            t(format!(
                " created ({}…). Copy it now: it is shown only this once, and Steward keeps only its hash.",
                record.prefix
            )),
        ])
        .para(vec![
            t("Send events with the key as the HTTP Basic user name and no password, e.g. "),
            Span::Code(usage),
            t(", or as the write key of a Segment source or library."),
        ])
        .para(vec![Span::Code(key.expose().to_string())]);
    Ok(Outcome::write(reply, vec![Change::PutWriteKey(record)]))
}

fn list(page: usize, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    let keys: Vec<&WriteKeyRecord> = book.write_keys().collect();
    if keys.is_empty() {
        return Ok(Outcome::read(Reply::text(
            "No write keys yet. Create one for the events API: `/steward apikey create \"Segment prod\"`.",
        )));
    }
    let (shown, note) = paginate(&keys, page, "/steward apikey list");
    let mut rows = Vec::with_capacity(shown.len());
    for record in shown {
        let usage = ctx.usage.usage(&book.tenant, &record.name).map_err(|e| {
            DomainError::Refused(format!("the write keys' usage could not be read: {e}"))
        })?;
        let last_used = usage.last_used.map_or("never".to_string(), |at| {
            at.format("%Y-%m-%d %H:%M UTC").to_string()
        });
        rows.push(vec![
            b(&record.name),
            t(" — "),
            Span::Code(format!("{}…", record.prefix)),
            t(format!(
                ", created {}, last used {last_used}, {} received",
                record.created_at.format("%Y-%m-%d"),
                events(usage.events)
            )),
        ]);
    }
    let reply = Reply::new()
        .heading(format!("Write keys ({}):", keys.len()))
        .bullets(rows)
        .note(note)
        .line("Keys are shown only when created. Revoke one with `/steward apikey revoke NAME`.");
    Ok(Outcome::read(reply))
}

fn revoke(name: &str, book: &Book) -> Result<Outcome, DomainError> {
    let record = book
        .write_key(name)
        .ok_or_else(|| not_found(name.trim(), book))?;
    let reply = Reply::new().para(vec![
        t("Write key "),
        b(&record.name),
        t(format!(
            " ({}…) revoked: requests with it are refused from now on.",
            record.prefix
        )),
    ]);
    Ok(Outcome::write(
        reply,
        vec![Change::RevokeWriteKey(record.name.clone())],
    ))
}

/// `1 event`, `1,234 events`.
pub(super) fn events(n: u64) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} event{s}", group_thousands(n))
}

/// No key of that name: the closest one's revoke as the example, or where the names are.
fn not_found(name: &str, book: &Book) -> DomainError {
    let suggestion =
        closest_any_case(name, book.write_keys().map(|k| k.name.as_str())).map(|closest| {
            format!(
                " Did you mean {closest}? Example: /steward apikey revoke {}",
                quote(closest)
            )
        });
    DomainError::NotFound {
        what: "write key",
        name: name.to_string(),
        suggestions: suggestion.unwrap_or_else(|| {
            " See the keys with `/steward apikey list`. Example: /steward apikey revoke \"Segment prod\"".into()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::events;

    #[test]
    fn event_counts_read_as_numbers() {
        assert_eq!(events(0), "0 events");
        assert_eq!(events(1), "1 event");
        assert_eq!(events(1234), "1,234 events");
        assert_eq!(events(1_000_000), "1,000,000 events");
    }
}
