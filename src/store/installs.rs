//! Purpose: Slack installations and OAuth `state`s in the store. An installation is keyed
//! like Bolt's installation store — (enterprise id, team id), an org-wide Enterprise Grid
//! install by its enterprise alone — and holds its tokens only sealed ([`Sealed`]: the store
//! never sees them in clear, and they are never exported). A `state` is stored by its SHA-256
//! until it is used once or expires, so it survives a restart and several replicas share it.
//!
//! Installations and states live under `meta`, outside every tenant: they are found before a
//! tenant is known (an org-wide install serves every workspace of its organization).

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::backend::WriteBatch;
use super::record::{decode, encode};
use super::{keys, Store, StoreError};
use crate::secrets::Sealed;

/// A Slack app installed in a workspace, or org-wide in an Enterprise Grid organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installation {
    pub enterprise_id: Option<String>,
    /// `None` for an org-wide install.
    pub team_id: Option<String>,
    pub enterprise_name: Option<String>,
    pub team_name: Option<String>,
    pub app_id: String,
    pub bot_user_id: String,
    /// The bot scopes granted, comma-separated as Slack returns them.
    pub scopes: String,
    /// Who installed it (`authed_user.id`): told by DM when it must be installed again.
    pub installer: String,
    pub installed_at: DateTime<Utc>,
    #[serde(with = "sealed_text")]
    pub bot_token: Sealed,
    /// With token rotation on: the refresh token, and when the bot token expires.
    #[serde(default, with = "sealed_option")]
    pub refresh_token: Option<Sealed>,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Slack refused to refresh its token (`invalid_grant`): someone must install it again.
    #[serde(default)]
    pub needs_reinstall: bool,
}

impl Installation {
    /// Its key's parts: (enterprise, team).
    pub fn key(&self) -> (Option<&str>, Option<&str>) {
        (self.enterprise_id.as_deref(), self.team_id.as_deref())
    }

    /// What its sealed tokens are bound to (see [`crate::secrets::context_of`]):
    /// `ENTERPRISE:TEAM`, either part possibly empty.
    pub fn owner(&self) -> String {
        owner(self.enterprise_id.as_deref(), self.team_id.as_deref())
    }
}

/// The owner name tokens of the installation (enterprise, team) are sealed for.
pub fn owner(enterprise: Option<&str>, team: Option<&str>) -> String {
    format!(
        "{}:{}",
        enterprise.unwrap_or_default(),
        team.unwrap_or_default()
    )
}

/// A `state` handed out by the install page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthState {
    pub created: DateTime<Utc>,
}

/// Why a `state` was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateRefusal {
    /// Never handed out, or used already (and so deleted).
    Unknown,
    /// Used by another request at the same moment.
    Replayed,
    /// Older than its lifetime.
    Expired,
}

impl Store {
    /// The installation stored under exactly (enterprise, team).
    pub fn installation(
        &self,
        enterprise: Option<&str>,
        team: Option<&str>,
    ) -> Result<Option<Installation>, StoreError> {
        self.read(&keys::slack_install(enterprise, team))
    }

    /// The installation that serves `team` (of `enterprise`): the workspace's own, else its
    /// organization's org-wide install.
    pub fn installation_for(
        &self,
        enterprise: Option<&str>,
        team: &str,
    ) -> Result<Option<Installation>, StoreError> {
        if let Some(install) = self.installation(enterprise, Some(team))? {
            return Ok(Some(install));
        }
        match enterprise {
            Some(enterprise) => self.installation(Some(enterprise), None),
            None => Ok(None),
        }
    }

    /// Stores (or replaces) an installation, durably.
    pub fn put_installation(&self, install: &Installation) -> Result<(), StoreError> {
        let (enterprise, team) = install.key();
        let mut batch = WriteBatch::default();
        batch.put(keys::slack_install(enterprise, team), encode(install)?);
        self.backend.apply(batch)
    }

    /// Deletes the installation under exactly (enterprise, team), its tokens with it;
    /// whether there was one.
    pub fn delete_installation(
        &self,
        enterprise: Option<&str>,
        team: Option<&str>,
    ) -> Result<bool, StoreError> {
        let key = keys::slack_install(enterprise, team);
        if self.backend.get(&key)?.is_none() {
            return Ok(false);
        }
        let mut batch = WriteBatch::default();
        batch.delete(key);
        self.backend.apply(batch)?;
        Ok(true)
    }

    /// Every installation, in key order.
    pub fn installations(&self) -> Result<Vec<Installation>, StoreError> {
        self.scan(&keys::slack_installs())
    }

    /// Keeps a `state` (by its SHA-256 hex) handed out at `created`.
    pub fn put_oauth_state(&self, digest: &str, created: DateTime<Utc>) -> Result<(), StoreError> {
        let mut batch = WriteBatch::default();
        batch.put(keys::oauth_state(digest), encode(&OAuthState { created })?);
        self.backend.apply(batch)
    }

    /// How many `state`s are waiting to be used (expired ones included until pruned).
    pub fn oauth_states_waiting(&self) -> Result<usize, StoreError> {
        self.backend.count_prefix(&keys::oauth_states())
    }

    /// Uses a `state` once: accepted only if it was handed out after `not_before` and no
    /// other request used it; it is deleted either way, so it never counts twice. The claim
    /// stays until it is pruned, so a request that read the state just before another used
    /// it finds the claim taken.
    pub fn take_oauth_state(
        &self,
        digest: &str,
        not_before: DateTime<Utc>,
    ) -> Result<Result<(), StateRefusal>, StoreError> {
        let key = keys::oauth_state(digest);
        let Some(bytes) = self.backend.get(&key)? else {
            return Ok(Err(StateRefusal::Unknown));
        };
        let state: OAuthState = decode(&key, &bytes)?;
        let used = keys::oauth_state_used(digest);
        if !self.backend.insert_if_absent(&used, encode(&state)?)? {
            return Ok(Err(StateRefusal::Replayed));
        }
        let mut batch = WriteBatch::default();
        batch.delete(key);
        self.backend.apply(batch)?;
        if state.created < not_before {
            return Ok(Err(StateRefusal::Expired));
        }
        Ok(Ok(()))
    }

    /// Deletes the `state`s (and claims of used ones) handed out before `before`; how many.
    pub fn prune_oauth_states(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut batch = WriteBatch::default();
        let mut pruned = 0;
        let states = self.backend.scan_prefix(&keys::oauth_states())?;
        let claims = self.backend.scan_prefix(&keys::oauth_state_used(""))?;
        for (key, bytes) in states.into_iter().chain(claims) {
            let state: OAuthState = decode(&key, &bytes)?;
            if state.created < before {
                batch.delete(key);
                pruned += 1;
            }
        }
        if !batch.is_empty() {
            self.backend.apply(batch)?;
        }
        Ok(pruned)
    }
}

/// Sealed bytes as base64 text inside the JSON record.
mod sealed_text {
    use super::*;

    pub fn serialize<S: serde::Serializer>(sealed: &Sealed, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(sealed.as_bytes()))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Sealed, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Sealed::from_bytes)
            .map_err(serde::de::Error::custom)
    }
}

mod sealed_option {
    use super::*;

    pub fn serialize<S: serde::Serializer>(
        sealed: &Option<Sealed>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match sealed {
            Some(sealed) => sealed_text::serialize(sealed, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Sealed>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => base64::engine::general_purpose::STANDARD
                .decode(text)
                .map(|bytes| Some(Sealed::from_bytes(bytes)))
                .map_err(serde::de::Error::custom),
        }
    }
}
