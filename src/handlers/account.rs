//! Purpose: `/account` — add, show, list, set, remove, history, log, reassign.

use super::present::{self, person};
use super::{editable, paginate, require_active, Ctx, Outcome};
use crate::command::account::{AccountChanges, AccountCommand, Clearable, NewAccount, TierChoice};
use crate::domain::account::{Account, Activity, ActivityKind};
use crate::domain::book::{Book, Change};
use crate::domain::conversation::{self, BusinessHours};
use crate::domain::error::DomainError;
use crate::domain::outside_id::CrmId;
use crate::domain::person::Person;
use crate::domain::renewal::{FollowUp, Stage};
use crate::reply::{b, t, Reply, Span};

pub fn handle(command: &AccountCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    match command {
        AccountCommand::Add(new) => add(new, ctx, book),
        AccountCommand::Show { account } => show(book.find(account)?, ctx, book),
        AccountCommand::List {
            tier,
            owner,
            health,
            page,
        } => {
            let mut accounts: Vec<&Account> = book
                .active()
                .filter(|a| tier.is_none_or(|t| book.tier(a).0 == t))
                .filter(|a| {
                    owner
                        .as_ref()
                        .is_none_or(|o| same_person(book, a.owner.as_ref(), o))
                })
                .filter(|a| health.is_none_or(|h| a.health().band == h))
                .collect();
            accounts.sort_by(|a, b| b.arr.cmp(&a.arr).then_with(|| a.name.cmp(&b.name)));
            Ok(Outcome::read(list(&accounts, *page, ctx, book)))
        }
        AccountCommand::Set { account, changes } => set(account, changes, ctx, book),
        AccountCommand::Remove { account } => {
            let account = book.find(account)?;
            let reply = Reply::text(format!(
                "Removed {} and its {}. Its audit trail is kept.",
                account.name,
                present::count(account.stakeholders.len(), "stakeholder")
            ));
            let mut outcome = Outcome::write(reply, vec![Change::RemoveAccount(account.id)]);
            // Its customer channels go with it, and what was kept of their messages.
            outcome.purge_channels = account.channels.clone();
            Ok(outcome)
        }
        AccountCommand::History { account, page } => {
            super::history::show(book.find(account)?, *page, ctx, book)
        }
        AccountCommand::Log {
            account,
            text,
            kind,
        } => {
            let mut account = editable(book, account, ctx)?;
            // DECISIONS 27: a follow-up on an account in a renewal stage also counts in the
            // renewal's follow-up log.
            let renewal_followup = *kind == ActivityKind::FollowUp
                && account.is_active()
                && account.stage(ctx.today) != Stage::NotStarted;
            if renewal_followup {
                account.renewal.followups.push(FollowUp {
                    on: ctx.today,
                    responded: false,
                });
            }
            account.log(Activity {
                at: ctx.now,
                by: ctx.actor.clone(),
                kind: *kind,
                text: text.clone(),
                source: ctx.source.cloned(),
            });
            let mut reply = Reply::text(format!("Logged a {} on {}.", kind.word(), account.name));
            if let Some(source) = ctx.source {
                reply = reply.line(format!(
                    "From {}'s message of {}: {}",
                    source.author,
                    local_time(ctx, source.at),
                    source.permalink
                ));
            }
            if renewal_followup {
                reply = reply.line(format!(
                    "It counts in the renewal's follow-up log ({} unanswered in a row).",
                    account.renewal.unanswered_followups()
                ));
            }
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        AccountCommand::Channel { action, account } => {
            super::channel::handle(*action, account.as_deref(), ctx, book)
        }
        AccountCommand::Reassign { from, to } => {
            let changes: Vec<Change> = book
                .accounts()
                .filter(|a| same_person(book, a.owner.as_ref(), from))
                .map(|a| {
                    let mut moved = a.clone();
                    moved.owner = Some(to.clone());
                    moved.updated_at = ctx.now;
                    Change::PutAccount(Box::new(moved))
                })
                .collect();
            let reply = Reply::new().para(vec![
                t(format!(
                    "Moved {} from ",
                    present::count(changes.len(), "account")
                )),
                person(book, Some(from)),
                t(" to "),
                person(book, Some(to)),
                t("."),
            ]);
            Ok(Outcome::write(reply, changes))
        }
    }
}

/// `last message 3 h ago, waiting for a reply (5 business h), …` from the stored metadata.
fn customer_channel_line(account: &Account, ctx: &Ctx, book: &Book) -> String {
    match ctx.data.channel_messages(book, account) {
        Ok(messages) => {
            let hours = BusinessHours::from_setting(book.settings.business_hours.as_deref());
            let signals = conversation::signals(&messages, ctx.now, &hours, ctx.timezone);
            conversation::show_line(&signals, ctx.now)
        }
        Err(error) => {
            tracing::warn!(%error, "could not read a customer channel's messages");
            "could not be read just now".into()
        }
    }
}

/// How many activity entries `/account show` lists, newest first.
const RECENT_ACTIVITIES: usize = 3;

/// `2026-03-02 call — Called the CFO`, with the message it was captured from.
fn activity_line(activity: &Activity, ctx: &Ctx) -> String {
    let day = activity.at.with_timezone(&ctx.timezone).date_naive();
    let mut line = format!("{day} {} — {}", activity.kind.word(), activity.text);
    if let Some(source) = &activity.source {
        line.push_str(&format!(
            " (message by {}, {}: {})",
            source.author,
            local_time(ctx, source.at),
            source.permalink
        ));
    }
    line
}

/// `2026-03-02 14:05` in the tenant's time zone.
fn local_time(ctx: &Ctx, at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&ctx.timezone)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Whether an owner is the given person (aliases resolved).
fn same_person(book: &Book, owner: Option<&Person>, wanted: &Person) -> bool {
    owner.is_some_and(|o| person(book, Some(o)) == person(book, Some(wanted)))
}

fn check_name_free(book: &Book, name: &str, except: Option<&Account>) -> Result<(), DomainError> {
    match book.by_name(name) {
        Some(existing) if except.is_none_or(|e| e.id != existing.id) => {
            Err(DomainError::Duplicate {
                what: "account",
                name: existing.name.clone(),
                hint: format!(
                    "Names are unique (any case). See it with `/account show \"{}\"`.",
                    existing.name
                ),
            })
        }
        _ => Ok(()),
    }
}

/// A crm id names one account in the tenant (compared exactly, as CRMs do).
fn check_crm_free(book: &Book, crm: &CrmId, except: Option<&Account>) -> Result<(), DomainError> {
    match book.by_crm_id(crm) {
        Some(holder) if except.is_none_or(|e| e.id != holder.id) => Err(DomainError::Duplicate {
            what: "crm id",
            name: crm.to_string(),
            hint: format!(
                "It is the crm id of {}, and a crm id names one account. See it with `/account show \"{}\"`.",
                holder.name, holder.name
            ),
        }),
        _ => Ok(()),
    }
}

/// `Outside ids: crm 001A, domain acme.com`, when the account has either.
fn outside_ids(account: &Account) -> Option<(String, Vec<Span>)> {
    let ids: Vec<String> = [
        ("crm", account.crm_id.as_deref()),
        ("domain", account.domain.as_deref()),
    ]
    .into_iter()
    .filter_map(|(label, id)| id.map(|id| format!("{label} {id}")))
    .collect();
    (!ids.is_empty()).then(|| ("Outside ids".to_string(), vec![t(ids.join(", "))]))
}

fn add(new: &NewAccount, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    check_name_free(book, &new.name, None)?;
    if let Some(crm) = &new.crm_id {
        check_crm_free(book, crm, None)?;
    }
    let mut account = Account::new(
        book.next_account_id(),
        new.name.clone(),
        new.arr,
        new.renewal,
        ctx.now,
    );
    account.owner = new.owner.clone();
    account.tier_pin = new.tier;
    account.industry = new.industry.clone();
    account.segment = new.segment.clone();
    account.seats = new.seats;
    account.products = new.products.clone();
    account.crm_id.clone_from(&new.crm_id);
    account.domain.clone_from(&new.domain);
    let reply = Reply::new().para(vec![
        t("Added "),
        b(&account.name),
        t(format!(
            ": {} ARR, renews {}, {}, owner: ",
            present::money(book, account.arr),
            present::renewal(&account, ctx.today),
            present::tier(book, &account)
        )),
        person(book, account.owner.as_ref()),
        t("."),
    ]);
    let reply = reply
        .fields(outside_ids(&account).into_iter().collect())
        .line(format!(
        "Next: map its people with `/stakeholder add \"{}\" NAME role:champion` and record health with `/health set \"{}\" nps:8`.",
        account.name, account.name
    ));
    Ok(Outcome::write(
        reply,
        vec![Change::PutAccount(Box::new(account))],
    ))
}

fn show(account: &Account, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    let health = account.health();
    let mut fields = vec![
        (
            "ARR".to_string(),
            vec![t(present::money(book, account.arr))],
        ),
        ("Tier".to_string(), vec![t(present::tier(book, account))]),
        (
            "Owner".to_string(),
            vec![person(book, account.owner.as_ref())],
        ),
        (
            "Renewal".to_string(),
            vec![t(present::renewal(account, ctx.today))],
        ),
        ("Health".to_string(), vec![t(present::health(&health))]),
    ];
    // The indicators live at the last daily recompute (`/health show` reads them afresh).
    if let Some(open) = crate::jobs::indicators::summary(book, account) {
        fields.push(("Indicators".into(), vec![t(open)]));
    }
    let active: Vec<String> = account
        .stakeholders
        .iter()
        .filter(|s| s.is_active())
        .map(|s| format!("{} ({})", s.name, s.role.name()))
        .collect();
    fields.push((
        "Stakeholders".into(),
        vec![t(if active.is_empty() {
            "none mapped".into()
        } else {
            active.join(", ")
        })],
    ));
    for (label, value) in [
        ("Industry", &account.industry),
        ("Segment", &account.segment),
    ] {
        if let Some(v) = value {
            fields.push((label.into(), vec![t(v.clone())]));
        }
    }
    fields.extend(outside_ids(account));
    if let Some(seats) = account.seats {
        let active_seats = account
            .active_seats
            .map(|a| format!(", {a} active"))
            .unwrap_or_default();
        fields.push(("Seats".into(), vec![t(format!("{seats}{active_seats}"))]));
    }
    if !account.products.is_empty() {
        fields.push(("Products".into(), vec![t(account.products.join(", "))]));
    }
    if let crate::domain::account::AccountStatus::Churned { on, reason } = &account.status {
        fields.push(("Churned".into(), vec![t(format!("{on}: {reason}"))]));
    }
    let flags = if account.is_active() {
        present::risk_flags(account, ctx.today, ctx.now)
    } else {
        Vec::new()
    };
    if !account.channels.is_empty() {
        fields.push((
            "Customer channel".into(),
            vec![t(customer_channel_line(account, ctx, book))],
        ));
    }
    let mut reply = Reply::new().heading(account.name.clone()).fields(fields);
    if !flags.is_empty() {
        reply = reply
            .line("Risks:")
            .bullets(flags.into_iter().map(|f| vec![t(f)]).collect());
    }
    if !account.activities.is_empty() {
        let recent = account
            .activities
            .iter()
            .rev()
            .take(RECENT_ACTIVITIES)
            .map(|a| vec![t(activity_line(a, ctx))])
            .collect();
        reply = reply.line("Recent activity:").bullets(recent);
    }
    Ok(Outcome::read(reply))
}

fn list(accounts: &[&Account], page: usize, ctx: &Ctx, book: &Book) -> Reply {
    if accounts.is_empty() {
        return Reply::text("No accounts match. Add one with `/account add \"Acme Corp\" arr:50k renewal:2027-03-31`.");
    }
    let total: u64 = accounts.iter().map(|a| a.arr.0).sum();
    let (shown, more) = paginate(accounts, page, "/account list");
    let rows = shown
        .iter()
        .map(|a| {
            let mut line = vec![
                b(&a.name),
                t(format!(
                    " — {} — Tier {} — health {} — renews {} — ",
                    present::money(book, a.arr),
                    book.tier(a).0.number(),
                    present::health(&a.health()),
                    present::renewal(a, ctx.today)
                )),
                person(book, a.owner.as_ref()),
            ];
            if a.thread_risk().is_single_threaded() {
                line.push(t(" — single-threaded"));
            }
            line
        })
        .collect();
    Reply::new()
        .heading(format!(
            "{}, {} ARR",
            present::count(accounts.len(), "account"),
            present::money(book, crate::domain::money::Money(total))
        ))
        .bullets(rows)
        .note(more)
}

fn set(
    name: &str,
    changes: &AccountChanges,
    ctx: &Ctx,
    book: &Book,
) -> Result<Outcome, DomainError> {
    if changes.is_empty() {
        return Err(DomainError::invalid(
            "set",
            "nothing to change was given",
            format!("/account set \"{name}\" arr:60k renewal:2027-06-30"),
        ));
    }
    let before = book.find(name)?;
    require_active(before)?;
    let mut account = editable(book, name, ctx)?;
    if let Some(new_name) = &changes.name {
        check_name_free(book, new_name, Some(before))?;
        account.name = new_name.clone();
    }
    if let Some(arr) = changes.arr {
        account.arr = arr;
    }
    if let Some(date) = changes.renewal {
        account.renewal_date = date;
    }
    if let Some(owner) = &changes.owner {
        account.owner = Some(owner.clone());
    }
    match changes.tier {
        Some(TierChoice::Pin(tier)) => account.tier_pin = Some(tier),
        Some(TierChoice::Auto) => account.tier_pin = None,
        None => {}
    }
    for (field, value) in [
        (&mut account.industry, &changes.industry),
        (&mut account.segment, &changes.segment),
    ] {
        if value.is_some() {
            field.clone_from(value);
        }
    }
    if changes.seats.is_some() {
        account.seats = changes.seats;
    }
    if changes.active_seats.is_some() {
        account.active_seats = changes.active_seats;
    }
    if let Some(products) = &changes.products {
        account.products = products.clone();
    }
    match &changes.crm_id {
        Some(Clearable::Set(crm)) => {
            check_crm_free(book, crm, Some(before))?;
            account.crm_id = Some(crm.clone());
        }
        Some(Clearable::Clear) => account.crm_id = None,
        None => {}
    }
    if let Some(domain) = &changes.domain {
        account.domain = domain.clone().value();
    }
    if let (Some(seats), Some(active)) = (account.seats, account.active_seats) {
        if active > seats {
            return Err(DomainError::invalid(
                "active-seats",
                format!("{active} active seats is more than the {seats} contracted"),
                format!(
                    "/account set \"{}\" seats:{active} active-seats:{active}",
                    account.name
                ),
            ));
        }
    }
    let mut fields = vec![
        ("ARR".into(), vec![t(present::money(book, account.arr))]),
        (
            "Renewal".into(),
            vec![t(present::renewal(&account, ctx.today))],
        ),
        ("Tier".into(), vec![t(present::tier(book, &account))]),
        ("Owner".into(), vec![person(book, account.owner.as_ref())]),
    ];
    fields.extend(outside_ids(&account));
    let reply = Reply::new()
        .para(vec![t("Updated "), b(&account.name), t(".")])
        .fields(fields);
    Ok(Outcome::write(
        reply,
        vec![Change::PutAccount(Box::new(account))],
    ))
}
