//! Purpose: who may read (DECISIONS 21) — account data is for the team: guests (multi- and
//! single-channel, `is_restricted` / `is_ultra_restricted`) and users of another organization
//! (Slack Connect: `is_stranger`, or a home team outside the workspace and its enterprise) are
//! refused. Decided from `users.info`, cached a few minutes per user; when Slack cannot be
//! asked, the answer is no (fail closed).

use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::api::{Api, ApiError};
use super::Origin;

/// How long a `users.info` answer is trusted.
pub const CACHE_FOR: Duration = Duration::from_secs(300);

/// What a user may do with Steward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Member,
    Guest,
    /// A user of another organization (a shared channel).
    Foreign,
}

impl Access {
    /// The answer a refused user gets; `None` for members.
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            Access::Member => None,
            Access::Guest => Some("Steward's account data is for the team's full members; guest accounts cannot use it."),
            Access::Foreign => Some("Steward answers members of this workspace's organization only, not users of a shared channel's other organizations."),
        }
    }
}

/// Decides a user's access from a `users.info` answer, for a request made in `team` (and
/// `enterprise`, when the workspace is part of one).
pub fn judge(user: &Value, team: &str, enterprise: Option<&str>) -> Access {
    let flag = |name: &str| user[name].as_bool().unwrap_or(false);
    if flag("is_stranger") {
        return Access::Foreign;
    }
    let home_team = user["team_id"].as_str().unwrap_or(team);
    let home_enterprise = user["enterprise_user"]["enterprise_id"]
        .as_str()
        .or(user["enterprise_id"].as_str());
    let same_org = home_team == team
        || enterprise.is_some_and(|e| !e.is_empty() && home_enterprise == Some(e));
    if !same_org {
        return Access::Foreign;
    }
    if flag("is_restricted") || flag("is_ultra_restricted") {
        return Access::Guest;
    }
    Access::Member
}

/// `users.info` answers, cached per (team, user).
pub struct Gate {
    ttl: Duration,
    cache: Mutex<HashMap<(String, String), (Access, Instant)>>,
}

impl Gate {
    pub fn new(ttl: Duration) -> Self {
        Gate {
            ttl,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The access of the user behind `origin`.
    pub async fn check(&self, api: &Api, origin: &Origin) -> Result<Access, ApiError> {
        let key = (origin.team.clone(), origin.user.clone());
        if let Some((access, at)) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            if at.elapsed() < self.ttl {
                return Ok(*access);
            }
        }
        let answer = api
            .get("users.info", &[("user", origin.user.clone())])
            .await?;
        let access = judge(&answer["user"], &origin.team, origin.enterprise.as_deref());
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() > 10_000 {
            let ttl = self.ttl;
            cache.retain(|_, (_, at)| at.elapsed() < ttl);
        }
        cache.insert(key, (access, Instant::now()));
        Ok(access)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_guests_and_strangers() {
        assert_eq!(
            judge(&json!({"id": "U1", "team_id": "T1"}), "T1", None),
            Access::Member
        );
        assert_eq!(
            judge(&json!({"team_id": "T1", "is_restricted": true}), "T1", None),
            Access::Guest
        );
        assert_eq!(
            judge(
                &json!({"team_id": "T1", "is_ultra_restricted": true}),
                "T1",
                None
            ),
            Access::Guest
        );
        assert_eq!(
            judge(&json!({"team_id": "T9"}), "T1", None),
            Access::Foreign
        );
        assert_eq!(
            judge(&json!({"team_id": "T1", "is_stranger": true}), "T1", None),
            Access::Foreign
        );
        // Another workspace of the same enterprise is the same organization.
        let grid = json!({"team_id": "T2", "enterprise_user": {"enterprise_id": "E1"}});
        assert_eq!(judge(&grid, "T1", Some("E1")), Access::Member);
        assert_eq!(judge(&grid, "T1", Some("E9")), Access::Foreign);
    }
}
