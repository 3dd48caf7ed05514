//! Purpose: the App Home tab — the opening user's accounts, their renewals in the next 120
//! days and their at-risk items — published with `views.publish` when they open it.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

use super::api::{ApiError, Resend};
use super::{Origin, Slack};
use crate::domain::account::Account;
use crate::domain::atrisk;
use crate::domain::book::Book;
use crate::domain::person::UserId;
use crate::handlers::present;
use crate::render::slack::render;
use crate::reply::{b, t, Reply, Span};

/// A Home tab holds at most 100 blocks.
const MAX_HOME_BLOCKS: usize = 100;
/// Lines per section; the rest are counted.
const PER_SECTION: usize = 15;
const RENEWALS_WITHIN_DAYS: i64 = 120;

fn owned_by(book: &Book, account: &Account, user: &UserId) -> bool {
    matches!(present::person(book, account.owner.as_ref()), Span::Mention(id) if id == *user)
}

fn capped(mut lines: Vec<Vec<Span>>, noun: &str) -> Vec<Vec<Span>> {
    if lines.len() > PER_SECTION {
        let more = lines.len() - PER_SECTION;
        lines.truncate(PER_SECTION);
        lines.push(vec![t(format!(
            "…and {} — see `/account list owner:@you`",
            present::count(more, noun)
        ))]);
    }
    lines
}

/// The Home tab's content for `user`.
pub fn reply(book: &Book, user: &UserId, now: DateTime<Utc>, today: NaiveDate) -> Reply {
    let mut mine: Vec<&Account> = book.active().filter(|a| owned_by(book, a, user)).collect();
    mine.sort_by(|a, b| b.arr.cmp(&a.arr).then_with(|| a.name.cmp(&b.name)));
    let mut reply = Reply::new().heading("Your accounts");
    if mine.is_empty() {
        return reply.line("You own no accounts yet.").para(vec![
            t("Add one with "),
            Span::Code("/account add \"Acme Corp\" arr:50k renewal:2027-03-31 owner:@you".into()),
            t(", or see every account with "),
            Span::Code("/account list".into()),
            t("."),
        ]);
    }
    let total = mine
        .iter()
        .map(|a| a.arr)
        .fold(crate::domain::money::Money(0), |s, a| {
            crate::domain::money::Money(s.0 + a.0)
        });
    reply = reply.line(format!(
        "{}, {} ARR",
        present::count(mine.len(), "account"),
        present::money_short(book, total)
    ));
    let lines = mine
        .iter()
        .map(|a| {
            vec![
                b(&a.name),
                t(format!(
                    " — {} — health {} — {}",
                    present::money(book, a.arr),
                    present::health(&a.health()),
                    present::tier(book, a)
                )),
            ]
        })
        .collect();
    reply = reply.bullets(capped(lines, "account"));

    let mut renewing: Vec<&&Account> = mine
        .iter()
        .filter(|a| a.days_to_renewal(today) <= RENEWALS_WITHIN_DAYS)
        .collect();
    renewing.sort_by_key(|a| a.renewal_date);
    reply = reply.heading(format!("Your renewals (next {RENEWALS_WITHIN_DAYS} days)"));
    if renewing.is_empty() {
        reply = reply.line("None due.");
    } else {
        let lines = renewing
            .iter()
            .map(|a| {
                vec![
                    b(&a.name),
                    t(format!(
                        " — {} — {}",
                        present::renewal(a, today),
                        present::money(book, a.arr)
                    )),
                ]
            })
            .collect();
        reply = reply.bullets(capped(lines, "renewal"));
    }

    let at_risk = atrisk::list(mine.iter().copied(), now);
    reply = reply.heading("At risk");
    if at_risk.is_empty() {
        reply.line("Nothing at risk.")
    } else {
        let lines = at_risk
            .iter()
            .map(|r| {
                vec![
                    b(&r.account.name),
                    t(format!(" — {}", r.reasons().join("; "))),
                ]
            })
            .collect();
        reply.bullets(capped(lines, "account"))
    }
}

/// The Home view for a reply.
pub fn view(reply: &Reply) -> Value {
    let blocks: Vec<Value> = render(reply)
        .into_iter()
        .flat_map(|m| m.blocks)
        .take(MAX_HOME_BLOCKS)
        .collect();
    json!({"type": "home", "blocks": blocks})
}

/// Builds and publishes the opening user's Home tab.
pub async fn publish(slack: &Slack, origin: &Origin) -> Result<(), ApiError> {
    let (Some(tenant), false) = (origin.tenant(), origin.user.is_empty()) else {
        return Ok(());
    };
    let api = match slack.api_of(origin).await {
        Ok(api) => api,
        Err(error) => {
            tracing::info!(%error, "App Home opened in a workspace without a usable installation");
            return Ok(());
        }
    };
    let content = match slack.gate.check(&api, origin).await?.refusal() {
        Some(refusal) => Reply::new().heading("Steward").line(refusal),
        None => {
            let now = slack.now();
            let book = slack
                .app
                .store
                .book(&tenant)
                .map_err(|e| ApiError::Transport(format!("store: {e}")))?;
            let book = book.read().unwrap_or_else(|p| p.into_inner());
            reply(
                &book,
                &UserId(origin.user.clone()),
                now,
                slack.app.today(&book, now),
            )
        }
    };
    let body = json!({"user_id": origin.user, "view": view(&content)});
    api.post("views.publish", &body, Resend::Safe)
        .await
        .map(|_| ())
}
