//! Purpose: the operator's tasks outside chat — `steward secret-key rotate` (every stored
//! secret re-sealed under a new `STEWARD_SECRET_KEY`), `steward forget` (a tenant deleted,
//! as `/steward forget` does) and `steward discord invite-url` (the bot's invite link with
//! exactly the scopes and permissions it uses).
//!
//! Rotating: the new key is `STEWARD_SECRET_KEY`; the old one `STEWARD_SECRET_KEY_OLD`, or,
//! while that is unset, the key file `steward.key` beside the database (where the Zendesk
//! secret was sealed before a key was set). A value already sealed under the new key is
//! re-sealed as it is, so a rotation that was interrupted can simply be run again; a value
//! neither key opens stops the rotation before anything is written.

use std::path::Path;

use crate::secrets::{self, Sealed, SecretKey, SecretsError};
use crate::store::{Store, StoreError};

/// The environment variable that holds the key being replaced.
pub const OLD_KEY_VAR: &str = "STEWARD_SECRET_KEY_OLD";

/// Why a rotation stopped (nothing was written).
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error("{} is unset: set it to the new key (make one with `openssl rand -base64 32`) and {OLD_KEY_VAR} to the key the secrets were sealed with", secrets::KEY_VAR)]
    NoNewKey,
    #[error("a stored secret ({kind} of {owner}) opens with neither {OLD_KEY_VAR} (or the key file) nor {}: set {OLD_KEY_VAR} to the key it was sealed with; nothing was changed", secrets::KEY_VAR)]
    Unopenable { kind: String, owner: String },
    #[error("{0}; nothing was changed")]
    Secrets(#[from] SecretsError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a rotation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rotated {
    /// Values moved from the old key to the new one.
    pub moved: usize,
    /// Values already under the new key (re-sealed as they were).
    pub already: usize,
}

/// The key being replaced: `old` (from [`OLD_KEY_VAR`]), else the key file beside `db`.
pub fn old_key(old: Option<SecretKey>, db: &Path) -> Result<Option<SecretKey>, SecretsError> {
    if old.is_some() {
        return Ok(old);
    }
    let file = secrets::key_file_beside(db);
    match std::fs::read_to_string(&file) {
        Ok(text) => {
            let text = zeroize::Zeroizing::new(text);
            SecretKey::parse(&text, &format!("the key file {}", file.display())).map(Some)
        }
        Err(_) => Ok(None),
    }
}

/// Re-seals every secret the store holds under `new`, in one batch.
pub fn rotate(
    store: &Store,
    old: Option<&SecretKey>,
    new: &SecretKey,
) -> Result<Rotated, RotateError> {
    let mut rotated = Rotated::default();
    store.reseal_all(|kind: &str, owner: &str, sealed: &Sealed| {
        let context = secrets::context_of(kind, owner);
        let plain = match old.map(|k| secrets::open(k, &context, sealed)) {
            Some(Ok(plain)) => {
                rotated.moved += 1;
                plain
            }
            _ => match secrets::open(new, &context, sealed) {
                Ok(plain) => {
                    rotated.already += 1;
                    plain
                }
                Err(_) => {
                    return Err(RotateError::Unopenable {
                        kind: kind.to_string(),
                        owner: owner.to_string(),
                    })
                }
            },
        };
        Ok(secrets::seal_fresh(new, &context, &plain)?)
    })?;
    Ok(rotated)
}

/// What the bot is allowed in a server, each with why (Discord permission bits).
pub const DISCORD_PERMISSIONS: [(&str, u64); 5] = [
    // Channels it posts digests to, and the linked customer channels it watches.
    ("View Channels", 1 << 10),
    // Scheduled posts, answers to mentions.
    ("Send Messages", 1 << 11),
    // Replies are embeds.
    ("Embed Links", 1 << 14),
    // Pictures (health trend, power grid, renewal timeline).
    ("Attach Files", 1 << 15),
    // Finding a post's marker after a restart (DECISIONS 5).
    ("Read Message History", 1 << 16),
];

/// The OAuth2 scopes of the invite: the bot user, and its slash commands.
pub const DISCORD_SCOPES: [&str; 2] = ["bot", "applications.commands"];

/// The invite link for the application `application_id`.
pub fn discord_invite_url(application_id: &str) -> String {
    let permissions: u64 = DISCORD_PERMISSIONS.iter().map(|(_, bit)| bit).sum();
    let mut link = url::Url::parse("https://discord.com/oauth2/authorize").expect("a valid URL");
    link.query_pairs_mut()
        .append_pair("client_id", application_id)
        .append_pair("scope", &DISCORD_SCOPES.join(" "))
        .append_pair("permissions", &permissions.to_string());
    link.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invite_asks_for_exactly_what_the_bot_uses() {
        let link = discord_invite_url("123456789012345678");
        assert_eq!(link, "https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot+applications.commands&permissions=117760");
    }
}
