//! Purpose: `/expansion` commands about one opportunity by number — show (MEDDIC beside
//! readiness), qualify, won and lost (with why).

use super::present::{self, person};
use super::{editable, require_active, Ctx, Outcome};
use crate::command::expansion::Known;
use crate::domain::account::Account;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::expansion::{readiness, Opportunity, OpportunityStatus};
use crate::domain::meddic::{self, assess, Element, Entry, Source, ELEMENTS};
use crate::domain::money::Money;
use crate::domain::outcome::{OutcomeEvent, OutcomeKind};
use crate::domain::reason::{Given, Reason};
use crate::reply::{b, t, Line, Reply};

/// The account holding opportunity `id`, or a clear "not found".
fn holder(book: &Book, id: u32) -> Result<&Account, DomainError> {
    book.opportunity_account(id)
        .ok_or_else(|| DomainError::NotFound {
            what: "opportunity",
            name: format!("#{id}"),
            suggestions: " See the open ones with `/expansion list`.".into(),
        })
}

/// A copy of the account holding open opportunity `id`, to change, and the opportunity's
/// index in it.
fn editable_open(book: &Book, id: u32, ctx: &Ctx) -> Result<(Account, usize), DomainError> {
    let name = holder(book, id)?.name.clone();
    let account = editable(book, &name, ctx)?;
    require_active(&account)?;
    let index = account
        .opportunities
        .iter()
        .position(|o| o.id == id)
        .ok_or_else(|| DomainError::NotFound {
            what: "opportunity",
            name: format!("#{id}"),
            suggestions: String::new(),
        })?;
    if !account.opportunities[index].is_open() {
        return Err(DomainError::Refused(format!(
            "opportunity #{id} is already closed. See `/expansion show {id}`."
        )));
    }
    Ok((account, index))
}

/// `4/6 known, forecast $16,667 of $25,000`.
fn score_line(book: &Book, opp: &Opportunity, account: &Account) -> String {
    let known = opp.meddic_score(&account.stakeholders);
    let forecast = meddic::weighted(opp.value, known).round() as u64;
    format!(
        "{known}/{ELEMENTS} known, forecast {} of {}",
        present::money(book, Money(forecast)),
        present::money(book, opp.value)
    )
}

pub fn show(id: u32, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    let account = holder(book, id)?;
    let Some(opp) = account.opportunities.iter().find(|o| o.id == id) else {
        return Err(DomainError::NotFound {
            what: "opportunity",
            name: format!("#{id}"),
            suggestions: String::new(),
        });
    };
    let status = match &opp.status {
        OpportunityStatus::Open => "open".to_string(),
        OpportunityStatus::Won { on, reason } => closed("won", *on, reason.as_ref()),
        OpportunityStatus::Lost { on, reason } => closed("lost", *on, reason.as_ref()),
    };
    let mut fields = vec![
        ("Status".into(), vec![t(status)]),
        (
            "Value".into(),
            vec![t(format!("{} ARR", present::money(book, opp.value)))],
        ),
        ("MEDDIC".into(), vec![t(score_line(book, opp, account))]),
        ("Owner".into(), vec![person(book, opp.owner.as_ref())]),
    ];
    if let Some(trigger) = &opp.trigger {
        fields.push(("Trigger".into(), vec![t(trigger.clone())]));
    }
    if let Some(due) = opp.due {
        fields.push(("Due".into(), vec![t(due.to_string())]));
    }
    let states = assess(&opp.qualification, &account.stakeholders);
    let known = states.iter().filter(|s| s.known).count();
    let qualification = states
        .iter()
        .map(|s| {
            let note = s
                .note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            let source = match s.source {
                Source::Set(on) => format!(" (set {on})"),
                Source::Stakeholders => " (from stakeholders)".into(),
                Source::Unset => String::new(),
            };
            let state = if s.known { "known" } else { "unknown" };
            vec![t(format!(
                "{} {} — {state}{note}{source}",
                if s.known { "✓" } else { "✗" },
                s.element.label()
            ))]
        })
        .collect();
    let checks = readiness(account, opp.trigger.as_deref(), ctx.today);
    let passed = checks.iter().filter(|c| c.passed).count();
    let readiness_rows = checks
        .iter()
        .map(|c| {
            let mark = if c.passed { "✓" } else { "✗" };
            vec![t(format!("{mark} {} — {}", c.name, c.detail))]
        })
        .collect();
    Ok(Outcome::read(
        Reply::new()
            .heading(format!(
                "Opportunity #{id} — {}: {}",
                account.name,
                opp.kind.name()
            ))
            .fields(fields)
            .line(format!("MEDDIC qualification ({known}/{ELEMENTS}):"))
            .bullets(qualification)
            .line(format!("Readiness to pitch ({passed}/5):"))
            .bullets(readiness_rows)
            .line(format!(
                "Set an element with `/expansion qualify {id} element:metrics note:\"…\"`."
            )),
    ))
}

/// `won 2026-03-02: ROI review (value-proven)` or `lost 2026-03-02`.
fn closed(word: &str, on: chrono::NaiveDate, reason: Option<&Reason>) -> String {
    match reason {
        Some(r) => format!("{word} {on}: {r}"),
        None => format!("{word} {on}"),
    }
}

pub fn qualify(
    id: u32,
    element: Element,
    known: Known,
    note: Option<&str>,
    ctx: &Ctx,
    book: &Book,
) -> Result<Outcome, DomainError> {
    let (mut account, index) = editable_open(book, id, ctx)?;
    let opp = &mut account.opportunities[index];
    let what = match known {
        Known::Clear => {
            if note.is_some() {
                return Err(DomainError::invalid(
                    "note",
                    "goes with known:yes or known:no, not known:clear",
                    format!(
                        "/expansion qualify {id} element:{} known:clear",
                        element.name()
                    ),
                ));
            }
            if !opp.qualification.clear(element) {
                return Err(DomainError::Refused(format!(
                    "{} of #{id} was not set by hand; nothing to clear. See `/expansion show {id}`.",
                    element.label()
                )));
            }
            let now = assess(&opp.qualification, &account.stakeholders)
                .into_iter()
                .find(|s| s.element == element);
            match now.and_then(|s| s.note.filter(|_| s.known)) {
                Some(names) => format!("cleared, known again from the stakeholders: {names}"),
                None => "cleared, now unknown".to_string(),
            }
        }
        Known::Yes | Known::No => {
            let known = known == Known::Yes;
            opp.qualification.set(Entry {
                element,
                known,
                note: note.map(str::to_string),
                on: ctx.today,
            })?;
            let state = if known { "known" } else { "unknown" };
            format!(
                "{state}{}",
                note.map(|n| format!(": {n}")).unwrap_or_default()
            )
        }
    };
    let opp = &account.opportunities[index];
    let reply = Reply::text(format!(
        "#{id} at {}: {} {what}. MEDDIC {}.",
        account.name,
        element.label(),
        score_line(book, opp, &account)
    ));
    Ok(Outcome::write(
        reply,
        vec![Change::PutAccount(Box::new(account))],
    ))
}

pub fn close(
    id: u32,
    won: bool,
    given: &Given,
    ctx: &Ctx,
    book: &Book,
) -> Result<Outcome, DomainError> {
    let (mut account, index) = editable_open(book, id, ctx)?;
    let reason = given.resolve(&account.plan);
    let reason = reason.as_ref();
    let value = account.opportunities[index].value;
    let why = reason.map(|r| format!(" Why: {r}.")).unwrap_or_default();
    let mut changes = Vec::new();
    let reply = if won {
        account.opportunities[index].status = OpportunityStatus::Won {
            on: ctx.today,
            reason: reason.cloned(),
        };
        let before = account.arr;
        account.arr = Money(before.0 + value.0);
        changes.push(Change::AddOutcome(OutcomeEvent {
            account: account.id,
            account_name: account.name.clone(),
            on: ctx.today,
            kind: OutcomeKind::Expanded,
            arr_before: before,
            arr_after: account.arr,
            reason: reason.cloned(),
            opportunity: Some(id),
        }));
        Reply::text(format!(
            "Won #{id}: {} ARR {} → {}. It counts as expansion in NRR.{why}",
            account.name,
            present::money(book, before),
            present::money(book, account.arr)
        ))
    } else {
        account.opportunities[index].status = OpportunityStatus::Lost {
            on: ctx.today,
            reason: reason.cloned(),
        };
        let mut line: Line = vec![t(format!("Lost #{id} at {} (", account.name))];
        line.push(b(present::money(book, value)));
        line.push(t(format!(
            "){}.",
            reason.map(|r| format!(": {r}")).unwrap_or_default()
        )));
        Reply::new().para(line)
    };
    changes.insert(0, Change::PutAccount(Box::new(account)));
    Ok(Outcome::write(reply, changes))
}
