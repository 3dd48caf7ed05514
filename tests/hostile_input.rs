//! Hostile input: no panic reaches a user. Property tests over every reader of outside text —
//! the prompt reader, the command-line parser, the console (prompt or command → reply →
//! rendering), CSV and JSON import, Slack's slash-command form, interactivity payload and
//! Events API JSON, Discord's interactions — each asserting a reply or a typed error, never
//! a panic. The inputs ([`text`]) are arbitrary Unicode and text built from a vocabulary of
//! what breaks byte-indexed code, now and then 100 KB long.
//!
//! By default each property runs a few dozen to a few hundred cases, so `cargo test` stays
//! fast; `PROPTEST_CASES=100000 cargo test hostile` runs every one of them for minutes.

#[path = "hostile/discord.rs"]
mod discord;
#[expect(
    dead_code,
    reason = "the prompt fixture also grows a big book for the benchmark"
)]
#[path = "prompts/fixture.rs"]
mod fixture;
#[path = "hostile/import.rs"]
mod import;
#[path = "hostile/keys.rs"]
mod keys;
#[path = "hostile/slack.rs"]
mod slack;
#[path = "hostile/text.rs"]
mod text;

use proptest::prelude::*;
use std::sync::OnceLock;

use fixture::{asker, fixture, now, today};
use steward::app::{Actor, App, Surface};
use steward::command::error::ParseError;
use steward::command::{parse, Parsed};
use steward::domain::book::Book;
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::prompt::{read, Context, Reading};
use steward::render;
use steward::reply::Reply;
use steward::store::Store;

fn book() -> &'static Book {
    static BOOK: OnceLock<Book> = OnceLock::new();
    BOOK.get_or_init(fixture)
}

/// The start of a possibly huge input, for a failure message.
fn head(text: &str) -> String {
    text.chars().take(200).collect()
}

/// A command reading must be a line the parser accepts; any other reading is an answer.
fn check_reading(prompt: &str, reading: &Reading) -> Result<(), TestCaseError> {
    if let Reading::Command { line, .. } = reading {
        prop_assert!(
            parse(line, today()).is_ok(),
            "{:?} was read as {:?}, which does not parse",
            head(prompt),
            head(line)
        );
    }
    Ok(())
}

/// An app over a temporary store holding the demo portfolio, and its console user.
struct Lab {
    app: App,
    actor: Actor,
    _dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("db")).expect("store");
        let app = App::new(store, None, chrono_tz::UTC);
        let actor = Actor {
            tenant: TenantId::local(),
            user: UserId("local-user".into()),
            surface: Surface::Console,
            platform_admin: false,
            channel: "console".into(),
        };
        steward::demo::load(&app, &actor, now()).expect("demo");
        Lab {
            app,
            actor,
            _dir: dir,
        }
    }
}

/// A parse error is the user's answer: what was wrong, and an example or where to find one.
fn check_refusal(line: &str, parsed: Result<Parsed, ParseError>) -> Result<(), TestCaseError> {
    if let Err(e) = parsed {
        let message = e.to_string();
        prop_assert!(
            message.contains("xample") || message.contains("/steward help"),
            "{:?} was refused without an example: {message}",
            head(line)
        );
    }
    Ok(())
}

/// A reply, rendered for every surface, that is no internal error.
fn check_reply(line: &str, reply: &Reply) -> Result<(), TestCaseError> {
    let text = render::text::render(reply);
    let _ = render::slack::render(reply);
    let _ = render::discord::render(reply);
    prop_assert!(
        !text.trim().is_empty(),
        "{:?} got an empty reply",
        head(line)
    );
    prop_assert!(
        !text.contains("internal error"),
        "{:?} got an internal error: {text}",
        head(line)
    );
    Ok(())
}

proptest! {
    #![proptest_config(text::cases(256))]

    #[test]
    fn hostile_prompts_are_read_as_a_command_a_question_or_a_pointer(prompt in text::text()) {
        check_reading(&prompt, &read(&prompt, book(), &asker(), now(), today(), None))?;
        let context = Context { account: Some("Acme Corp".into()), at: now() };
        check_reading(&prompt, &read(&prompt, book(), &asker(), now(), today(), Some(&context)))?;
    }

    #[test]
    fn hostile_command_lines_parse_or_are_refused(line in text::text()) {
        check_refusal(&line, parse(&line, today()))?;
    }

    #[test]
    fn hostile_arguments_parse_or_are_refused(
        group in any::<prop::sample::Index>(),
        sub in any::<prop::sample::Index>(),
        rest in text::short_text(300),
    ) {
        let group = group.get(steward::command::spec::groups());
        let sub = sub.get(&group.subcommands).name.as_str();
        let line = format!("/{} {sub} {rest}", group.name);
        check_refusal(&line, parse(&line, today()))?;
    }
}

#[test]
fn hostile_console_lines_get_a_reply_on_every_surface() {
    let lab = Lab::new();
    text::run(64, prop::collection::vec(text::text(), 1..4), |lines| {
        for line in &lines {
            check_reply(line, &lab.app.answer_prompt(&lab.actor, now(), line))?;
        }
        Ok(())
    });
}
