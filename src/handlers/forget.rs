//! Purpose: `/steward forget [confirm:yes]` (admin) — after Steward was uninstalled from a
//! workspace its book stays, exportable, until an admin deletes it. Without `confirm:yes` it
//! only says what would go and how to keep a copy; with it, the app deletes the whole tenant
//! (see `App::execute`: not a change to the book but the book's end, so no undo).

use super::Outcome;
use crate::domain::book::Book;
use crate::reply::{Reply, Span};

pub fn forget(confirm: bool, book: &Book) -> Outcome {
    let accounts = book.accounts().count();
    if !confirm {
        return Outcome::read(
            Reply::new()
                .para(vec![Span::Text(format!(
                    "This deletes everything Steward keeps for {}: {accounts} account{} with their stakeholders, history and plans, the digest subscriptions, received data, write keys and the Zendesk secret. It cannot be undone.",
                    book.tenant,
                    if accounts == 1 { "" } else { "s" }
                ))])
                .para(vec![
                    Span::Text("Keep a copy first with ".into()),
                    Span::Code(format!("steward export --tenant {}", book.tenant)),
                    Span::Text(", then run ".into()),
                    Span::Code("/steward forget confirm:yes".into()),
                    Span::Text(".".into()),
                ]),
        );
    }
    Outcome {
        reply: Reply::new().line(format!(
            "Steward forgot everything it kept for {} ({accounts} account{}).",
            book.tenant,
            if accounts == 1 { "" } else { "s" }
        )),
        forget: true,
        ..Outcome::default()
    }
}
