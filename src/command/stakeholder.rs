//! Purpose: `/stakeholder` text → a typed `StakeholderCommand`.

use chrono::NaiveDate;

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::email::Email;
use crate::domain::error::DomainError;
use crate::domain::person::Person;
use crate::domain::stakeholder::{Influence, Role, Sentiment};

#[derive(Debug, Clone, PartialEq)]
pub enum StakeholderCommand {
    Add {
        account: String,
        name: String,
        role: Role,
        details: StakeholderChanges,
    },
    List {
        account: String,
    },
    Set {
        account: String,
        name: String,
        details: StakeholderChanges,
    },
    Contact {
        account: String,
        name: String,
        date: Option<NaiveDate>,
    },
    Departed {
        account: String,
        name: String,
    },
    Remove {
        account: String,
        name: String,
    },
}

/// Fields given to `add` or `set`; `None` leaves a field as it is (or at its default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StakeholderChanges {
    pub role: Option<Role>,
    pub title: Option<String>,
    pub unit: Option<String>,
    /// `Some(None)`: `email:none` clears it (on `set`; `add` reads it as no e-mail).
    pub email: Option<Option<Email>>,
    pub influence: Option<Influence>,
    pub sentiment: Option<Sentiment>,
    pub owner: Option<Person>,
    pub nps: Option<u8>,
    pub personal_win: Option<String>,
    pub engagement: Option<String>,
    pub key_risk: Option<String>,
    /// `slack:@user` / `discord:@user`: the person's chat user (DECISIONS 28).
    pub slack_user: Option<String>,
    pub discord_user: Option<String>,
}

impl StakeholderChanges {
    pub fn is_empty(&self) -> bool {
        *self == StakeholderChanges::default()
    }
}

fn details(inv: &Invocation) -> Result<StakeholderChanges, ParseError> {
    Ok(StakeholderChanges {
        role: inv.choice("role", Role::parse)?,
        title: inv.text("title"),
        unit: inv.text("unit"),
        email: email(inv)?,
        influence: inv.choice("influence", Influence::parse)?,
        sentiment: inv.choice("sentiment", Sentiment::parse)?,
        owner: inv.user("owner"),
        nps: inv.integer("nps").and_then(|n| u8::try_from(n).ok()),
        personal_win: inv.text("win"),
        engagement: inv.text("engagement"),
        key_risk: inv.text("risk"),
        slack_user: inv.user("slack").map(|p| chat_user(&p)),
        discord_user: inv.user("discord").map(|p| chat_user(&p)),
    })
}

/// A chat user as stored on a stakeholder: the user id (`<@U123>` → `U123`), or the name
/// as typed.
fn chat_user(person: &Person) -> String {
    match person {
        Person::User(id) => id.0.clone(),
        Person::Named(name) => name.trim_start_matches('@').to_string(),
    }
}

/// `email:` — an address, or `none` (any case) to clear it.
fn email(inv: &Invocation) -> Result<Option<Option<Email>>, ParseError> {
    match inv.text("email") {
        None => Ok(None),
        Some(text) if text.trim().eq_ignore_ascii_case("none") => Ok(Some(None)),
        Some(text) => Ok(Some(Some(Email::parse(&text).map_err(DomainError::from)?))),
    }
}

pub fn from_invocation(inv: &Invocation) -> Result<StakeholderCommand, ParseError> {
    let account = inv.req_text("account")?;
    let name = || inv.req_text("name");
    Ok(match inv.sub.name.as_str() {
        "add" => {
            let mut details = details(inv)?;
            let role = details
                .role
                .take()
                .ok_or_else(|| super::undeclared(inv, "role"))?;
            StakeholderCommand::Add {
                account,
                name: name()?,
                role,
                details,
            }
        }
        "list" => StakeholderCommand::List { account },
        "set" => StakeholderCommand::Set {
            account,
            name: name()?,
            details: details(inv)?,
        },
        "contact" => StakeholderCommand::Contact {
            account,
            name: name()?,
            date: inv.date("date"),
        },
        "departed" => StakeholderCommand::Departed {
            account,
            name: name()?,
        },
        "remove" => StakeholderCommand::Remove {
            account,
            name: name()?,
        },
        other => return Err(super::undeclared(inv, other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{parse, Command};

    fn details(line: &str) -> Result<StakeholderChanges, String> {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid");
        match parse(line, day).map_err(|e| e.to_string())?.command {
            Command::Stakeholder(
                StakeholderCommand::Add { details, .. } | StakeholderCommand::Set { details, .. },
            ) => Ok(details),
            other => Err(format!("not /stakeholder add or set: {other:?}")),
        }
    }

    #[test]
    fn email_on_add_and_set_is_normalised_and_none_clears_it() {
        let email = |s: &str| Some(Some(Email::parse(s).expect("an address")));
        let add = details("/stakeholder add Acme \"Jane Doe\" role:champion email:Jane@Acme.com");
        assert_eq!(add.map(|d| d.email), Ok(email("jane@acme.com")));
        let set = details("/stakeholder set Acme Jane email:jane.doe@acme.com");
        assert_eq!(set.map(|d| d.email), Ok(email("jane.doe@acme.com")));
        let cleared = details("/stakeholder set Acme Jane email:None").expect("parses");
        assert_eq!(cleared.email, Some(None));
        assert!(!cleared.is_empty(), "clearing is a change");
        let untouched = details("/stakeholder set Acme Jane nps:9").expect("parses");
        assert_eq!(untouched.email, None);
    }

    #[test]
    fn a_bad_email_is_refused_with_an_example() {
        let error = details("/stakeholder set Acme Jane email:jane.acme.com").expect_err("no @");
        assert_eq!(
            error,
            "email: \"jane.acme.com\" needs exactly one @ between a name and a domain. Example: email:jane@acme.com"
        );
    }
}
