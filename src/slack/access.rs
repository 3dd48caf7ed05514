//! Purpose: who may read (DECISIONS 21) — account data is for the team: guests (multi- and
//! single-channel, `is_restricted` / `is_ultra_restricted`) and users of another organization
//! (Slack Connect: `is_stranger`, or a home team outside the workspace and its enterprise) are
//! refused. Decided from `users.info`, cached a few minutes per user and fetched once however
//! many requests wait for it (a burst of a user's first commands makes one call); when Slack
//! cannot be asked, the answer is no (fail closed), and the user is told why.

use moka::future::Cache;
use serde_json::Value;
use std::time::Duration;

use super::api::{Api, ApiError};
use super::Origin;

/// How long a `users.info` answer is trusted.
pub const CACHE_FOR: Duration = Duration::from_secs(300);
/// Users whose access is remembered at once; the least used are forgotten first.
const MAX_CACHED_USERS: u64 = 10_000;

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

/// What a user is told when their access could not be checked.
pub fn unavailable(error: &ApiError) -> String {
    match error {
        ApiError::RateLimited(wait) => format!(
            "Slack is rate-limiting Steward, try again in {} s.",
            wait.as_millis().div_ceil(1000).max(1)
        ),
        _ => {
            "Steward could not check your access with Slack just now; please try again in a moment."
                .into()
        }
    }
}

/// A user's display name from a `users.info` answer: the profile's display name, else the
/// real name, else the handle.
pub fn display_name(user: &Value) -> Option<String> {
    [
        &user["profile"]["display_name"],
        &user["real_name"],
        &user["profile"]["real_name"],
        &user["name"],
    ]
    .into_iter()
    .filter_map(|v| v.as_str())
    .map(str::trim)
    .find(|s| !s.is_empty())
    .map(str::to_string)
}

/// What one `users.info` answer told: the user's access, and their name.
#[derive(Debug, Clone)]
struct Known {
    access: Access,
    name: Option<String>,
}

/// `users.info` answers, cached per (team, user). A failed look-up is not cached.
pub struct Gate {
    cache: Cache<(String, String), Known>,
}

impl Gate {
    pub fn new(ttl: Duration) -> Self {
        Gate {
            cache: Cache::builder()
                .max_capacity(MAX_CACHED_USERS)
                .time_to_live(ttl)
                .build(),
        }
    }

    /// The access of the user behind `origin`. Concurrent checks of a user not yet cached
    /// share one `users.info` call (moka's `try_get_with` runs one initialiser per key and
    /// hands its result to every waiter; an error is returned to all of them, not cached).
    pub async fn check(&self, api: &Api, origin: &Origin) -> Result<Access, ApiError> {
        self.known(api, origin).await.map(|k| k.access)
    }

    /// The display name of the user behind `origin` (the same cached `users.info` answer
    /// access is decided from); `None` when Slack gave none or could not be asked.
    pub async fn name(&self, api: &Api, origin: &Origin) -> Option<String> {
        self.known(api, origin).await.ok().and_then(|k| k.name)
    }

    async fn known(&self, api: &Api, origin: &Origin) -> Result<Known, ApiError> {
        let key = (origin.team.clone(), origin.user.clone());
        self.cache
            .try_get_with(key, async {
                let answer = api
                    .get("users.info", &[("user", origin.user.clone())])
                    .await?;
                Ok(Known {
                    access: judge(&answer["user"], &origin.team, origin.enterprise.as_deref()),
                    name: display_name(&answer["user"]),
                })
            })
            .await
            .map_err(|error: std::sync::Arc<ApiError>| (*error).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_rate_limit_says_when_to_try_again() {
        assert_eq!(
            unavailable(&ApiError::RateLimited(Duration::from_millis(29_100))),
            "Slack is rate-limiting Steward, try again in 30 s."
        );
        assert_eq!(
            unavailable(&ApiError::RateLimited(Duration::ZERO)),
            "Slack is rate-limiting Steward, try again in 1 s."
        );
        assert!(unavailable(&ApiError::Status(503)).contains("could not check your access"));
    }

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
