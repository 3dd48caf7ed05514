//! Purpose: what an indicator's direct message to the account's owner says (INGEST.md,
//! "Indicators"): risk or opportunity, the figures behind it, and the next step as commands.

use crate::command::quote;
use crate::domain::account::Account;
use crate::domain::book::Book;
use crate::domain::person::UserId;
use crate::domain::signals::Indicator;
use crate::handlers::present;
use crate::reply::{b, t, Reply, Span};

/// The owner an account's indicators go to: a chat user, directly or through an owner alias.
pub fn owner(book: &Book, account: &Account) -> Option<UserId> {
    match present::person(book, account.owner.as_ref()) {
        Span::Mention(id) => Some(id),
        _ => None,
    }
}

pub fn build(book: &Book, account: &Account, indicator: &Indicator) -> Reply {
    let (kind, next) = if indicator.kind.is_risk() {
        (
            "Risk indicator",
            format!("/atrisk save {}", quote(&account.name)),
        )
    } else {
        (
            "Opportunity indicator",
            format!(
                "/expansion add {} type:seat value:… trigger:{}",
                quote(&account.name),
                quote(indicator.kind.name())
            ),
        )
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
            Span::Code(format!("/health show {}", quote(&account.name))),
            t(" · "),
            Span::Code(next),
            t(format!(
                " · {} ARR, renews {}",
                present::money(book, account.arr),
                account.renewal_date
            )),
        ])
}
