//! Purpose: the console adapter — a local chat on stdin/stdout. Each line is a slash command
//! (or, otherwise, a prompt); each reply is plain text followed by one empty line.

use chrono::{DateTime, Utc};
use std::io::{BufRead, IsTerminal, Write};

use crate::app::{Actor, App};
use crate::render::text;
use crate::reply::Reply;

/// Reads lines from `input` until it ends, answering each on `output`. `clock` gives the
/// instant each line is handled at (fixed under `--now`).
pub fn run(
    app: &App,
    actor: &Actor,
    input: impl BufRead,
    mut output: impl Write,
    clock: impl Fn() -> DateTime<Utc>,
) -> std::io::Result<()> {
    for line in input.lines() {
        let line = match line {
            Ok(line) => line,
            // A line that is not UTF-8 gets an error reply; the session goes on.
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                write_reply(
                    &mut output,
                    &Reply::error("the line is not valid UTF-8 text; retype it. Example: /account show \"Acme Corp\""),
                )?;
                continue;
            }
            Err(e) => return Err(e),
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let reply = app.answer_prompt(actor, clock(), trimmed);
        write_reply(&mut output, &reply)?;
    }
    Ok(())
}

fn write_reply(output: &mut impl Write, reply: &Reply) -> std::io::Result<()> {
    writeln!(output, "{}\n", text::render(reply))?;
    output.flush()
}

/// The greeting shown when a person (not a pipe) is at the console.
pub fn greet_if_terminal(actor: &Actor) {
    if std::io::stdin().is_terminal() {
        eprintln!(
            "Steward console — tenant {}, you are {}. Type /steward help; Ctrl-D quits.",
            actor.tenant, actor.user
        );
    }
}
