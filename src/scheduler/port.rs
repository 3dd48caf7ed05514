//! Purpose: the one port every scheduled post goes through — post to a channel or a user,
//! and look a post's marker up in recent history — with the console's implementation.

use async_trait::async_trait;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use thiserror::Error;

use crate::domain::person::UserId;
use crate::domain::schedule::PostKind;
use crate::domain::tenant::TenantId;
use crate::render::text;
use crate::reply::Reply;

/// Where a post goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Channel(String),
    Direct(UserId),
}

/// A scheduled post: the reply and the marker that identifies its period in history
/// (Slack message metadata, Discord nonce — DECISIONS 5).
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub marker: String,
    pub reply: Reply,
}

#[derive(Debug, Error)]
pub enum PostError {
    #[error("rate limited, retry after {0:?}")]
    RateLimited(Duration),
    #[error("{0}")]
    Failed(String),
}

#[async_trait]
pub trait ChatPort: Send + Sync {
    async fn post(&self, target: &Target, post: &Post) -> Result<(), PostError>;

    /// Whether a post carrying `marker` is in the target's recent history; `None` when
    /// history cannot be read.
    async fn find_marker(&self, target: &Target, marker: &str) -> Result<Option<bool>, PostError>;
}

/// Direct-message channels a platform opened, remembered per user.
#[derive(Default)]
pub struct DmChannels(Mutex<std::collections::HashMap<String, String>>);

impl DmChannels {
    /// The channel id to post to: the channel itself, or the user's DM channel — opened with
    /// `open(user)` the first time, remembered after.
    pub async fn resolve<F, Fut>(&self, target: &Target, open: F) -> Result<String, PostError>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = Result<String, PostError>>,
    {
        let user = match target {
            Target::Channel(channel) => return Ok(channel.clone()),
            Target::Direct(user) => user.0.clone(),
        };
        if let Some(channel) = self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&user) {
            return Ok(channel.clone());
        }
        let channel = open(user.clone()).await?;
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(user, channel.clone());
        Ok(channel)
    }
}

/// Picks the port for a tenant (Slack tenants to Slack, and so on).
pub trait Ports: Send + Sync {
    fn port(&self, tenant: &TenantId) -> Option<&dyn ChatPort>;
}

/// Prints posts as `[#channel] …` / `[dm @user] …` — the console's port, and what
/// `steward tick` uses when no chat platform is configured.
pub struct PrintPort<W: Write + Send> {
    out: Mutex<W>,
    /// Where posts' pictures are written (`tick --images DIR`); nowhere when `None`.
    images: Option<PathBuf>,
}

impl<W: Write + Send> PrintPort<W> {
    pub fn new(out: W) -> Self {
        PrintPort {
            out: Mutex::new(out),
            images: None,
        }
    }

    /// Writes posts' pictures into `dir` and names them under the post.
    pub fn with_images(mut self, dir: Option<PathBuf>) -> Self {
        self.images = dir;
        self
    }
}

#[async_trait]
impl<W: Write + Send> ChatPort for PrintPort<W> {
    async fn post(&self, target: &Target, post: &Post) -> Result<(), PostError> {
        let label = match target {
            Target::Channel(c) => format!("[#{c}]"),
            Target::Direct(u) => format!("[dm @{u}]"),
        };
        // One printer serves every tenant (`steward tick`, local tenants under `serve`):
        // each post is first said to be whose, what and where.
        let heading = heading(&post.marker, target);
        let mut shown = text::render(&post.reply);
        if let Some(dir) = &self.images {
            for picture in &post.reply.pictures {
                shown.push('\n');
                shown.push_str(&crate::console::save_picture(dir, picture));
            }
        }
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        writeln!(out, "{heading}\n{label} {shown}\n")
            .and_then(|_| out.flush())
            .map_err(|e| PostError::Failed(e.to_string()))
    }

    async fn find_marker(
        &self,
        _target: &Target,
        _marker: &str,
    ) -> Result<Option<bool>, PostError> {
        Ok(None)
    }
}

/// `[tenant slack:T123] weekly digest → #cs-team`, from what a post's marker names
/// (`[tenant ?] post → …` for a marker that names no tenant).
fn heading(marker: &str, target: &Target) -> String {
    let (tenant, kind) = match super::parse_marker(marker) {
        Some((tenant, kind)) => (tenant.to_string(), kind),
        None => ("?".to_string(), String::new()),
    };
    let what = PostKind::parse(&kind).map_or("post", PostKind::title);
    let to = match target {
        Target::Channel(c) => format!("#{c}"),
        Target::Direct(u) => format!("@{u} (direct message)"),
    };
    format!("[tenant {tenant}] {what} → {to}")
}

/// Every tenant to one port.
pub struct OnePort<P: ChatPort>(pub P);

impl<P: ChatPort> Ports for OnePort<P> {
    fn port(&self, _tenant: &TenantId) -> Option<&dyn ChatPort> {
        Some(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_posts_say_whose_what_and_where() {
        let channel = Target::Channel("cs-team".into());
        assert_eq!(
            heading(
                "steward:slack:T123:weekly@C1:2026-03-09:1773046800",
                &channel
            ),
            "[tenant slack:T123] weekly digest → #cs-team"
        );
        assert_eq!(
            heading(
                "steward:acme:escalations@dm:red:12>U1:1773046800",
                &Target::Direct(UserId("U1".into()))
            ),
            "[tenant acme] escalation → @U1 (direct message)"
        );
        assert_eq!(
            heading("not a marker", &channel),
            "[tenant ?] post → #cs-team"
        );
    }
}
