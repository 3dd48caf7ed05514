//! Benchmark of health from data (issue #17's performance goals), on this machine's cores:
//!
//! 1. **The daily recompute** of a 10,000-account book with 90 days of rollups (50 active users
//!    a day, three event names, tickets and NPS answers), restored as an export would be:
//!    the time of `feed::recompute_if_due` (goal ≤ 1 s), its reading alone, and the rollup
//!    storage per account-day (goal ≤ 300 bytes at 50 active users: the encoded rollup, and
//!    the database's growth divided by the account-days).
//! 2. **The events API** under load: 8 concurrent clients sending `/v1/batch` of 100 events
//!    through `serve` (the same router as production, Slack over HTTP beside it), while one
//!    Slack client sends a signed `/account show` every 100 ms: events/s (goal ≥ 20,000),
//!    p99 batch acknowledgement (goal ≤ 50 ms) and the Slack command's p99 (goal ≤ 20 ms).
//! 3. **Memory**: the process's resident size after the warm-up and after every further
//!    million events (goal: flat). `--events N` sends N events in all (10,000,000 for the
//!    issue's figure; 0 runs the recompute alone); by default 2,000,000.
//!
//! Run: `cargo bench --bench ingest` (`-- --smoke` for a seconds-long run). The load
//! generator shares the cores with the server.

#[path = "../common/api_specs.rs"]
#[expect(
    dead_code,
    reason = "the benchmark uses the stand-in's checks, not the conformance tests' require"
)]
mod api_specs;
#[path = "../slack/fake.rs"]
mod fake;
#[path = "../slack/harness.rs"]
mod harness;
#[path = "../slack/spec.rs"]
mod spec;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::json;
use steward::app::{Actor, Surface};
use steward::domain::account::{Account, AccountId};
use steward::domain::book::Change;
use steward::domain::money::Money;
use steward::domain::person::UserId;
use steward::domain::signals::{DayRollup, Feature, Freshness, NpsScore, TicketChange};
use steward::domain::tenant::{TenantId, TenantSettings};
use steward::store::bulk::TenantRecords;
use steward::store::ingest::transfer::{AccountFreshness, IntakeRecords, RollupRecord};
use steward::store::Store;

use harness::{Harness, Options, ADMIN};

const ACTIVE_USERS: u32 = 50;

fn percentile(samples: &[Duration], p: usize) -> Duration {
    samples
        .get((samples.len() * p / 100).min(samples.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

fn name(i: usize) -> String {
    format!("Account {i:05}")
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

/// Resident memory of this process, from /proc (Linux).
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn dir_bytes(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_bytes(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Phase 1: the recompute over restored rollups.
fn recompute(accounts: usize, days: u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("db")).expect("open");
    let tenant = TenantId::parse("bench").expect("tenant");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 0, 40, 0)
        .single()
        .expect("valid");
    let today = now.date_naive();
    let renews = NaiveDate::from_ymd_opt(2027, 6, 30).expect("date");
    let mut records = TenantRecords {
        settings: TenantSettings {
            core_features: ["Report Created", "Dashboard Shared", "Export Made"]
                .iter()
                .map(|e| Feature {
                    name: e.to_string(),
                    events: [e.to_string()].into(),
                })
                .collect(),
            ..TenantSettings::default()
        },
        accounts: Vec::new(),
        outcomes: Vec::new(),
        audit: Vec::new(),
        posts: Vec::new(),
        intake: IntakeRecords::default(),
    };
    records.intake.events = vec![
        "Report Created".into(),
        "Dashboard Shared".into(),
        "Export Made".into(),
    ];
    let mut encoded_bytes = 0usize;
    for a in 0..accounts {
        let id = AccountId(a as u64 + 1);
        let mut account = Account::new(id, name(a), Money(50_000), renews, now);
        account.seats = Some(60);
        records.accounts.push(account);
        let first_user = records.intake.users.len() as u32;
        for u in 0..ACTIVE_USERS + 10 {
            records.intake.users.push(format!("user-{a}-{u}"));
        }
        for back in 0..days {
            let day = today.checked_sub_days(Days::new(back)).expect("date");
            let mut r = DayRollup::new(day);
            for u in 0..ACTIVE_USERS {
                let user = first_user + (u + back as u32) % (ACTIVE_USERS + 10);
                r.record_activity(user);
                r.record_event(u % 3);
            }
            let at = now - chrono::Duration::days(back as i64);
            if back % 9 == 0 {
                r.record_ticket(&format!("T-{a}-{back}"), TicketChange::Created, at);
            }
            if back % 9 == 3 {
                r.record_ticket(&format!("T-{a}-{}", back - 3), TicketChange::Solved, at);
            }
            if back % 15 == 0 {
                r.record_survey(first_user, NpsScore::new(8).expect("score"), at);
            }
            let data = r.encode();
            encoded_bytes += data.len();
            records.intake.rollups.push(RollupRecord {
                account: id,
                day,
                data,
            });
        }
        records.intake.freshness.push(AccountFreshness {
            account: id,
            newest: Freshness {
                activity: Some(now),
                track: Some(now),
                ticket: Some(now),
                survey: Some(now),
            },
        });
    }
    let account_days = accounts as u64 * days;
    let before = dir_bytes(dir.path());
    let started = Instant::now();
    store.restore(&tenant, records).expect("restore");
    store.flush().expect("flush");
    let restored = started.elapsed();
    let grown = dir_bytes(dir.path()).saturating_sub(before);
    let per_day = encoded_bytes as f64 / account_days as f64;
    println!(
        "rollups: {accounts} accounts × {days} days at {ACTIVE_USERS} active users: {per_day:.0} bytes encoded per account-day (goal ≤ 300: {}), database growth {:.0} bytes per account-day (keys, records, sled's log); restored in {:.1} s",
        verdict(per_day <= 300.0),
        grown as f64 / account_days as f64,
        restored.as_secs_f64()
    );
    let book = store.book(&tenant).expect("book");
    let tenant_data = steward::feed::TenantData::load(&store, &tenant).expect("tables");
    let started = Instant::now();
    let mut read = 0;
    {
        let book = book.read().expect("lock");
        for account in book.active() {
            if steward::feed::reading(&store, &tenant_data, &book, account, today)
                .expect("reading")
                .is_some()
            {
                read += 1;
            }
        }
    }
    let reading = started.elapsed();
    let started = Instant::now();
    let changed = steward::feed::recompute_if_due(&store, &tenant, Tz::UTC, now)
        .expect("recompute")
        .unwrap_or(0);
    let whole = started.elapsed();
    println!(
        "daily recompute of {accounts} accounts: {:.2} s in all, {changed} accounts changed and committed (goal ≤ 1 s: {}); reading and computing alone {:.2} s for {read} accounts",
        whole.as_secs_f64(),
        verdict(whole <= Duration::from_secs(1)),
        reading.as_secs_f64()
    );
}

/// Phase 2 and 3: the events API under load, the Slack command beside it, memory.
async fn events_api(accounts: usize, total_events: u64, clients: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        fake::Fake::start().await,
        Options::default(),
    )
    .await;
    let tenant = TenantId::parse("slack:T1").expect("tenant");
    let now = Utc::now();
    {
        let book = h.app.store.book(&tenant).expect("book");
        let mut book = book.write().expect("lock");
        for start in (0..accounts).step_by(1_000) {
            let changes = (start..(start + 1_000).min(accounts))
                .map(|i| {
                    let renews = NaiveDate::from_ymd_opt(2027, 6, 30).expect("date");
                    Change::PutAccount(Box::new(Account::new(
                        AccountId(i as u64 + 1),
                        name(i),
                        Money(50_000),
                        renews,
                        now,
                    )))
                })
                .collect();
            h.app
                .store
                .commit(&mut book, &UserId("bench".into()), "seed", now, changes)
                .expect("seed");
        }
    }
    let admin = Actor {
        tenant: tenant.clone(),
        user: UserId(ADMIN.into()),
        surface: Surface::Console,
        platform_admin: false,
        channel: "console".into(),
    };
    let answer =
        steward::render::text::render(&h.app.execute(&admin, now, "/steward apikey create bench"));
    let key = answer
        .lines()
        .last()
        .map(|l| l.trim_matches('`').to_string())
        .expect("a key");
    let sent = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let per_client = total_events / clients as u64 / 100;
    let warmup_batches = 20u64.min(per_client / 4);
    let rss_after_warmup = Arc::new(std::sync::Mutex::new(0.0f64));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (base, key, sent) = (h.base.clone(), key.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut samples = Vec::with_capacity(per_client as usize);
            let mut timed_from = None;
            for b in 0..per_client {
                let batch: Vec<serde_json::Value> = (0..100)
                    .map(|k| {
                        let n = (c as u64 * per_client + b) * 100 + k;
                        let event =
                            ["Report Created", "Dashboard Shared", "Export Made"][(n % 3) as usize];
                        json!({"type": "track", "userId": format!("u{}", n % 5_000),
                               "event": event,
                               "context": {"groupId": name((n % accounts as u64) as usize)},
                               "messageId": format!("m-{n}")})
                    })
                    .collect();
                let body = json!({"batch": batch}).to_string();
                let t = Instant::now();
                let response = client
                    .post(format!("{base}/v1/batch"))
                    .basic_auth(&key, Some(""))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("answered");
                assert_eq!(response.status().as_u16(), 200);
                if b >= warmup_batches {
                    timed_from.get_or_insert_with(Instant::now);
                    samples.push(t.elapsed());
                }
                sent.fetch_add(100, Ordering::Relaxed);
            }
            samples
        }));
    }
    // The Slack probe and the memory watch, until the clients are done.
    let probe = {
        let (h_base, done) = (h.base.clone(), done.clone());
        let fake_url = h.fake.response_url();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut samples = Vec::new();
            let mut k = 0usize;
            while !done.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let wanted = name(k * 7_919 % accounts);
                k += 1;
                let body = harness::command_form(
                    "T1",
                    None,
                    "U1",
                    "/account",
                    &format!("show \"{wanted}\""),
                    &fake_url,
                );
                let ts = Utc::now().timestamp().to_string();
                let t = Instant::now();
                let response = client
                    .post(format!("{h_base}/slack/commands"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("x-slack-request-timestamp", &ts)
                    .header(
                        "x-slack-signature",
                        harness::sign(harness::SECRET, &ts, body.as_bytes()),
                    )
                    .body(body)
                    .send()
                    .await
                    .expect("answered");
                let text = response.text().await.unwrap_or_default();
                if k > 5 {
                    samples.push(t.elapsed());
                }
                assert!(text.contains(&wanted), "{text}");
            }
            samples
        })
    };
    let watch = {
        let (sent, done, rss_after_warmup) = (sent.clone(), done.clone(), rss_after_warmup.clone());
        let warm = warmup_batches * 100 * clients as u64;
        tokio::spawn(async move {
            let mut next = 1_000_000u64;
            let mut noted = false;
            while !done.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(200)).await;
                let n = sent.load(Ordering::Relaxed);
                if !noted && n >= warm {
                    *rss_after_warmup.lock().expect("lock") = rss_mb();
                    noted = true;
                }
                if n >= next {
                    println!("  after {:>10} events: resident {:.0} MB", n, rss_mb());
                    next += 1_000_000;
                }
            }
        })
    };
    let mut acks = Vec::new();
    for task in tasks {
        acks.extend(task.await.expect("client"));
    }
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let mut slack = probe.await.expect("probe");
    let _ = watch.await;
    let events = sent.load(Ordering::Relaxed);
    acks.sort_unstable();
    slack.sort_unstable();
    let rate = events as f64 / elapsed.as_secs_f64();
    println!(
        "events API: {events} events in {:.1} s from {clients} clients, batches of 100: {rate:.0} events/s (goal ≥ 20,000: {})",
        elapsed.as_secs_f64(),
        verdict(rate >= 20_000.0)
    );
    let p99 = percentile(&acks, 99);
    println!(
        "  batch acknowledgement: p50 {} ms   p99 {} ms   max {} ms (goal p99 ≤ 50 ms: {})",
        percentile(&acks, 50).as_millis(),
        p99.as_millis(),
        acks.last().copied().unwrap_or_default().as_millis(),
        verdict(p99 <= Duration::from_millis(50))
    );
    let slack_p99 = percentile(&slack, 99);
    println!(
        "  signed /account show over Slack meanwhile: {} requests, p50 {} ms   p99 {} ms (goal ≤ 20 ms: {})",
        slack.len(),
        percentile(&slack, 50).as_millis(),
        slack_p99.as_millis(),
        verdict(slack_p99 <= Duration::from_millis(20))
    );
    println!(
        "  resident memory: {:.0} MB after the warm-up, {:.0} MB after {events} events",
        *rss_after_warmup.lock().expect("lock"),
        rss_mb()
    );
    h.stop().await;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    let events = args
        .iter()
        .position(|a| a == "--events")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(if smoke { 40_000 } else { 2_000_000 });
    let (accounts, days) = if smoke { (300, 90) } else { (10_000, 90) };
    recompute(accounts, days);
    if events == 0 {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(events_api(accounts, events, 8));
}
