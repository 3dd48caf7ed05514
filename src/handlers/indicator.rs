//! Purpose: `/steward indicator` — the seven indicators with how many accounts have each
//! open (at the last daily recompute) and whether it is muted, and muting or unmuting one for
//! the tenant (admins: the command is declared admin-only). A muted indicator never posts —
//! no message to the owner, no line in the Monday digest, no expansion signal — but is still
//! evaluated and shown, marked muted, where an account is read.

use super::{Ctx, Outcome};
use crate::command::steward::IndicatorAction;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::signals::IndicatorKind;
use crate::handlers::present;
use crate::reply::{b, t, Reply};

pub fn handle(action: &IndicatorAction, _ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    match *action {
        IndicatorAction::List => Ok(Outcome::read(list(book))),
        IndicatorAction::Mute(kind) => set(kind, true, book),
        IndicatorAction::Unmute(kind) => set(kind, false, book),
    }
}

fn list(book: &Book) -> Reply {
    let muted = &book.settings.muted_indicators;
    let rows = IndicatorKind::ALL
        .into_iter()
        .map(|kind| {
            let open = book
                .active()
                .filter(|a| a.indicators.iter().any(|i| i.kind == kind))
                .count();
            let what = if kind.is_risk() {
                "risk"
            } else {
                "opportunity"
            };
            let state = if muted.contains(&kind) {
                "muted"
            } else {
                "posts"
            };
            vec![
                b(kind.name()),
                t(format!(
                    " ({what}) — {state} — open on {}",
                    present::count(open, "account")
                )),
            ]
        })
        .collect();
    Reply::new()
        .heading("Indicators")
        .bullets(rows)
        .line("Each new cause goes once to the account's owner by direct message. Mute one with `/steward indicator mute \"usage drop\"`: it then never posts, but still shows in `/health show`.")
}

fn set(kind: IndicatorKind, mute: bool, book: &Book) -> Result<Outcome, DomainError> {
    let mut settings = book.settings.clone();
    let changed = match mute {
        true => settings.muted_indicators.insert(kind),
        false => settings.muted_indicators.remove(&kind),
    };
    let name = kind.name();
    if !changed {
        let state = if mute { "muted already" } else { "not muted" };
        return Ok(Outcome::read(Reply::text(format!(
            "The {name} indicator is {state}; nothing changed."
        ))));
    }
    let reply = match mute {
        true => Reply::text(format!(
            "The {name} indicator is muted: it no longer posts to owners, to the Monday digest or as an expansion signal. It still shows in `/health show`. Undo with `/steward indicator unmute \"{name}\"`."
        )),
        false => Reply::text(format!(
            "The {name} indicator posts again: causes still open are sent to their owners at the next check."
        )),
    };
    Ok(Outcome::write(reply, vec![Change::PutSettings(settings)]))
}
