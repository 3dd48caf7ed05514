//! Purpose: the command line a prompt is read as (`/health set "Acme Corp" nps:5`), built
//! with names always quoted, and whether a typed command changes data.

use crate::command::atrisk::AtRiskCommand;
use crate::command::digest::DigestCommand;
use crate::command::expansion::ExpansionCommand;
use crate::command::health::HealthCommand;
use crate::command::plan::PlanCommand;
use crate::command::portfolio::PortfolioCommand;
use crate::command::qbr::QbrCommand;
use crate::command::quote;
use crate::command::quotes::{closes, is_quote_mark};
use crate::command::renewal::RenewalCommand;
use crate::command::stakeholder::StakeholderCommand;
use crate::command::steward::{FeatureAction, IndicatorAction, KeyAction, StewardCommand};
use crate::command::{account::AccountCommand, Command};

/// A command line under construction.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub group: &'static str,
    pub sub: &'static str,
    /// The account goes first among the positionals, filled in when the line is finished.
    pub needs_account: bool,
    /// Further positionals, already quoted as needed.
    pub args: Vec<String>,
    pub opts: Vec<(&'static str, String)>,
}

/// `text` without the quotation marks around it, if the prompt quoted it (`"Vandelay
/// Imports"`, `“budget freeze”`): the line quotes it again, once.
fn unquoted(text: &str) -> &str {
    let t = text.trim();
    let mut chars = t.chars();
    match (chars.next(), chars.next_back()) {
        (Some(open), Some(close)) if t.chars().count() >= 2 && closes(open, close) => {
            t[open.len_utf8()..t.len() - close.len_utf8()].trim()
        }
        _ => t,
    }
}

impl Line {
    pub fn new(group: &'static str, sub: &'static str) -> Line {
        Line {
            group,
            sub,
            needs_account: false,
            args: Vec::new(),
            opts: Vec::new(),
        }
    }

    /// A command about one account (its first positional).
    pub fn on(group: &'static str, sub: &'static str) -> Line {
        Line {
            needs_account: true,
            ..Line::new(group, sub)
        }
    }

    /// A positional as is (a number, a word).
    pub fn arg(mut self, value: impl Into<String>) -> Line {
        self.args.push(value.into());
        self
    }

    /// A name or free text, always quoted.
    pub fn quoted(mut self, value: &str) -> Line {
        self.args.push(quote(unquoted(value)));
        self
    }

    /// `key:value`, the value quoted when it has spaces or quotes.
    pub fn opt(mut self, key: &'static str, value: impl AsRef<str>) -> Line {
        let v = unquoted(value.as_ref());
        let needs = v.is_empty() || v.contains(|c: char| c.is_whitespace() || is_quote_mark(c));
        self.opts
            .push((key, if needs { quote(v) } else { v.to_string() }));
        self
    }

    pub fn opt_if(self, key: &'static str, value: Option<impl AsRef<str>>) -> Line {
        match value {
            Some(v) => self.opt(key, v),
            None => self,
        }
    }

    /// The line, with `account` as the first positional when one is needed.
    pub fn render(&self, account: &str) -> String {
        let mut out = format!("/{} {}", self.group, self.sub);
        if self.needs_account {
            out.push(' ');
            out.push_str(&quote(account));
        }
        for a in &self.args {
            out.push(' ');
            out.push_str(a);
        }
        for (k, v) in &self.opts {
            out.push_str(&format!(" {k}:{v}"));
        }
        out
    }
}

/// True when the command changes data. Exhaustive over every command, so a new one forces a
/// decision here.
pub fn is_write(command: &Command) -> bool {
    match command {
        Command::Account(c) => match c {
            AccountCommand::Show { .. }
            | AccountCommand::List { .. }
            | AccountCommand::History { .. } => false,
            AccountCommand::Add(_)
            | AccountCommand::Set { .. }
            | AccountCommand::Remove { .. }
            | AccountCommand::Log { .. }
            | AccountCommand::Reassign { .. } => true,
            AccountCommand::Channel { action, .. } => {
                *action != crate::command::account::ChannelAction::List
            }
        },
        Command::Stakeholder(c) => match c {
            StakeholderCommand::List { .. } => false,
            StakeholderCommand::Add { .. }
            | StakeholderCommand::Set { .. }
            | StakeholderCommand::Contact { .. }
            | StakeholderCommand::Departed { .. }
            | StakeholderCommand::Remove { .. } => true,
        },
        Command::Health(c) => match c {
            HealthCommand::Show { .. } => false,
            HealthCommand::Set { .. } | HealthCommand::Snooze { .. } => true,
        },
        Command::Renewal(c) => match c {
            RenewalCommand::List { .. } | RenewalCommand::Show { .. } => false,
            RenewalCommand::FollowUp { .. }
            | RenewalCommand::Extend { .. }
            | RenewalCommand::Snooze { .. }
            | RenewalCommand::Renewed { .. }
            | RenewalCommand::Churned { .. } => true,
        },
        Command::Expansion(c) => match c {
            ExpansionCommand::List { .. }
            | ExpansionCommand::Ready { .. }
            | ExpansionCommand::Show { .. } => false,
            ExpansionCommand::Add { .. }
            | ExpansionCommand::Qualify { .. }
            | ExpansionCommand::Won { .. }
            | ExpansionCommand::Lost { .. } => true,
        },
        Command::Qbr(c) => match c {
            QbrCommand::Prep { .. } => false,
            QbrCommand::Schedule { .. } | QbrCommand::Done { .. } => true,
        },
        Command::Plan(c) => match c {
            PlanCommand::Show { .. } => false,
            PlanCommand::Goal { .. }
            | PlanCommand::Metric { .. }
            | PlanCommand::Risk { .. }
            | PlanCommand::Action { .. }
            | PlanCommand::Done { .. }
            | PlanCommand::Competitor { .. }
            | PlanCommand::Swot { .. }
            | PlanCommand::Remove { .. } => true,
        },
        Command::AtRisk(c) => match c {
            AtRiskCommand::List { .. } => false,
            AtRiskCommand::Save { .. }
            | AtRiskCommand::Step { .. }
            | AtRiskCommand::Checkin { .. }
            | AtRiskCommand::Resolve { .. } => true,
        },
        Command::Portfolio(c) => match c {
            PortfolioCommand::Summary
            | PortfolioCommand::Forecast { .. }
            | PortfolioCommand::WinLoss { .. } => false,
        },
        Command::Digest(c) => match c {
            DigestCommand::List | DigestCommand::Preview { .. } => false,
            DigestCommand::Subscribe { .. } | DigestCommand::Unsubscribe { .. } => true,
        },
        Command::Steward(c) => match c {
            // `ask` only reads: a change it leads to is checked as that change.
            StewardCommand::Help { .. }
            | StewardCommand::WhoAmI
            | StewardCommand::Ask { .. }
            | StewardCommand::IngestStatus => false,
            StewardCommand::Manager { .. }
            | StewardCommand::Owner { .. }
            | StewardCommand::Timezone { .. }
            | StewardCommand::Hours { .. }
            | StewardCommand::Currency { .. }
            | StewardCommand::FiscalYear { .. }
            | StewardCommand::Undo
            | StewardCommand::Forget { .. } => true,
            StewardCommand::ApiKey(action) => !matches!(action, KeyAction::List { .. }),
            StewardCommand::Feature(action) => !matches!(action, FeatureAction::List { .. }),
            StewardCommand::Zendesk(_) => true,
            StewardCommand::Indicator(action) => action != &IndicatorAction::List,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn lines_quote_names_and_free_text() {
        let line = Line::on("stakeholder", "add")
            .quoted("Jane Doe")
            .opt("role", "champion")
            .opt("title", "VP Ops");
        assert_eq!(
            line.render("Acme Corp"),
            "/stakeholder add \"Acme Corp\" \"Jane Doe\" role:champion title:\"VP Ops\""
        );
        assert_eq!(quote("say \"hi\""), "“say \"hi\"”");
        assert_eq!(quote("“Big” \"A\""), "«“Big” \"A\"»");
        assert_eq!(quote("\" ” » ›"), "\"' ” » ›\"");
    }

    #[test]
    fn a_value_the_prompt_quoted_is_quoted_once() {
        for typed in [
            "\"budget freeze\"",
            "“budget freeze”",
            " \"budget freeze\" ",
        ] {
            let line = Line::new("stakeholder", "set").opt("risk", typed);
            assert_eq!(
                line.render(""),
                "/stakeholder set risk:\"budget freeze\"",
                "{typed}"
            );
        }
        let inner = Line::new("plan", "goal").quoted("cut costs, maps to \"analytics\"");
        assert_eq!(
            inner.render(""),
            "/plan goal “cut costs, maps to \"analytics\"”"
        );
    }

    #[test]
    fn every_declared_example_has_a_write_flag() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid");
        for g in crate::command::spec::groups() {
            for s in &g.subcommands {
                for example in &s.examples {
                    let parsed = crate::command::parse(example, today).expect("example parses");
                    let reads = [
                        "show", "list", "history", "ready", "prep", "summary", "forecast",
                        "preview", "help", "whoami", "ask", "winloss", "status",
                    ];
                    // A subcommand with actions (`/steward apikey list`) reads or writes by
                    // its action.
                    let verb = match s.option("action") {
                        Some(_) => example.split_whitespace().nth(2).unwrap_or_default(),
                        None => s.name.as_str(),
                    };
                    assert_eq!(
                        is_write(&parsed.command),
                        !reads.contains(&verb),
                        "{example}"
                    );
                }
            }
        }
    }
}
