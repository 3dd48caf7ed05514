//! Purpose: the console adapter — a local chat on stdin/stdout. Each line is a slash command
//! (or, otherwise, a prompt); each reply is plain text followed by one empty line. With
//! `--images DIR`, a reply's pictures are written there as PNG files, named in the reply.
//! A line whose handling panics is answered `error: an internal error occurred (reference …)`
//! and the session goes on with the next line.

use chrono::{DateTime, Utc};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use crate::app::{Actor, App};
use crate::picture::Picture;
use crate::render::text;
use crate::reply::Reply;

/// Reads lines from `input` until it ends, answering each on `output`. `clock` gives the
/// instant each line is handled at (fixed under `--now`); pictures go to `images` when given.
pub fn run(
    app: &App,
    actor: &Actor,
    input: impl BufRead,
    output: impl Write,
    clock: impl Fn() -> DateTime<Utc>,
    images: Option<&Path>,
) -> std::io::Result<()> {
    run_lines(input, output, images, |line| {
        app.answer_prompt(actor, clock(), line)
    })
}

/// [`run`] with the answering injected: `answer` gets each line to answer, trimmed. A panic
/// in it is that line's error reply (logged with its reference); the next line is read.
pub fn run_lines(
    input: impl BufRead,
    mut output: impl Write,
    images: Option<&Path>,
    mut answer: impl FnMut(&str) -> Reply,
) -> std::io::Result<()> {
    for line in input.lines() {
        let line = match line {
            Ok(line) => line,
            // A line that is not UTF-8 gets an error reply; the session goes on.
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                write_reply(
                    &mut output,
                    &Reply::error("the line is not valid UTF-8 text; retype it. Example: /account show \"Acme Corp\""),
                    None,
                )?;
                continue;
            }
            Err(e) => return Err(e),
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let reply = crate::fault::catch("console line", || answer(trimmed))
            .unwrap_or_else(|fault| fault.reply());
        write_reply(&mut output, &reply, images)?;
    }
    Ok(())
}

fn write_reply(
    output: &mut impl Write,
    reply: &Reply,
    images: Option<&Path>,
) -> std::io::Result<()> {
    let mut text = text::render(reply);
    if let Some(dir) = images {
        for picture in &reply.pictures {
            text.push('\n');
            text.push_str(&save_picture(dir, picture));
        }
    }
    writeln!(output, "{text}\n")?;
    output.flush()
}

/// Draws `picture` into `dir` and says where it went (or why it could not be written): the
/// line the console (and `steward tick --images`) prints under a reply.
pub fn save_picture(dir: &Path, picture: &Picture) -> String {
    let path = dir.join(picture.file_name());
    match std::fs::write(&path, picture.png()) {
        Ok(()) => format!("Picture: {} — {}", path.display(), picture.alt_text()),
        Err(e) => format!("Picture not written to {}: {e}", path.display()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_panics_gets_an_error_and_the_next_line_is_answered() {
        let input = "/first\n/boom\n/last\n";
        let mut output = Vec::new();
        run_lines(input.as_bytes(), &mut output, None, |line| {
            if line == "/boom" {
                panic!("injected fault in a console line");
            }
            Reply::text(format!("answered {line}"))
        })
        .expect("console I/O");
        let text = String::from_utf8(output).expect("UTF-8");
        let replies: Vec<&str> = text.trim_end().split("\n\n").collect();
        assert_eq!(replies.len(), 3, "{text}");
        assert_eq!(replies[0], "answered /first");
        assert!(
            replies[1].starts_with("error: an internal error occurred (reference ")
                && replies[1].ends_with("nothing was changed."),
            "{text}"
        );
        assert_eq!(replies[2], "answered /last");
    }
}
