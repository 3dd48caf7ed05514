//! Purpose: prompts, everywhere alike — console lines not starting with `/`, Slack and
//! Discord mentions and DMs, and `/steward ask`. One reader, one behaviour: a prompt is read
//! as a command line, which runs through [`App::execute`] like a typed command (a change
//! echoes the line it was understood as); an unclear prompt gets the reader's question with
//! the likely commands. Each conversation (tenant, channel, user) remembers the last account
//! mentioned for follow-ups.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

use crate::app::{Actor, App};
use crate::domain::tenant::TenantId;
use crate::prompt::{self, Context, Reading};
use crate::reply::{Block, Reply, Span};

/// Conversations remembered before stale ones are dropped.
const MAX_CONVERSATIONS: usize = 4096;

/// Follow-up memory per conversation: (tenant, channel, user).
#[derive(Default)]
pub struct Conversations(Mutex<HashMap<(TenantId, String, String), Context>>);

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
        let book = match self.store.book(&actor.tenant) {
            Ok(book) => book,
            Err(error) => {
                tracing::error!(%error, "could not read the book for a prompt");
                return Reply::error("an internal error occurred; nothing was changed.");
            }
        };
        let key = (
            actor.tenant.clone(),
            actor.channel.clone(),
            actor.user.0.clone(),
        );
        let reading = {
            let book = book.read().unwrap_or_else(|p| p.into_inner());
            let today = self.today(&book, now);
            let mut memory = self
                .conversations
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            let previous = memory.remove(&key);
            let reading = prompt::read(text, &book, &actor.user, now, today, previous.as_ref());
            if let Some(next) = Context::after(previous, &reading, now) {
                memory.insert(key, next);
            }
            if memory.len() > MAX_CONVERSATIONS {
                memory.retain(|_, c| c.fresh_account(now).is_some());
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
            Reading::Clarify { question, options }
            | Reading::Confirm {
                question, options, ..
            } => Reply::text(question)
                .bullets(options.into_iter().map(|o| vec![Span::Code(o)]).collect()),
            Reading::OutOfScope { reply } => Reply::text(reply),
        }
    }
}
