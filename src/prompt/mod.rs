//! Purpose: the prompt reader — plain English to the same typed command the slash parser
//! produces, offline and deterministic. `read` turns "Acme's NPS dropped to 5" into the line
//! `/health set "Acme Corp" nps:5`, which the app parses and runs like any slash command (so
//! rights, validation and audit are the same), and which the reply echoes.
//!
//! Safety: a change is read only when account, field and value are all clear. An unclear
//! prompt (two accounts fit, none named, a value without a field) gets a short question with
//! the likely commands; chat that is not about accounts gets a pointer to help. Inside one DM
//! or thread, a follow-up may lean on the last account mentioned for 15 minutes ([`Context`]);
//! a change needs the account named or referred to (`its`, `their`), a question does not.
//!
//! Layout: [`words`] splits the prompt; [`accounts`] finds account names (exact n-grams via
//! `Book::by_name`, then, only if none hits, one pass over the book for a prefix or a typo,
//! with the bounded edit distance of [`typo`]); [`people`] finds stakeholders, new names, roles
//! and titles; [`values`] numbers and mentions; [`dates`] and [`window`] dates and windows;
//! [`intents`] the rules, one file per command group; [`line`] builds the line and says
//! whether a command writes ([`is_write`]); [`guard`] the changes never made without the
//! asker's confirmation (subscriptions, settings, keys, deletes); [`context`] the follow-up
//! memory; [`trace`] how a prompt was read, for `why:`.

pub mod accounts;
pub mod context;
pub mod dates;
pub mod extras;
pub mod guard;
pub mod intents;
pub mod line;
pub mod people;
pub mod trace;
pub mod typo;
pub mod values;
pub mod vocab;
pub mod window;
pub mod words;

use chrono::{DateTime, NaiveDate, Utc};

pub use context::Context;
use intents::{Outcome, Reader, Target, Via};
pub use line::is_write;
pub use trace::Trace;

use crate::command::account::AccountCommand;
use crate::command::health::HealthCommand;
use crate::command::stakeholder::StakeholderCommand;
use crate::command::{parse, Command};
use crate::domain::book::Book;
use crate::domain::person::UserId;

/// How a prompt was read.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// The slash-command line it was understood as, e.g. `/health set "Acme Corp" nps:5`;
    /// `writes` = it changes data.
    Command {
        line: String,
        writes: bool,
        account: Option<String>,
    },
    /// A change understood, that a prompt never makes on its own ([`guard`]): the question
    /// asking the asker to confirm it by running `line`, and the commands offered (a read of
    /// the same thing first, where there is one, then `line`).
    Confirm {
        question: String,
        line: String,
        options: Vec<String>,
    },
    /// A short clarifying question and the likely commands to pick from.
    Clarify {
        question: String,
        options: Vec<String>,
    },
    /// Not about accounts: a friendly pointer to help.
    OutOfScope { reply: String },
}

/// Reads `prompt` as a command. `today` is the tenant's local date (relative dates and
/// windows count from it); `now` ages the conversation `context`.
pub fn read(
    prompt: &str,
    book: &Book,
    asker: &UserId,
    now: DateTime<Utc>,
    today: NaiveDate,
    context: Option<&Context>,
) -> Reading {
    read_traced(prompt, book, asker, now, today, context).0
}

/// [`read`], and how the reading came about ([`Trace`], what `why:` shows).
pub fn read_traced(
    prompt: &str,
    book: &Book,
    asker: &UserId,
    now: DateTime<Utc>,
    today: NaiveDate,
    context: Option<&Context>,
) -> (Reading, Trace) {
    let recent = context.and_then(|c| c.fresh_account(now));
    let reader = Reader::new(prompt, book, asker, today, recent);
    let (rule, outcome) = intents::decide(&reader);
    let mut trace = Trace::new(prompt, rule);
    let reading = match outcome {
        Outcome::Out(reply) => Reading::OutOfScope { reply },
        Outcome::Clarify { question, options } => Reading::Clarify { question, options },
        Outcome::Line(line) => finish(&line, &reader, &mut trace),
    };
    trace.found(&reader);
    (reading, trace)
}

/// Fills in the account, checks the line parses, and refuses to guess a write.
fn finish(line: &line::Line, r: &Reader, trace: &mut Trace) -> Reading {
    // Only a line that needs an account asks for the target (which may search the book).
    let target = if line.needs_account {
        Some(r.target())
    } else {
        None
    };
    let account = match target {
        None => None,
        Some(Target::One { name, via }) => Some((name.clone(), *via)),
        Some(Target::Several(names)) => {
            trace.hold("several accounts fit the name given");
            return Reading::Clarify {
                question: format!("Which account do you mean: {}?", names.join(" or ")),
                options: names
                    .iter()
                    .map(|n| line.render(n))
                    .filter(|l| parse(l, r.today).is_ok())
                    .collect(),
            };
        }
        Some(Target::None) => {
            trace.hold("the command needs an account, and none was named");
            return Reading::Clarify {
                question: "Which account is that about?".into(),
                options: vec![line.render("ACCOUNT")],
            };
        }
    };
    let name = account.as_ref().map_or("", |a| a.0.as_str());
    let mut line = line.clone();
    extras::fill(&mut line, r, &|l| parse(&l.render(name), r.today).is_ok());
    let text = line.render(name);
    let parsed = match parse(&text, r.today) {
        Ok(parsed) => parsed,
        Err(e) => {
            let message = e.to_string();
            trace.hold("the command it came to was refused by the parser");
            return Reading::Clarify {
                question: message
                    .lines()
                    .next()
                    .unwrap_or("I couldn't read that.")
                    .to_string(),
                options: vec![line.render("ACCOUNT")],
            };
        }
    };
    let writes = is_write(&parsed.command);
    if let Some(confirm) = guard::confirmation(&parsed.command) {
        let (question, options) = guard::question(&confirm, &text);
        trace.hold(format!(
            "a prompt never does this without a confirmation: it {}",
            confirm.what
        ));
        return Reading::Confirm {
            question,
            line: text,
            options,
        };
    }
    // A question, or a request to be shown something, only ever reads.
    if writes && ((r.p.is_question() && !r.p.is_polite()) || r.p.asks_to_see()) {
        trace.hold("it is asked as a question or a request to see something, so it may only read");
        return Reading::Confirm {
            question: "That sounds like a question. Should I record it as this change?".into(),
            options: vec![text.clone()],
            line: text,
        };
    }
    // `Acme's NPS is not 5`, `don't change the owner`: never a value set — unless the "not"
    // corrects a number (`32k, not 30k`).
    const NOT: [&str; 7] = ["not", "dont", "never", "isnt", "wasnt", "arent", "shouldnt"];
    let negated = (0..r.p.len())
        .any(|i| NOT.contains(&r.p.word(i)) && !r.nums.iter().any(|n| n.word == i + 1));
    let sets = matches!(
        parsed.command,
        Command::Health(HealthCommand::Set { .. })
            | Command::Account(AccountCommand::Set { .. })
            | Command::Stakeholder(StakeholderCommand::Set { .. })
            | Command::Account(AccountCommand::Remove { .. })
    );
    if writes && negated && sets {
        trace.hold("it says \"not\", so it sets no value");
        return Reading::Confirm {
            question: "I read a \"not\" in there, so I won't change anything. Did you mean this?"
                .into(),
            options: vec![text.clone()],
            line: text,
        };
    }
    if let Some((name, Via::Implicit)) = &account {
        if writes {
            trace.hold(
                "a change needs its account named, and this one was only the conversation's last",
            );
            return Reading::Confirm {
                question: format!("Do you mean {name}? Reply yes to make the change there."),
                options: vec![text.clone()],
                line: text,
            };
        }
    }
    Reading::Command {
        line: text,
        writes,
        account: account.map(|a| a.0),
    }
}
