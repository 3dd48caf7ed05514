//! The scheduler: every run recomputes health from received data once a day per tenant
//! ([`feed`]), then posts what is due — weekly digests, standup lists, renewal reminders,
//! escalations and the owners' indicators — exactly once per subscription and period.
//!
//! A period is claimed, posted and marked sent, each step flushed (DECISIONS 5). After a
//! restart a claimed-but-unmarked period is looked up in the channel's history by its marker;
//! where history cannot be read it is skipped — a duplicate is worse than a miss. Failed posts
//! are retried with backoff for 24 h, then dropped and counted in the next weekly digest.

pub mod indicators;
pub mod port;
pub mod runner;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use futures::FutureExt;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::app::App;
use crate::domain::book::Book;
use crate::domain::escalation::{causes, Escalation};
use crate::domain::person::UserId;
use crate::domain::schedule::{PostKind, Subscription};
use crate::domain::tenant::TenantId;
use crate::fault;
use crate::feed;
use crate::jobs;
use crate::reply::Reply;
use crate::store::ledger::PostState;
use crate::store::StoreError;
use port::{ChatPort, Ports, Post, PostError, Target};

/// How long failing posts are retried before they are dropped.
const RETRY_FOR_HOURS: i64 = 24;
/// The ledger name for escalations sent by direct message (no escalations channel).
const DIRECT_ESCALATIONS: &str = "escalations@dm";

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub posted: usize,
    pub skipped: usize,
    pub failed: usize,
}

/// One post to make: where, under which ledger entry, what, and in which situation.
struct Due {
    target: Target,
    subscription: String,
    period: String,
    reply: Reply,
    /// Dropped posts this post reports (the weekly digest), to mark as counted once sent.
    counts: Vec<(String, String)>,
    mode: Mode,
}

#[derive(Debug, Clone, PartialEq)]
enum Mode {
    /// Never tried: claim, post, mark.
    Fresh,
    /// Claimed at `claimed_at` by a run that did not mark it (a restart): look for that
    /// claim's marker first.
    Recover { claimed_at: DateTime<Utc> },
    /// Failed before: retry until 24 h after the first failure, then drop.
    Retry {
        first_at: DateTime<Utc>,
        attempts: u32,
    },
}

impl Mode {
    /// The mode for a ledger state, or `None` when nothing is to be done now.
    fn of(state: Option<&PostState>, now: DateTime<Utc>) -> Option<Mode> {
        match state {
            None => Some(Mode::Fresh),
            Some(PostState::Claimed { at }) => Some(Mode::Recover { claimed_at: *at }),
            Some(PostState::Failed {
                first_at,
                attempts,
                next_at,
                ..
            }) if *next_at <= now => Some(Mode::Retry {
                first_at: *first_at,
                attempts: *attempts,
            }),
            Some(_) => None,
        }
    }
}

pub struct Scheduler<'a> {
    pub app: &'a App,
    pub ports: &'a dyn Ports,
    /// Show what is due without posting or recording anything (`steward tick --dry-run`).
    pub dry_run: bool,
}

impl Scheduler<'_> {
    /// Runs every job due at `now`, for every tenant. Errors are logged per tenant and job;
    /// one failing never stops the others. A panic while planning a tenant's posts fails
    /// that tenant's jobs for this run; one while delivering fails that post; either is
    /// logged with a reference and tried again on the next run (nothing was recorded as done).
    pub async fn run_due(&self, now: DateTime<Utc>) -> Report {
        let mut report = Report::default();
        let tenants = match self.app.store.tenants() {
            Ok(t) => t,
            Err(error) => {
                tracing::error!(%error, "scheduler could not list tenants");
                return report;
            }
        };
        for tenant in tenants {
            // Undo plans past their day hold records no one may restore any more.
            if !self.dry_run {
                if let Err(error) = self.app.store.purge_expired_undo(&tenant, now) {
                    tracing::error!(%tenant, %error, "could not purge expired undo plans");
                }
                // Before planning: escalations and lists see the health data moved today.
                self.recompute(&tenant, now);
            }
            let planned = fault::catch("scheduler: planning a tenant's posts", || {
                self.ports
                    .port(&tenant)
                    .map(|port| (port, self.plan(&tenant, now)))
            });
            let (port, planned) = match planned {
                Ok(Some(planned)) => planned,
                Ok(None) => continue,
                Err(fault) => {
                    report.failed += 1;
                    tracing::error!(%tenant, reference = %fault.reference, "the tenant's jobs panicked; retried next run");
                    continue;
                }
            };
            match planned {
                Ok(posts) if self.dry_run => {
                    for due in posts.into_iter().filter(|d| d.mode == Mode::Fresh) {
                        let post = Post {
                            marker: marker(&tenant, &due.subscription, &due.period, now),
                            reply: due.reply,
                        };
                        match port.post(&due.target, &post).await {
                            Ok(()) => report.posted += 1,
                            Err(_) => report.failed += 1,
                        }
                    }
                }
                Ok(posts) => {
                    for due in posts {
                        let delivering = self.deliver(&tenant, port, due, now, &mut report);
                        let maybe = fault::Changed::Maybe;
                        if let Err(fault) =
                            fault::catch_async("scheduler: delivering a post", maybe, delivering)
                                .await
                        {
                            report.failed += 1;
                            tracing::error!(%tenant, reference = %fault.reference, "a post panicked; looked at again next run");
                        }
                    }
                }
                Err(error) => tracing::error!(%tenant, %error, "scheduler could not plan posts"),
            }
        }
        report
    }

    /// The tenant's daily health recompute from received data, when due (see [`feed`]).
    fn recompute(&self, tenant: &TenantId, now: DateTime<Utc>) {
        let zone = match self.app.store.book(tenant) {
            Ok(book) => self
                .app
                .timezone_of(&book.read().unwrap_or_else(|p| p.into_inner())),
            Err(_) => self.app.timezone,
        };
        let store = &self.app.store;
        match fault::catch("scheduler: recomputing health from data", || {
            feed::recompute_if_due(store, tenant, zone, now)
        }) {
            Ok(Ok(Some(changed))) if changed > 0 => {
                tracing::info!(%tenant, changed, "health recomputed from received data")
            }
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                tracing::error!(%tenant, %error, "could not recompute health from data; retried next run")
            }
            Err(fault) => {
                // The commit may have stopped half-way: memory is read again from the disk.
                if let Err(error) = store.reload(tenant) {
                    tracing::error!(%tenant, %error, "could not reload the book");
                }
                tracing::error!(%tenant, reference = %fault.reference, "the health recompute panicked; retried next run")
            }
        }
    }

    /// What the tenant's subscriptions want posted now (and ledger housekeeping).
    fn plan(&self, tenant: &TenantId, now: DateTime<Utc>) -> Result<Vec<Due>, StoreError> {
        let book = self.app.store.book(tenant)?;
        let book = book.read().unwrap_or_else(|p| p.into_inner());
        let zone = self.app.timezone_of(&book);
        let mut out = Vec::new();
        let escalation_channels: Vec<&Subscription> = book
            .settings
            .subscriptions
            .iter()
            .filter(|s| s.kind == PostKind::Escalations)
            .collect();
        out.extend(self.escalations(&book, &escalation_channels, zone, now)?);
        out.extend(self.indicators(&book, now)?);
        for sub in book
            .settings
            .subscriptions
            .iter()
            .filter(|s| s.kind != PostKind::Escalations)
        {
            let zone = sub.zone_or(zone);
            let today = now.with_timezone(&zone).date_naive();
            if let Some(previous) = sub.previous_period(today, zone) {
                self.skip_if_missed(tenant, sub, previous, zone)?;
            }
            let mut periods: BTreeMap<NaiveDate, Option<PostState>> = BTreeMap::new();
            for (period, state) in self.app.store.posts(tenant, &sub.key())? {
                match (period.parse::<NaiveDate>(), &state) {
                    // Claimed before a crash and now out of its day: never made up late.
                    (Ok(date), PostState::Claimed { .. }) if date < today => {
                        let why = "claimed before a restart; out of its day".to_string();
                        self.record(
                            tenant,
                            &sub.key(),
                            &period,
                            Some(PostState::Skipped { at: now, why }),
                        )?;
                    }
                    (Ok(date), PostState::Claimed { .. } | PostState::Failed { .. }) => {
                        periods.insert(date, Some(state));
                    }
                    _ => {}
                }
            }
            if let Some(today) = sub.due_period(now, zone) {
                let state = self
                    .app
                    .store
                    .post_state(tenant, &sub.key(), &today.to_string())?;
                periods.insert(today, state);
            }
            for (period, state) in periods {
                let Some(mode) = Mode::of(state.as_ref(), now) else {
                    continue;
                };
                let built = catch_unwind(AssertUnwindSafe(|| {
                    self.content(tenant, &book, sub, now, period)
                }));
                match built {
                    Ok(Ok(Some(due))) => out.push(Due { mode, ..due }),
                    Ok(Ok(None)) => self.record(
                        tenant,
                        &sub.key(),
                        &period.to_string(),
                        Some(PostState::Sent { at: now }),
                    )?,
                    Ok(Err(error)) => {
                        tracing::error!(%tenant, subscription = %sub.key(), %error, "job failed; retried next run")
                    }
                    Err(_) => {
                        tracing::error!(%tenant, subscription = %sub.key(), "job panicked; retried next run")
                    }
                }
            }
        }
        Ok(out)
    }

    /// Records (or, with `None`, forgets) a ledger state — unless this is a dry run.
    fn record(
        &self,
        tenant: &TenantId,
        subscription: &str,
        period: &str,
        state: Option<PostState>,
    ) -> Result<(), StoreError> {
        match state {
            _ if self.dry_run => Ok(()),
            Some(state) => self
                .app
                .store
                .set_post_state(tenant, subscription, period, &state),
            None => self.app.store.clear_post(tenant, subscription, period),
        }
    }

    /// An occurrence before today that has no ledger entry was missed while Steward was
    /// down: it is out of its day, so it is skipped and logged.
    fn skip_if_missed(
        &self,
        tenant: &TenantId,
        sub: &Subscription,
        period: NaiveDate,
        zone: Tz,
    ) -> Result<(), StoreError> {
        let missed_at = sub.occurrence(period, zone);
        if missed_at.is_none_or(|at| at <= sub.since) {
            return Ok(());
        }
        if self
            .app
            .store
            .post_state(tenant, &sub.key(), &period.to_string())?
            .is_none()
        {
            tracing::warn!(%tenant, subscription = %sub.key(), %period, "post missed while Steward was down; skipped");
            let why = "missed while Steward was down; out of its day".to_string();
            let skipped = PostState::Skipped {
                at: sub.since.max(missed_at.unwrap_or(sub.since)),
                why,
            };
            self.record(tenant, &sub.key(), &period.to_string(), Some(skipped))?;
        }
        Ok(())
    }

    fn content(
        &self,
        tenant: &TenantId,
        book: &Book,
        sub: &Subscription,
        now: DateTime<Utc>,
        period: NaiveDate,
    ) -> Result<Option<Due>, StoreError> {
        let mut counts = Vec::new();
        let reply = match sub.kind {
            PostKind::Weekly => {
                let mut undelivered = Vec::new();
                for (subscription, period, state) in self.app.store.all_posts(tenant)? {
                    if let PostState::Dropped {
                        channel,
                        counted: false,
                        ..
                    } = state
                    {
                        undelivered.push(format!("1 post ({subscription}, {period}) could not be delivered to #{channel}"));
                        counts.push((subscription, period));
                    }
                }
                let week_end = jobs::weekly::movers_week_end(period);
                let movers =
                    feed::usage_movers(&self.app.store, book, week_end, jobs::weekly::MOVERS)?;
                let zone = self.app.timezone_of(book);
                let slowest = jobs::weekly::slowest_first_responses(book, now, zone, |a| {
                    self.app
                        .store
                        .channel_messages(&book.tenant, &a.channels)
                        .unwrap_or_default()
                });
                Some(jobs::weekly::build(
                    book,
                    now,
                    period,
                    &undelivered,
                    &movers,
                    &slowest,
                ))
            }
            PostKind::Standup => Some(jobs::standup::build(book, now)),
            PostKind::Renewals => {
                let last = self
                    .app
                    .store
                    .posts(tenant, &sub.key())?
                    .into_iter()
                    .filter(|(_, s)| matches!(s, PostState::Sent { .. }))
                    .filter_map(|(p, _)| p.parse::<NaiveDate>().ok())
                    .filter(|d| *d < period)
                    .max();
                jobs::renewals::build(book, period, last)
            }
            PostKind::Escalations => None,
        };
        Ok(reply.map(|reply| Due {
            target: Target::Channel(sub.channel.clone()),
            subscription: sub.key(),
            period: period.to_string(),
            reply,
            counts,
            mode: Mode::Fresh,
        }))
    }

    /// Live escalation causes not yet sent; causes that cleared are forgotten (re-armed).
    fn escalations(
        &self,
        book: &Book,
        channels: &[&Subscription],
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<Vec<Due>, StoreError> {
        let tenant = &book.tenant;
        let today = now.with_timezone(&zone).date_naive();
        let admins = self.app.admins_of(tenant);
        let mut live: BTreeMap<String, (Escalation, Vec<UserId>, Reply)> = BTreeMap::new();
        for account in book.active() {
            for e in causes(account, today, now) {
                let to = jobs::escalations::recipients(book, account, &e, &admins);
                let reply = jobs::escalations::build(book, account, &e, &to);
                live.insert(e.key.clone(), (e, to, reply));
            }
        }
        // In a channel one post per cause; by direct message one per cause and recipient
        // (`red:12>U1`), so a failure to one recipient is never retried to the others.
        let mut wanted: Vec<(String, String, Target, &Reply)> = Vec::new();
        for (key, (_, to, reply)) in &live {
            if channels.is_empty() {
                for user in to {
                    wanted.push((
                        DIRECT_ESCALATIONS.to_string(),
                        format!("{key}>{user}"),
                        Target::Direct(user.clone()),
                        reply,
                    ));
                }
                if to.is_empty() {
                    tracing::warn!(tenant = %tenant, cause = %key, "escalation has no recipient: set a manager (`/steward manager`), STEWARD_ADMINS, or `/digest subscribe escalations`");
                }
            } else {
                for sub in channels {
                    wanted.push((
                        sub.key(),
                        key.clone(),
                        Target::Channel(sub.channel.clone()),
                        reply,
                    ));
                }
            }
        }
        let ledgers: Vec<String> = if channels.is_empty() {
            vec![DIRECT_ESCALATIONS.to_string()]
        } else {
            channels.iter().map(|s| s.key()).collect()
        };
        for ledger in &ledgers {
            for (period, _) in self.app.store.posts(tenant, ledger)? {
                let cause = period.split('>').next().unwrap_or_default();
                if !live.contains_key(cause) {
                    self.record(tenant, ledger, &period, None)?;
                }
            }
        }
        let mut out = Vec::new();
        for (subscription, period, target, reply) in wanted {
            let Some(mode) = Mode::of(
                self.app
                    .store
                    .post_state(tenant, &subscription, &period)?
                    .as_ref(),
                now,
            ) else {
                continue;
            };
            out.push(Due {
                target,
                subscription,
                period,
                reply: reply.clone(),
                counts: Vec::new(),
                mode,
            });
        }
        Ok(out)
    }

    /// Claim, post, mark — each step flushed.
    async fn deliver(
        &self,
        tenant: &TenantId,
        port: &dyn ChatPort,
        due: Due,
        now: DateTime<Utc>,
        report: &mut Report,
    ) {
        let store = &self.app.store;
        let (sub, period) = (due.subscription.as_str(), due.period.as_str());
        let planned = due.mode.clone();
        let (first_at, attempts) = match due.mode {
            Mode::Recover { claimed_at } => match port
                .find_marker(&due.target, &marker(tenant, sub, period, claimed_at))
                .await
            {
                Ok(Some(true)) => {
                    return self.mark(tenant, sub, period, PostState::Sent { at: now })
                }
                Ok(Some(false)) => (now, 0),
                Ok(None) => {
                    tracing::warn!(%tenant, subscription = sub, period, "claimed before a restart and history cannot be read; skipped rather than risk a duplicate");
                    report.skipped += 1;
                    let why = "claimed before a restart; unverifiable".to_string();
                    return self.mark(tenant, sub, period, PostState::Skipped { at: now, why });
                }
                Err(error) => {
                    tracing::warn!(%tenant, subscription = sub, period, %error, "could not read history; will look again next run");
                    return;
                }
            },
            Mode::Retry { first_at, .. } if now - first_at > Duration::hours(RETRY_FOR_HOURS) => {
                tracing::error!(%tenant, subscription = sub, period, "post kept failing for 24 h; dropped");
                let channel = match &due.target {
                    Target::Channel(c) => c.clone(),
                    Target::Direct(u) => format!("dm @{u}"),
                };
                return self.mark(
                    tenant,
                    sub,
                    period,
                    PostState::Dropped {
                        at: now,
                        channel,
                        counted: false,
                    },
                );
            }
            Mode::Retry { first_at, attempts } => (first_at, attempts),
            Mode::Fresh => (now, 0),
        };
        let claimed = store.claim_post(
            tenant,
            sub,
            period,
            |state| Mode::of(state, now).as_ref() == Some(&planned),
            &PostState::Claimed { at: now },
        );
        match claimed {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(%tenant, subscription = sub, period, "another scheduler took this post meanwhile; not posting it");
                report.skipped += 1;
                return;
            }
            Err(error) => {
                tracing::error!(%tenant, %error, "could not claim a post; not posting it");
                return;
            }
        }
        let post = Post {
            marker: marker(tenant, sub, period, now),
            reply: due.reply,
        };
        // A panicking adapter fails this post only; the run goes on with the others.
        let posted = AssertUnwindSafe(port.post(&due.target, &post))
            .catch_unwind()
            .await
            .unwrap_or_else(|_| Err(PostError::Failed("the chat adapter panicked".into())));
        let state = match posted {
            Ok(()) => {
                report.posted += 1;
                for (counted_sub, counted_period) in &due.counts {
                    if let Ok(Some(PostState::Dropped { at, channel, .. })) =
                        store.post_state(tenant, counted_sub, counted_period)
                    {
                        self.mark(
                            tenant,
                            counted_sub,
                            counted_period,
                            PostState::Dropped {
                                at,
                                channel,
                                counted: true,
                            },
                        );
                    }
                }
                PostState::Sent { at: now }
            }
            Err(error) => {
                report.failed += 1;
                tracing::warn!(%tenant, subscription = sub, period, %error, "post failed; will retry");
                let attempts = attempts + 1;
                PostState::Failed {
                    first_at,
                    attempts,
                    next_at: now + backoff(attempts, &error),
                    error: error.to_string(),
                }
            }
        };
        self.mark(tenant, sub, period, state);
    }

    fn mark(&self, tenant: &TenantId, subscription: &str, period: &str, state: PostState) {
        if let Err(error) = self
            .app
            .store
            .set_post_state(tenant, subscription, period, &state)
        {
            tracing::error!(%tenant, subscription, period, %error, "could not record a post's state; a restart will look for its marker");
        }
    }
}

/// The marker that identifies one claimed post in channel history: the period and the
/// instant of the claim, so a cause that fires again never matches an earlier post.
pub fn marker(
    tenant: &TenantId,
    subscription: &str,
    period: &str,
    claimed_at: DateTime<Utc>,
) -> String {
    format!(
        "steward:{tenant}:{subscription}:{period}:{}",
        claimed_at.timestamp()
    )
}

/// The tenant and subscription kind a marker names
/// (`steward:{tenant}:{kind}@{channel}:{period}:{claimed_at}`).
pub fn parse_marker(marker: &str) -> Option<(TenantId, String)> {
    let parts: Vec<&str> = marker.strip_prefix("steward:")?.split(':').collect();
    let at = parts.iter().position(|p| p.contains('@'))?;
    let tenant = TenantId::parse(&parts[..at].join(":")).ok()?;
    Some((tenant, parts[at].split('@').next()?.to_string()))
}

/// The tenant, subscription kind and period a marker names
/// (`steward:{tenant}:{kind}@{where}:{period}:{claimed_at}`; the period may hold colons).
pub fn marker_parts(marker: &str) -> Option<(TenantId, String, String)> {
    let parts: Vec<&str> = marker.strip_prefix("steward:")?.split(':').collect();
    let at = parts.iter().position(|p| p.contains('@'))?;
    let tenant = TenantId::parse(&parts[..at].join(":")).ok()?;
    let kind = parts[at].split('@').next()?.to_string();
    let period = parts.get(at + 1..parts.len().checked_sub(1)?)?.join(":");
    Some((tenant, kind, period))
}

/// Wait before retry `attempt` (1, 2, …): the platform's `Retry-After`, else 1, 2, 4 …
/// minutes, at most an hour.
fn backoff(attempt: u32, error: &PostError) -> Duration {
    match error {
        PostError::RateLimited(wait) => Duration::from_std(*wait).unwrap_or(Duration::minutes(1)),
        PostError::Failed(_) => {
            Duration::minutes(1i64 << attempt.saturating_sub(1).min(6)).min(Duration::hours(1))
        }
    }
}
