//! The scheduler, driven with explicit instants (never the wall clock, never a sleep):
//! a simulated month across two DST changes, restarts between claim, post and mark, a missed
//! Monday, escalations that fire once and re-arm, failing posts retried then dropped and
//! counted, tenant isolation, mass mentions, and `steward tick --dry-run` through the binary.
//!
//! Posts go through a `RecordingPort` that keeps what was posted (tenant, target, marker,
//! rendered text, the reply itself, and the simulated instant), can be told to fail posts,
//! to panic, and to answer `find_marker` from its record or with `None` (history unreadable).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::America::New_York;
use chrono_tz::Europe::Berlin;
use steward::app::{Actor, App, Surface};
use steward::config::Admins;
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::render::text::render;
use steward::reply::{Block, Reply, Span};
use steward::scheduler::port::{ChatPort, Ports, Post, PostError, Target};
use steward::scheduler::{Report, Scheduler};
use steward::store::ledger::PostState;
use steward::store::Store;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------
// The recording port and the per-tenant routing.
// ---------------------------------------------------------------------------------------

/// One post that went out.
#[derive(Debug, Clone)]
struct Delivered {
    /// The tenant whose port received it.
    tenant: String,
    target: Target,
    marker: String,
    /// `render::text::render` of the reply.
    text: String,
    reply: Reply,
    /// The simulated instant of the run that posted it.
    at: DateTime<Utc>,
}

impl Delivered {
    /// The last `:`-separated part of the marker: a period date for digests.
    /// The period named in the marker (`steward:TENANT:SUB:PERIOD:CLAIMED_AT`).
    fn period(&self) -> &str {
        self.marker.rsplit(':').nth(1).unwrap_or_default()
    }
}

/// How `find_marker` answers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum History {
    /// From what this port recorded: `Some(true)` if a post with the marker went to the target.
    Recorded,
    /// `None`: history cannot be read (the console).
    Unreadable,
}

#[derive(Debug, Clone)]
enum Fail {
    Failed,
    RateLimited(StdDuration),
}

struct FailRule {
    /// `None`: any target.
    target: Option<Target>,
    remaining: u32,
    how: Fail,
}

struct PortState {
    now: DateTime<Utc>,
    delivered: Vec<Delivered>,
    /// Every failed attempt: (target, marker, when).
    failed: Vec<(Target, String, DateTime<Utc>)>,
    rules: Vec<FailRule>,
    history: History,
    panic_on: Option<Target>,
}

struct RecordingPort {
    tenant: String,
    state: Mutex<PortState>,
}

impl RecordingPort {
    fn new(tenant: &str) -> Arc<RecordingPort> {
        Arc::new(RecordingPort {
            tenant: tenant.to_string(),
            state: Mutex::new(PortState {
                now: DateTime::<Utc>::MIN_UTC,
                delivered: Vec::new(),
                failed: Vec::new(),
                rules: Vec::new(),
                history: History::Recorded,
                panic_on: None,
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PortState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set_now(&self, now: DateTime<Utc>) {
        self.lock().now = now;
    }

    /// Fails the next `n` posts (to any target).
    fn fail_next(&self, n: u32, how: Fail) {
        self.lock().rules.push(FailRule {
            target: None,
            remaining: n,
            how,
        });
    }

    /// Fails the next `n` posts to `target`.
    fn fail_to(&self, target: Target, n: u32, how: Fail) {
        self.lock().rules.push(FailRule {
            target: Some(target),
            remaining: n,
            how,
        });
    }

    fn stop_failing(&self) {
        self.lock().rules.clear();
    }

    fn set_history(&self, history: History) {
        self.lock().history = history;
    }

    fn panic_on(&self, target: Target) {
        self.lock().panic_on = Some(target);
    }

    /// Pretends a post with `marker` went out to `target` before a crash.
    fn seed(&self, target: Target, marker: &str) {
        let mut state = self.lock();
        let at = state.now;
        let tenant = self.tenant.clone();
        state.delivered.push(Delivered {
            tenant,
            target,
            marker: marker.to_string(),
            text: String::new(),
            reply: Reply::new(),
            at,
        });
    }

    fn delivered(&self) -> Vec<Delivered> {
        self.lock().delivered.clone()
    }

    fn failed(&self) -> Vec<(Target, String, DateTime<Utc>)> {
        self.lock().failed.clone()
    }
}

#[async_trait]
impl ChatPort for RecordingPort {
    async fn post(&self, target: &Target, post: &Post) -> Result<(), PostError> {
        let mut state = self.lock();
        if state.panic_on.as_ref() == Some(target) {
            drop(state);
            panic!("adapter bug while posting to {target:?}");
        }
        let now = state.now;
        let rule = state
            .rules
            .iter_mut()
            .find(|r| r.remaining > 0 && r.target.as_ref().is_none_or(|t| t == target));
        if let Some(rule) = rule {
            rule.remaining -= 1;
            let error = match &rule.how {
                Fail::Failed => PostError::Failed("channel_not_found".into()),
                Fail::RateLimited(wait) => PostError::RateLimited(*wait),
            };
            state
                .failed
                .push((target.clone(), post.marker.clone(), now));
            return Err(error);
        }
        let delivered = Delivered {
            tenant: self.tenant.clone(),
            target: target.clone(),
            marker: post.marker.clone(),
            text: render(&post.reply),
            reply: post.reply.clone(),
            at: now,
        };
        state.delivered.push(delivered);
        Ok(())
    }

    async fn find_marker(&self, target: &Target, marker: &str) -> Result<Option<bool>, PostError> {
        let state = self.lock();
        Ok(match state.history {
            History::Unreadable => None,
            History::Recorded => Some(
                state
                    .delivered
                    .iter()
                    .any(|d| &d.target == target && d.marker == marker),
            ),
        })
    }
}

/// Each tenant to its own port.
#[derive(Default)]
struct Routing(HashMap<TenantId, Arc<RecordingPort>>);

impl Routing {
    fn one(tenant_id: &str, port: &Arc<RecordingPort>) -> Routing {
        Routing::default().with(tenant_id, port)
    }

    fn with(mut self, tenant_id: &str, port: &Arc<RecordingPort>) -> Routing {
        self.0.insert(tenant(tenant_id), port.clone());
        self
    }

    fn set_now(&self, now: DateTime<Utc>) {
        for port in self.0.values() {
            port.set_now(now);
        }
    }
}

impl Ports for Routing {
    fn port(&self, tenant: &TenantId) -> Option<&dyn ChatPort> {
        self.0.get(tenant).map(|p| p.as_ref() as &dyn ChatPort)
    }
}

// ---------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid instant")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("valid tenant id")
}

fn actor(tenant_id: &str, channel: &str) -> Actor {
    Actor {
        tenant: tenant(tenant_id),
        user: UserId("local-user".into()),
        surface: Surface::Console,
        platform_admin: false,
        channel: channel.into(),
    }
}

fn open(dir: &Path) -> App {
    open_with(dir, None)
}

fn open_with(dir: &Path, admins: Option<Admins>) -> App {
    let store = Store::open(&dir.join("steward.db")).expect("open store");
    App::new(store, admins, chrono_tz::UTC)
}

/// Runs a command as the console user (admin while `STEWARD_ADMINS` is unset); it must succeed.
fn exec(app: &App, tenant_id: &str, channel: &str, now: DateTime<Utc>, line: &str) -> String {
    exec_as(app, &actor(tenant_id, channel), now, line)
}

fn exec_as(app: &App, actor: &Actor, now: DateTime<Utc>, line: &str) -> String {
    let reply = app.execute(actor, now, line);
    let text = render(&reply);
    assert!(!reply.is_error(), "`{line}` was refused: {text}");
    text
}

/// One scheduler run at `now`.
async fn tick(app: &App, ports: &Routing, now: DateTime<Utc>) -> Report {
    ports.set_now(now);
    Scheduler {
        app,
        ports,
        dry_run: false,
    }
    .run_due(now)
    .await
}

fn state(app: &App, tenant_id: &str, subscription: &str, period: &str) -> Option<PostState> {
    app.store
        .post_state(&tenant(tenant_id), subscription, period)
        .expect("read ledger")
}

/// The part of a post's marker that names its period (the claim instant follows it).
fn marker(tenant_id: &str, subscription: &str, period: &str) -> String {
    format!("steward:{tenant_id}:{subscription}:{period}:")
}

fn with_prefix<'a>(posts: &'a [Delivered], prefix: &str) -> Vec<&'a Delivered> {
    posts
        .iter()
        .filter(|p| p.marker.starts_with(prefix))
        .collect()
}

/// Every span of a reply.
fn spans(reply: &Reply) -> Vec<&Span> {
    let mut out = Vec::new();
    for block in &reply.blocks {
        match block {
            Block::Heading(_) => {}
            Block::Paragraph(line) => out.extend(line.iter()),
            Block::Fields(fields) => out.extend(fields.iter().flat_map(|(_, line)| line.iter())),
            Block::Bullets(items) => out.extend(items.iter().flatten()),
        }
    }
    out
}

fn mentions(reply: &Reply) -> BTreeSet<String> {
    spans(reply)
        .into_iter()
        .filter_map(|s| match s {
            Span::Mention(UserId(id)) => Some(id.clone()),
            _ => None,
        })
        .collect()
}

fn user(id: &str) -> UserId {
    UserId(id.into())
}

/// Sunday 2026-03-01, noon UTC: when the small test tenants are set up.
fn setup_time() -> DateTime<Utc> {
    utc(2026, 3, 1, 12, 0)
}

/// A tenant `acme` with one account and a weekly subscription in `#ny` (UTC unless `tz`).
fn weekly_tenant(tz: Option<&str>) -> (TempDir, App) {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let at = setup_time();
    exec(
        &app,
        "acme",
        "console",
        at,
        "/account add Acme arr:50k renewal:2026-05-01 owner:@jane",
    );
    let line = match tz {
        Some(tz) => format!("/digest subscribe weekly tz:{tz}"),
        None => "/digest subscribe weekly".to_string(),
    };
    exec(&app, "acme", "ny", at, &line);
    (dir, app)
}

const RED: &str = "usage:10 adoption:0 nps:2 tickets:escalated roi:5";
const GREEN: &str = "usage:95 adoption:5 nps:10 tickets:zero roi:95";

// ---------------------------------------------------------------------------------------
// 1. A simulated month for the demo portfolio, two time zones, two DST changes.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_simulated_month_posts_every_period_once_at_its_local_time_across_dst() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let start = utc(2026, 3, 1, 0, 0);
    let added =
        steward::demo::load(&app, &actor("tenant-a", "console"), start).expect("demo loads");
    assert_eq!(added, 12);
    exec(
        &app,
        "tenant-a",
        "ny",
        start,
        "/digest subscribe weekly tz:America/New_York",
    );
    exec(
        &app,
        "tenant-a",
        "berlin",
        start,
        "/digest subscribe standup day:mon-fri time:09:30 tz:Europe/Berlin",
    );
    exec(
        &app,
        "tenant-a",
        "renewals",
        start,
        "/digest subscribe renewals",
    );

    let port = RecordingPort::new("tenant-a");
    let ports = Routing::one("tenant-a", &port);
    let end = utc(2026, 4, 5, 0, 0);
    let mut now = start;
    let mut runs = 0;
    while now <= end {
        tick(&app, &ports, now).await;
        now += Duration::minutes(15);
        runs += 1;
    }
    assert_eq!(runs, 35 * 96 + 1);
    // The demo's red account escalates by direct message to its owner (no manager, no
    // admins, no escalations channel), and the indicators its events show reach the owners
    // the same way; the rest are the three subscriptions' posts.
    let (direct, posts): (Vec<Delivered>, Vec<Delivered>) =
        port.delivered().into_iter().partition(|p| {
            p.marker.starts_with("steward:tenant-a:escalations@dm:")
                || p.marker.starts_with("steward:tenant-a:indicators@dm:")
        });
    assert!(
        direct.iter().all(|p| matches!(p.target, Target::Direct(_))),
        "{direct:#?}"
    );
    assert!(
        direct
            .iter()
            .any(|p| p.text.contains("Risk indicator for Globex: usage drop")),
        "the demo's usage drop reaches Globex's owner: {direct:#?}"
    );

    // No marker twice, and nothing but the three subscriptions posted.
    let markers: BTreeSet<&str> = posts.iter().map(|p| p.marker.as_str()).collect();
    assert_eq!(
        markers.len(),
        posts.len(),
        "duplicate markers: {:#?}",
        posts.iter().map(|p| &p.marker).collect::<Vec<_>>()
    );
    let weekly = with_prefix(&posts, "steward:tenant-a:weekly@ny:");
    let standup = with_prefix(&posts, "steward:tenant-a:standup@berlin:");
    let renewals = with_prefix(&posts, "steward:tenant-a:renewals@renewals:");
    assert_eq!(
        weekly.len() + standup.len() + renewals.len(),
        posts.len(),
        "unexpected posts"
    );

    // Weekly: every Monday, 09:00 New York — 14:00 UTC before the US change on Mar 8, 13:00 after.
    let got: Vec<(String, DateTime<Utc>)> = weekly
        .iter()
        .map(|p| (p.period().to_string(), p.at))
        .collect();
    let expected: Vec<(String, DateTime<Utc>)> = [(2, 14), (9, 13), (16, 13), (23, 13), (30, 13)]
        .iter()
        .map(|(d, h)| (date(2026, 3, *d).to_string(), utc(2026, 3, *d, *h, 0)))
        .collect();
    assert_eq!(got, expected);
    for p in &weekly {
        let local = p.at.with_timezone(&New_York);
        assert_eq!(
            (local.weekday(), local.hour(), local.minute()),
            (Weekday::Mon, 9, 0)
        );
        assert_eq!(p.target, Target::Channel("ny".into()));
        assert!(
            p.text
                .starts_with(&format!("Weekly digest — week of {}", p.period())),
            "{}",
            p.text
        );
        assert!(
            p.text.contains("Initech"),
            "the demo's accounts are in the digest: {}",
            p.text
        );
    }

    // Standup: every weekday, 09:30 Berlin — 08:30 UTC until the EU change on Mar 29, 07:30 after.
    let got: Vec<(String, DateTime<Utc>)> = standup
        .iter()
        .map(|p| (p.period().to_string(), p.at))
        .collect();
    let mut expected = Vec::new();
    let mut day = date(2026, 3, 1);
    while day <= date(2026, 4, 4) {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            let hour = if day < date(2026, 3, 29) { 8 } else { 7 };
            expected.push((
                day.to_string(),
                utc(day.year(), day.month(), day.day(), hour, 30),
            ));
        }
        day += Duration::days(1);
    }
    assert_eq!(expected.len(), 25);
    assert_eq!(got, expected);
    for p in &standup {
        let local = p.at.with_timezone(&Berlin);
        assert!(
            !matches!(local.weekday(), Weekday::Sat | Weekday::Sun),
            "weekend standup {}",
            p.marker
        );
        assert_eq!((local.hour(), local.minute()), (9, 30));
        assert_eq!(p.target, Target::Channel("berlin".into()));
        assert!(p.text.starts_with("Standup: "), "{}", p.text);
    }

    // Renewals: at most once a day, at 09:00 UTC (the tenant's zone), on a day the job ran;
    // every day of the month is settled in the ledger (sent, or nothing to say).
    let mut per_day: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &renewals {
        *per_day.entry(p.period()).or_default() += 1;
        assert_eq!(
            p.at,
            utc(p.at.year(), p.at.month(), p.at.day(), 9, 0),
            "{}",
            p.marker
        );
        assert_eq!(p.period(), p.at.date_naive().to_string());
        assert!(p.text.starts_with("Renewals: "), "{}", p.text);
    }
    assert!(per_day.values().all(|n| *n == 1), "{per_day:?}");
    assert!(
        !renewals.is_empty(),
        "demo accounts enter renewal stages during a month"
    );
    let ledger = app
        .store
        .posts(&tenant("tenant-a"), "renewals@renewals")
        .expect("ledger");
    assert_eq!(ledger.len(), 35, "{ledger:?}");
    assert!(
        ledger
            .iter()
            .all(|(_, s)| matches!(s, PostState::Sent { .. })),
        "{ledger:?}"
    );
}

// ---------------------------------------------------------------------------------------
// 2. Restarts: claimed-not-sent and sent-not-marked never post twice.
// ---------------------------------------------------------------------------------------

/// Monday 2026-03-09: the crashed run claimed at 09:00:05, the restarted one runs at 09:15.
fn crashed_claim() -> PostState {
    PostState::Claimed {
        at: utc(2026, 3, 9, 9, 0) + Duration::seconds(5),
    }
}

#[tokio::test]
async fn claimed_not_sent_and_absent_from_history_is_posted_once() {
    let (_dir, app) = weekly_tenant(None);
    app.store
        .set_post_state(&tenant("acme"), "weekly@ny", "2026-03-09", &crashed_claim())
        .expect("claim");
    let port = RecordingPort::new("acme");
    let ports = Routing::one("acme", &port);

    let report = tick(&app, &ports, utc(2026, 3, 9, 9, 15)).await;
    assert_eq!(report.posted, 1);
    let posts = port.delivered();
    assert_eq!(posts.len(), 1);
    assert!(posts[0]
        .marker
        .starts_with(&marker("acme", "weekly@ny", "2026-03-09")));
    assert!(matches!(
        state(&app, "acme", "weekly@ny", "2026-03-09"),
        Some(PostState::Sent { .. })
    ));

    for minutes in [30, 45, 60, 600] {
        tick(
            &app,
            &ports,
            utc(2026, 3, 9, 9, 0) + Duration::minutes(minutes),
        )
        .await;
    }
    assert_eq!(port.delivered().len(), 1);
}

#[tokio::test]
async fn claimed_and_found_in_history_is_marked_sent_without_posting() {
    let (_dir, app) = weekly_tenant(None);
    app.store
        .set_post_state(&tenant("acme"), "weekly@ny", "2026-03-09", &crashed_claim())
        .expect("claim");
    let port = RecordingPort::new("acme");
    port.seed(
        Target::Channel("ny".into()),
        &steward::scheduler::marker(
            &tenant("acme"),
            "weekly@ny",
            "2026-03-09",
            utc(2026, 3, 9, 9, 0) + Duration::seconds(5),
        ),
    );
    let ports = Routing::one("acme", &port);

    let report = tick(&app, &ports, utc(2026, 3, 9, 9, 15)).await;
    assert_eq!(report, Report::default());
    assert_eq!(
        port.delivered().len(),
        1,
        "only the post made before the crash"
    );
    assert!(matches!(
        state(&app, "acme", "weekly@ny", "2026-03-09"),
        Some(PostState::Sent { .. })
    ));
    tick(&app, &ports, utc(2026, 3, 9, 12, 0)).await;
    assert_eq!(port.delivered().len(), 1);
}

#[tokio::test]
async fn claimed_with_unreadable_history_is_skipped_not_posted() {
    let (_dir, app) = weekly_tenant(None);
    app.store
        .set_post_state(&tenant("acme"), "weekly@ny", "2026-03-09", &crashed_claim())
        .expect("claim");
    let port = RecordingPort::new("acme");
    port.set_history(History::Unreadable);
    let ports = Routing::one("acme", &port);

    let report = tick(&app, &ports, utc(2026, 3, 9, 9, 15)).await;
    assert_eq!(
        report,
        Report {
            posted: 0,
            skipped: 1,
            failed: 0
        }
    );
    assert!(port.delivered().is_empty());
    assert!(matches!(
        state(&app, "acme", "weekly@ny", "2026-03-09"),
        Some(PostState::Skipped { .. })
    ));
    tick(&app, &ports, utc(2026, 3, 9, 9, 30)).await;
    tick(&app, &ports, utc(2026, 3, 9, 20, 0)).await;
    assert!(port.delivered().is_empty());
}

#[tokio::test]
async fn sent_but_not_marked_is_not_posted_again_after_a_reopen() {
    let (dir, app) = weekly_tenant(None);
    let port = RecordingPort::new("acme");
    let ports = Routing::one("acme", &port);
    tick(&app, &ports, utc(2026, 3, 9, 9, 0)).await;
    assert_eq!(port.delivered().len(), 1);
    // The crash came after the post and before the mark: the ledger still says claimed,
    // by the claim that made the post.
    let claim = PostState::Claimed {
        at: utc(2026, 3, 9, 9, 0),
    };
    app.store
        .set_post_state(&tenant("acme"), "weekly@ny", "2026-03-09", &claim)
        .expect("claim");
    drop(app);

    let app = open(dir.path());
    let report = tick(&app, &ports, utc(2026, 3, 9, 9, 15)).await;
    assert_eq!(report, Report::default());
    assert_eq!(port.delivered().len(), 1, "no second post");
    assert!(matches!(
        state(&app, "acme", "weekly@ny", "2026-03-09"),
        Some(PostState::Sent { .. })
    ));
    drop(app);

    // And where history cannot be read, it is skipped rather than risk a duplicate.
    let app = open(dir.path());
    app.store
        .set_post_state(&tenant("acme"), "weekly@ny", "2026-03-09", &crashed_claim())
        .expect("claim");
    port.set_history(History::Unreadable);
    let report = tick(&app, &ports, utc(2026, 3, 9, 9, 30)).await;
    assert_eq!(report.skipped, 1);
    assert_eq!(port.delivered().len(), 1, "no second post");
}

// ---------------------------------------------------------------------------------------
// 3. A missed Monday: made up within its local day, skipped after it.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_monday_missed_until_late_evening_is_made_up_once() {
    let (_dir, app) = weekly_tenant(Some("America/New_York"));
    let port = RecordingPort::new("acme");
    let ports = Routing::one("acme", &port);
    // Nothing ran on Monday 2026-03-09 until 23:00 in New York (EDT, UTC-4): 03:00 UTC Tuesday.
    let late = utc(2026, 3, 10, 3, 0);
    assert_eq!(late.with_timezone(&New_York).weekday(), Weekday::Mon);
    let report = tick(&app, &ports, late).await;
    assert_eq!(report.posted, 1);
    for minutes in [15, 30, 45, 59, 60, 600] {
        tick(&app, &ports, late + Duration::minutes(minutes)).await;
    }
    let posts = port.delivered();
    assert_eq!(posts.len(), 1, "{posts:#?}");
    assert!(posts[0]
        .marker
        .starts_with(&marker("acme", "weekly@ny", "2026-03-09")));
    assert_eq!(posts[0].at, late);
    assert!(matches!(
        state(&app, "acme", "weekly@ny", "2026-03-09"),
        Some(PostState::Sent { .. })
    ));
    // The Monday before (2026-03-02) had no run at all: skipped, not posted.
    assert!(matches!(
        state(&app, "acme", "weekly@ny", "2026-03-02"),
        Some(PostState::Skipped { .. })
    ));
}

#[tokio::test]
async fn a_monday_missed_entirely_is_skipped_on_tuesday_and_recorded() {
    let (_dir, app) = weekly_tenant(Some("America/New_York"));
    let port = RecordingPort::new("acme");
    let ports = Routing::one("acme", &port);
    // Sunday's run, then nothing until Tuesday 10:00 New York.
    tick(&app, &ports, utc(2026, 3, 8, 18, 0)).await;
    let tuesday = utc(2026, 3, 10, 14, 0);
    let report = tick(&app, &ports, tuesday).await;
    assert_eq!(report.posted, 0);
    for hours in [1, 8, 24, 48] {
        tick(&app, &ports, tuesday + Duration::hours(hours)).await;
    }
    assert!(port.delivered().is_empty(), "{:#?}", port.delivered());
    match state(&app, "acme", "weekly@ny", "2026-03-09") {
        Some(PostState::Skipped { why, .. }) => assert!(why.contains("missed"), "{why}"),
        other => panic!("Monday's weekly should be recorded as skipped, is {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// 4. Escalations: once per cause, re-armed when it clears; channel or direct message.
// ---------------------------------------------------------------------------------------

/// Tenant `esc` with Acme (owner jane, manager boss), green to begin with.
fn escalation_tenant(subscribe: bool) -> (TempDir, App, u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let at = setup_time();
    exec(
        &app,
        "esc",
        "console",
        at,
        "/account add Acme arr:40k renewal:2026-12-01 owner:@jane",
    );
    exec(
        &app,
        "esc",
        "console",
        at,
        "/steward manager @jane manager:@boss",
    );
    exec(
        &app,
        "esc",
        "console",
        at,
        &format!("/health set Acme {GREEN}"),
    );
    if subscribe {
        exec(&app, "esc", "esc", at, "/digest subscribe escalations");
    }
    let id = {
        let book = app.store.book(&tenant("esc")).expect("book");
        let book = book.read().unwrap_or_else(|p| p.into_inner());
        book.by_name("Acme").expect("Acme exists").id.0
    };
    (dir, app, id)
}

#[tokio::test]
async fn an_account_turning_red_pings_the_manager_once_and_again_after_it_recovers() {
    let (_dir, app, id) = escalation_tenant(true);
    let port = RecordingPort::new("esc");
    let ports = Routing::one("esc", &port);
    let t0 = utc(2026, 3, 2, 9, 0);
    tick(&app, &ports, t0).await;
    assert!(
        port.delivered().is_empty(),
        "nothing to escalate while green"
    );

    exec(
        &app,
        "esc",
        "console",
        t0 + Duration::minutes(5),
        &format!("/health set Acme {RED}"),
    );
    for minutes in [6, 7, 30, 60 * 24] {
        tick(&app, &ports, t0 + Duration::minutes(minutes)).await;
    }
    let posts = port.delivered();
    assert_eq!(posts.len(), 1, "{posts:#?}");
    assert_eq!(posts[0].target, Target::Channel("esc".into()));
    assert!(posts[0]
        .marker
        .starts_with(&marker("esc", "escalations@esc", &format!("red:{id}"))));
    assert!(
        posts[0].text.contains("Acme turned red"),
        "{}",
        posts[0].text
    );
    assert!(
        mentions(&posts[0].reply).contains("boss"),
        "{:?}",
        posts[0].reply
    );

    // Back to green: the cause clears (nothing posted) …
    let t1 = t0 + Duration::days(2);
    exec(
        &app,
        "esc",
        "console",
        t1,
        &format!("/health set Acme {GREEN}"),
    );
    tick(&app, &ports, t1 + Duration::minutes(1)).await;
    assert_eq!(port.delivered().len(), 1);
    assert_eq!(
        state(&app, "esc", "escalations@esc", &format!("red:{id}")),
        None,
        "re-armed"
    );
    // … and red again fires exactly once more.
    exec(
        &app,
        "esc",
        "console",
        t1 + Duration::hours(1),
        &format!("/health set Acme {RED}"),
    );
    for minutes in [61, 62, 90, 600] {
        tick(&app, &ports, t1 + Duration::minutes(minutes)).await;
    }
    let posts = port.delivered();
    assert_eq!(posts.len(), 2, "{posts:#?}");
    assert!(posts[1].text.contains("Acme turned red"));
    assert_eq!(posts[1].at, t1 + Duration::minutes(61));
}

#[tokio::test]
async fn without_an_escalations_channel_the_manager_gets_a_direct_message() {
    let (_dir, app, id) = escalation_tenant(false);
    let port = RecordingPort::new("esc");
    let ports = Routing::one("esc", &port);
    let t0 = utc(2026, 3, 2, 9, 0);
    exec(
        &app,
        "esc",
        "console",
        t0,
        &format!("/health set Acme {RED}"),
    );
    for minutes in [1, 2, 60, 600] {
        tick(&app, &ports, t0 + Duration::minutes(minutes)).await;
    }
    let posts = port.delivered();
    assert_eq!(posts.len(), 1, "{posts:#?}");
    assert_eq!(posts[0].target, Target::Direct(user("boss")));
    assert!(
        posts[0].marker.contains(&format!(":red:{id}>boss:")),
        "{}",
        posts[0].marker
    );
    assert!(posts[0].text.contains("Acme turned red"));
}

#[tokio::test]
async fn each_escalation_cause_fires_once_and_rearms_after_it_clears() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let t0 = utc(2026, 3, 2, 9, 0);
    // Renews in 20 days: inside T-30, where unanswered follow-ups escalate.
    exec(
        &app,
        "esc",
        "console",
        t0,
        "/account add Acme arr:40k renewal:2026-03-22 owner:@jane",
    );
    exec(
        &app,
        "esc",
        "console",
        t0,
        "/steward manager @jane manager:@boss",
    );
    exec(
        &app,
        "esc",
        "console",
        t0,
        &format!("/health set Acme {GREEN}"),
    );
    exec(
        &app,
        "esc",
        "console",
        t0,
        "/stakeholder add Acme \"Ana Lee\" role:champion sentiment:champion",
    );
    exec(
        &app,
        "esc",
        "console",
        t0,
        "/stakeholder add Acme \"Bo Chen\" role:economic-buyer sentiment:positive",
    );
    exec(&app, "esc", "esc", t0, "/digest subscribe escalations");
    let port = RecordingPort::new("esc");
    let ports = Routing::one("esc", &port);
    let mut now = t0;
    let step = |now: &mut DateTime<Utc>| {
        *now += Duration::minutes(10);
        *now
    };
    tick(&app, &ports, step(&mut now)).await;
    assert!(port.delivered().is_empty(), "{:#?}", port.delivered());

    let count = |cause: &str| {
        port.delivered()
            .iter()
            .filter(|p| p.marker.contains(&format!(":escalations@esc:{cause}:")))
            .count()
    };

    // The champion departs, leaving none; two follow-ups go unanswered.
    exec(
        &app,
        "esc",
        "console",
        step(&mut now),
        "/stakeholder departed Acme \"Ana Lee\"",
    );
    exec(
        &app,
        "esc",
        "console",
        step(&mut now),
        "/renewal followup Acme",
    );
    exec(
        &app,
        "esc",
        "console",
        step(&mut now),
        "/renewal followup Acme",
    );
    for _ in 0..3 {
        tick(&app, &ports, step(&mut now)).await;
    }
    assert_eq!(
        (count("champion"), count("followups")),
        (1, 1),
        "{:#?}",
        port.delivered()
    );

    // Both clear: a new champion, an answer.
    exec(
        &app,
        "esc",
        "console",
        step(&mut now),
        "/stakeholder add Acme \"Omar Diaz\" role:champion sentiment:positive",
    );
    exec(
        &app,
        "esc",
        "console",
        step(&mut now),
        "/renewal followup Acme responded:yes",
    );
    for _ in 0..3 {
        tick(&app, &ports, step(&mut now)).await;
    }
    assert_eq!((count("champion"), count("followups")), (1, 1));

    // Both recur: each fires exactly once more.
    exec(
        &app,
        "esc",
        "console",
        step(&mut now),
        "/stakeholder departed Acme \"Omar Diaz\"",
    );
    exec(
        &app,
        "esc",
        "console",
        step(&mut now),
        "/renewal followup Acme",
    );
    exec(
        &app,
        "esc",
        "console",
        step(&mut now),
        "/renewal followup Acme",
    );
    for _ in 0..3 {
        tick(&app, &ports, step(&mut now)).await;
    }
    assert_eq!(
        (count("champion"), count("followups")),
        (2, 2),
        "{:#?}",
        port.delivered()
    );
    assert_eq!(port.delivered().len(), 4);
    assert!(port
        .delivered()
        .iter()
        .all(|p| mentions(&p.reply).contains("boss")));
}

#[tokio::test]
async fn a_missed_save_play_milestone_escalates_once_per_milestone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let t0 = utc(2026, 3, 2, 9, 0);
    exec(
        &app,
        "esc",
        "console",
        t0,
        "/account add Acme arr:40k renewal:2026-12-01 owner:@jane",
    );
    exec(
        &app,
        "esc",
        "console",
        t0,
        "/steward manager @jane manager:@boss",
    );
    exec(
        &app,
        "esc",
        "console",
        t0,
        &format!("/health set Acme {GREEN}"),
    );
    exec(&app, "esc", "esc", t0, "/digest subscribe escalations");
    exec(
        &app,
        "esc",
        "console",
        t0,
        "/atrisk save Acme cause:budget owner:@jane",
    );
    let port = RecordingPort::new("esc");
    let ports = Routing::one("esc", &port);
    // Hourly for 30 hours: triage (24 h) is missed once, exec (48 h) not yet.
    for hours in 1..=30 {
        tick(&app, &ports, t0 + Duration::hours(hours)).await;
    }
    let posts = port.delivered();
    assert_eq!(posts.len(), 1, "{posts:#?}");
    assert!(
        posts[0].text.contains("missed its triage deadline"),
        "{}",
        posts[0].text
    );
    assert_eq!(posts[0].at, t0 + Duration::hours(25));
}

// ---------------------------------------------------------------------------------------
// 5. Failing posts: retried with backoff, dropped after 24 h and counted in the next digest;
//    one failure never stops the others.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_failed_post_is_retried_after_its_backoff_and_sent_once() {
    let (_dir, app) = weekly_tenant(None);
    let port = RecordingPort::new("acme");
    let ports = Routing::one("acme", &port);
    port.fail_next(1, Fail::Failed);
    let t0 = utc(2026, 3, 9, 9, 0);
    let report = tick(&app, &ports, t0).await;
    assert_eq!(
        report,
        Report {
            posted: 0,
            skipped: 0,
            failed: 1
        }
    );
    let next_at = match state(&app, "acme", "weekly@ny", "2026-03-09") {
        Some(PostState::Failed {
            first_at,
            attempts,
            next_at,
            ..
        }) => {
            assert_eq!((first_at, attempts), (t0, 1));
            assert!(
                next_at > t0 && next_at <= t0 + Duration::hours(1),
                "{next_at}"
            );
            next_at
        }
        other => panic!("expected failed, got {other:?}"),
    };
    tick(&app, &ports, next_at - Duration::seconds(1)).await;
    assert!(
        port.delivered().is_empty(),
        "not retried before its backoff"
    );
    let report = tick(&app, &ports, next_at).await;
    assert_eq!(report.posted, 1);
    tick(&app, &ports, next_at + Duration::minutes(15)).await;
    tick(&app, &ports, next_at + Duration::hours(5)).await;
    assert_eq!(port.delivered().len(), 1);
    assert_eq!(port.failed().len(), 1);
    assert!(matches!(
        state(&app, "acme", "weekly@ny", "2026-03-09"),
        Some(PostState::Sent { .. })
    ));
}

#[tokio::test]
async fn a_rate_limited_post_waits_for_retry_after() {
    let (_dir, app) = weekly_tenant(None);
    let port = RecordingPort::new("acme");
    let ports = Routing::one("acme", &port);
    port.fail_next(1, Fail::RateLimited(StdDuration::from_secs(600)));
    let t0 = utc(2026, 3, 9, 9, 0);
    tick(&app, &ports, t0).await;
    match state(&app, "acme", "weekly@ny", "2026-03-09") {
        Some(PostState::Failed { next_at, .. }) => assert_eq!(next_at, t0 + Duration::minutes(10)),
        other => panic!("expected failed, got {other:?}"),
    }
    tick(&app, &ports, t0 + Duration::minutes(9)).await;
    assert!(port.delivered().is_empty());
    tick(&app, &ports, t0 + Duration::minutes(10)).await;
    tick(&app, &ports, t0 + Duration::minutes(20)).await;
    assert_eq!(port.delivered().len(), 1);
}

#[tokio::test]
async fn a_post_failing_for_a_day_is_dropped_and_counted_in_the_next_weekly_digest() {
    let (_dir, app) = weekly_tenant(None);
    let port = RecordingPort::new("acme");
    let ports = Routing::one("acme", &port);
    port.fail_next(u32::MAX, Fail::Failed);
    let t0 = utc(2026, 3, 9, 9, 0);
    let mut now = t0;
    while now <= t0 + Duration::hours(26) {
        tick(&app, &ports, now).await;
        now += Duration::minutes(15);
    }
    assert!(port.delivered().is_empty());
    let attempts = port.failed();
    assert!(
        attempts.len() >= 10,
        "retried with backoff: {} attempts",
        attempts.len()
    );
    assert!(attempts.iter().all(|(_, m, _)| m.starts_with(&marker(
        "acme",
        "weekly@ny",
        "2026-03-09"
    ))));
    assert!(
        attempts
            .iter()
            .all(|(_, _, at)| *at - t0 <= Duration::hours(24)),
        "no attempt after 24 h: {attempts:?}"
    );
    // Backoff: the gaps grow, and never exceed an hour (plus one 15-minute tick).
    let gaps: Vec<i64> = attempts
        .windows(2)
        .map(|w| (w[1].2 - w[0].2).num_minutes())
        .collect();
    assert!(gaps.windows(2).all(|g| g[1] >= g[0]), "{gaps:?}");
    assert!(gaps.iter().all(|g| *g <= 75), "{gaps:?}");
    match state(&app, "acme", "weekly@ny", "2026-03-09") {
        Some(PostState::Dropped {
            channel,
            counted,
            at,
        }) => {
            assert_eq!((channel.as_str(), counted), ("ny", false));
            assert!(
                at - t0 > Duration::hours(24) && at - t0 <= Duration::hours(26),
                "{at}"
            );
        }
        other => panic!("expected dropped, got {other:?}"),
    }

    // The channel works again; the week passes quietly, then Monday's digest counts the loss.
    port.stop_failing();
    let mut now = t0 + Duration::days(1);
    while now < utc(2026, 3, 16, 9, 0) {
        tick(&app, &ports, now).await;
        now += Duration::hours(6);
    }
    assert!(port.delivered().is_empty());
    tick(&app, &ports, utc(2026, 3, 16, 9, 0)).await;
    let posts = port.delivered();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].period(), "2026-03-16");
    assert!(
        posts[0].text.contains("could not be delivered to #ny"),
        "{}",
        posts[0].text
    );
    assert!(posts[0].text.contains("2026-03-09"), "{}", posts[0].text);
    assert!(matches!(
        state(&app, "acme", "weekly@ny", "2026-03-09"),
        Some(PostState::Dropped { counted: true, .. })
    ));
    // Counted once: the digest after that does not repeat it.
    tick(&app, &ports, utc(2026, 3, 23, 9, 0)).await;
    let posts = port.delivered();
    assert_eq!(posts.len(), 2);
    assert!(
        !posts[1].text.contains("could not be delivered"),
        "{}",
        posts[1].text
    );
}

#[tokio::test]
async fn one_failing_post_or_tenant_never_stops_the_others() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let at = setup_time();
    for t in ["team-a", "team-b"] {
        exec(
            &app,
            t,
            "console",
            at,
            "/account add Acme arr:50k renewal:2026-05-01 owner:@jane",
        );
        exec(&app, t, "ny", at, "/digest subscribe weekly time:09:30");
        exec(&app, t, "ops", at, "/digest subscribe standup");
    }
    let (a, b) = (RecordingPort::new("team-a"), RecordingPort::new("team-b"));
    let ports = Routing::default().with("team-a", &a).with("team-b", &b);
    a.fail_to(Target::Channel("ny".into()), 1, Fail::Failed);
    b.fail_next(u32::MAX, Fail::Failed);
    let t0 = utc(2026, 3, 9, 9, 30);
    let report = tick(&app, &ports, t0).await;
    assert_eq!(
        report,
        Report {
            posted: 1,
            skipped: 0,
            failed: 3
        }
    );
    let posts = a.delivered();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].target, Target::Channel("ops".into()));
    // The next run after its backoff retries the weekly; team-b keeps failing on its own.
    tick(&app, &ports, t0 + Duration::minutes(15)).await;
    let targets: Vec<Target> = a.delivered().into_iter().map(|p| p.target).collect();
    assert_eq!(
        targets,
        [Target::Channel("ops".into()), Target::Channel("ny".into())]
    );
    assert!(b.delivered().is_empty());
    assert_eq!(b.failed().len(), 4);
}

/// The issue: "A job that fails or panics is logged and retried on the next tick; it never
/// stops the others." A panic while delivering (in a platform adapter's post) is not caught.
#[tokio::test]
async fn a_panicking_post_never_stops_the_other_posts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let at = setup_time();
    exec(
        &app,
        "acme",
        "console",
        at,
        "/account add Acme arr:50k renewal:2026-05-01 owner:@jane",
    );
    exec(
        &app,
        "acme",
        "ny",
        at,
        "/digest subscribe weekly time:09:30",
    );
    exec(&app, "acme", "ops", at, "/digest subscribe standup");
    let port = RecordingPort::new("acme");
    port.panic_on(Target::Channel("ny".into()));
    let app = Arc::new(app);
    let ports = Arc::new(Routing::one("acme", &port));
    let now = utc(2026, 3, 9, 9, 30);
    ports.set_now(now);
    let run = {
        let (app, ports) = (app.clone(), ports.clone());
        tokio::spawn(async move {
            Scheduler {
                app: &app,
                ports: ports.as_ref(),
                dry_run: false,
            }
            .run_due(now)
            .await
        })
    };
    let outcome = run.await;
    let targets: Vec<Target> = port.delivered().into_iter().map(|p| p.target).collect();
    assert!(
        outcome.is_ok(),
        "run_due panicked; delivered only {targets:?}"
    );
    assert_eq!(targets, [Target::Channel("ops".into())]);
}

/// Routing whose port look-up panics for one tenant while told to: a stand-in for a job
/// that panics while its posts are planned.
struct PanickyRouting {
    inner: Routing,
    panic_for: Mutex<Option<TenantId>>,
}

impl Ports for PanickyRouting {
    fn port(&self, tenant: &TenantId) -> Option<&dyn ChatPort> {
        let panics = self
            .panic_for
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            == Some(tenant);
        if panics {
            panic!("job bug while planning for {tenant}");
        }
        self.inner.port(tenant)
    }
}

/// A panic while a tenant's jobs are planned fails that tenant's jobs only, and they run on
/// the next tick.
#[tokio::test]
async fn a_tenant_whose_jobs_panic_is_retried_next_tick_and_the_others_post() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let at = setup_time();
    for name in ["acme", "globex"] {
        exec(
            &app,
            name,
            "console",
            at,
            "/account add Acme arr:50k renewal:2026-05-01 owner:@jane",
        );
        exec(&app, name, "ops", at, "/digest subscribe standup");
    }
    let (acme, globex) = (RecordingPort::new("acme"), RecordingPort::new("globex"));
    let ports = PanickyRouting {
        inner: Routing::one("acme", &acme).with("globex", &globex),
        panic_for: Mutex::new(Some(tenant("acme"))),
    };
    let now = utc(2026, 3, 9, 9, 30);
    ports.inner.set_now(now);
    let scheduler = Scheduler {
        app: &app,
        ports: &ports,
        dry_run: false,
    };
    let report = scheduler.run_due(now).await;
    assert_eq!((report.posted, report.failed), (1, 1), "{report:?}");
    assert!(acme.delivered().is_empty());
    assert_eq!(globex.delivered().len(), 1);

    *ports.panic_for.lock().unwrap_or_else(|p| p.into_inner()) = None;
    let next = now + Duration::minutes(1);
    ports.inner.set_now(next);
    let report = scheduler.run_due(next).await;
    assert_eq!((report.posted, report.failed), (1, 0), "{report:?}");
    assert_eq!(acme.delivered().len(), 1, "acme's standup, one tick late");
    assert_eq!(globex.delivered().len(), 1, "globex's is not posted twice");
}

// ---------------------------------------------------------------------------------------
// 6. Tenant isolation.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_subscriber_in_one_tenant_never_receives_another_tenants_accounts() {
    // Ids sharing a prefix, and the same channel names in both.
    const A: &str = "slack:T1";
    const B: &str = "slack:T1:T2";
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let at = setup_time();
    let names = [
        (A, ["Alpha Widgets", "Apex Labs"]),
        (B, ["Bravo Foods", "Beacon Ltd"]),
    ];
    for (t, [first, second]) in names {
        exec(
            &app,
            t,
            "console",
            at,
            &format!("/account add \"{first}\" arr:80k renewal:2026-04-20 owner:@jane"),
        );
        exec(
            &app,
            t,
            "console",
            at,
            &format!("/account add \"{second}\" arr:60k renewal:2026-03-20 owner:@omar"),
        );
        exec(
            &app,
            t,
            "console",
            at,
            "/steward manager @jane manager:@boss",
        );
        for kind in ["weekly", "standup", "renewals", "escalations"] {
            exec(&app, t, "general", at, &format!("/digest subscribe {kind}"));
        }
    }
    let (a, b) = (RecordingPort::new(A), RecordingPort::new(B));
    let ports = Routing::default().with(A, &a).with(B, &b);
    let t0 = utc(2026, 3, 2, 0, 0);
    let mut now = t0;
    while now < t0 + Duration::days(8) {
        if now == t0 + Duration::days(3) {
            exec(
                &app,
                A,
                "console",
                now,
                &format!("/health set \"Alpha Widgets\" {RED}"),
            );
            exec(
                &app,
                B,
                "console",
                now,
                &format!("/health set \"Bravo Foods\" {RED}"),
            );
        }
        tick(&app, &ports, now).await;
        now += Duration::hours(1);
    }
    for (port, own, others, own_prefix, other_prefix) in [
        (
            &a,
            ["Alpha Widgets", "Apex Labs"],
            ["Bravo Foods", "Beacon Ltd"],
            "steward:slack:T1:",
            "steward:slack:T1:T2:",
        ),
        (
            &b,
            ["Bravo Foods", "Beacon Ltd"],
            ["Alpha Widgets", "Apex Labs"],
            "steward:slack:T1:T2:",
            "steward:slack:T1:",
        ),
    ] {
        let posts = port.delivered();
        let kinds: BTreeSet<&str> = posts
            .iter()
            .filter_map(|p| p.marker.split(':').rev().nth(1))
            .collect();
        assert!(
            posts.len() >= 8,
            "{} posts for {}",
            posts.len(),
            port.tenant
        );
        assert!(
            posts.iter().any(|p| p.marker.contains(":weekly@general:")),
            "{kinds:?}"
        );
        assert!(
            posts
                .iter()
                .any(|p| p.marker.contains(":escalations@general:")),
            "{:#?}",
            posts.iter().map(|p| &p.marker).collect::<Vec<_>>()
        );
        for p in &posts {
            assert_eq!(p.tenant, port.tenant);
            for name in others {
                assert!(
                    !p.text.contains(name),
                    "{} received {name}: {}",
                    port.tenant,
                    p.text
                );
            }
            assert!(p.marker.starts_with(own_prefix), "{}", p.marker);
            if port.tenant == A {
                assert!(!p.marker.starts_with(other_prefix), "{}", p.marker);
            }
        }
        let all_text: String = posts.iter().map(|p| p.text.as_str()).collect();
        for name in own {
            assert!(
                all_text.contains(name),
                "{} never saw its own {name}",
                port.tenant
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// 7. Mass mentions never come from user text.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn user_text_in_posts_is_never_a_mention() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let at = setup_time();
    let name = "Acme <!channel> @everyone";
    exec(
        &app,
        "mm",
        "console",
        at,
        &format!("/account add \"{name}\" arr:50k renewal:2026-04-15 owner:@jane"),
    );
    exec(
        &app,
        "mm",
        "console",
        at,
        &format!("/stakeholder add \"{name}\" \"<!here> @here\" role:champion"),
    );
    exec(
        &app,
        "mm",
        "console",
        at,
        "/steward manager @jane manager:@boss",
    );
    exec(&app, "mm", "ny", at, "/digest subscribe weekly");
    exec(&app, "mm", "ops", at, "/digest subscribe standup");
    exec(&app, "mm", "esc", at, "/digest subscribe escalations");
    exec(
        &app,
        "mm",
        "console",
        at,
        &format!("/health set \"{name}\" {RED}"),
    );
    exec(
        &app,
        "mm",
        "console",
        at,
        &format!("/stakeholder departed \"{name}\" \"<!here> @here\""),
    );
    let port = RecordingPort::new("mm");
    let ports = Routing::one("mm", &port);
    tick(&app, &ports, utc(2026, 3, 2, 9, 30)).await;
    let posts = port.delivered();
    let channels: BTreeSet<String> = posts
        .iter()
        .filter_map(|p| match &p.target {
            Target::Channel(c) => Some(c.clone()),
            Target::Direct(_) => None,
        })
        .collect();
    assert_eq!(
        channels,
        ["esc", "ny", "ops"].iter().map(|c| c.to_string()).collect()
    );
    let allowed: BTreeSet<String> = ["jane", "boss"].iter().map(|u| u.to_string()).collect();
    for p in &posts {
        assert!(
            p.text.contains(name),
            "the name is shown as text: {}",
            p.text
        );
        let found = mentions(&p.reply);
        assert!(found.is_subset(&allowed), "{found:?} in {}", p.text);
        for span in spans(&p.reply) {
            if let Span::Mention(UserId(id)) = span {
                assert!(
                    !["channel", "everyone", "here", "!channel", "!here"].contains(&id.as_str()),
                    "{id}"
                );
            }
        }
    }
    let escalations: Vec<&Delivered> = posts
        .iter()
        .filter(|p| p.target == Target::Channel("esc".into()))
        .collect();
    assert_eq!(escalations.len(), 2, "red and champion departed");
    assert!(escalations
        .iter()
        .all(|p| mentions(&p.reply).contains("boss")));
    assert!(
        escalations
            .iter()
            .any(|p| p.text.contains("<!here> @here departed")),
        "{escalations:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// 8. `steward tick --dry-run` through the binary.
// ---------------------------------------------------------------------------------------

fn steward_tick(dir: &Path, now: &str, extra: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    cmd.env_clear().current_dir(dir);
    for name in ["PATH", "HOME"] {
        if let Ok(value) = std::env::var(name) {
            cmd.env(name, value);
        }
    }
    cmd.arg("--db")
        .arg(dir.join("steward.db"))
        .arg("--now")
        .arg(now)
        .arg("tick")
        .args(extra);
    let output = cmd.output().expect("run steward");
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn tick_dry_run_prints_without_recording_and_a_real_tick_posts_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let app = open(dir.path());
        let at = setup_time();
        exec(
            &app,
            "local",
            "console",
            at,
            "/account add Acme arr:50k renewal:2026-05-01 owner:@jane",
        );
        exec(&app, "local", "ny", at, "/digest subscribe weekly");
    }
    let now = "2026-03-09T10:00:00Z";
    let out = |o: &Output| {
        (
            String::from_utf8_lossy(&o.stdout).to_string(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };

    let (stdout, stderr) = out(&steward_tick(dir.path(), now, &["--dry-run"]));
    assert!(
        stdout.contains("[#ny] Weekly digest — week of 2026-03-09"),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stdout.contains("Acme"), "{stdout}");
    assert!(stderr.contains("tick (dry run): 1 posted"), "{stderr}");
    {
        let app = open(dir.path());
        assert_eq!(
            state(&app, "local", "weekly@ny", "2026-03-09"),
            None,
            "a dry run records nothing"
        );
        assert_eq!(
            state(&app, "local", "weekly@ny", "2026-03-02"),
            None,
            "not even the skipped Monday"
        );
    }

    // The real tick writes the digest's picture (the renewal timeline) with --images.
    let images = dir.path().join("pictures");
    let images_arg = images.display().to_string();
    let (stdout, stderr) = out(&steward_tick(dir.path(), now, &["--images", &images_arg]));
    assert!(
        stdout.contains("[#ny] Weekly digest — week of 2026-03-09"),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stderr.contains("tick: 1 posted"), "{stderr}");
    let picture = images.join("renewal-timeline-2026-03-09.png");
    assert!(
        stdout.contains(&format!("Picture: {} — ", picture.display())),
        "{stdout}"
    );
    assert!(std::fs::read(&picture).is_ok_and(|png| png.starts_with(b"\x89PNG")));

    let (stdout, stderr) = out(&steward_tick(dir.path(), now, &[]));
    assert!(!stdout.contains("[#ny]"), "posted twice: {stdout}");
    assert!(stderr.contains("tick: 0 posted"), "{stderr}");
    let (stdout, _) = out(&steward_tick(dir.path(), now, &["--dry-run"]));
    assert!(
        !stdout.contains("[#ny]"),
        "a dry run after the post shows nothing due: {stdout}"
    );

    let app = open(dir.path());
    assert!(matches!(
        state(&app, "local", "weekly@ny", "2026-03-09"),
        Some(PostState::Sent { .. })
    ));
}

/// One printer serves every tenant: each post is headed by its tenant, kind and channel.
#[test]
fn tick_heads_each_printed_post_with_its_tenant() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let app = open(dir.path());
        let at = setup_time();
        for (tenant_id, channel) in [("local", "ny"), ("slack:T123", "cs-team")] {
            exec(
                &app,
                tenant_id,
                "console",
                at,
                "/account add Acme arr:50k renewal:2026-05-01 owner:@jane",
            );
            exec(&app, tenant_id, channel, at, "/digest subscribe weekly");
        }
    }
    let output = steward_tick(dir.path(), "2026-03-09T10:00:00Z", &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    for (tenant_id, channel) in [("local", "ny"), ("slack:T123", "cs-team")] {
        let heading = format!(
            "[tenant {tenant_id}] weekly digest → #{channel}\n[#{channel}] Weekly digest — week of 2026-03-09"
        );
        assert!(stdout.contains(&heading), "{heading:?} in:\n{stdout}");
    }
    assert_eq!(stdout.matches("[tenant ").count(), 2, "{stdout}");
}

// ---------------------------------------------------------------------------------------
// 9. *Snooze a week*: one account's reminders muted for 7 days, nothing else moved.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn snooze_mutes_the_reminder_for_a_week_then_reminds_again_and_moves_no_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    let at = setup_time();
    // 2026-04-10: T-30 on Mar 11, weekly nudges on Mar 18 and 25, T-7 on Apr 3.
    exec(
        &app,
        "acme",
        "console",
        at,
        "/account add Stark arr:50k renewal:2026-04-10 owner:@jane",
    );
    exec(&app, "acme", "renewals", at, "/digest subscribe renewals");
    let port = RecordingPort::new("acme");
    let ports = Routing::one("acme", &port);
    let days_with_stark = |from: NaiveDate, to: NaiveDate| -> Vec<NaiveDate> {
        port.delivered()
            .iter()
            .filter(|p| p.text.contains("Stark"))
            .map(|p| p.at.date_naive())
            .filter(|d| (from..=to).contains(d))
            .collect()
    };
    let run_days = |from: NaiveDate, to: NaiveDate| {
        let ports = &ports;
        let app = &app;
        async move {
            let mut day = from;
            while day <= to {
                tick(
                    app,
                    ports,
                    day.and_hms_opt(9, 5, 0).expect("valid").and_utc(),
                )
                .await;
                day += Duration::days(1);
            }
        }
    };
    run_days(date(2026, 3, 2), date(2026, 3, 13)).await;
    assert_eq!(
        days_with_stark(date(2026, 3, 2), date(2026, 3, 13)),
        [date(2026, 3, 11)],
        "entered T-30"
    );

    // The button on that post is clicked on Mar 13: it runs the line the button carries.
    let Some(steward::slack::actions::Click::Press(button, name)) =
        steward::slack::actions::click("steward_snooze", "Stark")
    else {
        panic!("a button");
    };
    let line = steward::actions::press(&app, &actor("acme", "renewals"), button, &name)
        .expect("anyone may snooze a reminder");
    let answer = exec(&app, "acme", "renewals", utc(2026, 3, 13, 10, 0), &line);
    assert_eq!(
        answer,
        "Reminder for Stark muted until 2026-03-20; the renewal date stays 2026-04-10."
    );
    let shown = exec(
        &app,
        "acme",
        "console",
        utc(2026, 3, 13, 10, 0),
        "/renewal show Stark",
    );
    for part in [
        "Renews: 2026-04-10 (in 28 days, T-30)",
        "Extension: 0 of 30 days used",
        "Reminders: muted until 2026-03-20",
    ] {
        assert!(shown.contains(part), "{part:?} in:\n{shown}");
    }

    // No reminder for 7 days — the nudge of Mar 18 included — then one on Mar 20.
    run_days(date(2026, 3, 14), date(2026, 3, 26)).await;
    assert_eq!(
        days_with_stark(date(2026, 3, 14), date(2026, 3, 26)),
        [date(2026, 3, 20), date(2026, 3, 25)],
        "muted Mar 13–19, back on Mar 20, the weekly nudge again on Mar 25"
    );
    let back = port
        .delivered()
        .into_iter()
        .find(|p| p.at.date_naive() == date(2026, 3, 20))
        .expect("posted");
    assert!(
        back.text
            .starts_with("Renewals: 1 reminder back from snooze\n")
            && back.text.contains(
                "Stark ($50K) — T-30 — renews 2026-04-10 (reminder snoozed until 2026-03-20)"
            ),
        "{}",
        back.text
    );
    let shown = exec(
        &app,
        "acme",
        "console",
        utc(2026, 3, 26, 10, 0),
        "/renewal show Stark",
    );
    assert!(shown.contains("Reminders: on"), "{shown}");
    assert!(shown.contains("Renews: 2026-04-10"), "{shown}");
}

/// A run purges undo plans past their day: a removed stakeholder's record goes with them.
#[tokio::test]
async fn a_run_purges_undo_plans_past_their_day() {
    let (_dir, app) = weekly_tenant(None);
    let at = setup_time();
    exec(
        &app,
        "acme",
        "console",
        at,
        "/stakeholder add Acme \"Sam Ode\" role:champion",
    );
    exec(
        &app,
        "acme",
        "console",
        at,
        "/stakeholder remove Acme \"Sam Ode\"",
    );
    let plan = || {
        app.store
            .last_change(&tenant("acme"), &user("local-user"))
            .expect("read")
            .expect("a plan")
    };
    let port = RecordingPort::new("acme");
    let ports = Routing::one("acme", &port);
    tick(&app, &ports, at + Duration::hours(23)).await;
    assert!(!plan().steps.is_empty(), "undo is still offered");
    tick(&app, &ports, at + Duration::hours(24)).await;
    assert!(plan().steps.is_empty() && plan().command.is_empty());
}

// ---------------------------------------------------------------------------------------
// Probes of edge cases found while reading the scheduler.
// ---------------------------------------------------------------------------------------

/// A leadership notice goes by direct message to every admin under one ledger entry; when
/// one of the DMs fails, the retry posts to all of them again.
#[tokio::test]
async fn a_leadership_notice_failing_for_one_admin_is_not_repeated_to_the_others() {
    let dir = tempfile::tempdir().expect("temp dir");
    let admins = Admins::parse("boss1,boss2").expect("admins");
    let app = open_with(dir.path(), Some(admins));
    let boss = Actor {
        user: user("boss1"),
        ..actor("lead", "console")
    };
    let t0 = utc(2026, 3, 2, 9, 0);
    exec_as(
        &app,
        &boss,
        t0,
        "/account add Bigco arr:60k renewal:2026-12-01 owner:@jane",
    );
    exec_as(&app, &boss, t0, &format!("/health set Bigco {GREEN}"));
    exec_as(
        &app,
        &boss,
        t0,
        "/atrisk save Bigco cause:budget owner:@jane",
    );
    let port = RecordingPort::new("lead");
    let ports = Routing::one("lead", &port);
    port.fail_to(Target::Direct(user("boss2")), 1, Fail::Failed);
    for minutes in [1, 30, 60, 120] {
        tick(&app, &ports, t0 + Duration::minutes(minutes)).await;
    }
    let per_target: BTreeMap<String, usize> =
        port.delivered().iter().fold(BTreeMap::new(), |mut m, p| {
            *m.entry(format!("{:?}", p.target)).or_default() += 1;
            m
        });
    let expected: BTreeMap<String, usize> = [
        (format!("{:?}", Target::Direct(user("boss1"))), 1),
        (format!("{:?}", Target::Direct(user("boss2"))), 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(per_target, expected, "{:#?}", port.delivered());
}

/// An escalation that cleared and recurred carries the same marker as its first firing, so
/// a restart between claim and post of the second firing finds the first one in history.
#[tokio::test]
async fn a_recurring_escalation_interrupted_by_a_restart_is_still_posted() {
    let (_dir, app, id) = escalation_tenant(true);
    let port = RecordingPort::new("esc");
    let ports = Routing::one("esc", &port);
    let t0 = utc(2026, 3, 2, 9, 0);
    exec(
        &app,
        "esc",
        "console",
        t0,
        &format!("/health set Acme {RED}"),
    );
    tick(&app, &ports, t0 + Duration::minutes(1)).await;
    exec(
        &app,
        "esc",
        "console",
        t0 + Duration::hours(1),
        &format!("/health set Acme {GREEN}"),
    );
    tick(&app, &ports, t0 + Duration::minutes(61)).await;
    exec(
        &app,
        "esc",
        "console",
        t0 + Duration::hours(2),
        &format!("/health set Acme {RED}"),
    );
    // The run that claimed the second firing crashed before posting it.
    let claimed = PostState::Claimed {
        at: t0 + Duration::minutes(121),
    };
    app.store
        .set_post_state(
            &tenant("esc"),
            "escalations@esc",
            &format!("red:{id}"),
            &claimed,
        )
        .expect("claim");
    tick(&app, &ports, t0 + Duration::minutes(122)).await;
    assert_eq!(
        port.delivered().len(),
        2,
        "the second firing is posted: {:#?}",
        port.delivered()
    );
}

/// INTERFACE "Scheduled posts": a run missed while the bot was down is made up at the next
/// start *if still within its day*. A period claimed on Monday by a run that crashed before
/// posting is, on a restart on Tuesday, out of its day like any other missed Monday.
#[tokio::test]
async fn a_claimed_period_found_after_its_day_is_not_posted_late() {
    let (_dir, app) = weekly_tenant(None);
    app.store
        .set_post_state(&tenant("acme"), "weekly@ny", "2026-03-09", &crashed_claim())
        .expect("claim");
    let port = RecordingPort::new("acme");
    let ports = Routing::one("acme", &port);
    // Steward comes back on Tuesday morning.
    tick(&app, &ports, utc(2026, 3, 10, 10, 0)).await;
    assert!(
        port.delivered().is_empty(),
        "Monday's digest posted on Tuesday: {:#?}",
        port.delivered()
    );
    assert!(
        !matches!(
            state(&app, "acme", "weekly@ny", "2026-03-09"),
            Some(PostState::Sent { .. })
        ),
        "{:?}",
        state(&app, "acme", "weekly@ny", "2026-03-09")
    );
}
