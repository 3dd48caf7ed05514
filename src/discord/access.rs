//! Purpose: who may use Steward on Discord, and as whom (DECISIONS 20–22). The tenant is the
//! server (`discord:GUILD`), the actor the member. Commands need the role named by
//! `STEWARD_DISCORD_ROLE` (a role id, or a name looked up with the bot token) when it is set,
//! or Manage Server, or an `STEWARD_ADMINS` entry; with no role set, every member of the
//! server may use them. Manage Server (or Administrator) makes the member an admin.
//!
//! Interactions carry the member's computed permissions in the channel; messages (mentions,
//! DMs) do not, so there they are computed from the member's roles, fetched with the bot
//! token and cached for a few minutes.

use reqwest::Method;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::rest::{Resend, RestError};
use super::{tenant, Discord};
use crate::app::{Actor, Surface};
use crate::domain::person::UserId;
use crate::reply::Reply;

/// `ADMINISTRATOR` and `MANAGE_GUILD` ("Manage Server") permission bits.
pub const ADMINISTRATOR: u64 = 1 << 3;
pub const MANAGE_GUILD: u64 = 1 << 5;
/// How long a server's roles are trusted before they are fetched again.
const ROLES_FOR: Duration = Duration::from_secs(300);

/// A member of a server, as far as rights go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub guild: u64,
    pub user: u64,
    pub roles: Vec<u64>,
    /// Computed permissions, when Discord sent them (interactions do).
    pub permissions: Option<u64>,
}

/// One role of a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub id: u64,
    pub name: String,
    pub permissions: u64,
}

/// The configured role and a cache of servers' roles.
pub struct Access {
    role: Option<String>,
    roles: Mutex<HashMap<u64, (Instant, Vec<Role>)>>,
}

impl Access {
    pub fn new(role: Option<String>) -> Access {
        Access {
            role,
            roles: Mutex::new(HashMap::new()),
        }
    }

    pub fn role(&self) -> Option<&str> {
        self.role.as_deref()
    }

    fn cached(&self, guild: u64) -> Option<Vec<Role>> {
        let cache = self.roles.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .get(&guild)
            .filter(|(at, _)| at.elapsed() < ROLES_FOR)
            .map(|(_, roles)| roles.clone())
    }
}

/// A server's roles (bot token needed), cached.
pub async fn guild_roles(discord: &Discord, guild: u64) -> Result<Vec<Role>, RestError> {
    if let Some(roles) = discord.access.cached(guild) {
        return Ok(roles);
    }
    let listed = discord
        .rest
        .bot(
            Method::GET,
            &format!("/guilds/{guild}/roles"),
            None,
            Resend::Safe,
        )
        .await?;
    let id = |v: &Value| v.as_str().and_then(|s| s.parse::<u64>().ok());
    let roles: Vec<Role> = listed
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some(Role {
                id: id(&r["id"])?,
                name: r["name"].as_str()?.to_string(),
                permissions: id(&r["permissions"]).unwrap_or(0),
            })
        })
        .collect();
    let mut cache = discord
        .access
        .roles
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    cache.insert(guild, (Instant::now(), roles.clone()));
    Ok(roles)
}

/// A user's membership of `guild` (bot token needed); `None` when they are not a member.
pub async fn member_of(
    discord: &Discord,
    guild: u64,
    user: u64,
) -> Result<Option<Member>, RestError> {
    match discord
        .rest
        .bot(
            Method::GET,
            &format!("/guilds/{guild}/members/{user}"),
            None,
            Resend::Safe,
        )
        .await
    {
        Ok(member) => {
            let roles = member["roles"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str()?.parse().ok())
                .collect();
            Ok(Some(Member {
                guild,
                user,
                roles,
                permissions: None,
            }))
        }
        Err(RestError::Status { status: 404, .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Permissions from roles: `@everyone` (the role whose id is the server's) and the member's.
pub fn permissions_from_roles(member: &Member, roles: &[Role]) -> u64 {
    roles
        .iter()
        .filter(|r| r.id == member.guild || member.roles.contains(&r.id))
        .fold(0, |all, r| all | r.permissions)
}

/// Whether the permissions include Manage Server (Administrator implies every permission).
pub fn manages(permissions: u64) -> bool {
    permissions & (MANAGE_GUILD | ADMINISTRATOR) != 0
}

/// The actor for `member` in `channel`, or the reply that refuses them.
/// Whether a member is on the team for customer channels: with no `STEWARD_DISCORD_ROLE`,
/// everyone (customers are then the stakeholders linked with `discord:@user`); with one,
/// the members holding it.
pub async fn is_team(discord: &Discord, member: &Member) -> bool {
    let Some(wanted) = discord.access.role() else {
        return true;
    };
    match wanted.parse::<u64>() {
        Ok(id) => member.roles.contains(&id),
        Err(_) => match guild_roles(discord, member.guild).await {
            Ok(roles) => roles.iter().any(|r| {
                r.name.eq_ignore_ascii_case(wanted.trim_start_matches('@'))
                    && member.roles.contains(&r.id)
            }),
            Err(error) => {
                tracing::warn!(%error, guild = member.guild, "could not read the server's roles; the author counts as the team");
                true
            }
        },
    }
}

pub async fn admit(discord: &Discord, member: &Member, channel: String) -> Result<Actor, Reply> {
    let tenant = tenant(member.guild)
        .ok_or_else(|| Reply::error("this server's id is not one Steward can use."))?;
    let user = UserId(member.user.to_string());
    let wanted = discord.access.role();
    // Roles are fetched only when they decide something: permissions not sent, or a role
    // given by name.
    let needs_roles =
        member.permissions.is_none() || wanted.is_some_and(|r| r.parse::<u64>().is_err());
    let roles = match needs_roles {
        true => match guild_roles(discord, member.guild).await {
            Ok(roles) => roles,
            // Said once at start (`Setup::start`); a role id needs no token.
            Err(RestError::NoToken) => Vec::new(),
            Err(error) => {
                tracing::warn!(%error, guild = member.guild, "could not read the server's roles");
                Vec::new()
            }
        },
        false => Vec::new(),
    };
    let permissions = member
        .permissions
        .unwrap_or_else(|| permissions_from_roles(member, &roles));
    let manager = manages(permissions);
    let listed = discord
        .app
        .admins
        .as_ref()
        .is_some_and(|a| a.contains(&tenant, &user));
    let has_role = match wanted {
        None => true,
        Some(wanted) => match wanted.parse::<u64>() {
            Ok(id) => member.roles.contains(&id),
            Err(_) => roles.iter().any(|r| {
                r.name.eq_ignore_ascii_case(wanted.trim_start_matches('@'))
                    && member.roles.contains(&r.id)
            }),
        },
    };
    if !(manager || listed || has_role) {
        let role = wanted.unwrap_or_default();
        return Err(Reply::error(format!(
            "Steward is for members with the {role} role or the Manage Server permission; ask a server admin for the role."
        )));
    }
    Ok(Actor {
        tenant,
        user,
        surface: Surface::Discord,
        platform_admin: manager,
        channel,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_come_from_everyone_and_own_roles() {
        let member = Member {
            guild: 1,
            user: 9,
            roles: vec![3],
            permissions: None,
        };
        let roles = [
            Role {
                id: 1,
                name: "@everyone".into(),
                permissions: 1 << 10,
            },
            Role {
                id: 2,
                name: "Mods".into(),
                permissions: MANAGE_GUILD,
            },
            Role {
                id: 3,
                name: "CSM".into(),
                permissions: 1 << 11,
            },
        ];
        let p = permissions_from_roles(&member, &roles);
        assert_eq!(p, (1 << 10) | (1 << 11));
        assert!(!manages(p));
        assert!(manages(ADMINISTRATOR) && manages(MANAGE_GUILD | 1));
    }
}
