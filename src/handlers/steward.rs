//! Purpose: `/steward` — help generated from `commands/`, whoami, undo, and the tenant's
//! settings (managers, owner aliases, time zone, currency, fiscal year); write keys, core
//! features, indicators and the Zendesk secret have files of their own (`apikey`, `feature`,
//! `indicator`, `zendesk`).

use super::present::person;
use super::{Ctx, Outcome};
use crate::command::invocation::closest;
use crate::command::quote;
use crate::command::spec::{self, GroupSpec, SubSpec};
use crate::command::steward::StewardCommand;
use crate::domain::audit::{Revert, UNDO_HOURS};
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::person::Person;
use crate::reply::{t, Reply, Span};

pub fn handle(command: &StewardCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    let mut settings = book.settings.clone();
    let reply = match command {
        StewardCommand::Help { topic } => return Ok(Outcome::read(help(topic.as_deref())?)),
        StewardCommand::Undo => return undo(ctx, book),
        StewardCommand::Forget { confirm } => return Ok(super::forget::forget(*confirm, book)),
        StewardCommand::ApiKey(action) => return super::apikey::handle(action, ctx, book),
        StewardCommand::Feature(action) => return super::feature::handle(action, book),
        StewardCommand::IngestStatus => return super::intake::status(ctx, book),
        StewardCommand::Zendesk(action) => return super::zendesk::handle(action, ctx, book),
        StewardCommand::Indicator(action) => return super::indicator::handle(action, ctx, book),
        // Answered by the app before handlers run (see `App::execute`); reaching here means
        // a prompt led back to itself.
        StewardCommand::Ask { .. } => {
            return Err(DomainError::Refused(
                "`/steward ask` cannot ask itself; type the question directly.".into(),
            ))
        }
        StewardCommand::WhoAmI => {
            let manager = settings.managers.get(ctx.actor).cloned();
            let reply = Reply::new().fields(vec![
                ("Tenant".into(), vec![t(book.tenant.to_string())]),
                ("You".into(), vec![Span::Mention(ctx.actor.clone())]),
                (
                    "Rights".into(),
                    vec![t(if ctx.is_admin { "admin" } else { "member" })],
                ),
                (
                    "Manager".into(),
                    vec![manager.map_or(t("not set"), Span::Mention)],
                ),
                (
                    "Accounts you own".into(),
                    vec![t(owned_count(book, ctx).to_string())],
                ),
            ]);
            return Ok(Outcome::read(reply));
        }
        StewardCommand::Manager { user, manager } => {
            let (user_id, manager_id) = (chat_user("user", user)?, chat_user("manager", manager)?);
            if user_id == manager_id {
                return Err(DomainError::invalid(
                    "manager",
                    "a person cannot manage themselves",
                    "/steward manager @jane manager:@omar",
                ));
            }
            settings
                .managers
                .insert(user_id.clone(), manager_id.clone());
            Reply::new().para(vec![
                t("Escalations about "),
                Span::Mention(user_id),
                t("'s accounts now go to "),
                Span::Mention(manager_id),
                t("."),
            ])
        }
        StewardCommand::Owner { alias, user } => {
            let user_id = chat_user("user", user)?;
            settings
                .owner_aliases
                .insert(alias.to_lowercase(), user_id.clone());
            Reply::new().para(vec![
                t(format!("Owner \"{alias}\" is now ")),
                Span::Mention(user_id),
                t("."),
            ])
        }
        StewardCommand::Hours { days, window } => {
            let hours = crate::domain::conversation::BusinessHours::parse(days, window)?;
            settings.business_hours = Some(hours.describe());
            Reply::text(format!(
                "Business hours set to {} ({}). Customer-channel response times and *customer waiting* count only these hours.",
                hours.describe(),
                settings.timezone.as_deref().unwrap_or("the default time zone")
            ))
        }
        StewardCommand::Timezone { zone } => {
            let tz: chrono_tz::Tz = zone.parse().map_err(|_| {
                DomainError::invalid(
                    "zone",
                    format!("\"{zone}\" is not an IANA time zone"),
                    "/steward timezone Europe/Berlin",
                )
            })?;
            settings.timezone = Some(tz.name().to_string());
            Reply::text(format!(
                "Time zone set to {}. Dates and schedules follow it.",
                tz.name()
            ))
        }
        StewardCommand::Currency { code } => {
            let upper = code.to_uppercase();
            if upper.len() != 3 || !upper.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(DomainError::invalid(
                    "code",
                    format!("\"{code}\" is not a 3-letter currency code"),
                    "/steward currency EUR",
                ));
            }
            settings.currency = upper.clone();
            Reply::text(format!(
                "Amounts now show in {upper}, e.g. {}. Amounts are not converted.",
                crate::domain::money::Money(50_000).full(&upper)
            ))
        }
        StewardCommand::FiscalYear { month } => {
            settings.fiscal_year_start = *month;
            Reply::text(format!(
                "The fiscal year now starts in {}.",
                crate::domain::tenant::month_name(*month).unwrap_or_default()
            ))
        }
    };
    Ok(Outcome::write(reply, vec![Change::PutSettings(settings)]))
}

/// Takes back the asker's last change, unless someone changed the same account since.
fn undo(ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    let plan = ctx
        .audit
        .last_change(&book.tenant, ctx.actor)
        .map_err(|e| DomainError::Refused(format!("the last change could not be read: {e}")))?
        .ok_or_else(|| DomainError::Refused("you have no change to undo here.".into()))?;
    let when = plan.at.format("%Y-%m-%d %H:%M UTC");
    if plan.is_expired(ctx.now) {
        return Err(DomainError::Refused(format!(
            "your last change here, from {when}, can no longer be undone: undo is offered for {UNDO_HOURS} hours (it ended {}).",
            plan.until().format("%Y-%m-%d %H:%M UTC")
        )));
    }
    if plan.is_purged() {
        return Err(DomainError::Refused(format!(
            "your last change here, from {when}, can no longer be undone: an account it changed was changed since."
        )));
    }
    if let Some(name) = plan.steps.iter().find_map(|step| match step {
        Revert::KeepWriteKey { name } => Some(name),
        _ => None,
    }) {
        let instead = match book.write_key(name) {
            Some(key) => format!(
                "to take the key back, revoke it: `/steward apikey revoke {}`",
                quote(&key.name)
            ),
            None => {
                "a revoked key stays revoked; make a new one with `/steward apikey create NAME`"
                    .into()
            }
        };
        return Err(DomainError::Refused(format!(
            "your last change here, `{}`, cannot be undone: {instead}.",
            plan.command
        )));
    }
    if plan
        .steps
        .iter()
        .any(|step| matches!(step, Revert::KeepZendeskSecret))
    {
        return Err(DomainError::Refused(format!(
            "your last change here, `{}`, cannot be undone: set the secret again with `/steward zendesk secret SECRET`.",
            plan.command
        )));
    }
    let touched = plan.steps.iter().filter_map(|step| match step {
        Revert::Restore(a) => Some(a.id),
        Revert::Delete(id) => Some(*id),
        _ => None,
    });
    for id in touched {
        if let Some(current) = book.account(id).filter(|a| a.updated_at > plan.at) {
            return Err(DomainError::Refused(format!(
                "{} was changed after your `{}` ({}); undoing now would overwrite that. See `/account history \"{}\"`.",
                current.name,
                plan.command,
                current.updated_at.format("%Y-%m-%d %H:%M UTC"),
                current.name
            )));
        }
    }
    let reply = Reply::text(format!(
        "Undid your `{}` from {when}. Run `/steward undo` again to redo it.",
        plan.command
    ));
    Ok(Outcome::write(
        reply,
        plan.steps
            .into_iter()
            .filter_map(Revert::into_change)
            .collect(),
    ))
}

fn owned_count(book: &Book, ctx: &Ctx) -> usize {
    let me = Span::Mention(ctx.actor.clone());
    book.active()
        .filter(|a| person(book, a.owner.as_ref()) == me)
        .count()
}

/// Managers and aliases map chat users; a CRM name is not one.
fn chat_user(field: &str, p: &Person) -> Result<crate::domain::person::UserId, DomainError> {
    p.user().cloned().ok_or_else(|| {
        DomainError::invalid(
            field,
            "needs a chat user, not a name",
            format!("{field}:@jane"),
        )
    })
}

fn help(topic: Option<&str>) -> Result<Reply, DomainError> {
    let Some(topic) = topic else {
        let rows = spec::groups()
            .iter()
            .map(|g| {
                vec![
                    Span::Code(format!("/{}", g.name)),
                    t(format!(" — {}", g.description)),
                ]
            })
            .collect();
        return Ok(Reply::new()
            .heading("Steward keeps your book of accounts. Commands:")
            .bullets(rows)
            .line("Details: `/steward help renewal` or `/steward help account add`."));
    };
    let mut words = topic.trim_start_matches('/').split_whitespace();
    let group_name = words.next().unwrap_or_default().to_lowercase();
    let group = spec::group(&group_name).ok_or_else(|| DomainError::NotFound {
        what: "command",
        name: format!("/{group_name}"),
        suggestions: closest(&group_name, spec::groups().iter().map(|g| g.name.as_str()))
            .map(|g| format!(" Did you mean `/steward help {g}`?"))
            .unwrap_or_default(),
    })?;
    match words.next() {
        None => Ok(group_help(group)),
        Some(sub_name) => {
            let sub = group
                .sub(&sub_name.to_lowercase())
                .ok_or_else(|| DomainError::NotFound {
                    what: "subcommand",
                    name: format!("/{} {sub_name}", group.name),
                    suggestions: format!(
                        " Subcommands: {}.",
                        group
                            .subcommands
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })?;
            Ok(sub_help(group, sub))
        }
    }
}

fn group_help(group: &GroupSpec) -> Reply {
    let rows = group
        .subcommands
        .iter()
        .map(|s| {
            let admin = if s.admin { " (admin)" } else { "" };
            vec![
                Span::Code(s.usage(&group.name)),
                t(format!(" — {}{admin}", s.description)),
            ]
        })
        .collect();
    Reply::new()
        .heading(format!("/{} — {}", group.name, group.description))
        .bullets(rows)
        .line(format!(
            "Details: `/steward help {} {}`.",
            group.name,
            group.subcommands.first().map_or("", |s| s.name.as_str())
        ))
}

fn sub_help(group: &GroupSpec, sub: &SubSpec) -> Reply {
    let options = sub
        .options
        .iter()
        .map(|o| {
            let how = if o.positional {
                o.name.to_uppercase()
            } else {
                format!("{}:", o.name)
            };
            let required = match (o.required, o.repeat) {
                (true, _) => "required",
                (false, true) => "optional, repeatable",
                (false, false) => "optional",
            };
            vec![
                Span::Code(how),
                t(format!(" ({required}) — {}", o.description)),
            ]
        })
        .collect();
    let admin = if sub.admin { " Admins only." } else { "" };
    Reply::new()
        .heading(format!(
            "/{} {} — {}.{admin}",
            group.name, sub.name, sub.description
        ))
        .para(vec![t("Usage: "), Span::Code(sub.usage(&group.name))])
        .bullets(options)
        .line("Examples:")
        .bullets(
            sub.examples
                .iter()
                .map(|e| vec![Span::Code(e.clone())])
                .collect(),
        )
}
