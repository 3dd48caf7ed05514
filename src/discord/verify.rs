//! Purpose: the door of the HTTP interactions endpoint — a body over 64 KiB is refused (413)
//! and every request's Ed25519 signature over `timestamp + body` is checked with serenity's
//! `interactions_endpoint::Verifier` before anything is parsed (401 otherwise). Discord sends
//! requests with invalid signatures on purpose and drops endpoints that accept them.
//!
//! serenity's verifier checks the signature only (serenity 0.12.5
//! `src/interactions_endpoint.rs`); the 5-minute window on `X-Signature-Timestamp`
//! (INTERFACE.md) is checked here, against the adapter's clock, so a captured request cannot
//! be replayed later.

use serenity::interactions_endpoint::Verifier;

use super::Clock;

/// The largest body read; Discord's interaction payloads are far smaller.
pub const MAX_BODY: usize = 64 * 1024;
/// How far `X-Signature-Timestamp` may be from now, either way.
pub const WINDOW_SECS: i64 = 300;

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 401: missing or wrong signature, or a stale or unreadable timestamp.
    Unauthorized,
}

pub struct Door {
    verifier: Verifier,
    clock: Clock,
}

impl Door {
    /// From `DISCORD_PUBLIC_KEY` (64 hex digits).
    pub fn new(public_key: &str, clock: Clock) -> Result<Door, String> {
        let bad = |why: String| format!("DISCORD_PUBLIC_KEY is invalid: {why}");
        let bytes: [u8; 32] = hex::decode(public_key.trim())
            .map_err(|e| bad(e.to_string()))?
            .try_into()
            .map_err(|_| bad("it must be 64 hex digits (32 bytes)".into()))?;
        // `Verifier::new` panics on a bad key; `try_new` reports it.
        let verifier = Verifier::try_new(bytes).map_err(|e| bad(e.to_string()))?;
        Ok(Door { verifier, clock })
    }

    /// Checks the signature headers against the raw body.
    pub fn check(
        &self,
        signature: Option<&str>,
        timestamp: Option<&str>,
        body: &[u8],
    ) -> Result<(), Refusal> {
        let (Some(signature), Some(timestamp)) = (signature, timestamp) else {
            return Err(Refusal::Unauthorized);
        };
        let sent: i64 = timestamp
            .trim()
            .parse()
            .map_err(|_| Refusal::Unauthorized)?;
        // `abs_diff` is exact for every pair of `i64`s: `(now - sent).abs()` overflowed (a
        // panic with overflow checks, before the signature was even looked at) for a
        // timestamp near `i64::MIN`, and wrapped into the window without them.
        if (self.clock)().timestamp().abs_diff(sent) > WINDOW_SECS.unsigned_abs() {
            return Err(Refusal::Unauthorized);
        }
        self.verifier
            .verify(signature, timestamp, body)
            .map_err(|()| Refusal::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use std::sync::Arc;

    // RFC 8032's first test key; valid signatures are tested in tests/discord.rs.
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn door(at: i64) -> Door {
        let now = Utc.timestamp_opt(at, 0).single().expect("valid");
        Door::new(PUBLIC, Arc::new(move || now)).expect("valid key")
    }

    #[test]
    fn keys_are_checked_at_start() {
        assert!(Door::new("zz", Arc::new(Utc::now)).is_err());
        assert!(Door::new("abcd", Arc::new(Utc::now)).is_err());
        assert!(Door::new(PUBLIC, Arc::new(Utc::now)).is_ok());
    }

    #[test]
    fn extreme_timestamps_are_refused_not_a_panic() {
        let d = door(1_700_000_000);
        let sig = "00".repeat(64);
        for ts in [
            i64::MIN.to_string(),
            (i64::MIN + 1).to_string(),
            1_700_000_000i64.wrapping_sub(i64::MIN).to_string(),
            (1_700_000_000 + i64::MIN).to_string(),
            i64::MAX.to_string(),
            "99999999999999999999999999".into(),
            "9".repeat(10_000),
            "NaN".into(),
            "1.7e9".into(),
            "".into(),
        ] {
            assert_eq!(
                d.check(Some(&sig), Some(&ts), b"{}"),
                Err(Refusal::Unauthorized),
                "{ts:?}"
            );
        }
    }

    #[test]
    fn missing_stale_or_garbled_headers_are_refused() {
        let d = door(1_700_000_000);
        let sig = "00".repeat(64);
        assert_eq!(
            d.check(None, Some("1700000000"), b"{}"),
            Err(Refusal::Unauthorized)
        );
        assert_eq!(d.check(Some(&sig), None, b"{}"), Err(Refusal::Unauthorized));
        assert_eq!(
            d.check(Some(&sig), Some("soon"), b"{}"),
            Err(Refusal::Unauthorized)
        );
        assert_eq!(
            d.check(Some(&sig), Some("1699999000"), b"{}"),
            Err(Refusal::Unauthorized)
        );
        assert_eq!(
            d.check(Some("xyz"), Some("1700000000"), b"{}"),
            Err(Refusal::Unauthorized)
        );
        assert_eq!(
            d.check(Some(&sig), Some("1700000000"), b"{}"),
            Err(Refusal::Unauthorized)
        );
    }
}
