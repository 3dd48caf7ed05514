//! Purpose: `/steward ingest status` — what the events API received for the tenant: events
//! accepted by type and rejected by reason over the last 24 hours and 7 days, duplicates and
//! unmatched events, the 10 most frequent ids no account matched (each with the command that
//! would match it), and each write key's last event. Admins only.

use super::apikey::events;
use super::{Ctx, Outcome};
use crate::command::quote;
use crate::domain::book::Book;
use crate::domain::error::DomainError;
use crate::domain::money::group_thousands;
use crate::domain::signals::IntakeCounts;
use crate::reply::{b, t, Line, Reply, Span};
use crate::store::ingest::OTHER_UNMATCHED;

/// Unmatched ids listed.
const SHOWN_UNMATCHED: usize = 10;

pub fn status(ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    if !ctx.is_admin {
        return Err(DomainError::AdminOnly {
            action: "see what the events API received".into(),
        });
    }
    let unreadable = |e: String| DomainError::Refused(format!("the intake could not be read: {e}"));
    let status = ctx.data.intake(&book.tenant, ctx.now).map_err(unreadable)?;
    let mut reply = Reply::new().heading("Events received");
    if status.week.is_empty() && status.unmatched.is_empty() && book.write_keys().next().is_none() {
        return Ok(Outcome::read(reply.line(
            "Nothing yet. Make a write key with `/steward apikey create \"Segment prod\"` and send events to `/v1/batch` (see the README, *Health from your data*).",
        )));
    }
    reply = reply.bullets(vec![
        period("Last 24 hours", &status.day),
        period("Last 7 days", &status.week),
    ]);
    if !status.week.rejected.is_empty() {
        reply = reply.line(format!(
            "Rejected in 7 days, by reason: {}.",
            by_count(&status.week.rejected)
        ));
    }
    if !status.unmatched.is_empty() {
        let rows: Vec<Line> = status
            .unmatched
            .iter()
            .take(SHOWN_UNMATCHED)
            .map(|(id, seen)| {
                vec![
                    Span::Code(id.clone()),
                    t(format!(
                        " — {}, last {}. {}",
                        events(seen.count),
                        seen.last.format("%Y-%m-%d %H:%M UTC"),
                        hint(id, book)
                    )),
                ]
            })
            .collect();
        reply = reply
            .line("Ids no account matched (most frequent first):")
            .bullets(rows);
    }
    let mut keys = Vec::new();
    for record in book.write_keys() {
        let usage = ctx
            .usage
            .usage(&book.tenant, &record.name)
            .map_err(unreadable)?;
        let last = usage.last_used.map_or("no event yet".to_string(), |at| {
            format!("last event {}", at.format("%Y-%m-%d %H:%M UTC"))
        });
        keys.push(vec![
            b(&record.name),
            t(" — "),
            Span::Code(format!("{}…", record.prefix)),
            t(format!(", {last}, {} in all", events(usage.events))),
        ]);
    }
    if !keys.is_empty() {
        reply = reply.line("Write keys:").bullets(keys);
    }
    Ok(Outcome::read(reply))
}

/// `Last 7 days: 1,234 accepted (track 1,000, page 200, group 34), 3 rejected, 2 sent again,
/// 7 unmatched`.
fn period(label: &str, counts: &IntakeCounts) -> Line {
    let accepted = match counts.accepted_total() {
        0 => "0 accepted".to_string(),
        n => format!(
            "{} accepted ({})",
            group_thousands(n),
            by_count(&counts.accepted)
        ),
    };
    vec![
        b(label),
        t(format!(
            ": {accepted}, {} rejected, {} sent again (counted once), {} unmatched",
            group_thousands(counts.rejected_total()),
            group_thousands(counts.duplicates),
            group_thousands(counts.unmatched)
        )),
    ]
}

/// `track 1,000, page 200`, most first.
fn by_count(counts: &std::collections::BTreeMap<String, u64>) -> String {
    let mut pairs: Vec<(&String, &u64)> = counts.iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    pairs
        .iter()
        .map(|(name, n)| format!("{name} {}", group_thousands(**n)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What would match an unmatched id.
fn hint(id: &str, book: &Book) -> String {
    if id == OTHER_UNMATCHED {
        return "Further ids are counted together once 1,000 are listed.".into();
    }
    if let Some(user) = id.strip_prefix("user ") {
        return format!(
            "This user is linked to no account: send a group call (`{{\"type\":\"group\",\"userId\":{user:?},\"groupId\":\"<crm id>\"}}`) or a groupId in context."
        );
    }
    let account = book
        .closest_names(id, 1)
        .into_iter()
        .next()
        .unwrap_or_else(|| "Acme Corp".into());
    format!(
        "If it is {}'s id: `/account set {} crm:{}`",
        account,
        quote(&account),
        quote(id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_listed_most_first() {
        let mut counts = IntakeCounts::default();
        for _ in 0..3 {
            counts.accept("track");
        }
        counts.accept("group");
        let line = period("Last 24 hours", &counts);
        let text: String = line
            .iter()
            .map(|s| match s {
                Span::Text(x) | Span::Strong(x) => x.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            text,
            "Last 24 hours: 4 accepted (track 3, group 1), 0 rejected, 0 sent again (counted once), 0 unmatched"
        );
    }
}
