//! Purpose: the chat platforms' registration files — the Slack app manifest and the Discord
//! application commands — and the README's command reference, generated from the specs in
//! `commands/`, so that what Slack and Discord offer and what the README lists can never
//! drift from what the parser accepts.
//!
//! The committed copies live in `manifest/` at the crate root; `tests/manifest.rs` fails
//! when they differ from what this module generates (`STEWARD_BLESS=1` rewrites them).

pub mod discord;
pub mod reference;
pub mod slack;

pub use discord::{discord_commands, discord_commands_json, group_command};
pub use slack::slack_manifest;

/// `text` cut to at most `max` characters (not bytes), ending in `…` when cut, so a limit
/// counted in characters holds and no multi-byte character is split.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("short", 100), "short");
        assert_eq!(truncate("abcdef", 4), "abc…");
        let long = "é".repeat(150);
        let cut = truncate(&long, 100);
        assert_eq!(cut.chars().count(), 100);
        assert!(cut.ends_with('…'));
    }
}
