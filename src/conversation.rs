//! Purpose: prompts, everywhere alike — console lines not starting with `/`, Slack and
//! Discord mentions and DMs, and `/steward ask`. One reader, one behaviour: a prompt is read
//! as a command line, which runs through [`App::execute`] like a typed command (a change
//! echoes the line it was understood as); an unclear prompt gets the reader's question with
//! the likely commands, numbered. Each conversation (tenant, channel, user) remembers the last
//! account mentioned for follow-ups, and for 15 minutes the commands its last question
//! offered: a reply of `2` runs the second, and `yes` runs the change awaiting confirmation —
//! the explicit confirmation a prompt's subscriptions, settings, keys and deletes need. Chat
//! platforms show the offered commands as buttons too; a press picks like its number.
//! `why: <prompt>` tells how a prompt would be read without running it, and `why?` how the
//! last one was.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

use crate::app::{Actor, App};
use crate::domain::tenant::TenantId;
use crate::prompt::{self, Context, Reading, Trace};
use crate::reply::{Block, Choice, Reply, Span};

/// Conversations remembered before stale ones are dropped.
const MAX_CONVERSATIONS: usize = 4096;

/// The answer to a number (typed, or a button pressed) when no question offers it.
const NOT_OFFERED: &str = "no open question offers that number: it was already answered, replaced by a newer question, or asked more than 15 minutes ago. Ask me again.";

/// How long the commands a question offered can be picked by number or `yes`.
const OFFER_MINUTES: i64 = crate::prompt::context::FOLLOW_UP_MINUTES;

/// Memory per conversation: (tenant, channel, user).
#[derive(Default)]
pub struct Conversations(Mutex<HashMap<Key, Memory>>);

/// What one conversation remembers.
#[derive(Default)]
pub struct Memory {
    context: Option<Context>,
    offered: Option<Offered>,
    /// The last prompt read, for `why?`.
    last: Option<Explained>,
}

/// A prompt's reading and how it came about.
struct Explained {
    trace: Trace,
    reading: Reading,
    at: DateTime<Utc>,
}

impl Explained {
    fn is_fresh(&self, now: DateTime<Utc>) -> bool {
        fresh(self.at, now)
    }
}

/// Whether something remembered at `at` may still be used at `now`: for less than 15
/// minutes, as the conversation's account.
fn fresh(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let age = now.signed_duration_since(at);
    age >= chrono::Duration::zero() && age < chrono::Duration::minutes(OFFER_MINUTES)
}

/// What a prompt asks of `why`: how `prompt` would be read, or how the last one was.
enum Why<'a> {
    Prompt(&'a str),
    Last,
}

fn why(text: &str) -> Option<Why<'_>> {
    let lower = text.to_lowercase();
    if matches!(lower.as_str(), "why" | "why?" | "why:") {
        return Some(Why::Last);
    }
    let rest = text
        .get(..4)
        .filter(|head| head.eq_ignore_ascii_case("why:"))?;
    Some(Why::Prompt(text[rest.len()..].trim()))
}

/// The commands the last question offered, and the change awaiting confirmation among them.
struct Offered {
    options: Vec<String>,
    confirm: Option<String>,
    at: DateTime<Utc>,
}

/// A reply that picks an offered command: `1`…`9` (its number) or `yes` (the change awaiting
/// confirmation).
enum Pick {
    Number(usize),
    Yes,
}

fn pick(text: &str) -> Option<Pick> {
    let word = text.trim().trim_end_matches(['.', '!']).to_lowercase();
    match word.as_str() {
        "yes" | "y" | "yes please" | "confirm" | "do it" => Some(Pick::Yes),
        _ => word
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=9).contains(n))
            .map(Pick::Number),
    }
}

impl Offered {
    /// Whether the offer may still be picked at `now`.
    fn is_fresh(&self, now: DateTime<Utc>) -> bool {
        fresh(self.at, now)
    }

    /// The line `pick` chooses, while the offer is fresh.
    fn line(&self, pick: &Pick, now: DateTime<Utc>) -> Option<String> {
        if !self.is_fresh(now) {
            return None;
        }
        match pick {
            Pick::Number(n) => self.options.get(n - 1).cloned(),
            Pick::Yes => self.confirm.clone(),
        }
    }
}

impl App {
    /// Answers one prompt from `actor` at `now`.
    pub fn answer_prompt(&self, actor: &Actor, now: DateTime<Utc>, text: &str) -> Reply {
        let text = text.trim();
        if text.is_empty() {
            return Reply::text("Ask me about your accounts, e.g. “how healthy is Acme?”, or see `/steward help` for the commands.");
        }
        if text.starts_with('/') {
            return self.execute(actor, now, text);
        }
        if let Some(asked) = why(text) {
            return self.explain(actor, now, asked);
        }
        if let Some(pick) = pick(text) {
            match self.take_offered(actor, &pick, now) {
                Some(line) => return self.run_picked(actor, now, &line),
                None if matches!(pick, Pick::Number(_)) => return Reply::error(NOT_OFFERED),
                None => {}
            }
        }
        let book = match self.store.book(&actor.tenant) {
            Ok(book) => book,
            Err(error) => return unreadable(&error),
        };
        let reading = {
            let book = book.read().unwrap_or_else(|p| p.into_inner());
            let today = self.today(&book, now);
            let mut memory = self.memory();
            let key = key(actor);
            let previous = memory.remove(&key).unwrap_or_default();
            let (reading, trace) = prompt::read_traced(
                text,
                &book,
                &actor.user,
                now,
                today,
                previous.context.as_ref(),
            );
            let offered = match &reading {
                Reading::Clarify { options, .. } => Some(Offered {
                    options: options.clone(),
                    confirm: None,
                    at: now,
                }),
                Reading::Confirm { options, line, .. } => Some(Offered {
                    options: options.clone(),
                    confirm: Some(line.clone()),
                    at: now,
                }),
                _ => None,
            };
            let context = Context::after(previous.context, &reading, now);
            let last = Some(Explained {
                trace,
                reading: reading.clone(),
                at: now,
            });
            memory.insert(
                key,
                Memory {
                    context,
                    offered,
                    last,
                },
            );
            if memory.len() > MAX_CONVERSATIONS {
                memory.retain(|_, m| {
                    m.context
                        .as_ref()
                        .is_some_and(|c| c.fresh_account(now).is_some())
                        || m.offered.as_ref().is_some_and(|o| o.is_fresh(now))
                        || m.last.as_ref().is_some_and(|l| l.is_fresh(now))
                });
            }
            reading
        };
        match reading {
            Reading::Command { line, writes, .. } => {
                let mut reply = self.execute(actor, now, &line);
                if writes || reply.is_error() {
                    let echo = vec![Span::Text("Understood as ".into()), Span::Code(line)];
                    reply.blocks.insert(0, Block::Paragraph(echo));
                }
                reply
            }
            Reading::Clarify { question, options } => numbered(question, &options, None),
            Reading::Confirm {
                question,
                options,
                line,
            } => numbered(question, &options, Some(&line)),
            Reading::OutOfScope { reply } => Reply::text(reply),
        }
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Memory>> {
        self.conversations
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// The line `pick` chooses among the commands last offered to `actor`, withdrawing the
    /// offer; `None` when nothing fresh was offered or the pick is not among them.
    fn take_offered(&self, actor: &Actor, pick: &Pick, now: DateTime<Utc>) -> Option<String> {
        let mut memory = self.memory();
        let remembered = memory.get_mut(&key(actor))?;
        let line = remembered.offered.as_ref()?.line(pick, now)?;
        remembered.offered = None;
        Some(line)
    }

    fn run_picked(&self, actor: &Actor, now: DateTime<Utc>, line: &str) -> Reply {
        let mut reply = self.execute(actor, now, line);
        let echo = vec![Span::Text("Running ".into()), Span::Code(line.to_string())];
        reply.blocks.insert(0, Block::Paragraph(echo));
        reply
    }

    /// `why:` — how a prompt would be read (nothing runs, nothing is remembered), or how the
    /// last one was.
    fn explain(&self, actor: &Actor, now: DateTime<Utc>, asked: Why) -> Reply {
        let prompt = match asked {
            Why::Prompt("") | Why::Last => {
                let memory = self.memory();
                return match memory.get(&key(actor)).and_then(|m| m.last.as_ref()) {
                    Some(last) if last.is_fresh(now) => last.trace.explain(&last.reading),
                    _ => Reply::text(
                        "There is no recent prompt to explain. Ask `why: <a prompt>` to see how I would read it, e.g. `why: Acme's NPS dropped to 5`.",
                    ),
                };
            }
            Why::Prompt(prompt) => prompt,
        };
        let book = match self.store.book(&actor.tenant) {
            Ok(book) => book,
            Err(error) => return unreadable(&error),
        };
        let book = book.read().unwrap_or_else(|p| p.into_inner());
        let today = self.today(&book, now);
        let context = self
            .memory()
            .get(&key(actor))
            .and_then(|m| m.context.clone());
        let (reading, trace) =
            prompt::read_traced(prompt, &book, &actor.user, now, today, context.as_ref());
        trace.explain(&reading)
    }
}

/// A conversation: (tenant, channel, user).
type Key = (TenantId, String, String);

fn key(actor: &Actor) -> Key {
    (
        actor.tenant.clone(),
        actor.channel.clone(),
        actor.user.0.clone(),
    )
}

fn unreadable(error: &crate::store::StoreError) -> Reply {
    tracing::error!(%error, "could not read the book for a prompt");
    Reply::error("an internal error occurred; nothing was changed.")
}

/// A question with its commands numbered, and how to pick one.
fn numbered(question: String, options: &[String], confirm: Option<&str>) -> Reply {
    let items = options
        .iter()
        .enumerate()
        .map(|(i, o)| vec![Span::Text(format!("{}. ", i + 1)), Span::Code(o.clone())])
        .collect();
    let how = match (options.len(), confirm) {
        (0, _) => return Reply::text(question),
        (_, Some(line)) => format!("Reply `yes` to run `{line}`, or a number to run that one."),
        (1, None) => "Reply `1` to run it.".to_string(),
        (n, None) => format!("Reply with a number (1–{n}) to run that one."),
    };
    let mut reply = Reply::text(question).bullets(items).line(how);
    reply.choices = options
        .iter()
        .enumerate()
        .map(|(i, line)| Choice {
            number: i + 1,
            line: line.clone(),
            confirms: confirm == Some(line.as_str()),
        })
        .collect();
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn offered(at: DateTime<Utc>) -> Offered {
        Offered {
            options: vec![
                "/digest preview weekly".into(),
                "/digest subscribe weekly".into(),
            ],
            confirm: Some("/digest subscribe weekly".into()),
            at,
        }
    }

    #[test]
    fn numbers_and_yes_pick_within_fifteen_minutes() {
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("instant");
        let offer = offered(at);
        let yes = pick("Yes!").expect("yes");
        assert_eq!(
            offer.line(&yes, at).as_deref(),
            Some("/digest subscribe weekly")
        );
        let one = pick(" 1 ").expect("one");
        let late = at + chrono::Duration::minutes(15) - chrono::Duration::seconds(1);
        assert_eq!(
            offer.line(&one, late).as_deref(),
            Some("/digest preview weekly")
        );
        let too_late = late + chrono::Duration::seconds(1);
        assert_eq!(offer.line(&yes, too_late), None);
        assert_eq!(offer.line(&pick("3").expect("three"), at), None);
    }

    #[test]
    fn other_replies_pick_nothing() {
        for text in [
            "0",
            "10",
            "yes, and add Jane",
            "1 more thing",
            "",
            "١",
            "yés",
        ] {
            assert!(pick(text).is_none(), "{text:?}");
        }
    }
}
