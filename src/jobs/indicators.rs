//! Purpose: what an indicator's direct message to the account's owner says (INGEST.md,
//! "Indicators"): risk or opportunity, the figures behind it, and the next steps as the
//! command lines its buttons run; the next step each kind suggests; and the indicators' part
//! of the Monday digest.

use chrono::{Duration, NaiveDate};

use super::{account_line, Section};
use crate::actions::Button;
use crate::domain::account::Account;
use crate::domain::book::Book;
use crate::domain::expansion::OpportunityKind;
use crate::domain::person::UserId;
use crate::domain::saveplay::RootCause;
use crate::domain::signals::{Indicator, IndicatorKind};
use crate::handlers::present;
use crate::reply::{b, t, Reply, Span};

/// The owner an account's indicators go to: a chat user, directly or through an owner alias.
pub fn owner(book: &Book, account: &Account) -> Option<UserId> {
    match present::person(book, account.owner.as_ref()) {
        Span::Mention(id) => Some(id),
        _ => None,
    }
}

/// The root cause a save play started from a risk indicator is recorded with: falling usage
/// and piling tickets point at the product; silence, a champion gone and a detractor at the
/// relationship.
pub fn save_cause(kind: IndicatorKind) -> RootCause {
    match kind {
        IndicatorKind::UsageDrop | IndicatorKind::TicketSpike => RootCause::ProductGap,
        _ => RootCause::Relationship,
    }
}

/// The expansion an opportunity indicator suggests: seats at the seat ceiling, a module when
/// adoption broadens.
pub fn expansion_kind(kind: IndicatorKind) -> OpportunityKind {
    match kind {
        IndicatorKind::SeatCeiling => OpportunityKind::Seat,
        _ => OpportunityKind::Module,
    }
}

/// An expansion logged from an indicator's button: the opportunity's trigger.
pub fn expansion_trigger(kind: OpportunityKind) -> String {
    let indicator = match kind {
        OpportunityKind::Seat => IndicatorKind::SeatCeiling,
        _ => IndicatorKind::FeatureBreadthUp,
    };
    format!("{} indicator", indicator.name())
}

/// … and its value: a first estimate of 10 % of the account's ARR (at least 1), whole units.
pub fn expansion_value(account: Option<&Account>) -> u64 {
    account.map_or(0, |a| a.arr.0 / 10).max(1)
}

pub fn build(book: &Book, account: &Account, indicator: &Indicator) -> Reply {
    let (kind, next) = if indicator.kind.is_risk() {
        (
            "Risk indicator",
            Button::StartSave(save_cause(indicator.kind)),
        )
    } else {
        (
            "Opportunity indicator",
            Button::LogExpansion(expansion_kind(indicator.kind)),
        )
    };
    let line = |button: Button| {
        let owner = owner(book, account).unwrap_or_else(|| UserId("you".into()));
        Span::Code(button.line(&account.name, Some(account), book, &owner))
    };
    Reply::new()
        .para(vec![
            t(format!("{kind} for ")),
            b(&account.name),
            t(format!(
                ": {} — {}.",
                indicator.kind.name(),
                indicator.figures
            )),
        ])
        .para(vec![
            t("Next: "),
            line(Button::ShowHealth),
            t(" · "),
            line(next),
            t(" · "),
            line(Button::SnoozeIndicators),
            t(format!(
                " · {} ARR, renews {}",
                present::money(book, account.arr),
                account.renewal_date
            )),
        ])
}

/// The cause of *customer waiting* for one message: `customer-waiting:{channel}/{message}`.
pub fn waiting_cause(waiting: &crate::domain::conversation::Waiting) -> String {
    format!(
        "{}:{}/{}",
        IndicatorKind::CustomerWaiting.key(),
        waiting.message.channel,
        waiting.message.id
    )
}

/// The direct message of *customer waiting*: who waits since when, and the link to it.
pub fn waiting_message(
    book: &Book,
    account: &Account,
    waiting: &crate::domain::conversation::Waiting,
    zone: chrono_tz::Tz,
) -> Reply {
    let at = waiting
        .message
        .at
        .with_timezone(&zone)
        .format("%Y-%m-%d %H:%M");
    Reply::new()
        .para(vec![
            t("Risk indicator for "),
            b(&account.name),
            t(format!(
                ": customer waiting — a message in their channel from {at} has had no reply from the team for {} business hours.",
                waiting.waited.num_hours()
            )),
        ])
        .para(vec![
            t("Open the thread: "),
            t(crate::channels::permalink(
                &book.tenant,
                &waiting.message.channel,
                &waiting.message.id,
            )),
            t(format!(
                " · {} ARR, renews {}",
                present::money(book, account.arr),
                account.renewal_date
            )),
        ])
}

/// `usage drop, ticket spike (muted)`: an account's open indicators in one line (kinds, each
/// once), or `None` without any.
pub fn summary(book: &Book, account: &Account) -> Option<String> {
    let mut kinds: Vec<IndicatorKind> = account.indicators.iter().map(|i| i.kind).collect();
    kinds.dedup();
    let names: Vec<String> = kinds.into_iter().map(|k| kind_label(book, k)).collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// The Monday digest's indicators: every open cause that is not muted, counted as risks and
/// opportunities, with how many went live in the 7 days to `today` ("new this week": since
/// the last Monday digest), and the accounts that have them — or nothing without any. The
/// open ones, not only the new: an indicator appears in the digest until it clears (INGEST.md).
pub fn digest(book: &Book, today: NaiveDate) -> Option<(String, Vec<crate::reply::Line>)> {
    let week_ago = today - Duration::days(7);
    let muted = &book.settings.muted_indicators;
    let (mut risks, mut new_risks, mut chances, mut new_chances) = (0, 0, 0, 0);
    let mut section = Section::default();
    let mut accounts: Vec<&Account> = book.active().collect();
    accounts.sort_by(|a, b| b.arr.cmp(&a.arr).then_with(|| a.name.cmp(&b.name)));
    for account in accounts {
        let open: Vec<&Indicator> = account
            .indicators
            .iter()
            .filter(|i| !muted.contains(&i.kind))
            .collect();
        if open.is_empty() {
            continue;
        }
        let mut named = Vec::new();
        for i in &open {
            let new = i.since.is_some_and(|d| d > week_ago);
            match (i.kind.is_risk(), new) {
                (true, n) => (risks, new_risks) = (risks + 1, new_risks + usize::from(n)),
                (false, n) => (chances, new_chances) = (chances + 1, new_chances + usize::from(n)),
            }
            let shown = match new {
                true => format!("{} (new)", i.kind.name()),
                false => i.kind.name().to_string(),
            };
            if !named.contains(&shown) {
                named.push(shown);
            }
        }
        section.add(|| account_line(book, account, named.join(", ")));
    }
    if section.is_empty() {
        return None;
    }
    let part = |n: usize, new: usize, one: &str, many: &str| {
        let noun = if n == 1 { one } else { many };
        match new {
            0 => format!("{n} {noun}"),
            _ if new == n => format!("{n} new {noun}"),
            _ => format!("{n} {noun} ({new} new this week)"),
        }
    };
    let mut parts = Vec::new();
    if risks > 0 {
        parts.push(part(risks, new_risks, "risk", "risks"));
    }
    if chances > 0 {
        parts.push(part(chances, new_chances, "opportunity", "opportunities"));
    }
    Some((
        format!("Open indicators — {}:", parts.join(", ")),
        section.into_lines(),
    ))
}

/// A kind's name, marked when the tenant muted it: `usage drop (muted)`.
pub fn kind_label(book: &Book, kind: IndicatorKind) -> String {
    match book.settings.muted_indicators.contains(&kind) {
        true => format!("{} (muted)", kind.name()),
        false => kind.name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::AccountId;
    use crate::domain::money::Money;
    use crate::domain::tenant::{TenantId, TenantSettings};
    use chrono::{TimeZone, Utc};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).expect("valid")
    }

    fn account(id: u64, name: &str, open: &[(IndicatorKind, u32)]) -> Account {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
            .single()
            .expect("valid");
        let mut a = Account::new(AccountId(id), name.into(), Money(50_000), day(30), now);
        a.indicators = open
            .iter()
            .map(|&(kind, since)| Indicator {
                kind,
                cause: kind.key().to_string(),
                figures: String::new(),
                since: Some(day(since)),
            })
            .collect();
        a
    }

    #[test]
    fn the_digest_counts_open_indicators_and_the_new_ones_leaving_out_the_muted() {
        let mut settings = TenantSettings::default();
        settings.muted_indicators.insert(IndicatorKind::Detractor);
        let book = Book::from_parts(
            TenantId::local(),
            settings,
            vec![
                account(
                    1,
                    "Acme",
                    &[
                        (IndicatorKind::UsageDrop, 20),
                        (IndicatorKind::TicketSpike, 28),
                    ],
                ),
                account(
                    2,
                    "Globex",
                    &[
                        (IndicatorKind::GoneQuiet, 25),
                        (IndicatorKind::Detractor, 29),
                    ],
                ),
                account(3, "Hooli", &[(IndicatorKind::SeatCeiling, 29)]),
                account(4, "Initech", &[(IndicatorKind::Detractor, 29)]),
            ],
            Vec::new(),
        );
        let (title, lines) = digest(&book, day(30)).expect("a section");
        // New: live since a day in the 7 days to the digest (24th–30th).
        assert_eq!(
            title,
            "Open indicators — 3 risks (2 new this week), 1 new opportunity:"
        );
        assert_eq!(lines.len(), 3, "Initech has only a muted one");
        assert_eq!(
            summary(&book, book.by_name("Globex").expect("exists")).as_deref(),
            Some("gone quiet, detractor (muted)")
        );
        assert_eq!(
            summary(&book, book.by_name("Initech").expect("exists")).as_deref(),
            Some("detractor (muted)")
        );
        let quiet = Book::from_parts(
            TenantId::local(),
            TenantSettings::default(),
            vec![account(1, "Acme", &[])],
            Vec::new(),
        );
        assert!(digest(&quiet, day(30)).is_none());
    }
}
