//! Health fed by received data, end to end below HTTP: events stored for a tenant, the daily
//! recompute run by the scheduler at each simulated day's tick, the score falling from green
//! to red with one escalation, hand-set values standing until newer data, and `/health show`
//! naming each signal's source. Time is always an argument; nothing sleeps. Weekly active
//! users — the chart of `/health show` and the digest's movers — are in
//! `health_from_data/usage.rs`.

#[path = "health_from_data/usage.rs"]
mod usage;

use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::json;
use steward::app::{Actor, App, Surface};
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::ingest::parse_batch;
use steward::render::text::render;
use steward::scheduler::port::{ChatPort, Ports, Post, PostError, Target};
use steward::scheduler::Scheduler;
use steward::store::ingest::Delivery;
use steward::store::Store;

/// Keeps every post's target and text.
#[derive(Default)]
struct Recorder(Mutex<Vec<(Target, String)>>);

#[async_trait]
impl ChatPort for Recorder {
    async fn post(&self, target: &Target, post: &Post) -> Result<(), PostError> {
        let text = render(&post.reply);
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((target.clone(), text));
        Ok(())
    }

    async fn find_marker(&self, _: &Target, _: &str) -> Result<Option<bool>, PostError> {
        Ok(Some(false))
    }
}

impl Ports for Recorder {
    fn port(&self, _: &TenantId) -> Option<&dyn ChatPort> {
        Some(self)
    }
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
        .single()
        .expect("valid instant")
}

fn actor() -> Actor {
    Actor {
        tenant: TenantId::parse("data").expect("valid"),
        user: UserId("U-alice".into()),
        surface: Surface::Console,
        platform_admin: false,
        channel: "console".into(),
    }
}

/// An app over a new database in `dir`, no admins set (the console user is admin), UTC.
fn open(dir: &std::path::Path) -> App {
    App::new(Store::open(&dir.join("db")).expect("open"), None, Tz::UTC)
}

fn exec(app: &App, now: DateTime<Utc>, line: &str) -> String {
    render(&app.execute(&actor(), now, line))
}

/// One day's events for Acme: `active` of 10 users use the product; tickets and surveys.
fn day_of_events(day: u32, active: u32, extra: Vec<serde_json::Value>) -> String {
    let mut batch: Vec<serde_json::Value> = (0..active)
        .map(|u| {
            json!({"type": "track", "userId": format!("u{u}"), "event": "Report Created",
                   "context": {"groupId": "Acme Corp"},
                   "timestamp": format!("2026-11-{day:02}T10:00:00Z")})
        })
        .collect();
    batch.extend(extra);
    json!({ "batch": batch }).to_string()
}

fn send(store: &Store, body: &str, received: DateTime<Utc>) {
    let parsed = parse_batch(body.as_bytes(), received).expect("valid batch");
    let delivery = Delivery {
        messages: &parsed.accepted,
        rejected: parsed.skipped_by_reason(),
        received,
        zone: Tz::UTC,
        key: None,
    };
    store.ingest(&actor().tenant, &delivery).expect("stored");
}

#[tokio::test]
async fn a_month_of_events_turns_a_green_account_red_and_escalates_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    exec(
        &app,
        at(1, 8),
        "/account add \"Acme Corp\" arr:80k renewal:2027-06-30 seats:10 owner:@U-jane",
    );
    exec(&app, at(1, 8), "/steward manager @U-jane manager:@U-boss");
    exec(&app, at(1, 8), "/digest subscribe escalations");
    let set = exec(
        &app,
        at(1, 8),
        "/health set \"Acme Corp\" usage:90 adoption:3 nps:9 tickets:zero roi:90",
    );
    assert!(set.contains("green"), "{set}");

    let recorder = Recorder::default();
    let scheduler = Scheduler {
        app: &app,
        ports: &recorder,
        dry_run: false,
    };
    for day in 1..=30u32 {
        // Two healthy weeks, then usage collapses, tickets pile up, a detractor answers.
        let (active, extra) = match day {
            1..=14 => (9, vec![]),
            15 => (
                2,
                (1..=4)
                    .map(|t| {
                        json!({"type": "track", "userId": "u1", "event": "Ticket Created",
                               "properties": {"ticketId": t}, "context": {"groupId": "Acme Corp"},
                               "timestamp": "2026-11-15T11:00:00Z"})
                    })
                    .chain([
                        json!({"type": "track", "userId": "u1", "event": "NPS Submitted",
                                   "properties": {"score": 2}, "context": {"groupId": "Acme Corp"},
                                   "timestamp": "2026-11-15T12:00:00Z"}),
                    ])
                    .collect(),
            ),
            _ => (1, vec![]),
        };
        let received = at(day, 23);
        send(&app.store, &day_of_events(day, active, extra), received);
        // Sent twice, as a client retrying after a timeout would: counted once.
        send(&app.store, &day_of_events(day, active, vec![]), received);
        if day < 30 {
            scheduler.run_due(at(day + 1, 1)).await;
            // A second tick the same night recomputes nothing more.
            scheduler.run_due(at(day + 1, 2)).await;
        }
    }

    let show = exec(&app, at(30, 12), "/health show \"Acme Corp\"");
    assert!(show.contains("red"), "{show}");
    assert!(
        show.contains("1 of 10 seats active in the 7 days to 2026-11-30, from events"),
        "{show}"
    );
    assert!(show.contains("4 open tickets"), "{show}");
    assert!(show.contains("NPS 2"), "{show}");
    // Adoption and ROI were only ever set by hand: said so, with who and when.
    assert!(show.contains("set by"), "{show}");

    let book = app.store.book(&actor().tenant).expect("book");
    let snapshots = {
        let book = book.read().expect("lock");
        book.by_name("Acme Corp").expect("exists").health.clone()
    };
    // The hand-set snapshot plus one per day the signals changed (not one per tick).
    assert!(
        snapshots.len() >= 3 && snapshots.len() <= 31,
        "{}",
        snapshots.len()
    );
    let posts = recorder.0.lock().expect("lock").clone();
    let red: Vec<_> = posts
        .iter()
        .filter(|(_, text)| text.contains("turned red"))
        .collect();
    assert_eq!(red.len(), 1, "{posts:#?}");
    assert_eq!(red[0].0, Target::Channel("console".into()));
}

#[tokio::test]
async fn a_hand_set_value_stands_until_newer_data_arrives() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    exec(
        &app,
        at(1, 8),
        "/account add \"Acme Corp\" arr:80k renewal:2027-06-30 seats:10",
    );
    send(&app.store, &day_of_events(2, 5, vec![]), at(2, 12));
    let show = exec(&app, at(2, 13), "/health show \"Acme Corp\"");
    assert!(show.contains("50 % of seats active"), "{show}");
    assert!(show.contains("from events"), "{show}");

    // Typed after the last event: it stands, and the reply says data will win again.
    let set = exec(&app, at(2, 14), "/health set \"Acme Corp\" usage:80");
    assert!(set.contains("until newer data arrives"), "{set}");
    let show = exec(&app, at(2, 15), "/health show \"Acme Corp\"");
    assert!(show.contains("80 % of seats active"), "{show}");
    assert!(show.contains("set by"), "{show}");
    assert!(show.contains("newer events will replace it"), "{show}");

    // An event after the hand-set value: data wins again.
    send(&app.store, &day_of_events(3, 3, vec![]), at(3, 12));
    let show = exec(&app, at(3, 13), "/health show \"Acme Corp\"");
    assert!(
        show.contains("50 % of seats active"),
        "5 users on the 2nd, u0–u2 again on the 3rd: {show}"
    );
    assert!(show.contains("from events"), "{show}");
}

#[test]
fn ingest_status_counts_what_came_in_and_names_unmatched_ids_with_a_hint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    exec(
        &app,
        at(1, 8),
        "/account add \"Acme Corp\" arr:80k renewal:2027-06-30",
    );
    let empty = exec(&app, at(1, 8), "/steward ingest status");
    assert!(empty.contains("Nothing yet"), "{empty}");
    let body = json!({"batch": [
        {"type": "track", "userId": "u1", "event": "Report Created", "context": {"groupId": "Acme Corp"}, "messageId": "a"},
        {"type": "track", "userId": "u2", "event": "Report Created", "context": {"groupId": "0015g00000GLOBEX"}, "messageId": "b"},
        {"type": "track", "userId": "u3", "event": "Report Created", "context": {"groupId": "0015g00000GLOBEX"}, "messageId": "c"},
        {"type": "page", "userId": "u4", "messageId": "d"},
        {"type": "track", "userId": "u5"},
        {"type": "track", "event": "x"}
    ]})
    .to_string();
    send(&app.store, &body, at(2, 10));
    send(&app.store, &body, at(2, 11));
    // Eight days later the first day's counts have left the 7-day window.
    let status = exec(&app, at(2, 12), "/steward ingest status");
    for part in [
        "Last 24 hours: 4 accepted (track 3, page 1), 4 rejected, 4 sent again (counted once), 3 unmatched",
        "missing event 2, missing user 2",
        "`0015g00000GLOBEX` — 2 events",
        "`/account set \"Acme Corp\" crm:\"0015g00000GLOBEX\"`",
        "`user u4` — 1 event",
    ] {
        assert!(status.contains(part), "{part}: {status}");
    }
    let later = exec(&app, at(10, 12), "/steward ingest status");
    assert!(later.contains("Last 7 days: 0 accepted"), "{later}");
    assert!(
        later.contains("`0015g00000GLOBEX`"),
        "unmatched ids stay: {later}"
    );
}

#[tokio::test]
async fn a_usage_drop_reaches_the_owner_once_and_clears_on_its_own() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    exec(
        &app,
        at(1, 8),
        "/account add \"Acme Corp\" arr:80k renewal:2027-06-30 seats:20 owner:@U-jane",
    );
    let recorder = Recorder::default();
    let scheduler = Scheduler {
        app: &app,
        ports: &recorder,
        dry_run: false,
    };
    for day in 1..=29u32 {
        let active = if day <= 14 { 10 } else { 3 };
        send(&app.store, &day_of_events(day, active, vec![]), at(day, 23));
        scheduler.run_due(at(day + 1, 1)).await;
        if day == 22 {
            let show = exec(&app, at(22, 23), "/health show \"Acme Corp\"");
            assert!(show.contains("Open indicators:"), "{show}");
            assert!(
                show.contains("usage drop (risk) — weekly active users 10 → 3, −70 %"),
                "{show}"
            );
        }
    }
    let posts = recorder.0.lock().expect("lock").clone();
    let drops: Vec<_> = posts
        .iter()
        .filter(|(_, text)| text.contains("usage drop"))
        .collect();
    assert_eq!(drops.len(), 1, "{posts:#?}");
    assert_eq!(drops[0].0, Target::Direct(UserId("U-jane".into())));
    assert!(
        drops[0].1.contains("Risk indicator for Acme Corp"),
        "{}",
        drops[0].1
    );
    assert!(
        drops[0].1.contains("/atrisk save \"Acme Corp\""),
        "{}",
        drops[0].1
    );
    let show = exec(&app, at(30, 9), "/health show \"Acme Corp\"");
    assert!(!show.contains("usage drop"), "cleared a week later: {show}");
}
