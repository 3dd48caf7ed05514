//! Purpose: a command line as the chat adapters run it — whether it only reads, decided once
//! when the line is made, and so where it runs (in place, or on the blocking pool when it may
//! commit) and whether its answer may be shared.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

use crate::app::{Actor, App};
use crate::command::{steward::StewardCommand, Command};
use crate::reply::Reply;

/// Whether `line` (`/group sub …`) only reads, so its answer may be re-run and shared. Which
/// commands write is decided once, exhaustively, by [`crate::prompt::is_write`]; `/steward
/// ask` is not shared because what it runs depends on how the prompt is read, and `/steward
/// apikey` answers stay with the admin who asked (INGEST.md: ephemeral).
pub fn is_read_only(line: &str) -> bool {
    // The date only anchors relative dates; whether a command writes does not depend on it.
    match crate::command::parse(line, NaiveDate::default()) {
        Ok(parsed) => {
            !matches!(
                parsed.command,
                Command::Steward(StewardCommand::Ask { .. } | StewardCommand::ApiKey(_))
            ) && !crate::prompt::is_write(&parsed.command)
        }
        Err(_) => false,
    }
}

/// A command line, and whether it surely only reads: decided once, when it is made, for
/// everything that asks (where it runs, whether its answer offers sharing, what a panic in
/// answering it may have changed).
pub struct Line {
    text: String,
    only_reads: bool,
}

impl Line {
    /// Reading the line is parsing it, which runs on outside text before `App::execute`
    /// guards anything: should the parser panic, the line counts as one that may write, and
    /// `App::execute` then meets the panic again under its guard.
    pub fn new(text: String) -> Line {
        let only_reads = std::panic::catch_unwind(|| is_read_only(&text)).unwrap_or(false);
        Line { text, only_reads }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn only_reads(&self) -> bool {
        self.only_reads
    }

    /// Runs the line for `actor` (`what` names it in a panic's log line). One that may write
    /// runs on the blocking pool, since its commit flushes to disk (milliseconds); one that
    /// only reads takes microseconds under the book's read lock and runs in place, saving
    /// two thread hand-offs per request (the benchmarks' `/account show`).
    pub async fn run(
        &self,
        app: &Arc<App>,
        actor: Actor,
        now: DateTime<Utc>,
        what: &'static str,
    ) -> Reply {
        if self.only_reads {
            return app.execute(&actor, now, &self.text);
        }
        let (app, text) = (app.clone(), self.text.clone());
        crate::fault::blocking(what, move || app.execute(&actor, now, &text)).await
    }
}
