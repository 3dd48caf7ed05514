//! Purpose: `/account history` — an account's audit trail as people read it: field names they
//! know (`ARR`, `renewal extension`, `stakeholder Jane Doe sentiment`) instead of internal
//! paths, values formatted as everywhere else in Steward (`$50,000 → $60,000`, `none → 30
//! days`), and a record added or removed whole said in one line. Stored entries are never
//! rewritten: they are read through [`fields`] ([`path`]) and [`values`] when shown.

mod fields;
mod path;
mod values;

use super::present;
use super::{Ctx, Outcome, PAGE_SIZE};
use crate::domain::account::Account;
use crate::domain::audit::FieldChange;
use crate::domain::book::Book;
use crate::domain::error::DomainError;
use crate::reply::{t, Line, Reply, Span};
use fields::{Field, Format, Key, Kind, TOP};
use path::Step;
use values::{join, key_of, record, records, summary, value, Record};

/// One page of an account's audit trail, newest first.
pub fn show(
    account: &Account,
    page: usize,
    ctx: &Ctx,
    book: &Book,
) -> Result<Outcome, DomainError> {
    let trail = ctx
        .audit
        .history(&book.tenant, Some(account.id), page)
        .map_err(|e| DomainError::Refused(format!("the history could not be read: {e}")))?;
    let mut reply = Reply::new().heading(format!(
        "History of {} ({}, newest first)",
        account.name,
        present::count(trail.total, "change")
    ));
    let items = trail
        .entries
        .iter()
        .map(|entry| {
            let mut line = vec![
                t(format!("{} ", entry.at.format("%Y-%m-%d %H:%M UTC"))),
                Span::Mention(entry.actor.clone()),
                t(" "),
                Span::Code(entry.command.clone()),
            ];
            let what = changes(book, &entry.changes);
            if !what.is_empty() {
                line.push(t(" — "));
                line.extend(join(what, "; "));
            }
            line
        })
        .collect();
    reply = reply.bullets(items);
    if trail.total > page * PAGE_SIZE {
        reply = reply.line(format!(
            "More: `/account history \"{}\" page:{}`",
            account.name,
            page + 1
        ));
    }
    Ok(Outcome::read(reply))
}

/// Where a change's path lands: the record it is inside (its kind and which one), the field
/// (`None` when the table does not know the path), and the label to show.
struct Place {
    record: Option<(&'static Kind, String)>,
    field: Option<&'static Field>,
    label: Line,
}

impl Place {
    fn format(&self) -> Format {
        self.field.map_or(Format::Text, |f| f.format)
    }

    /// The field's path inside its record.
    fn inner(&self) -> &'static str {
        self.field.map_or("", |f| f.path)
    }
}

fn place(path: &str) -> Place {
    let steps = path::steps(path);
    let (mut kind, mut at, mut label, mut record) = (&TOP, 0, Vec::new(), None);
    while let Some((field, taken, key)) = path::field(kind, &steps[at..]) {
        let last = &steps[at + taken - 1];
        match (field.format, &last.item) {
            // One named record, whole (removed: the diff keeps it in one piece).
            (Format::Records(inner), Some(item)) if at + taken == steps.len() => {
                return Place {
                    record: Some((inner, item.clone())),
                    field: Some(field),
                    label: vec![t(format!("{} {item}", field.label))],
                };
            }
            (Format::Records(inner), Some(item)) => {
                label = vec![t(format!("{} {item}", field.label))];
                record = Some((inner, item.clone()));
                kind = inner;
                at += taken;
            }
            // Into a nested object: `save play` + `owner`.
            (Format::Object(inner), None) if at + taken < steps.len() => {
                label = labels(label, vec![t(field.label)]);
                kind = inner;
                at += taken;
            }
            _ if at + taken == steps.len() && last.item.is_none() => {
                return Place {
                    record,
                    field: Some(field),
                    label: labels(label, field_label(field, key)),
                };
            }
            _ => break,
        }
    }
    // A path the table does not know: its words, never the dotted path.
    let words = humanised(&steps[at..]);
    Place {
        record,
        field: None,
        label: labels(label, vec![t(words)]),
    }
}

/// An outer label and an inner one, either of which may be empty: `save play` `owner`.
fn labels(outer: Line, inner: Line) -> Line {
    let empty = |l: &Line| l.iter().all(|s| matches!(s, Span::Text(x) if x.is_empty()));
    match (empty(&outer), empty(&inner)) {
        (true, _) => inner,
        (_, true) => outer,
        _ => join(vec![outer, inner], " "),
    }
}

/// A field's label, a map key in it: `manager of @U1`, `owner alias jane doe`.
fn field_label(field: &Field, key: Option<String>) -> Line {
    let key = key.unwrap_or_default();
    if let Some((before, after)) = field.label.split_once("{@}") {
        vec![
            t(before),
            Span::Mention(crate::domain::person::UserId(key)),
            t(after),
        ]
    } else {
        vec![t(field.label.replace("{}", &key))]
    }
}

/// `plan.updated_at` → `plan updated at`; `contacts[Jane].last_seen` → `contacts Jane last seen`.
fn humanised(steps: &[Step]) -> String {
    steps
        .iter()
        .flat_map(|s| [Some(s.name.replace('_', " ")), s.item.clone()])
        .flatten()
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What an audit entry's field changes say, one line each (a record added or removed whole
/// in one line).
pub fn changes(book: &Book, changes: &[FieldChange]) -> Vec<Line> {
    let placed: Vec<(Place, &FieldChange)> = changes.iter().map(|c| (place(&c.field), c)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < placed.len() {
        let (here, change) = &placed[i];
        if let Some((kind, key)) = &here.record {
            let same = placed[i..]
                .iter()
                .take_while(|(p, _)| {
                    p.record
                        .as_ref()
                        .is_some_and(|(k, n)| std::ptr::eq(*k, *kind) && n == key)
                })
                .count();
            out.extend(in_one_record(book, kind, key, &placed[i..i + same]));
            i += same;
            continue;
        }
        match here.format() {
            Format::Hidden => {}
            Format::Records(kind) => out.extend(whole_records(book, kind, change)),
            _ => out.push(field_line(book, here, change)),
        }
        i += 1;
    }
    out
}

/// Changes inside one named record: it was added (its name among the changes, all new) or
/// removed (the whole record gone) — one line — or some of its fields changed.
fn in_one_record(
    book: &Book,
    kind: &Kind,
    key: &str,
    group: &[(Place, &FieldChange)],
) -> Vec<Line> {
    if let [(place, change)] = group {
        if matches!(place.format(), Format::Records(_)) && change.after.is_empty() {
            return vec![vec![t(format!("{} removed: {key}", kind.noun))]];
        }
    }
    let named = group.iter().any(|(p, _)| p.inner() == "name");
    if named && group.iter().all(|(_, c)| c.before.is_empty()) {
        let record: Record = group
            .iter()
            .map(|(p, c)| (p.inner().to_string(), c.after.clone()))
            .collect();
        return vec![added(book, kind, Some(key.to_string()), &record)];
    }
    group
        .iter()
        .filter(|(p, _)| !matches!(p.format(), Format::Hidden))
        .map(|(p, c)| field_line(book, p, c))
        .collect()
}

/// `stakeholder added: Jane Doe (role champion, …)`, `activity added: call, Called them`.
fn added(book: &Book, kind: &Kind, key: Option<String>, record: &[(String, String)]) -> Line {
    let brief = summary(book, kind, record);
    let mut line = vec![t(format!("{} added: ", kind.noun))];
    match key {
        Some(key) if brief.is_empty() => line.push(t(key)),
        Some(key) => {
            line.push(t(format!("{key} (")));
            line.extend(brief);
            line.push(t(")"));
        }
        None => line.extend(brief),
    }
    line
}

/// A whole array of records that changed: records appended (`+ …`), or the array before and
/// after, compared record by record.
fn whole_records(book: &Book, kind: &'static Kind, change: &FieldChange) -> Vec<Line> {
    if let Some(new) = change
        .after
        .strip_prefix("+ ")
        .filter(|_| change.before.is_empty())
    {
        return vec![match record(kind, new) {
            Some(r) => added(book, kind, key_of(kind, &r), &r),
            None => vec![t(format!("{} added: {new}", kind.noun))],
        }];
    }
    let (before, after) = (records(kind, &change.before), records(kind, &change.after));
    let unread = |raw: &str, read: &[Record]| !raw.is_empty() && read.is_empty();
    if unread(&change.before, &before) || unread(&change.after, &after) {
        let generic = Place {
            record: None,
            field: None,
            label: vec![t(kind.noun)],
        };
        return vec![field_line(book, &generic, change)];
    }
    if after.is_empty() && before.len() > 1 {
        return vec![vec![t(format!(
            "{} removed",
            present::count(before.len(), kind.noun)
        ))]];
    }
    let find = |list: &[Record], i: usize, r: &Record| match kind.key {
        Key::Position => list.get(i).cloned(),
        _ => list
            .iter()
            .find(|o| key_of(kind, o) == key_of(kind, r))
            .cloned(),
    };
    let mut out = Vec::new();
    for (i, old) in before.iter().enumerate() {
        let key = key_of(kind, old).unwrap_or_else(|| (i + 1).to_string());
        match find(&after, i, old) {
            None => out.push(join(
                vec![
                    vec![t(format!("{} removed: ", kind.noun))],
                    summary_or_key(book, kind, old),
                ],
                "",
            )),
            Some(new) => {
                for field in kind.fields {
                    let get = |r: &Record| {
                        r.iter()
                            .find(|(p, _)| p == field.path)
                            .map_or(String::new(), |(_, v)| v.clone())
                    };
                    let (was, is) = (get(old), get(&new));
                    if was != is {
                        let here = Place {
                            record: None,
                            field: Some(field),
                            label: vec![t(format!("{} {key} {}", kind.noun, field.label))],
                        };
                        out.push(field_line(
                            book,
                            &here,
                            &FieldChange {
                                field: String::new(),
                                before: was,
                                after: is,
                            },
                        ));
                    }
                }
            }
        }
    }
    for (i, new) in after.iter().enumerate() {
        if find(&before, i, new).is_none() {
            out.push(added(book, kind, key_of(kind, new), new));
        }
    }
    out
}

fn summary_or_key(book: &Book, kind: &Kind, record: &Record) -> Line {
    key_of(kind, record).map_or_else(|| summary(book, kind, record), |key| vec![t(key)])
}

/// `ARR: $50,000 → $60,000`, `industry: SaaS`, `owner: removed (@U1)`, `products added: BI`.
fn field_line(book: &Book, place: &Place, change: &FieldChange) -> Line {
    let format = place.format();
    let show = |raw: &str| value(book, format, raw);
    let mut line = place.label.clone();
    match (change.before.as_str(), change.after.as_str()) {
        ("", after) if after.starts_with("+ ") => {
            line.push(t(" added: "));
            line.extend(show(&after[2..]));
        }
        ("", after) => {
            line.push(t(": "));
            line.extend(show(after));
        }
        (before, "") => {
            line.push(t(": removed ("));
            line.extend(show(before));
            line.push(t(")"));
        }
        (before, after) => {
            line.push(t(": "));
            line.extend(show(before));
            line.push(t(" → "));
            line.extend(show(after));
        }
    }
    line
}

#[cfg(test)]
mod tests;
