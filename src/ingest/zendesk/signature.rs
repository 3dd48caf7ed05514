//! Purpose: whether a request really comes from the tenant's Zendesk webhook, as Zendesk
//! documents it ("Verifying webhook authenticity",
//! <https://developer.zendesk.com/documentation/webhooks/verifying/>): the header
//! `X-Zendesk-Webhook-Signature` is base64(HMAC-SHA256(signing secret, timestamp + body)),
//! the timestamp being the header `X-Zendesk-Webhook-Signature-Timestamp` as sent
//! (`2026-11-23T10:15:00Z`). We also refuse a timestamp more than 5 minutes from our clock,
//! either way, so a captured request cannot be replayed later.
//!
//! Pure: the time is an argument. Nothing here logs; a refusal's `Display` names its kind,
//! never a value.

use axum::http::HeaderMap;
use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub const SIGNATURE_HEADER: &str = "x-zendesk-webhook-signature";
pub const TIMESTAMP_HEADER: &str = "x-zendesk-webhook-signature-timestamp";
/// How far a request's timestamp may be from our clock, either way.
pub const MAX_SKEW: TimeDelta = TimeDelta::minutes(5);

/// Why a request was refused (all answered alike: 401, saying nothing of which).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("signature or timestamp header missing")]
    Missing,
    #[error("timestamp malformed or more than 5 minutes off")]
    Stale,
    #[error("no Zendesk secret for the tenant named")]
    Unknown,
    #[error("signature does not match")]
    Mismatch,
}

/// The two headers a signed request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signed<'a> {
    pub timestamp: &'a str,
    pub signature: &'a str,
}

/// The signature headers, when both are there (and readable as text).
pub fn headers(headers: &HeaderMap) -> Result<Signed<'_>, Refusal> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match (get(TIMESTAMP_HEADER), get(SIGNATURE_HEADER)) {
        (Some(timestamp), Some(signature)) if !signature.is_empty() => Ok(Signed {
            timestamp,
            signature,
        }),
        _ => Err(Refusal::Missing),
    }
}

/// The signed time, if it is an RFC 3339 instant within [`MAX_SKEW`] of `now`.
pub fn fresh(timestamp: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, Refusal> {
    let at = DateTime::parse_from_rfc3339(timestamp.trim())
        .map_err(|_| Refusal::Stale)?
        .with_timezone(&Utc);
    if now.signed_duration_since(at).abs() > MAX_SKEW {
        return Err(Refusal::Stale);
    }
    Ok(at)
}

/// base64(HMAC-SHA256(secret, timestamp + body)): what Zendesk sends for `body` signed at
/// `timestamp` (the key is the secret's text as Zendesk shows it, not base64-decoded).
pub fn signature(secret: &SecretString, timestamp: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail; an empty MAC would match nothing.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.expose_secret().as_bytes())
    else {
        return String::new();
    };
    mac.update(timestamp.as_bytes());
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `signed.signature` is the signature of `body` at `signed.timestamp`, compared in
/// constant time.
pub fn verify(secret: &SecretString, signed: &Signed, body: &[u8]) -> Result<(), Refusal> {
    if secret.expose_secret().is_empty() {
        return Err(Refusal::Mismatch);
    }
    let expected = signature(secret, signed.timestamp, body);
    // Constant time over equal lengths; a length difference alone says nothing secret.
    let same: bool = expected
        .as_bytes()
        .ct_eq(signed.signature.trim().as_bytes())
        .into();
    if same {
        Ok(())
    } else {
        Err(Refusal::Mismatch)
    }
}
