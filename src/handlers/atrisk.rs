//! Purpose: `/atrisk` — the at-risk list and the save play (start, steps, check-ins, resolve).

use super::present::{self, person};
use super::{editable, paginate, require_active, Ctx, Outcome};
use crate::command::atrisk::AtRiskCommand;
use crate::domain::atrisk;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::health::Band;
use crate::domain::saveplay::{Checkin, Resolution, SavePlay, LEADERSHIP_ARR};
use crate::reply::{b, t, Reply};

pub fn handle(command: &AtRiskCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    match command {
        AtRiskCommand::List { page } => Ok(Outcome::read(list(*page, ctx, book))),
        AtRiskCommand::Save {
            account,
            cause,
            owner,
        } => {
            let mut account = editable(book, account, ctx)?;
            require_active(&account)?;
            if account.active_save_play().is_some() {
                return Err(DomainError::Refused(format!(
                    "a save play for {} is already under way. See it with `/atrisk list`; mark steps with `/atrisk step \"{}\" triage`.",
                    account.name, account.name
                )));
            }
            let play = SavePlay::new(*cause, owner.clone(), ctx.now);
            let mut reply = Reply::new()
                .para(vec![
                    t(format!(
                        "Save play started for {} ({}), owner ",
                        account.name,
                        cause.name()
                    )),
                    person(book, Some(owner)),
                    t("."),
                ])
                .line(format!("Milestones: {}.", play.summary(ctx.now)));
            if account.arr.0 > LEADERSHIP_ARR {
                reply = reply.line(format!(
                    "{} ARR is over {}: leadership is notified in the escalations channel.",
                    present::money(book, account.arr),
                    present::money(book, crate::domain::money::Money(LEADERSHIP_ARR))
                ));
            }
            account.save_play = Some(Box::new(play));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        AtRiskCommand::Step { account, milestone } => {
            let mut account = editable(book, account, ctx)?;
            let name = account.name.clone();
            let play = active_play(&mut account.save_play, &name)?;
            let skipped = play.complete(*milestone, ctx.now);
            let mut reply = Reply::text(format!("{}: {} done.", name, milestone.label()));
            if !skipped.is_empty() {
                let names: Vec<_> = skipped.iter().map(|m| m.label()).collect();
                reply = reply.line(format!(
                    "Note: done out of order — still open before it: {}.",
                    names.join(", ")
                ));
            }
            reply = reply.line(format!("Now: {}.", play.summary(ctx.now)));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        AtRiskCommand::Checkin { account, note } => {
            let mut account = editable(book, account, ctx)?;
            let name = account.name.clone();
            let play = active_play(&mut account.save_play, &name)?;
            play.checkins.push(Checkin {
                at: ctx.now,
                note: note.clone(),
            });
            let next = play.next_checkin().map(|d| format!(" Next check-in by {}.", d.date_naive())).unwrap_or_else(|| {
                " The weekly cadence starts once the recovery plan is done (`/atrisk step … plan`).".into()
            });
            let reply = Reply::text(format!("Logged the check-in for {name}.{next}"));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        AtRiskCommand::Resolve {
            account,
            force,
            reason,
        } => {
            let mut account = editable(book, account, ctx)?;
            let name = account.name.clone();
            let band = account.health().band;
            let forced_reason = match (band == Band::Green, force, reason) {
                (true, _, _) => None,
                (false, false, _) => {
                    return Err(DomainError::Refused(format!(
                        "{name}'s health is {}, not green: keep the save play going, or (admin) `/atrisk resolve \"{name}\" force:yes reason:\"…\"`.",
                        band.word()
                    )))
                }
                (false, true, _) if !ctx.is_admin => return Err(DomainError::AdminOnly { action: "force-resolve a save play".into() }),
                (false, true, None) => {
                    return Err(DomainError::invalid("reason", "forcing needs a reason", format!("/atrisk resolve \"{name}\" force:yes reason:\"Signed a 2-year renewal\"")))
                }
                (false, true, Some(r)) => Some(r.clone()),
            };
            let play = active_play(&mut account.save_play, &name)?;
            play.resolved = Some(Resolution {
                at: ctx.now,
                by: ctx.actor.clone(),
                forced_reason,
            });
            let reply = Reply::text(format!("Save play for {name} resolved."));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
    }
}

fn active_play<'a>(
    play: &'a mut Option<Box<SavePlay>>,
    name: &str,
) -> Result<&'a mut SavePlay, DomainError> {
    play.as_deref_mut().filter(|p| p.is_active()).ok_or_else(|| {
        DomainError::Refused(format!("{name} has no save play under way. Start one with `/atrisk save \"{name}\" cause:relationship owner:@you`."))
    })
}

fn list(page: usize, ctx: &Ctx, book: &Book) -> Reply {
    let risky = atrisk::list(book.active(), ctx.now);
    if risky.is_empty() {
        return Reply::text("No account is red, declining or single-threaded. 🎉");
    }
    let total: u64 = risky.iter().map(|r| r.account.arr.0).sum();
    let (shown, more) = paginate(&risky, page, "/atrisk list");
    let rows = shown
        .iter()
        .map(|r| {
            let a = r.account;
            let play = match a.active_save_play() {
                Some(p) => format!("save play ({}): {}", p.cause.name(), p.summary(ctx.now)),
                None => "no save play".into(),
            };
            vec![
                b(&a.name),
                t(format!(
                    " — {} — {} — renews in {} days — {} — ",
                    present::money(book, a.arr),
                    r.reasons().join("; "),
                    a.days_to_renewal(ctx.today),
                    play
                )),
                person(book, a.owner.as_ref()),
            ]
        })
        .collect();
    Reply::new()
        .heading(format!(
            "At risk: {}, {} ARR",
            present::count(risky.len(), "account"),
            present::money(book, crate::domain::money::Money(total))
        ))
        .bullets(rows)
        .note(more)
}
