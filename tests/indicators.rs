//! The seven indicators end to end below HTTP: six weeks of events for a small book (one
//! account per indicator), stored with `Store::ingest` and the scheduler run each evening.
//! Each indicator fires — one direct message to the owner — exactly once, on the day its rule
//! says, and clears on the day it says; an opportunity adds one expansion signal; the
//! digest, `/account show` and `/steward indicator list` name what is open. The same events in
//! a second tenant where all seven are muted post nothing — until one is unmuted while live.
//! Time is always an argument; nothing sleeps.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};
use steward::app::{Actor, App, Surface};
use steward::domain::person::UserId;
use steward::domain::signals::IndicatorKind;
use steward::domain::tenant::TenantId;
use steward::ingest::parse_batch;
use steward::render::text::render;
use steward::scheduler::port::{ChatPort, Ports, Post, PostError, Target};
use steward::scheduler::{marker_parts, Scheduler};
use steward::store::ingest::Delivery;
use steward::store::Store;

/// Every post: its marker, target and text.
#[derive(Default)]
struct Recorder(Mutex<Vec<(String, Target, String)>>);

#[async_trait]
impl ChatPort for Recorder {
    async fn post(&self, target: &Target, post: &Post) -> Result<(), PostError> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push((
            post.marker.clone(),
            target.clone(),
            render(&post.reply),
        ));
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

const DAYS: u32 = 45;

/// Day `n` of the run (day 1 is 2026-10-01).
fn date(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 1).expect("valid") + Duration::days(i64::from(n) - 1)
}

fn at(n: u32, hour: u32) -> DateTime<Utc> {
    let d = date(n);
    Utc.from_utc_datetime(&d.and_hms_opt(hour, 0, 0).expect("valid"))
}

fn actor(tenant: &str) -> Actor {
    Actor {
        tenant: TenantId::parse(tenant).expect("valid"),
        user: UserId("U-admin".into()),
        surface: Surface::Console,
        platform_admin: false,
        channel: "console".into(),
    }
}

/// Runs `line` as the console user (admin: no `STEWARD_ADMINS`); it must succeed.
fn exec(app: &App, tenant: &str, now: DateTime<Utc>, line: &str) -> String {
    let reply = app.execute(&actor(tenant), now, line);
    let text = render(&reply);
    assert!(!reply.is_error(), "`{line}` was refused: {text}");
    text
}

/// A track event of `user` for `account` on day `n`.
fn track(n: u32, account: &str, user: &str, event: &str, properties: Value) -> Value {
    json!({"type": "track", "userId": user, "event": event, "properties": properties,
           "context": {"groupId": account},
           "timestamp": format!("{}T10:00:00Z", date(n))})
}

/// `count` users of `account` (`{prefix}0`, `{prefix}1`, …) creating a report on day `n`.
fn active(n: u32, account: &str, prefix: &str, count: u32) -> Vec<Value> {
    (0..count)
        .map(|u| {
            track(
                n,
                account,
                &format!("{prefix}{u}"),
                "Report Created",
                json!({}),
            )
        })
        .collect()
}

fn identify(n: u32, account: &str, user: &str, email: &str) -> Value {
    json!({"type": "identify", "userId": user, "traits": {"email": email},
           "context": {"groupId": account},
           "timestamp": format!("{}T09:00:00Z", date(n))})
}

/// Day `n`'s events of the whole book: each account is built for one indicator.
fn events_of_day(n: u32) -> Vec<Value> {
    let mut out = Vec::new();
    // Usage drop: 10 weekly users, 3 from day 21 → the week of days 21–27 against 14–20.
    out.extend(active(
        n,
        "Usage Co",
        "usage-",
        if n <= 20 { 10 } else { 3 },
    ));
    // Gone quiet: active until day 10, silent 14 days (fires on day 24), back on day 30.
    if n <= 10 || n >= 30 {
        out.extend(active(n, "Quiet Co", "quiet-", 3));
    }
    // Champion inactive: Cara is active days 1–5 (fires once 30 days passed without her,
    // day 35) and again on day 40.
    out.extend(active(n, "Champion Co", "champ-", 3));
    if n == 1 {
        out.push(identify(n, "Champion Co", "cara", "cara@champ.example"));
    }
    if n <= 5 || n == 40 {
        out.push(track(n, "Champion Co", "cara", "Report Created", json!({})));
    }
    // Ticket spike: three tickets opened on day 12 (live on days 12 and 13).
    out.extend(active(n, "Ticket Co", "ticket-", 3));
    if n == 12 {
        for id in ["T-1", "T-2", "T-3"] {
            out.push(track(
                n,
                "Ticket Co",
                "ticket-0",
                "Ticket Created",
                json!({"ticketId": id}),
            ));
        }
    }
    // Detractor: Dana (high influence) answers 3 on day 15 and 9 on day 22.
    out.extend(active(n, "Detractor Co", "det-", 3));
    if n == 1 {
        out.push(identify(n, "Detractor Co", "dana", "dana@det.example"));
    }
    let score = match n {
        15 => Some(3),
        22 => Some(9),
        _ => None,
    };
    if let Some(score) = score {
        out.push(track(
            n,
            "Detractor Co",
            "dana",
            "NPS Submitted",
            json!({"score": score}),
        ));
    }
    // Seat ceiling: 5 of 5 seats active (fires once 14 days are full, day 14); 4 from day
    // 25 (80 %: no longer at the ceiling from day 31, and exactly 20 % down is no drop).
    out.extend(active(n, "Seat Co", "seat-", if n <= 24 { 5 } else { 4 }));
    // Feature breadth up: reports every day, dashboards and exports on day 2 only — on day
    // 31 the 30 days to it hold three core features and the 30 days to day 1 one; on day 32
    // the earlier window reaches day 2.
    out.extend(active(n, "Breadth Co", "breadth-", 3));
    if n == 2 {
        out.push(track(
            n,
            "Breadth Co",
            "breadth-0",
            "Dashboard Viewed",
            json!({}),
        ));
        out.push(track(n, "Breadth Co", "breadth-1", "Export Run", json!({})));
    }
    out
}

fn send(store: &Store, tenant: &str, events: Vec<Value>, received: DateTime<Utc>) {
    let body = json!({ "batch": events }).to_string();
    let parsed = parse_batch(body.as_bytes(), received).expect("valid batch");
    assert!(
        parsed.skipped_by_reason().is_empty(),
        "every event is valid"
    );
    let delivery = Delivery {
        messages: &parsed.accepted,
        rejected: parsed.skipped_by_reason(),
        received,
        zone: Tz::UTC,
        key: None,
    };
    store
        .ingest(&TenantId::parse(tenant).expect("valid"), &delivery)
        .expect("stored");
}

/// The book: one account per indicator, all owned by Jane; three core features.
fn set_up(app: &App, tenant: &str) {
    let now = at(1, 8);
    for (name, extra) in [
        ("Usage Co", ""),
        ("Quiet Co", ""),
        ("Champion Co", ""),
        ("Ticket Co", ""),
        ("Detractor Co", ""),
        ("Seat Co", " seats:5"),
        ("Breadth Co", ""),
    ] {
        exec(
            app,
            tenant,
            now,
            &format!("/account add \"{name}\" arr:80k renewal:2027-06-30 owner:@U-jane{extra}"),
        );
    }
    exec(
        app,
        tenant,
        now,
        "/stakeholder add \"Champion Co\" \"Cara Champ\" role:champion email:cara@champ.example",
    );
    exec(
        app,
        tenant,
        now,
        "/stakeholder add \"Detractor Co\" \"Dana Detract\" role:economic-buyer influence:high email:dana@det.example",
    );
    for feature in [
        "Reports event:\"Report Created\"",
        "Dashboards event:\"Dashboard Viewed\"",
        "Exports event:\"Export Run\"",
    ] {
        exec(app, tenant, now, &format!("/steward feature add {feature}"));
    }
}

/// Where each indicator belongs, the day it fires and the day it clears.
const EXPECTED: [(&str, IndicatorKind, u32, u32); 7] = [
    ("Ticket Co", IndicatorKind::TicketSpike, 12, 14),
    ("Seat Co", IndicatorKind::SeatCeiling, 14, 31),
    ("Detractor Co", IndicatorKind::Detractor, 15, 22),
    ("Quiet Co", IndicatorKind::GoneQuiet, 24, 30),
    ("Usage Co", IndicatorKind::UsageDrop, 27, 34),
    ("Breadth Co", IndicatorKind::FeatureBreadthUp, 31, 32),
    ("Champion Co", IndicatorKind::ChampionInactive, 35, 40),
];

/// The indicator kinds live on each account at the last recompute.
fn live(app: &App, tenant: &str) -> BTreeMap<String, BTreeSet<IndicatorKind>> {
    let book = app
        .store
        .book(&TenantId::parse(tenant).expect("valid"))
        .expect("book");
    let book = book.read().expect("lock");
    book.active()
        .map(|a| {
            (
                a.name.clone(),
                a.indicators.iter().map(|i| i.kind).collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn each_indicator_fires_once_on_its_day_clears_and_stays_silent_while_muted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = App::new(
        Store::open(&dir.path().join("db")).expect("open"),
        None,
        Tz::UTC,
    );
    set_up(&app, "alpha");
    set_up(&app, "beta");
    // In beta every indicator is muted, by the names people type.
    for name in [
        "usage drop",
        "\"gone quiet\"",
        "champion-inactive",
        "Ticket_Spike",
        "detractor",
        "“seat ceiling”",
        "'feature breadth up'",
    ] {
        let answer = exec(
            &app,
            "beta",
            at(1, 8),
            &format!("/steward indicator mute {name}"),
        );
        assert!(answer.contains("is muted"), "{name}: {answer}");
    }

    let recorder = Recorder::default();
    let scheduler = Scheduler {
        app: &app,
        ports: &recorder,
        dry_run: false,
    };
    // (tenant, account, kind) → the days it was live, and the days it was told to the owner.
    let mut live_days: BTreeMap<(String, String, IndicatorKind), Vec<u32>> = BTreeMap::new();
    let mut told: Vec<(String, u32, Target, String)> = Vec::new();
    for n in 1..=DAYS {
        for tenant in ["alpha", "beta"] {
            send(&app.store, tenant, events_of_day(n), at(n, 12));
        }
        if n == 30 {
            // Unmuted while its cause is live: told then, once.
            exec(
                &app,
                "beta",
                at(30, 18),
                "/steward indicator unmute usage-drop",
            );
        }
        let before = recorder.0.lock().expect("lock").len();
        scheduler.run_due(at(n, 23)).await;
        // A second run the same evening tells nothing new.
        scheduler.run_due(at(n, 23) + Duration::minutes(30)).await;
        let posts = recorder.0.lock().expect("lock").clone();
        for (marker, target, text) in &posts[before..] {
            let (tenant, kind, _) = marker_parts(marker).expect("a marker");
            if kind == "indicators" {
                told.push((tenant.to_string(), n, target.clone(), text.clone()));
            }
        }
        for tenant in ["alpha", "beta"] {
            for (account, kinds) in live(&app, tenant) {
                for kind in kinds {
                    live_days
                        .entry((tenant.to_string(), account.clone(), kind))
                        .or_default()
                        .push(n);
                }
            }
        }
        if n == 27 {
            mid_run_reads(&app);
        }
    }

    // Each indicator was live from the day it fired to the day before it cleared, in both
    // tenants (muting never stops the evaluation), and nowhere else.
    let mut expected_live = BTreeMap::new();
    for tenant in ["alpha", "beta"] {
        for (account, kind, fires, clears) in EXPECTED {
            expected_live.insert(
                (tenant.to_string(), account.to_string(), kind),
                (fires..clears).collect::<Vec<u32>>(),
            );
        }
    }
    assert_eq!(live_days, expected_live);

    // Alpha: seven messages, one per indicator, on its day, to the owner.
    let alpha: Vec<_> = told.iter().filter(|(t, ..)| t == "alpha").collect();
    assert_eq!(alpha.len(), 7, "{alpha:#?}");
    for (account, kind, fires, _) in EXPECTED {
        let about: Vec<_> = alpha
            .iter()
            .filter(|(_, _, _, text)| text.contains(&format!("for {account}: {}", kind.name())))
            .collect();
        assert_eq!(about.len(), 1, "{account} {kind:?}: {alpha:#?}");
        let (_, day, target, text) = about[0];
        assert_eq!(*day, fires, "{account} {kind:?}");
        assert_eq!(*target, Target::Direct(UserId("U-jane".into())));
        let (what, next) = match kind.is_risk() {
            true => ("Risk indicator", "/atrisk save"),
            false => ("Opportunity indicator", "/expansion add"),
        };
        assert!(text.starts_with(what), "{text}");
        for part in [next, "/health show", "/health snooze"] {
            assert!(text.contains(part), "{part}: {text}");
        }
    }
    // Beta: nothing while muted; usage drop once, the evening it was unmuted.
    let beta: Vec<_> = told.iter().filter(|(t, ..)| t == "beta").collect();
    assert_eq!(beta.len(), 1, "{beta:#?}");
    assert_eq!(beta[0].1, 30);
    assert!(
        beta[0].3.contains("for Usage Co: usage drop"),
        "{}",
        beta[0].3
    );

    // The opportunity recorded one expansion signal (audited), on the day it fired; the
    // muted one none.
    let signals = |tenant: &str| {
        let book = app
            .store
            .book(&TenantId::parse(tenant).expect("valid"))
            .expect("book");
        let book = book.read().expect("lock");
        let seat = book.by_name("Seat Co").expect("exists");
        let breadth = book.by_name("Breadth Co").expect("exists");
        (
            seat.id,
            seat.expansion_signals
                .iter()
                .chain(&breadth.expansion_signals)
                .map(|s| (s.indicator, s.on))
                .collect::<Vec<_>>(),
        )
    };
    let (seat_id, alpha_signals) = signals("alpha");
    assert_eq!(
        alpha_signals,
        [
            (IndicatorKind::SeatCeiling, date(14)),
            (IndicatorKind::FeatureBreadthUp, date(31))
        ]
    );
    assert!(signals("beta").1.is_empty(), "muted: no expansion signal");
    let history = app
        .store
        .history(&TenantId::parse("alpha").expect("valid"), Some(seat_id), 1)
        .expect("history");
    assert!(
        history
            .entries
            .iter()
            .any(|e| e.actor.0 == "steward"
                && e.changes.iter().any(|c| c.field == "expansion_signals")),
        "the recompute's change is in the audit trail"
    );
    let pipeline = exec(&app, "alpha", at(DAYS, 23), "/expansion list");
    assert!(
        pipeline.contains("Seat Co: seat ceiling since 2026-10-14"),
        "{pipeline}"
    );
}

/// Day 27: usage drop fired today, gone quiet three days ago, seat ceiling two weeks ago.
fn mid_run_reads(app: &App) {
    let now = at(27, 23) + Duration::minutes(45);
    let digest = exec(app, "alpha", now, "/digest preview weekly");
    assert!(
        digest.contains("Open indicators — 2 new risks, 1 opportunity:"),
        "{digest}"
    );
    assert!(
        digest.contains("Usage Co ($80K) — usage drop (new)"),
        "{digest}"
    );
    assert!(
        digest.contains("Seat Co ($80K) — seat ceiling —"),
        "{digest}"
    );
    let muted = exec(app, "beta", now, "/digest preview weekly");
    assert!(!muted.contains("indicators"), "muted: {muted}");

    let shown = exec(app, "alpha", now, "/account show \"Usage Co\"");
    assert!(shown.contains("Indicators: usage drop"), "{shown}");
    let shown = exec(app, "beta", now, "/account show \"Usage Co\"");
    assert!(shown.contains("Indicators: usage drop (muted)"), "{shown}");
    let health = exec(app, "beta", now, "/health show \"Usage Co\"");
    assert!(
        health.contains("usage drop (risk, muted: not posted) — weekly active users 10 → 3"),
        "{health}"
    );

    let list = exec(app, "alpha", now, "/steward indicator list");
    for part in [
        "usage drop (risk) — posts — open on 1 account",
        "gone quiet (risk) — posts — open on 1 account",
        "ticket spike (risk) — posts — open on 0 accounts",
        "seat ceiling (opportunity) — posts — open on 1 account",
    ] {
        assert!(list.contains(part), "{part}: {list}");
    }
    let list = exec(app, "beta", now, "/steward indicator list");
    assert!(
        list.contains("usage drop (risk) — muted — open on 1 account"),
        "{list}"
    );
}

/// Muting is the tenant's admins' (and per tenant); snoozing an account's messages is its
/// owner's or an admin's.
#[test]
fn only_admins_mute_and_only_owners_or_admins_snooze() {
    let dir = tempfile::tempdir().expect("temp dir");
    let admins = steward::config::Admins::parse("alpha:U-admin").expect("admins");
    let app = App::new(
        Store::open(&dir.path().join("db")).expect("open"),
        Some(admins),
        Tz::UTC,
    );
    let as_user = |user: &str, tenant: &str, line: &str| {
        let actor = Actor {
            user: UserId(user.into()),
            ..actor(tenant)
        };
        app.execute(&actor, at(1, 9), line)
    };
    let added = as_user(
        "U-admin",
        "alpha",
        "/account add \"Acme Corp\" arr:80k renewal:2027-06-30 owner:@U-jane",
    );
    assert!(!added.is_error(), "{}", render(&added));
    for line in [
        "/steward indicator mute \"usage drop\"",
        "/steward indicator unmute usage-drop",
        "/steward indicator list",
    ] {
        let refused = as_user("U-jane", "alpha", line);
        assert!(
            refused.is_error()
                && render(&refused).contains("only an admin can use `/steward indicator`"),
            "{line}: {}",
            render(&refused)
        );
    }
    let settings = |tenant: &str| {
        app.store
            .book(&TenantId::parse(tenant).expect("valid"))
            .expect("book")
            .read()
            .expect("lock")
            .settings
            .muted_indicators
            .clone()
    };
    assert!(settings("alpha").is_empty(), "nothing muted by a member");
    let muted = as_user("U-admin", "alpha", "/steward indicator mute \"usage drop\"");
    assert!(!muted.is_error(), "{}", render(&muted));
    assert_eq!(
        settings("alpha").into_iter().collect::<Vec<_>>(),
        [IndicatorKind::UsageDrop]
    );
    let again = render(&as_user(
        "U-admin",
        "alpha",
        "/steward indicator mute usage-drop",
    ));
    assert!(again.contains("muted already; nothing changed"), "{again}");
    // Per tenant: alpha's admin is nobody's admin in beta.
    let elsewhere = as_user("U-admin", "beta", "/steward indicator mute detractor");
    assert!(elsewhere.is_error(), "{}", render(&elsewhere));
    assert!(settings("beta").is_empty());

    let stranger = as_user("U-omar", "alpha", "/health snooze \"Acme Corp\"");
    assert!(
        render(&stranger).contains("Only Acme Corp's owner or an admin can snooze"),
        "{}",
        render(&stranger)
    );
    let owner = render(&as_user("U-jane", "alpha", "/health snooze \"Acme Corp\""));
    assert!(
        owner.contains("Indicator messages about Acme Corp snoozed until 2026-10-15"),
        "{owner}"
    );
}
