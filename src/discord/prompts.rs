//! Purpose: prompts on Discord — a message that mentions Steward in a server channel, or a
//! direct message to it (answered for members of `DISCORD_GUILD_ID`, DECISIONS 22). The
//! text goes to the prompt reader; what it is understood as runs through `App::execute`
//! like a typed command (a change echoes the command line), and an unclear prompt gets the
//! reader's question with the likely commands. Each DM or channel keeps the conversation's
//! memory for follow-ups (`and its stakeholders?`).

use std::sync::Arc;

use super::Discord;
use crate::app::Actor;
use crate::reply::Reply;

/// The prompt without the mentions of Steward (`<@ID>`, `<@!ID>`).
pub fn without_mention(text: &str, bot: Option<u64>) -> String {
    let Some(bot) = bot else {
        return text.trim().to_string();
    };
    text.replace(&format!("<@{bot}>"), " ")
        .replace(&format!("<@!{bot}>"), " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Answers one prompt from `actor`.
pub async fn answer(discord: &Arc<Discord>, actor: Actor, text: String) -> Reply {
    let (discord, now) = (discord.clone(), discord.now());
    crate::fault::blocking("Discord prompt", move || {
        discord.app.answer_prompt(&actor, now, &text)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_of_steward_are_dropped() {
        assert_eq!(
            without_mention("<@42> how healthy is Acme?", Some(42)),
            "how healthy is Acme?"
        );
        assert_eq!(
            without_mention("hey <@!42>  renewals?", Some(42)),
            "hey renewals?"
        );
        assert_eq!(without_mention("<@7> hi", Some(42)), "<@7> hi");
    }
}
