//! Purpose: prompts on Slack — a mention of Steward in a channel, or a direct message to it.
//! The text, Steward's own mention removed, goes to the prompt reader; what it is understood
//! as runs through `App::execute` like a typed command (a change echoes the command line, so
//! rights, validation and the audit trail are the same), and an unclear prompt gets the
//! reader's question with the likely commands. Each (channel, user) keeps the conversation's
//! memory for follow-ups.

use std::sync::Arc;

use super::Slack;
use crate::app::Actor;
use crate::reply::Reply;

/// The prompt without mentions of Steward (`<@UBOT>`, `<@UBOT|steward>`).
pub fn without_mention(text: &str, bot: Option<&str>) -> String {
    let Some(bot) = bot.filter(|b| !b.is_empty()) else {
        return text.split_whitespace().collect::<Vec<_>>().join(" ");
    };
    let open = format!("<@{bot}");
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        match after.find('>') {
            Some(end) if after[..end].is_empty() || after.starts_with('|') => {
                out.push_str(&rest[..at]);
                out.push(' ');
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str(&rest[..at + open.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Answers one prompt from `actor`.
pub async fn answer(slack: &Arc<Slack>, actor: Actor, text: String) -> Reply {
    if text.trim().is_empty() {
        return super::events::prompt_reply(&slack.prefix);
    }
    let (slack, now) = (slack.clone(), slack.now());
    crate::fault::blocking("Slack prompt", move || {
        slack.app.answer_prompt(&actor, now, &text)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_of_steward_are_dropped() {
        assert_eq!(
            without_mention("<@UBOT> how healthy is Acme?", Some("UBOT")),
            "how healthy is Acme?"
        );
        assert_eq!(
            without_mention("hey <@UBOT|steward>  renewals?", Some("UBOT")),
            "hey renewals?"
        );
        assert_eq!(
            without_mention("<@U7> hi <@UBOTX>", Some("UBOT")),
            "<@U7> hi <@UBOTX>"
        );
        assert_eq!(without_mention("  hi  ", None), "hi");
    }
}
