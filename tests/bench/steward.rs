//! Benchmark of the full command path — `App::execute`: parse → rights → handle → reply — on a
//! large book: 10,000 accounts × 5 stakeholders × 12 health snapshots in a sled store in a
//! temporary directory. Prints p50/p99/max per command in µs beside the 1 ms p99 target, and
//! the process's RSS. Run: `cargo bench --bench steward` (`-- --smoke` for a quick run).
//!
//! Cargo also finds this file as the integration test `bench` (`tests/*/main.rs`); there it
//! runs the smoke size once, so `cargo test` keeps the benchmark building and working.

use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Days, NaiveDate, TimeZone, Utc};
use steward::app::{Actor, App, Surface};
use steward::domain::account::{Account, AccountId};
use steward::domain::book::Change;
use steward::domain::health::{Signals, Snapshot, TicketTrend};
use steward::domain::money::Money;
use steward::domain::person::{Person, UserId};
use steward::domain::stakeholder::{Role, Sentiment, Stakeholder};
use steward::domain::tenant::TenantId;
use steward::store::Store;

/// The p99 every measured command should stay under.
const TARGET_P99: Duration = Duration::from_millis(1);
/// Accounts committed per `Store::commit` (one sled batch and flush each).
const BATCH: usize = 500;

struct Size {
    accounts: usize,
    iterations: usize,
}

/// A small, seeded generator (xorshift64*), so every run measures the same book.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn name(i: usize) -> String {
    const WORDS: [&str; 8] = [
        "Acme",
        "Globex",
        "Initech",
        "Umbrella",
        "Stark",
        "Wayne",
        "Hooli",
        "Cyberdyne",
    ];
    format!("{} {:05}", WORDS[i % WORDS.len()], i)
}

/// One realistic account: ARR $5K–$500K, renewal within the next year, five people (one of
/// them sometimes departed), and twelve monthly health readings.
fn account(i: usize, rng: &mut Rng, now: DateTime<Utc>, today: NaiveDate) -> Account {
    let arr = Money(5_000 + rng.below(496) * 1_000);
    let renewal = today + Days::days(rng.below(365) as i64 - 10);
    let mut account = Account::new(
        AccountId(i as u64 + 1),
        name(i),
        arr,
        renewal,
        now - Days::days(400),
    );
    account.owner = Some(Person::User(UserId(format!("owner{}", i % 25))));
    account.industry = Some(["SaaS", "retail", "healthcare", "logistics"][i % 4].to_string());
    account.seats = Some(50 + rng.below(950) as u32);
    let roles = [
        Role::Champion,
        Role::EconomicBuyer,
        Role::ExecutiveSponsor,
        Role::EndUser,
        Role::Influencer,
    ];
    for (k, role) in roles.into_iter().enumerate() {
        let mut person =
            Stakeholder::new(format!("Person {k} of {i}"), role, today - Days::days(300));
        person.title = Some(["CTO", "CFO", "COO", "Analyst", "Director"][k].to_string());
        person.sentiment = [
            Sentiment::Champion,
            Sentiment::Positive,
            Sentiment::Neutral,
            Sentiment::Detractor,
        ][rng.below(4) as usize];
        person.last_contact = Some(today - Days::days(rng.below(120) as i64));
        person.nps = Some(rng.below(11) as u8);
        person.departed = k == 0 && rng.below(10) == 0;
        account.stakeholders.push(person);
    }
    let trends = [
        TicketTrend::Zero,
        TicketTrend::Decreasing,
        TicketTrend::Stable,
        TicketTrend::Increasing,
        TicketTrend::Escalated,
    ];
    for month in (0..12).rev() {
        let signals = Signals {
            usage: Some(rng.below(101) as f64),
            adoption: Some(rng.below(6) as u32),
            nps: Some(rng.below(11) as u8),
            tickets: Some(trends[rng.below(5) as usize]),
            roi: Some(rng.below(101) as f64),
        };
        account.health.push(Snapshot {
            at: now - Days::days(30 * month + rng.below(5) as i64),
            signals,
        });
    }
    account
}

/// Fills the tenant's book through `Store::commit`, the way every handler's changes are made
/// durable (audit entries included).
fn seed(app: &App, actor: &Actor, size: &Size, now: DateTime<Utc>) {
    let today = now.date_naive();
    let mut rng = Rng(0x5eed_cafe);
    let book = app.store.book(&actor.tenant).expect("book");
    let mut book = book.write().unwrap_or_else(|p| p.into_inner());
    for start in (0..size.accounts).step_by(BATCH) {
        let changes = (start..(start + BATCH).min(size.accounts))
            .map(|i| Change::PutAccount(Box::new(account(i, &mut rng, now, today))))
            .collect();
        app.store
            .commit(&mut book, &actor.user, "bench seed", now, changes)
            .expect("commit");
    }
}

/// (p50, p99, max) of the samples.
fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort_unstable();
    let at = |p: usize| samples[(samples.len() * p / 100).min(samples.len() - 1)];
    (at(50), at(99), samples[samples.len() - 1])
}

/// Times `line(i)` through `App::execute` for `size.iterations` iterations.
fn measure(
    app: &App,
    actor: &Actor,
    now: DateTime<Utc>,
    size: &Size,
    (label, target): (&str, Duration),
    mut line: impl FnMut() -> String,
) {
    for _ in 0..size.iterations.min(100) {
        let reply = app.execute(actor, now, &line());
        assert!(
            !reply.is_error(),
            "{label}: {}",
            steward::render::text::render(&reply)
        );
    }
    let samples: Vec<Duration> = (0..size.iterations)
        .map(|_| {
            let text = line();
            let started = Instant::now();
            let reply = app.execute(actor, now, &text);
            let took = started.elapsed();
            std::hint::black_box(reply);
            took
        })
        .collect();
    report(label, target, samples);
}

/// Prints p50/p99/max of `samples` against `target` (a p99 goal); returns the p50.
fn report(label: &str, target: Duration, samples: Vec<Duration>) -> Duration {
    let (p50, p99, max) = percentiles(samples);
    let verdict = if p99 <= target { "ok" } else { "MISSED" };
    println!(
        "{label:<28} p50 {:>7} µs   p99 {:>7} µs   max {:>7} µs   (target p99 ≤ {} µs: {verdict})",
        p50.as_micros(),
        p99.as_micros(),
        max.as_micros(),
        target.as_micros()
    );
    p50
}

/// Times `work` `n` times.
fn time(n: usize, mut work: impl FnMut()) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect()
}

/// `VmRSS` and `VmHWM` from /proc/self/status, as printed there.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map_or("n/a".to_string(), |l| l[name.len()..].trim().to_string())
    };
    format!("RSS {} (peak {})", field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    run(std::env::args().any(|a| a == "--smoke"));
}

fn run(smoke: bool) {
    let size = if smoke {
        Size {
            accounts: 500,
            iterations: 300,
        }
    } else {
        Size {
            accounts: 10_000,
            iterations: 2_000,
        }
    };
    let now = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("bench.db")).expect("open store");
    let app = App::new(store, None, chrono_tz::UTC);
    let actor = Actor {
        tenant: TenantId::parse("bench").expect("tenant"),
        user: UserId("bench-user".into()),
        surface: Surface::Console,
        platform_admin: false,
        channel: "console".into(),
    };

    println!(
        "steward bench{}: {} accounts × 5 stakeholders × 12 health snapshots, {} iterations per command",
        if smoke { " (smoke)" } else { "" },
        size.accounts,
        size.iterations
    );
    let started = Instant::now();
    seed(&app, &actor, &size, now);
    println!(
        "seeded in {:.2} s; {}",
        started.elapsed().as_secs_f64(),
        memory()
    );

    let mut rng = Rng(0xbe7c4);
    let accounts = size.accounts as u64;
    let fast = TARGET_P99;
    measure(
        &app,
        &actor,
        now,
        &size,
        ("/account show NAME", fast),
        || format!("/account show \"{}\"", name(rng.below(accounts) as usize)),
    );
    measure(
        &app,
        &actor,
        now,
        &size,
        ("/renewal list within:90d", fast),
        || "/renewal list within:90d".to_string(),
    );
    measure(
        &app,
        &actor,
        now,
        &size,
        ("/health show NAME", fast),
        || format!("/health show \"{}\"", name(rng.below(accounts) as usize)),
    );
    // Whole-book commands: target p99 ≤ 20 ms (playbook issue).
    let book_wide = Duration::from_millis(20);
    let rounds = Size {
        accounts: size.accounts,
        iterations: (size.iterations / 10).max(20),
    };
    measure(
        &app,
        &actor,
        now,
        &rounds,
        ("/portfolio summary", book_wide),
        || "/portfolio summary".to_string(),
    );
    measure(
        &app,
        &actor,
        now,
        &rounds,
        ("/atrisk list", book_wide),
        || "/atrisk list".to_string(),
    );

    // The weekly digest for the whole book (target ≤ 50 ms), against a raw sled scan + decode
    // of the same records in the same run (target ≤ 2×).
    let book = app.store.book(&actor.tenant).expect("book");
    let book = book.read().expect("lock");
    let digest = time(rounds.iterations, || {
        std::hint::black_box(steward::jobs::weekly::build(
            &book,
            now,
            now.date_naive(),
            &[],
            &[],
            &[],
        ));
    });
    let digest_p50 = report("weekly digest (build)", Duration::from_millis(50), digest);
    let scan = time(rounds.iterations, || {
        std::hint::black_box(app.store.records(&actor.tenant, false).expect("scan"));
    });
    let scan_p50 = report("raw sled scan + decode", Duration::from_millis(1000), scan);
    println!(
        "weekly digest / raw scan (p50): {:.2}× (target ≤ 2×)",
        digest_p50.as_secs_f64() / scan_p50.as_secs_f64()
    );
    println!("after the runs: {}", memory());
}
