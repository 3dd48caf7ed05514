//! Purpose: secrets Steward keeps to use again — a tenant's Zendesk signing secret, Slack
//! installations' tokens — sealed before they reach the database, so neither the store's
//! files nor a copy of them hold one in clear. (Installation tokens are sealed only under
//! `STEWARD_SECRET_KEY`, never the key file: see `slack::oauth`.)
//!
//! Sealing is ChaCha20-Poly1305 (ring's AEAD, already linked for TLS) under one 256-bit key:
//! `STEWARD_SECRET_KEY` (32 bytes as base64 or 64 hex characters), or, while that is unset,
//! the key file `steward.key` beside the database, made with mode 0600 the first time a
//! secret is sealed. Each sealing draws a fresh random 96-bit nonce (a few secrets per
//! tenant under one key are far from the 2^32 sealings at which random nonces would risk
//! repeating). What a value is for and whose it is (`zendesk`, the tenant) is bound in as
//! associated data, so a sealed value copied under another tenant's key does not open.
//!
//! A sealed value: version byte `1`, the 12-byte nonce, the ciphertext with its 16-byte tag.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use secrecy::{ExposeSecret, SecretString};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::domain::tenant::TenantId;

/// The environment variable that holds the key.
pub const KEY_VAR: &str = "STEWARD_SECRET_KEY";
/// The key file's name, beside the database, used while [`KEY_VAR`] is unset.
pub const KEY_FILE: &str = "steward.key";
/// Bytes in a key.
pub const KEY_BYTES: usize = 32;
const VERSION: u8 = 1;

/// Why a secret could not be sealed or opened. None of these carries a secret or a key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SecretsError {
    #[error("{origin} does not hold a 256-bit key: give 32 random bytes as base64 (e.g. `openssl rand -base64 32`) or as 64 hex characters")]
    BadKey { origin: String },
    #[error("there is no key to seal secrets with: set {KEY_VAR} (32 random bytes as base64, e.g. `openssl rand -base64 32`)")]
    NoKey,
    #[error("stored secrets cannot be opened: {KEY_VAR} is unset and the key file {path} is missing; set {KEY_VAR} to the key they were sealed with, or store them again")]
    KeyMissing { path: String },
    #[error("the key file {path} cannot be {doing} ({why}); fix its place or permissions, or set {KEY_VAR}")]
    KeyFile {
        path: String,
        doing: &'static str,
        why: String,
    },
    #[error("the system's random number generator failed ({0}); nothing was sealed")]
    Random(String),
    #[error("a stored secret does not open with this key ({KEY_VAR} or the key file changed since it was sealed); store the secret again")]
    WrongKey,
    #[error("a stored secret is damaged ({0}); store it again")]
    Damaged(&'static str),
}

/// The 256-bit key secrets are sealed with. Wiped from memory when dropped; `Debug` hides it.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<[u8; KEY_BYTES]>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey([REDACTED])")
    }
}

impl SecretKey {
    /// A key written as 64 hex characters or as base64 (standard or URL-safe alphabet,
    /// padded or not) of exactly 32 bytes; `origin` names where it came from in the error,
    /// which never repeats the text.
    pub fn parse(text: &str, origin: &str) -> Result<SecretKey, SecretsError> {
        use base64::engine::general_purpose::{
            STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
        };
        let text = text.trim();
        let decoded = if text.len() == 2 * KEY_BYTES && text.bytes().all(|b| b.is_ascii_hexdigit())
        {
            hex::decode(text).ok()
        } else {
            [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                .iter()
                .find_map(|engine| engine.decode(text).ok())
        };
        let decoded = Zeroizing::new(decoded.unwrap_or_default());
        let bytes: [u8; KEY_BYTES] =
            decoded
                .as_slice()
                .try_into()
                .map_err(|_| SecretsError::BadKey {
                    origin: origin.to_string(),
                })?;
        Ok(SecretKey(Zeroizing::new(bytes)))
    }

    fn aead(&self) -> Result<LessSafeKey, SecretsError> {
        UnboundKey::new(&CHACHA20_POLY1305, self.0.as_slice())
            .map(LessSafeKey::new)
            .map_err(|_| SecretsError::Damaged("the key has the wrong length"))
    }
}

/// A sealed secret, as stored. Holds nothing readable without the key; `Debug` shows only
/// its length.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(Vec<u8>);

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealed({} bytes)", self.0.len())
    }
}

impl Sealed {
    /// A sealed value read back from the database.
    pub fn from_bytes(bytes: Vec<u8>) -> Sealed {
        Sealed(bytes)
    }

    /// What is stored.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// What a sealed value is bound to: its kind (`zendesk`) and its tenant.
pub fn context(kind: &str, tenant: &TenantId) -> Vec<u8> {
    context_of(kind, tenant.as_str())
}

/// What a sealed value is bound to: its kind (`slack-bot`) and its owner (a tenant, or a
/// Slack installation's `ENTERPRISE:TEAM`, which may serve several tenants).
pub fn context_of(kind: &str, owner: &str) -> Vec<u8> {
    format!("steward\0{kind}\0{owner}").into_bytes()
}

/// Seals `secret` under `key` for `context` with a fresh random nonce.
pub fn seal_fresh(
    key: &SecretKey,
    context: &[u8],
    secret: &SecretString,
) -> Result<Sealed, SecretsError> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|e| SecretsError::Random(e.to_string()))?;
    seal(key, context, secret, nonce)
}

/// Seals `secret` under `key` for `context`, with `nonce` (which must never repeat under a
/// key: the caller draws it at random).
pub fn seal(
    key: &SecretKey,
    context: &[u8],
    secret: &SecretString,
    nonce: [u8; NONCE_LEN],
) -> Result<Sealed, SecretsError> {
    let mut in_out = secret.expose_secret().as_bytes().to_vec();
    key.aead()?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(context),
            &mut in_out,
        )
        .map_err(|_| SecretsError::Damaged("the secret is too long to seal"))?;
    let mut sealed = Vec::with_capacity(1 + NONCE_LEN + in_out.len());
    sealed.push(VERSION);
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&in_out);
    Ok(Sealed(sealed))
}

/// The secret `sealed` holds, if it was sealed under `key` for `context`.
pub fn open(
    key: &SecretKey,
    context: &[u8],
    sealed: &Sealed,
) -> Result<SecretString, SecretsError> {
    let (version, rest) = sealed
        .0
        .split_first()
        .ok_or(SecretsError::Damaged("empty"))?;
    if *version != VERSION {
        return Err(SecretsError::Damaged("unknown format version"));
    }
    let (nonce, ciphertext) = rest
        .split_at_checked(NONCE_LEN)
        .ok_or(SecretsError::Damaged("too short"))?;
    let nonce: [u8; NONCE_LEN] = nonce
        .try_into()
        .map_err(|_| SecretsError::Damaged("too short"))?;
    let mut in_out = Zeroizing::new(ciphertext.to_vec());
    let plain = key
        .aead()?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(context),
            &mut in_out,
        )
        .map_err(|_| SecretsError::WrongKey)?;
    let text = std::str::from_utf8(plain).map_err(|_| SecretsError::Damaged("not UTF-8"))?;
    Ok(SecretString::from(text.to_string()))
}

/// Where the key comes from, loaded on first need and kept for the process's life.
pub struct Keyring {
    source: Source,
    loaded: OnceLock<SecretKey>,
}

enum Source {
    /// `STEWARD_SECRET_KEY`.
    Given(SecretKey),
    /// The key file; made when a secret is first sealed.
    File(PathBuf),
    /// Neither (an app made without a database path): nothing can be sealed.
    Nothing,
}

impl Keyring {
    /// The key from `STEWARD_SECRET_KEY` when given, else the key file beside the database
    /// at `db`.
    pub fn new(given: Option<SecretKey>, db: &Path) -> Keyring {
        let source = match given {
            Some(key) => Source::Given(key),
            None => Source::File(key_file_beside(db)),
        };
        Keyring {
            source,
            loaded: OnceLock::new(),
        }
    }

    /// No key at all: sealing and opening fail with a message naming `STEWARD_SECRET_KEY`.
    pub fn none() -> Keyring {
        Keyring {
            source: Source::Nothing,
            loaded: OnceLock::new(),
        }
    }

    /// Seals `secret` for `context` with a random nonce; makes the key file if it is needed
    /// and missing.
    pub fn seal(&self, context: &[u8], secret: &SecretString) -> Result<Sealed, SecretsError> {
        seal_fresh(self.key(true)?, context, secret)
    }

    /// Opens a sealed secret; never makes a key (a new one could open nothing).
    pub fn open(&self, context: &[u8], sealed: &Sealed) -> Result<SecretString, SecretsError> {
        open(self.key(false)?, context, sealed)
    }

    fn key(&self, create: bool) -> Result<&SecretKey, SecretsError> {
        if let Some(key) = self.loaded.get() {
            return Ok(key);
        }
        let key = match &self.source {
            Source::Given(key) => key.clone(),
            Source::File(path) => read_or_make(path, create)?,
            Source::Nothing => return Err(SecretsError::NoKey),
        };
        // Another thread may have loaded it meanwhile: the same file, the same key.
        Ok(self.loaded.get_or_init(|| key))
    }
}

/// `steward.key` in the directory that holds the database directory `db`.
pub fn key_file_beside(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new("")).join(KEY_FILE)
}

fn read_or_make(path: &Path, create: bool) -> Result<SecretKey, SecretsError> {
    let shown = path.display().to_string();
    let failed = |doing: &'static str, e: std::io::Error| SecretsError::KeyFile {
        path: shown.clone(),
        doing,
        why: e.to_string(),
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let text = Zeroizing::new(text);
            SecretKey::parse(&text, &format!("the key file {shown}"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => match make(path) {
            Ok(key) => Ok(key),
            // Made by another process or thread in between: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_or_make(path, false),
            Err(e) => Err(failed("created", e)),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(SecretsError::KeyMissing { path: shown })
        }
        Err(e) => Err(failed("read", e)),
    }
}

/// A new random key in a new file, readable by its owner only, on disk before it is used
/// (a secret sealed under a key that a crash then lost could never be opened).
fn make(path: &Path) -> std::io::Result<SecretKey> {
    let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
    getrandom::fill(bytes.as_mut_slice()).map_err(std::io::Error::other)?;
    let text = Zeroizing::new(format!(
        "{}\n",
        base64::engine::general_purpose::STANDARD.encode(bytes.as_slice())
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The new directory entry is durable too; not every platform can open a directory.
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(SecretKey(bytes))
}

#[cfg(test)]
mod tests;
