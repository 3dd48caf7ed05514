//! Purpose: `/steward` text → a typed `StewardCommand`.

use secrecy::{ExposeSecret, SecretString};

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::person::Person;

#[derive(Debug, Clone, PartialEq)]
pub enum StewardCommand {
    Help {
        topic: Option<String>,
    },
    WhoAmI,
    Manager {
        user: Person,
        manager: Person,
    },
    Owner {
        alias: String,
        user: Person,
    },
    Timezone {
        zone: String,
    },
    Currency {
        code: String,
    },
    FiscalYear {
        month: String,
    },
    Undo,
    Ask {
        prompt: String,
    },
    /// `/steward apikey create NAME|list|revoke NAME`: write keys for the events API.
    ApiKey(KeyAction),
    /// `/steward feature add NAME event:…|list|remove NAME`: the core features adoption counts.
    Feature(FeatureAction),
    /// `/steward ingest status`: what the events API received.
    IngestStatus,
    /// `/steward zendesk secret SECRET`: the Zendesk webhook's signing secret.
    Zendesk(ZendeskAction),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ZendeskAction {
    Secret { secret: Concealed },
}

/// A secret as typed: `Debug` shows `[secret]`, and it is wiped from memory when dropped.
#[derive(Clone)]
pub struct Concealed(SecretString);

impl Concealed {
    pub fn new(text: String) -> Concealed {
        Concealed(SecretString::from(text))
    }

    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

impl PartialEq for Concealed {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl std::fmt::Debug for Concealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[secret]")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum KeyAction {
    Create { name: String },
    List { page: usize },
    Revoke { name: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum FeatureAction {
    /// `events` as given, at least one.
    Add {
        name: String,
        events: Vec<String>,
    },
    List {
        page: usize,
    },
    Remove {
        name: String,
    },
}

pub fn from_invocation(inv: &Invocation) -> Result<StewardCommand, ParseError> {
    Ok(match inv.sub.name.as_str() {
        "help" => StewardCommand::Help {
            topic: inv.text("command"),
        },
        "whoami" => StewardCommand::WhoAmI,
        "manager" => StewardCommand::Manager {
            user: inv.req_user("user")?,
            manager: inv.req_user("manager")?,
        },
        "owner" => StewardCommand::Owner {
            alias: inv.req_text("alias")?,
            user: inv.req_user("user")?,
        },
        "timezone" => StewardCommand::Timezone {
            zone: inv.req_text("zone")?,
        },
        "currency" => StewardCommand::Currency {
            code: inv.req_text("code")?,
        },
        "undo" => StewardCommand::Undo,
        "ask" => StewardCommand::Ask {
            prompt: inv.req_text("prompt")?,
        },
        "fiscal-year" => StewardCommand::FiscalYear {
            month: inv.req_text("month")?,
        },
        "apikey" => StewardCommand::ApiKey(key_action(inv)?),
        "feature" => StewardCommand::Feature(feature_action(inv)?),
        // `status` is the one action the spec accepts; the parser checked the choice.
        "ingest" => StewardCommand::IngestStatus,
        "zendesk" => StewardCommand::Zendesk(zendesk_action(inv)?),
        other => return Err(super::undeclared(inv, other)),
    })
}

/// `apikey ACTION [NAME] [page:N]`: a name for create and revoke, none for list.
fn key_action(inv: &Invocation) -> Result<KeyAction, ParseError> {
    let action = inv.req_text("action")?;
    let example = |name: &str| match name {
        "list" => "/steward apikey list".to_string(),
        other => format!("/steward apikey {other} \"Segment prod\""),
    };
    Ok(match action.as_str() {
        "list" => {
            refuse_name(inv, &action, &example(&action))?;
            KeyAction::List { page: inv.page() }
        }
        _ => {
            refuse_page(inv, &action, &example(&action))?;
            let name = named(inv, &action, &example(&action))?;
            match action.as_str() {
                "create" => KeyAction::Create { name },
                _ => KeyAction::Revoke { name },
            }
        }
    })
}

/// `feature ACTION [NAME] [event:EVENT…] [page:N]`: a name and events for add, a name for
/// remove, neither for list.
fn feature_action(inv: &Invocation) -> Result<FeatureAction, ParseError> {
    let action = inv.req_text("action")?;
    let add = "/steward feature add Reports event:\"Report Created\" event:\"Report Shared\"";
    let example = match action.as_str() {
        "add" => add.to_string(),
        "list" => "/steward feature list".to_string(),
        _ => "/steward feature remove Reports".to_string(),
    };
    let events = inv.texts("event");
    if action != "add" && !events.is_empty() {
        return Err(extra(inv, &action, "event:", &example));
    }
    Ok(match action.as_str() {
        "list" => {
            refuse_name(inv, &action, &example)?;
            FeatureAction::List { page: inv.page() }
        }
        "add" => {
            refuse_page(inv, &action, &example)?;
            let name = named(inv, &action, &example)?;
            if events.is_empty() {
                return Err(ParseError::Missing {
                    command: "/steward feature add".into(),
                    what: "at least one event: (the event names that prove the feature is used)"
                        .into(),
                    usage: "/steward feature add NAME event:EVENT [event:EVENT…]".into(),
                    example,
                });
            }
            FeatureAction::Add { name, events }
        }
        _ => {
            refuse_page(inv, &action, &example)?;
            FeatureAction::Remove {
                name: named(inv, &action, &example)?,
            }
        }
    })
}

/// `zendesk secret SECRET`.
fn zendesk_action(inv: &Invocation) -> Result<ZendeskAction, ParseError> {
    // `secret` is the only action (the choice is checked against the spec already).
    let secret = inv.text("secret").ok_or_else(|| ParseError::Missing {
        command: "/steward zendesk secret".into(),
        what: "SECRET (the webhook's signing secret: Zendesk Admin Center → Webhooks → your webhook → Reveal secret)".into(),
        usage: "/steward zendesk secret SECRET".into(),
        example: inv.sub.example().to_string(),
    })?;
    Ok(ZendeskAction::Secret {
        secret: Concealed::new(secret),
    })
}

/// The NAME an action needs.
fn named(inv: &Invocation, action: &str, example: &str) -> Result<String, ParseError> {
    inv.text("name").ok_or_else(|| ParseError::Missing {
        command: format!("{} {action}", inv.command()),
        what: "NAME".into(),
        usage: format!("{} {action} NAME", inv.command()),
        example: example.to_string(),
    })
}

fn refuse_name(inv: &Invocation, action: &str, example: &str) -> Result<(), ParseError> {
    match inv.text("name") {
        Some(name) => Err(extra(inv, action, &name, example)),
        None => Ok(()),
    }
}

fn refuse_page(inv: &Invocation, action: &str, example: &str) -> Result<(), ParseError> {
    match inv.integer("page") {
        Some(page) => Err(extra(inv, action, &format!("page:{page}"), example)),
        None => Ok(()),
    }
}

fn extra(inv: &Invocation, action: &str, what: &str, example: &str) -> ParseError {
    ParseError::Extra {
        command: format!("{} {action}", inv.command()),
        extra: what.to_string(),
        usage: inv.sub.usage(&inv.group.name),
        example: example.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{parse, Command};
    use chrono::NaiveDate;

    fn parsed(line: &str) -> Result<StewardCommand, String> {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid");
        match parse(line, today) {
            Ok(p) => match p.command {
                Command::Steward(c) => Ok(c),
                other => Err(format!("not /steward: {other:?}")),
            },
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn key_actions() {
        assert_eq!(
            parsed("/steward apikey create \"Segment “prod” 🚀\""),
            Ok(StewardCommand::ApiKey(KeyAction::Create {
                name: "Segment “prod” 🚀".into()
            }))
        );
        assert_eq!(
            parsed("/steward apikey LIST page:2"),
            Ok(StewardCommand::ApiKey(KeyAction::List { page: 2 }))
        );
        assert_eq!(
            parsed("steward apikey revoke prod"),
            Ok(StewardCommand::ApiKey(KeyAction::Revoke {
                name: "prod".into()
            }))
        );
        for (line, expected) in [
            (
                "/steward apikey create",
                "`/steward apikey create` needs NAME",
            ),
            (
                "/steward apikey revoke",
                "`/steward apikey revoke` needs NAME",
            ),
            (
                "/steward apikey list prod",
                "got more than it takes: `prod`",
            ),
            ("/steward apikey create x page:2", "`page:2`"),
            ("/steward apikey create a b", "got more than it takes: `b`"),
        ] {
            let message = parsed(line).expect_err(line);
            assert!(message.contains(expected), "{line}: {message}");
            assert!(
                message.contains("Example: /steward apikey"),
                "{line}: {message}"
            );
        }
        let message = parsed("/steward apikey delete x").expect_err("no such action");
        assert!(
            message.contains("\"delete\" is not one of create, list, revoke. Example:"),
            "{message}"
        );
    }

    #[test]
    fn the_zendesk_secret_is_kept_out_of_errors_and_the_recorded_line() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid");
        let secret = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==";
        for line in [
            format!("/steward zendesk secret {secret}"),
            format!("  steward ZENDESK secret \"{secret}\" "),
        ] {
            let parsed = parse(&line, today).expect(&line);
            assert_eq!(
                parsed.command,
                Command::Steward(StewardCommand::Zendesk(ZendeskAction::Secret {
                    secret: Concealed::new(secret.into())
                }))
            );
            assert!(parsed.text.ends_with("secret [secret]"), "{}", parsed.text);
            assert!(!format!("{parsed:?}").contains(secret), "{parsed:?}");
        }
        let message = parsed("/steward zendesk secret").expect_err("no secret");
        assert!(message.contains("needs SECRET"), "{message}");
        // Whatever is wrong, nothing typed comes back: it may be (part of) the secret.
        for line in [
            "/steward zendesk secret s3cr3t-one s3cr3t-two",
            "/steward zendesk s3cr3t-one",
            "/steward zendesk secret s3cr3t:one",
            "/steward zendesk secret \"\"",
            "/steward zendesk secret s3cr3t-one page:2",
        ] {
            let message = parsed(line).expect_err(line);
            assert!(!message.contains("s3cr3t"), "{line}: {message}");
            assert!(
                message.contains("what you typed is not repeated here")
                    && message.contains("Example: /steward zendesk secret"),
                "{line}: {message}"
            );
        }
    }

    #[test]
    fn ingest_status_is_the_one_ingest_action() {
        assert_eq!(
            parsed("/steward ingest status"),
            Ok(StewardCommand::IngestStatus)
        );
        let message = parsed("/steward ingest purge").expect_err("no such action");
        assert!(
            message.contains("\"purge\" is not one of status"),
            "{message}"
        );
        assert!(parsed("/steward ingest").is_err());
    }

    #[test]
    fn feature_actions_with_repeated_events() {
        assert_eq!(
            parsed("/steward feature add Reports event:\"Report Created\" event:\"Report Shared\" event:Exported"),
            Ok(StewardCommand::Feature(FeatureAction::Add {
                name: "Reports".into(),
                events: vec![
                    "Report Created".into(),
                    "Report Shared".into(),
                    "Exported".into()
                ],
            }))
        );
        assert_eq!(
            parsed("/steward feature list"),
            Ok(StewardCommand::Feature(FeatureAction::List { page: 1 }))
        );
        assert_eq!(
            parsed("/steward feature remove \"Big Reports\""),
            Ok(StewardCommand::Feature(FeatureAction::Remove {
                name: "Big Reports".into()
            }))
        );
        for (line, expected) in [
            ("/steward feature add Reports", "needs at least one event:"),
            ("/steward feature add event:x", "needs NAME"),
            ("/steward feature remove Reports event:x", "`event:`"),
            ("/steward feature list event:x", "`event:`"),
            (
                "/steward feature add Reports events:x",
                "Did you mean `event:`?",
            ),
        ] {
            let message = parsed(line).expect_err(line);
            assert!(message.contains(expected), "{line}: {message}");
            assert!(
                message.contains("Example: /steward feature"),
                "{line}: {message}"
            );
        }
        let message = parsed("/steward feature add Reports event:").expect_err("empty event");
        assert!(message.contains("event: is empty. Example:"), "{message}");
    }
}
