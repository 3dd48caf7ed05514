//! Purpose: the escalation post — one cause on one account, pinging the owner's manager (or,
//! for leadership notices and accounts whose owner has no manager, the tenant's admins).

use crate::domain::account::Account;
use crate::domain::book::Book;
use crate::domain::escalation::Escalation;
use crate::domain::person::UserId;
use crate::handlers::present;
use crate::reply::{t, Reply, Span};

/// Who gets pinged about `escalation` on `account`.
pub fn recipients(
    book: &Book,
    account: &Account,
    escalation: &Escalation,
    admins: &[UserId],
) -> Vec<UserId> {
    if escalation.leadership {
        return admins.to_vec();
    }
    let owner = match present::person(book, account.owner.as_ref()) {
        Span::Mention(id) => Some(id),
        _ => None,
    };
    // The owner's manager; else an admin; else, so that nothing goes unsaid, the owner.
    match owner
        .as_ref()
        .and_then(|o| book.settings.managers.get(o).cloned())
    {
        Some(manager) => vec![manager],
        None if !admins.is_empty() => admins.iter().take(1).cloned().collect(),
        None => owner.into_iter().collect(),
    }
}

pub fn build(book: &Book, account: &Account, escalation: &Escalation, to: &[UserId]) -> Reply {
    let mut line = vec![t(if escalation.leadership {
        "Leadership notice: "
    } else {
        "Escalation: "
    })];
    for user in to {
        line.push(Span::Mention(user.clone()));
        line.push(t(" "));
    }
    if to.is_empty() {
        line.push(t(
            "(no manager set — `/steward manager @owner manager:@lead`) ",
        ));
    }
    line.push(t(escalation.text.clone()));
    Reply::new().para(line).para(vec![
        t("Owner: "),
        present::person(book, account.owner.as_ref()),
        t(format!(
            " · {} ARR · renews {} · `/account show \"{}\"`",
            present::money(book, account.arr),
            account.renewal_date,
            account.name
        )),
    ])
}
