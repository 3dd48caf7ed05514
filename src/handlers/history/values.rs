//! Purpose: how a stored audit value reads — money, dates, days, users, tiers… through the
//! formatting the rest of Steward uses — and the flattened records (`name=Jane Doe,
//! role=champion`) the audit diff wrote for records added or replaced whole, read back field
//! by field.

use chrono::{DateTime, NaiveTime, Utc};

use super::fields::{Format, Key, Kind};
use crate::domain::book::Book;
use crate::domain::money::Money;
use crate::domain::person::UserId;
use crate::domain::schedule::Days;
use crate::handlers::plan::view;
use crate::handlers::present;
use crate::reply::{t, Line, Span};

/// One record read back: (field path inside the record, stored value), in stored order.
pub type Record = Vec<(String, String)>;

/// How `raw` reads in `format`; as stored when it does not parse as that format.
pub fn value(book: &Book, format: Format, raw: &str) -> Line {
    let shown = |text: Option<String>| vec![t(text.unwrap_or_else(|| raw.to_string()))];
    match format {
        Format::Text | Format::Date | Format::Hidden => vec![t(raw)],
        Format::Money => shown(raw.parse().ok().map(|n| present::money(book, Money(n)))),
        Format::PerUnit => shown(raw.parse().ok().map(|v| view::per_unit_money(book, v))),
        Format::Instant => shown(instant(raw)),
        Format::Days => shown(raw.parse::<u32>().ok().map(|days| match days {
            0 => "none".to_string(),
            1 => "1 day".to_string(),
            n => format!("{n} days"),
        })),
        Format::Number => shown(raw.parse().ok().map(view::figure)),
        Format::Percent => shown(raw.parse().ok().map(|p| format!("{} %", view::percent(p)))),
        Format::YesNo => shown(match raw {
            "true" => Some("yes".into()),
            "false" => Some("no".into()),
            _ => None,
        }),
        Format::User => vec![Span::Mention(UserId(raw.to_string()))],
        Format::Tier => vec![t(format!("Tier {raw}"))],
        Format::Month => shown(
            raw.parse()
                .ok()
                .and_then(crate::domain::tenant::month_name)
                .map(str::to_string),
        ),
        Format::Weekdays => shown(serde_json::from_str::<Days>(raw).ok().map(Days::describe)),
        Format::Time => shown(
            NaiveTime::parse_from_str(raw, "%H:%M:%S")
                .ok()
                .map(|time| time.format("%H:%M").to_string()),
        ),
        Format::Outcome => shown(outcome(book, raw)),
        Format::Milestones => shown(milestones(raw)),
        Format::Object(kind) => match record(kind, raw) {
            Some(read) => summary(book, kind, &read),
            None => vec![t(raw)],
        },
        Format::Records(kind) => {
            let read = records(kind, raw);
            if read.is_empty() {
                return vec![t(raw)];
            }
            join(read.iter().map(|r| summary(book, kind, r)).collect(), "; ")
        }
    }
}

/// `2026-03-02 09:00 UTC`, as the history's own timestamps read.
fn instant(raw: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(raw).ok().map(|d| {
        d.with_timezone(&Utc)
            .format("%Y-%m-%d %H:%M UTC")
            .to_string()
    })
}

/// `churned (60000 → 0)` as the store wrote it → `churned ($60,000 → $0)`.
fn outcome(book: &Book, raw: &str) -> Option<String> {
    let (kind, amounts) = raw.strip_suffix(')')?.split_once(" (")?;
    let (before, after) = amounts.split_once(" → ")?;
    let money = |text: &str| text.parse().ok().map(|n| present::money(book, Money(n)));
    Some(format!("{kind} ({} → {})", money(before)?, money(after)?))
}

/// `triage, 2026-03-02T09:00:00Z, …` → `triage 2026-03-02 09:00 UTC, …`.
fn milestones(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw.split(", ").collect();
    let pairs = parts
        .chunks(2)
        .map(|pair| match pair {
            [milestone, at] => Some(format!("{milestone} {}", instant(at)?)),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    Some(pairs.join(", "))
}

/// Spans joined by `separator`.
pub fn join(lines: Vec<Line>, separator: &str) -> Line {
    let mut out = Vec::new();
    for (i, line) in lines.into_iter().enumerate() {
        if i > 0 {
            out.push(t(separator));
        }
        out.extend(line);
    }
    out
}

/// The records of a flattened array (`on=2026-03-02, responded=false, on=…`): a record ends
/// where one of its fields comes again. Empty when `text` is not such a list.
pub fn records(kind: &Kind, text: &str) -> Vec<Record> {
    let paths: Vec<&str> = kind.fields.iter().map(|f| f.path).collect();
    let mut out: Vec<Record> = Vec::new();
    let mut current: Record = Vec::new();
    for (key, value) in pairs(text, &next_steps(&paths, "")) {
        if current
            .iter()
            .any(|(k, _)| k.split('.').next() == Some(key.as_str()))
        {
            out.push(std::mem::take(&mut current));
        }
        expand(&paths, key, value, &mut current);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One flattened record (`+ name=Jane Doe, role=champion` without the `+ `).
pub fn record(kind: &Kind, text: &str) -> Option<Record> {
    let mut read = records(kind, text);
    (read.len() == 1).then(|| read.remove(0))
}

/// A field of a nested object (`signals=nps=8, usage=85.0`) is read on into its own fields.
fn expand(paths: &[&str], key: String, value: String, out: &mut Record) {
    let inner = next_steps(paths, &format!("{key}."));
    let nested = pairs(&value, &inner);
    if inner.is_empty() || nested.is_empty() {
        out.push((key, value));
        return;
    }
    for (sub, v) in nested {
        expand(paths, format!("{key}.{sub}"), v, out);
    }
}

/// The distinct next steps of the paths under `prefix`.
fn next_steps<'a>(paths: &[&'a str], prefix: &str) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for path in paths {
        if let Some(rest) = path.strip_prefix(prefix) {
            let step = rest.split('.').next().unwrap_or(rest);
            if !step.is_empty() && !out.contains(&step) {
                out.push(step);
            }
        }
    }
    out
}

/// `k=v, k=v` split where `, ` is followed by one of `keys` and `=`: values may hold `, `
/// and `=` of their own. Empty unless `text` starts with a key.
fn pairs(text: &str, keys: &[&str]) -> Vec<(String, String)> {
    let key_at = |at: usize| {
        keys.iter()
            .filter(|k| text[at..].starts_with(*k) && text[at + k.len()..].starts_with('='))
            .max_by_key(|k| k.len())
    };
    let mut starts: Vec<(usize, &str)> = Vec::new();
    if let Some(key) = key_at(0) {
        starts.push((0, key));
    }
    if starts.is_empty() {
        return Vec::new();
    }
    for (comma, _) in text.match_indices(", ") {
        if let Some(key) = key_at(comma + 2) {
            starts.push((comma + 2, key));
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(i, (at, key))| {
            let end = starts.get(i + 1).map_or(text.len(), |(next, _)| next - 2);
            (key.to_string(), text[at + key.len() + 1..end].to_string())
        })
        .collect()
}

/// Which record it is: `Jane Doe`, `#3`, `g1`; `None` for records known by position.
pub fn key_of(kind: &Kind, record: &[(String, String)]) -> Option<String> {
    let get = |path: &str| record.iter().find(|(k, _)| k == path).map(|(_, v)| v);
    match kind.key {
        Key::Name => get("name").cloned(),
        Key::Id(prefix) => get("id").map(|id| format!("{prefix}{id}")),
        Key::Position => None,
    }
}

/// The record in one line, its brief fields in the table's order: `role champion, influence
/// high`; `call, Called about the renewal` for fields without a label.
pub fn summary(book: &Book, kind: &Kind, record: &[(String, String)]) -> Line {
    let parts = kind
        .fields
        .iter()
        .filter(|f| f.brief)
        .filter_map(|f| {
            let (_, raw) = record
                .iter()
                .find(|(path, raw)| path == f.path && !raw.is_empty())?;
            let mut line = Vec::new();
            if !f.label.is_empty() {
                line.push(t(format!("{} ", f.label)));
            }
            line.extend(value(book, f.format, raw));
            Some(line)
        })
        .collect();
    join(parts, ", ")
}

#[cfg(test)]
mod tests {
    use super::super::fields::{Format, TOP};
    use super::*;
    use crate::domain::tenant::TenantId;
    use crate::render::text::spans;

    fn book() -> Book {
        Book::new(TenantId::parse("local").expect("valid"))
    }

    fn kind(path: &str) -> &'static Kind {
        match TOP.fields.iter().find(|f| f.path == path).map(|f| f.format) {
            Some(Format::Records(kind)) => kind,
            _ => panic!("{path} is not an array of records"),
        }
    }

    fn read(format: Format, raw: &str) -> String {
        spans(&value(&book(), format, raw))
    }

    #[test]
    fn values_read_as_the_rest_of_steward_shows_them() {
        assert_eq!(read(Format::Money, "50000"), "$50,000");
        assert_eq!(read(Format::Money, "lots"), "lots");
        assert_eq!(read(Format::Days, "0"), "none");
        assert_eq!(read(Format::Days, "30"), "30 days");
        assert_eq!(read(Format::Number, "1000.0"), "1,000");
        assert_eq!(read(Format::Percent, "85.0"), "85 %");
        assert_eq!(read(Format::PerUnit, "12.5"), "$12.50");
        assert_eq!(
            read(Format::Instant, "2026-03-02T09:00:00Z"),
            "2026-03-02 09:00 UTC"
        );
        assert_eq!(read(Format::YesNo, "false"), "no");
        assert_eq!(read(Format::Tier, "1"), "Tier 1");
        assert_eq!(read(Format::Month, "4"), "apr");
        assert_eq!(read(Format::Weekdays, "31"), "mon-fri");
        assert_eq!(read(Format::Time, "09:30:00"), "09:30");
        assert_eq!(read(Format::User, "U1"), "@U1");
        assert_eq!(
            read(Format::Outcome, "churned (60000 → 0)"),
            "churned ($60,000 → $0)"
        );
        assert_eq!(
            read(Format::Milestones, "triage, 2026-03-02T09:00:00Z"),
            "triage 2026-03-02 09:00 UTC"
        );
    }

    #[test]
    fn flattened_records_are_read_back_nested_fields_included() {
        let opportunity = "created_on=2026-03-02, id=3, kind=seat, owner=user=U1, \
            status=on=2026-03-09, reason=kind=price, text=Cheaper, state=won, \
            trigger=EMEA team, value=20000";
        let won = record(kind("opportunities"), opportunity).expect("one record");
        let get = |path: &str| won.iter().find(|(k, _)| k == path).map(|(_, v)| v.as_str());
        assert_eq!(get("owner"), Some("user=U1"));
        assert_eq!(get("status.state"), Some("won"));
        assert_eq!(get("status.reason"), Some("kind=price, text=Cheaper"));
        assert_eq!(get("trigger"), Some("EMEA team"));
        assert_eq!(key_of(kind("opportunities"), &won).as_deref(), Some("#3"));
        assert_eq!(
            spans(&summary(&book(), kind("opportunities"), &won)),
            "type seat, value $20,000, trigger EMEA team, owner @U1, status won"
        );
        // Values may hold `, ` and `=`; a repeated field starts the next record.
        let followups = records(
            kind("renewal.followups"),
            "on=2026-03-02, responded=false, on=2026-03-09, responded=true",
        );
        assert_eq!(followups.len(), 2);
        let activity = record(
            kind("activities"),
            "at=2026-03-02T09:00:00Z, by=U1, kind=call, text=Asked about a=b, then left",
        )
        .expect("one record");
        assert_eq!(
            spans(&summary(&book(), kind("activities"), &activity)),
            "call, Asked about a=b, then left"
        );
        assert!(records(kind("activities"), "not a record").is_empty());
    }
}
