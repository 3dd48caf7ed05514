//! Purpose: `/steward` text → a typed `StewardCommand`.

use secrecy::{ExposeSecret, SecretString};

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::error::DomainError;
use crate::domain::person::Person;
use crate::domain::signals::IndicatorKind;

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
    /// `/steward hours mon-fri 08:00-18:00` (DECISIONS 29).
    Hours {
        days: String,
        window: String,
    },
    Currency {
        code: String,
    },
    FiscalYear {
        /// 1–12.
        month: u32,
    },
    Undo,
    /// `/steward forget [confirm:yes]`: delete the whole tenant (after an uninstall).
    Forget {
        confirm: bool,
    },
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
    /// `/steward indicator list|mute NAME|unmute NAME`: the seven indicators, and which of
    /// them never post.
    Indicator(IndicatorAction),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorAction {
    List,
    Mute(IndicatorKind),
    Unmute(IndicatorKind),
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
        "hours" => StewardCommand::Hours {
            days: inv.req_text("days")?,
            window: inv.req_text("window")?,
        },
        "timezone" => StewardCommand::Timezone {
            zone: inv.req_text("zone")?,
        },
        "currency" => StewardCommand::Currency {
            code: inv.req_text("code")?,
        },
        "undo" => StewardCommand::Undo,
        "forget" => StewardCommand::Forget {
            confirm: inv.text("confirm").is_some(),
        },
        "ask" => StewardCommand::Ask {
            prompt: inv.req_text("prompt")?,
        },
        "fiscal-year" => StewardCommand::FiscalYear {
            month: crate::domain::tenant::parse_fiscal_month(&inv.req_text("month")?)?,
        },
        "apikey" => StewardCommand::ApiKey(key_action(inv)?),
        "feature" => StewardCommand::Feature(feature_action(inv)?),
        // `status` is the one action the spec accepts; the parser checked the choice.
        "ingest" => StewardCommand::IngestStatus,
        "zendesk" => StewardCommand::Zendesk(zendesk_action(inv)?),
        "indicator" => StewardCommand::Indicator(indicator_action(inv)?),
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

/// Quote marks around a name as typed: `"usage drop"` without its closing mark, `'usage
/// drop'`, `“usage drop”` (a closed `"…"` was taken off by the lexer already).
const QUOTES: &[char] = &['"', '\'', '“', '”', '„', '«', '»', '‹', '›', '‘', '’', '`'];

/// `indicator ACTION [NAME]`: a name for mute and unmute (`usage drop`, quoted or not,
/// `usage-drop`), none for list.
fn indicator_action(inv: &Invocation) -> Result<IndicatorAction, ParseError> {
    let action = inv.req_text("action")?;
    let example = match action.as_str() {
        "list" => "/steward indicator list".to_string(),
        other => format!("/steward indicator {other} \"usage drop\""),
    };
    if action == "list" {
        refuse_name(inv, &action, &example)?;
        return Ok(IndicatorAction::List);
    }
    let name = named(inv, &action, &example)?;
    let kind = IndicatorKind::parse(name.trim().trim_matches(QUOTES)).ok_or_else(|| {
        ParseError::Value(DomainError::invalid(
            "indicator",
            format!(
                "\"{}\" is not an indicator; they are: {}",
                name.trim(),
                IndicatorKind::names()
            ),
            example,
        ))
    })?;
    Ok(match action.as_str() {
        "mute" => IndicatorAction::Mute(kind),
        _ => IndicatorAction::Unmute(kind),
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

    #[test]
    fn indicator_names_as_people_type_them() {
        let mute = |line: &str| parsed(line).map_err(|e| format!("{line}: {e}"));
        for (line, expected) in [
            ("/steward indicator list", IndicatorAction::List),
            (
                "/steward indicator mute \"usage drop\"",
                IndicatorAction::Mute(IndicatorKind::UsageDrop),
            ),
            (
                "/steward indicator mute usage drop",
                IndicatorAction::Mute(IndicatorKind::UsageDrop),
            ),
            (
                "/steward indicator MUTE usage-drop",
                IndicatorAction::Mute(IndicatorKind::UsageDrop),
            ),
            (
                "/steward indicator mute “Seat Ceiling”",
                IndicatorAction::Mute(IndicatorKind::SeatCeiling),
            ),
            (
                "/steward indicator mute 'champion inactive'",
                IndicatorAction::Mute(IndicatorKind::ChampionInactive),
            ),
            (
                "steward indicator unmute FEATURE_BREADTH_UP",
                IndicatorAction::Unmute(IndicatorKind::FeatureBreadthUp),
            ),
        ] {
            assert_eq!(mute(line), Ok(StewardCommand::Indicator(expected)));
        }
        for (line, expected) in [
            (
                "/steward indicator mute usage",
                "indicator: \"usage\" is not an indicator; they are: usage drop, gone quiet, champion inactive, ticket spike, detractor, seat ceiling, feature breadth up, customer waiting. Example: /steward indicator mute \"usage drop\"",
            ),
            ("/steward indicator unmute", "`/steward indicator unmute` needs NAME"),
            (
                "/steward indicator list detractor",
                "got more than it takes: `detractor`",
            ),
            ("/steward indicator silence detractor", "\"silence\" is not one of list, mute, unmute"),
        ] {
            let message = parsed(line).expect_err(line);
            assert!(message.contains(expected), "{line}: {message}");
        }
    }

    mod hostile {
        use super::*;
        use proptest::prelude::*;

        fn spelled(kind: IndicatorKind) -> impl Strategy<Value = String> {
            let words: Vec<&'static str> = kind.name().split(' ').collect();
            let n = words.len();
            (
                prop::collection::vec(any::<bool>(), n),
                prop::collection::vec(prop::sample::select(vec![" ", "-", "_", "  ", " - "]), n),
                prop::sample::select(vec![
                    ("", ""),
                    ("\"", "\""),
                    ("“", "”"),
                    ("'", "'"),
                    ("«", "»"),
                ]),
            )
                .prop_map(move |(upper, seps, (open, close))| {
                    let mut name = String::new();
                    for (i, word) in words.iter().enumerate() {
                        if i > 0 {
                            name.push_str(seps[i]);
                        }
                        name.push_str(&match upper[i] {
                            true => word.to_uppercase(),
                            false => word.to_string(),
                        });
                    }
                    format!("{open}{name}{close}")
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// Any name, in any script: read as the indicator it spells, or refused with a
            /// message (naming the seven when the name is what is wrong); never a panic.
            #[test]
            fn any_name_is_read_as_what_it_spells_or_refused(
                action in prop::sample::select(vec!["list", "mute", "unmute", "Mute"]),
                name in any::<String>(),
            ) {
                let line = format!("/steward indicator {action} {name}");
                match parsed(&line) {
                    Ok(StewardCommand::Indicator(IndicatorAction::List)) => {
                        prop_assert_eq!(action, "list");
                        prop_assert!(name.split_whitespace().next().is_none(), "{:?}", name);
                    }
                    Ok(StewardCommand::Indicator(
                        IndicatorAction::Mute(kind) | IndicatorAction::Unmute(kind),
                    )) => {
                        prop_assert_ne!(action, "list");
                        let bare: String = name.chars().filter(|c| !QUOTES.contains(c)).collect();
                        prop_assert_eq!(IndicatorKind::parse(&bare), Some(kind), "{:?}", name);
                    }
                    Ok(other) => prop_assert!(false, "{:?} read as {:?}", line, other),
                    Err(message) => {
                        prop_assert!(message.contains("Example") || message.contains("e.g."), "{}", message);
                        if message.starts_with("indicator:") {
                            prop_assert!(message.contains(&IndicatorKind::names()), "{}", message);
                        }
                    }
                }
            }

            /// Every spelling of every indicator — any case, spaces, dashes or underscores
            /// between its words, in quotes or not — is read as it.
            #[test]
            fn every_spelling_of_an_indicator_is_read(
                (kind, name) in prop::sample::select(IndicatorKind::ALL.to_vec())
                    .prop_flat_map(|kind| (Just(kind), spelled(kind))),
                mute in any::<bool>(),
            ) {
                let action = if mute { "mute" } else { "unmute" };
                let expected = match mute {
                    true => IndicatorAction::Mute(kind),
                    false => IndicatorAction::Unmute(kind),
                };
                prop_assert_eq!(
                    parsed(&format!("/steward indicator {action} {name}")),
                    Ok(StewardCommand::Indicator(expected))
                );
            }
        }
    }
}
