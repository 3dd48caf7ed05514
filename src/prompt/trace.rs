//! Purpose: how a prompt was read, told back to the asker — `why: <prompt>` (or `why?` after
//! a reading) shows which rules recognised it, which account and people it found and how, what
//! it came to, and why it asked rather than ran, without running anything.

use super::accounts::How;
use super::intents::{Reader, Target, Via};
use super::Reading;
use crate::reply::{Line, Reply, Span};

/// What reading one prompt went through.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    prompt: String,
    /// The name of the rules that recognised the prompt.
    rule: &'static str,
    /// The account the command is about, and how it was found (when the command needed one).
    account: Option<(String, Via)>,
    /// Stakeholders named, with their accounts (when a rule looked for them).
    people: Vec<(String, String)>,
    /// Why the reader asked instead of running what it understood.
    held: Option<String>,
}

impl Trace {
    pub(super) fn new(prompt: &str, rule: &'static str) -> Trace {
        Trace {
            prompt: prompt.to_string(),
            rule,
            account: None,
            people: Vec::new(),
            held: None,
        }
    }

    /// Notes why the reader asks rather than runs.
    pub(super) fn hold(&mut self, why: impl Into<String>) {
        self.held = Some(why.into());
    }

    /// Takes what the reader found while the rules ran; searches nothing new.
    pub(super) fn found(&mut self, r: &Reader) {
        if let Some(Target::One { name, via }) = r.target_found() {
            self.account = Some((name.clone(), *via));
        }
        self.people = r
            .people_found()
            .iter()
            .map(|k| (k.name.clone(), k.account.clone()))
            .collect();
    }

    /// The explanation of `reading`, which this trace led to.
    pub fn explain(&self, reading: &Reading) -> Reply {
        let mut fields: Vec<(String, Line)> = vec![(
            "Recognised by".into(),
            text(format!("the rules for {}", self.rule)),
        )];
        if let Some((name, via)) = &self.account {
            let how = match via {
                Via::Named(How::Exact) => "named",
                Via::Named(How::Prefix) => "named by the start of its name",
                Via::Named(How::Typo) => "named with a typo",
                Via::Person => "through the stakeholder named",
                Via::Pronoun => "“it/its/their”: the account this conversation was about",
                Via::Implicit => "not named: the account this conversation was about",
            };
            fields.push((
                "Account".into(),
                vec![Span::Strong(name.clone()), Span::Text(format!(" — {how}"))],
            ));
        }
        if !self.people.is_empty() {
            let people: Vec<String> = self
                .people
                .iter()
                .map(|(name, account)| format!("{name} ({account})"))
                .collect();
            fields.push(("People".into(), text(people.join(", "))));
        }
        let result = match reading {
            Reading::Command { line, writes, .. } => {
                let what = if *writes {
                    " — a change: it runs, the line is echoed, and `/steward undo` takes it back"
                } else {
                    " — it only reads, and runs at once"
                };
                vec![Span::Code(line.clone()), Span::Text(what.into())]
            }
            Reading::Confirm { line, .. } => vec![
                Span::Text("asks you to confirm ".into()),
                Span::Code(line.clone()),
                Span::Text(" before anything changes".into()),
            ],
            Reading::Clarify { question, .. } => text(format!("asks: {question}")),
            Reading::OutOfScope { .. } => text("not about your accounts: points you to help"),
        };
        fields.push(("Read as".into(), result));
        if let Some(held) = &self.held {
            fields.push(("Asked first because".into(), text(held.clone())));
        }
        Reply::new()
            .heading(format!("How I read “{}”", self.prompt))
            .fields(fields)
            .line("Nothing was run. Ask again without `why:` to run it.")
    }
}

fn text(s: impl Into<String>) -> Line {
    vec![Span::Text(s.into())]
}
