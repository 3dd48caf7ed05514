//! Purpose: write keys for the events API (INGEST.md, "Write keys") — what a key looks like
//! (`stw_` and 27 base62 characters: 160 random bits), the only form it is stored in (its
//! SHA-256, hex), the visible prefix, the stored record and usage, and what a key name may be.
//! Pure: the random bytes come from the caller (the app draws them from the OS).

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::DomainError;
use super::person::UserId;
use super::tenant::TenantId;

/// What every key starts with, so a leaked one is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "stw_";
/// Random bytes in a key: 160 bits, so even with the visible prefix known (4 base62
/// characters, about 24 bits) more than 128 bits stay secret.
pub const KEY_BYTES: usize = 20;
/// Base62 characters after `stw_`: the fewest that hold [`KEY_BYTES`] (62^27 > 2^160).
pub const BODY_CHARS: usize = 27;
/// Characters of a key kept and shown to tell keys apart (`stw_AbCd`).
pub const VISIBLE_CHARS: usize = 8;
/// The longest key name.
pub const MAX_NAME_CHARS: usize = 80;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A write key in clear. It exists only between being made and being shown once; `Debug`
/// never prints it.
pub struct WriteKey(SecretString);

impl WriteKey {
    /// The key for `random` bytes (which must come from a CSPRNG).
    pub fn from_random(random: &[u8; KEY_BYTES]) -> WriteKey {
        WriteKey(SecretString::from(format!(
            "{KEY_PREFIX}{}",
            base62(random, BODY_CHARS)
        )))
    }

    /// The key itself, for the one reply that shows it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The first characters, kept to tell keys apart: `stw_AbCd`.
    pub fn prefix(&self) -> String {
        self.expose().chars().take(VISIBLE_CHARS).collect()
    }

    /// What is stored instead of the key.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.expose().as_bytes()))
    }
}

impl std::fmt::Debug for WriteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WriteKey({}…)", self.prefix())
    }
}

/// The stored digest of a key someone presented; `None` when it cannot be one of Steward's
/// keys (wrong prefix, length or characters), so nothing is looked up for it.
pub fn digest_of(presented: &str) -> Option<String> {
    let body = presented.strip_prefix(KEY_PREFIX)?;
    let well_formed = body.len() == BODY_CHARS && body.bytes().all(|b| b.is_ascii_alphanumeric());
    well_formed.then(|| hex::encode(Sha256::digest(presented.as_bytes())))
}

/// `bytes` as a big-endian number in exactly `width` base62 digits (leading zeros kept, so
/// every key has the same length).
fn base62(bytes: &[u8], width: usize) -> String {
    let mut number = bytes.to_vec();
    let mut digits = Vec::with_capacity(width);
    for _ in 0..width {
        // Long division of the whole number by 62; the remainder is the next digit.
        let mut remainder = 0u16;
        for byte in number.iter_mut() {
            let value = (remainder << 8) | u16::from(*byte);
            // `value` < 62 × 256, so the quotient fits a byte.
            *byte = u8::try_from(value / 62).unwrap_or(u8::MAX);
            remainder = value % 62;
        }
        digits.push(char::from(BASE62[usize::from(remainder)]));
    }
    digits.iter().rev().collect()
}

/// A tenant's write key as stored under the tenant: never the key, only its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteKeyRecord {
    /// Unique within the tenant (any case); spelling as given.
    pub name: String,
    /// The key's first [`VISIBLE_CHARS`] characters.
    pub prefix: String,
    /// SHA-256 of the key, hex.
    pub digest: String,
    pub created_at: DateTime<Utc>,
    pub created_by: UserId,
}

impl WriteKeyRecord {
    /// A record for a freshly made key.
    pub fn new(name: &str, key: &WriteKey, now: DateTime<Utc>, by: &UserId) -> Self {
        WriteKeyRecord {
            name: name.to_string(),
            prefix: key.prefix(),
            digest: key.digest(),
            created_at: now,
            created_by: by.clone(),
        }
    }

    /// How the key is named in replies and the audit trail: `prod (stw_AbCd…)`.
    pub fn shown(&self) -> String {
        format!("{} ({}…)", self.name, self.prefix)
    }
}

/// Whose a presented key is: what the global index holds for a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteKeyOwner {
    pub tenant: TenantId,
    /// The key's name as its record spells it.
    pub name: String,
}

/// How a write key has been used, kept apart from the key's record so the events API can
/// update it in its own write batch. A missing record reads as never used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WriteKeyUsage {
    pub last_used: Option<DateTime<Utc>>,
    /// Events received with the key.
    pub events: u64,
}

/// A key name as given, trimmed; refused when empty or too long.
pub fn check_name(name: &str) -> Result<String, DomainError> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(DomainError::invalid(
            "NAME",
            format!("a key name has 1–{MAX_NAME_CHARS} characters, not {chars}"),
            "/steward apikey create \"Segment prod\"",
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_look_alike_and_differ_by_their_random_bytes() {
        let zero = WriteKey::from_random(&[0; KEY_BYTES]);
        assert_eq!(zero.expose(), format!("stw_{}", "0".repeat(BODY_CHARS)));
        let max = WriteKey::from_random(&[0xff; KEY_BYTES]);
        // 2^160 - 1 in base62, worked out independently (Python: a loop of divmod by 62).
        assert_eq!(max.expose(), "stw_aWgEPTl1tmebfsQzFP4bxwgy80V");
        let one = WriteKey::from_random(&{
            let mut b = [0; KEY_BYTES];
            b[KEY_BYTES - 1] = 61;
            b
        });
        assert_eq!(one.expose(), format!("stw_{}z", "0".repeat(BODY_CHARS - 1)));
        for key in [&zero, &max, &one] {
            assert_eq!(key.expose().len(), KEY_PREFIX.len() + BODY_CHARS);
            assert!(digest_of(key.expose()).is_some());
        }
    }

    #[test]
    fn only_the_digest_and_prefix_are_kept_and_debug_hides_the_key() {
        let key = WriteKey::from_random(&[7; KEY_BYTES]);
        let record = WriteKeyRecord::new("prod", &key, Utc::now(), &UserId("U1".into()));
        assert_eq!(record.prefix, &key.expose()[..8]);
        assert_eq!(Some(record.digest.clone()), digest_of(key.expose()));
        assert_eq!(record.digest.len(), 64);
        let stored = serde_json::to_string(&record).expect("serialises");
        assert!(!stored.contains(key.expose()), "{stored}");
        let debug = format!("{key:?}");
        assert!(!debug.contains(key.expose()), "{debug}");
        assert_eq!(record.shown(), format!("prod ({}…)", record.prefix));
    }

    #[test]
    fn malformed_keys_have_no_digest() {
        let good = WriteKey::from_random(&[9; KEY_BYTES]);
        let good = good.expose();
        let short = &good[..good.len() - 1];
        let long = format!("{good}0");
        let other_prefix = good.replacen("stw_", "sk_x", 1);
        let odd_char = format!("{short}-");
        let non_ascii = format!("{short}é");
        for bad in [
            "",
            "stw_",
            short,
            &long,
            &other_prefix,
            &odd_char,
            &non_ascii,
        ] {
            assert_eq!(digest_of(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            check_name("  Segment “prod” 🚀 "),
            Ok("Segment “prod” 🚀".into())
        );
        assert!(check_name("   ").is_err());
        assert!(check_name(&"é".repeat(MAX_NAME_CHARS)).is_ok());
        assert!(check_name(&"é".repeat(MAX_NAME_CHARS + 1)).is_err());
    }
}
