//! Purpose: `/steward feature` — the tenant's core features, which the adoption signal counts
//! (INGEST.md, "Signals from data"): add one with the event names that prove it is used, list
//! them, remove one. They are tenant settings, so they are audited, undone and exported like
//! the others.

use std::collections::BTreeSet;

use super::{paginate, Outcome};
use crate::command::invocation::closest_any_case;
use crate::command::quote;
use crate::command::steward::FeatureAction;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::signals::{Feature, ADOPTION_WINDOW_DAYS};
use crate::reply::{b, t, Reply, Span};

/// The longest feature name.
pub const MAX_NAME_CHARS: usize = 80;
/// The longest event name.
pub const MAX_EVENT_CHARS: usize = 200;

const ADD_EXAMPLE: &str = "/steward feature add Reports event:\"Report Created\"";

pub fn handle(action: &FeatureAction, book: &Book) -> Result<Outcome, DomainError> {
    match action {
        FeatureAction::Add { name, events } => add(name, events, book),
        FeatureAction::List { page } => Ok(Outcome::read(list(*page, book))),
        FeatureAction::Remove { name } => remove(name, book),
    }
}

fn add(name: &str, events: &[String], book: &Book) -> Result<Outcome, DomainError> {
    let name = bounded("NAME", name, MAX_NAME_CHARS)?;
    let events = events
        .iter()
        .map(|e| bounded("event", e, MAX_EVENT_CHARS))
        .collect::<Result<BTreeSet<String>, _>>()?;
    let mut settings = book.settings.clone();
    if let Some(existing) = find(&settings.core_features, &name) {
        return Err(DomainError::Duplicate {
            what: "core feature",
            name: existing.name.clone(),
            hint: format!(
                "Pick another name, or remove it first with `/steward feature remove {}`. Example: {ADD_EXAMPLE}",
                quote(&existing.name)
            ),
        });
    }
    let mut line = vec![t("Core feature "), b(&name), t(" added: ")];
    line.extend(event_spans(&events));
    line.push(t(format!(
        " in the last {ADOPTION_WINDOW_DAYS} days counts it as used."
    )));
    settings.core_features.push(Feature { name, events });
    let reply = Reply::new().para(line).line(format!(
        "Adoption now counts {} core feature{}.",
        settings.core_features.len(),
        if settings.core_features.len() == 1 {
            ""
        } else {
            "s"
        }
    ));
    Ok(Outcome::write(reply, vec![Change::PutSettings(settings)]))
}

fn list(page: usize, book: &Book) -> Reply {
    let features = &book.settings.core_features;
    if features.is_empty() {
        return Reply::text(format!(
            "No core features yet; the adoption signal counts them. Declare one: `{ADD_EXAMPLE}`."
        ));
    }
    let (shown, note) = paginate(features, page, "/steward feature list");
    let rows = shown
        .iter()
        .map(|f| {
            let mut row = vec![b(&f.name), t(" — ")];
            row.extend(event_spans(&f.events));
            row
        })
        .collect();
    Reply::new()
        .heading(format!(
            "Core features ({}) — used when one of their events arrived in the last {ADOPTION_WINDOW_DAYS} days:",
            features.len()
        ))
        .bullets(rows)
        .note(note)
}

fn remove(name: &str, book: &Book) -> Result<Outcome, DomainError> {
    let mut settings = book.settings.clone();
    let Some(found) = find(&settings.core_features, name).map(|f| f.name.clone()) else {
        return Err(not_found(name.trim(), &settings.core_features));
    };
    settings.core_features.retain(|f| f.name != found);
    let reply = Reply::new().para(vec![
        t("Core feature "),
        b(&found),
        t(format!(
            " removed; adoption now counts {}.",
            settings.core_features.len()
        )),
    ]);
    Ok(Outcome::write(reply, vec![Change::PutSettings(settings)]))
}

/// The feature named `name`, in any case.
fn find<'a>(features: &'a [Feature], name: &str) -> Option<&'a Feature> {
    let wanted = name.trim().to_lowercase();
    features.iter().find(|f| f.name.to_lowercase() == wanted)
}

/// `Report Created` or `Report Shared`, as code spans.
fn event_spans(events: &BTreeSet<String>) -> Vec<Span> {
    let mut spans = Vec::new();
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            spans.push(t(if i + 1 == events.len() { " or " } else { ", " }));
        }
        spans.push(Span::Code(event.clone()));
    }
    spans
}

/// A name or event trimmed, 1 to `max` characters.
fn bounded(field: &str, text: &str, max: usize) -> Result<String, DomainError> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars == 0 || chars > max {
        return Err(DomainError::invalid(
            field,
            format!("has 1–{max} characters, not {chars}"),
            ADD_EXAMPLE,
        ));
    }
    Ok(text.to_string())
}

/// No feature of that name: the closest one's removal as the example, or how to list them.
fn not_found(name: &str, features: &[Feature]) -> DomainError {
    let suggestion =
        closest_any_case(name, features.iter().map(|f| f.name.as_str())).map(|closest| {
            format!(
                " Did you mean {closest}? Example: /steward feature remove {}",
                quote(closest)
            )
        });
    DomainError::NotFound {
        what: "core feature",
        name: name.to_string(),
        suggestions: suggestion.unwrap_or_else(|| {
            " See them with `/steward feature list`. Example: /steward feature remove Reports"
                .into()
        }),
    }
}
