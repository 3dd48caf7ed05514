//! Purpose: `/stakeholder` — the people at an account, the power grid, contacts, departures.

use super::present::person;
use super::{editable, require_active, Ctx, Outcome};
use crate::command::stakeholder::{StakeholderChanges, StakeholderCommand};
use crate::domain::account::Account;
use crate::domain::audit::UNDO_HOURS;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::stakeholder::{Quadrant, Role, Stakeholder};
use crate::picture::{Picture, PowerGrid};
use crate::reply::{b, t, Line, Reply};

pub fn handle(
    command: &StakeholderCommand,
    ctx: &Ctx,
    book: &Book,
) -> Result<Outcome, DomainError> {
    match command {
        StakeholderCommand::Add {
            account,
            name,
            role,
            details,
        } => {
            let mut account = editable(book, account, ctx)?;
            require_active(&account)?;
            if let Some(i) = account.stakeholder_index(name) {
                return Err(DomainError::Duplicate {
                    what: "stakeholder",
                    name: account.stakeholders[i].name.clone(),
                    hint: format!(
                        "Change them with `/stakeholder set \"{}\" \"{}\" sentiment:positive`.",
                        account.name, account.stakeholders[i].name
                    ),
                });
            }
            let mut person = Stakeholder::new(name.clone(), *role, ctx.today);
            apply(&mut person, details);
            let quadrant = person.quadrant();
            account.stakeholders.push(person);
            let reply = Reply::new()
                .para(vec![
                    t("Added "),
                    b(name),
                    t(format!(
                        " ({}) to {} — {}.",
                        role.name(),
                        account.name,
                        quadrant.word()
                    )),
                ])
                .para(threading_line(&account));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        StakeholderCommand::List { account } => {
            let account = book.find(account)?;
            let picture = PowerGrid::of(account).map(Picture::PowerGrid);
            Ok(Outcome::read(grid(account, ctx, book).picture(picture)))
        }
        StakeholderCommand::Set {
            account,
            name,
            details,
        } => {
            if details.is_empty() {
                return Err(DomainError::invalid(
                    "set",
                    "nothing to change was given",
                    format!("/stakeholder set \"{account}\" \"{name}\" sentiment:positive"),
                ));
            }
            let (mut account, i) = person_at(book, account, name, ctx)?;
            apply(&mut account.stakeholders[i], details);
            let s = &account.stakeholders[i];
            let reply = Reply::new()
                .para(vec![
                    t("Updated "),
                    b(&s.name),
                    t(format!(
                        " at {}: {}, {} influence, {} — {}.",
                        account.name,
                        s.role.name(),
                        s.influence.name(),
                        s.sentiment.name(),
                        s.quadrant().word()
                    )),
                ])
                .para(threading_line(&account));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        StakeholderCommand::Contact {
            account,
            name,
            date,
        } => {
            let (mut account, i) = person_at(book, account, name, ctx)?;
            let on = date.unwrap_or(ctx.today);
            if on > ctx.today {
                return Err(DomainError::invalid(
                    "date",
                    format!("{on} is in the future; record contacts that happened"),
                    format!(
                        "/stakeholder contact \"{}\" \"{}\" date:{}",
                        account.name, name, ctx.today
                    ),
                ));
            }
            let s = &mut account.stakeholders[i];
            s.last_contact = Some(s.last_contact.map_or(on, |d| d.max(on)));
            let reply = Reply::text(format!(
                "Recorded contact with {} at {} on {on}.",
                s.name, account.name
            ));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        StakeholderCommand::Departed { account, name } => {
            let (mut account, i) = person_at(book, account, name, ctx)?;
            account.stakeholders[i].departed = true;
            let s = &account.stakeholders[i];
            let mut reply = Reply::text(format!(
                "Marked {} as departed from {}.",
                s.name, account.name
            ));
            if s.role == Role::Champion
                && !account
                    .stakeholders
                    .iter()
                    .any(|o| o.is_active() && o.role == Role::Champion)
            {
                reply = reply.line(format!(
                    "⚠ {} now has no active champion: this is an escalation, and the owner's manager will be pinged. Find a new champion: `/stakeholder add \"{}\" NAME role:champion`.",
                    account.name, account.name
                ));
            }
            reply = reply.para(threading_line(&account));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        StakeholderCommand::Remove { account, name } => {
            let (mut account, i) = person_at(book, account, name, ctx)?;
            let removed = account.stakeholders.remove(i);
            let until = ctx.now + chrono::Duration::hours(UNDO_HOURS);
            let reply = Reply::text(format!(
                "Removed {} from {}; their name is replaced with [removed] in the audit trail. Undo with `/steward undo` until {}; after that their record is erased.",
                removed.name,
                account.name,
                until.format("%Y-%m-%d %H:%M UTC")
            ));
            let id = account.id;
            Ok(Outcome {
                reply,
                changes: vec![Change::PutAccount(Box::new(account))],
                redact: Some((id, removed.name)),
                forget: false,
                purge_channels: Vec::new(),
            })
        }
    }
}

/// The account (to change) and the index of the named person in it.
fn person_at(
    book: &Book,
    account: &str,
    name: &str,
    ctx: &Ctx,
) -> Result<(Account, usize), DomainError> {
    let account = editable(book, account, ctx)?;
    require_active(&account)?;
    match account.stakeholder_index(name) {
        Some(i) => Ok((account, i)),
        None => {
            let known: Vec<&str> = account
                .stakeholders
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            Err(DomainError::NotFound {
                what: "stakeholder",
                name: name.to_string(),
                suggestions: if known.is_empty() {
                    format!(" {} has no stakeholders yet.", account.name)
                } else {
                    format!(" People at {}: {}.", account.name, known.join(", "))
                },
            })
        }
    }
}

fn apply(s: &mut Stakeholder, d: &StakeholderChanges) {
    if let Some(role) = d.role {
        s.role = role;
    }
    if let Some(influence) = d.influence {
        s.influence = influence;
    }
    if let Some(sentiment) = d.sentiment {
        s.sentiment = sentiment;
    }
    if d.nps.is_some() {
        s.nps = d.nps;
    }
    if d.owner.is_some() {
        s.owner.clone_from(&d.owner);
    }
    if let Some(email) = &d.email {
        s.email.clone_from(email);
    }
    for (field, value) in [
        (&mut s.slack_user, &d.slack_user),
        (&mut s.discord_user, &d.discord_user),
        (&mut s.title, &d.title),
        (&mut s.business_unit, &d.unit),
        (&mut s.personal_win, &d.personal_win),
        (&mut s.engagement, &d.engagement),
        (&mut s.key_risk, &d.key_risk),
    ] {
        if value.is_some() {
            field.clone_from(value);
        }
    }
}

/// "Multi-threaded." or "⚠ Single-threaded: …".
fn threading_line(account: &Account) -> Line {
    let risk = account.thread_risk();
    if risk.is_single_threaded() {
        vec![t(format!(
            "⚠ Single-threaded: {}.",
            risk.reasons(&account.stakeholders).join(", ")
        ))]
    } else {
        vec![t(
            "Multi-threaded: 3+ active stakeholders with a champion and an economic buyer.",
        )]
    }
}

/// The power grid as four labelled groups, then departed people.
fn grid(account: &Account, ctx: &Ctx, book: &Book) -> Reply {
    let mut reply = Reply::new().heading(format!("Power grid — {}", account.name));
    if account.stakeholders.is_empty() {
        return reply.line(format!(
            "No stakeholders yet. Start with `/stakeholder add \"{}\" \"Jane Doe\" role:champion`.",
            account.name
        ));
    }
    let grid_rows = [
        (
            "High influence",
            [Quadrant::Mobilize, Quadrant::ProtectAndGrow],
        ),
        ("Low influence", [Quadrant::Monitor, Quadrant::Leverage]),
    ];
    for (row, quadrants) in grid_rows {
        for q in quadrants {
            let people: Vec<Line> = account
                .stakeholders
                .iter()
                .filter(|s| s.is_active() && s.quadrant() == q)
                .map(|s| describe(s, ctx, book))
                .collect();
            let header = format!("{} ({row}, {})", q.word(), q.advice());
            reply = if people.is_empty() {
                reply.line(format!("{header}: nobody"))
            } else {
                reply.line(format!("{header}:")).bullets(people)
            };
        }
    }
    let departed: Vec<Line> = account
        .stakeholders
        .iter()
        .filter(|s| s.departed)
        .map(|s| describe(s, ctx, book))
        .collect();
    if !departed.is_empty() {
        reply = reply.line("Departed:").bullets(departed);
    }
    reply.para(threading_line(account))
}

fn describe(s: &Stakeholder, ctx: &Ctx, book: &Book) -> Line {
    let mut text = format!("{} — {}", s.name, s.role.name());
    if let Some(title) = &s.title {
        text.push_str(&format!(", {title}"));
    }
    if let Some(email) = &s.email {
        text.push_str(&format!(", {email}"));
    }
    text.push_str(&format!(", {}", s.sentiment.name()));
    if let Some(nps) = s.nps {
        text.push_str(&format!(", NPS {nps}"));
    }
    match s.last_contact {
        Some(d) => text.push_str(&format!(", last contact {d}")),
        None => text.push_str(", never contacted"),
    }
    if s.is_stale(ctx.today) {
        text.push_str(" (stale: 90+ days)");
    }
    let mut line = vec![t(text)];
    if s.owner.is_some() {
        line.push(t(" — owner "));
        line.push(person(book, s.owner.as_ref()));
    }
    line
}
