//! Benchmark of the pictures: each of the four drawn to PNG (data → scene → pixels → PNG) on
//! realistic data — 90 days of health snapshots, 12 weeks of active users, 12 stakeholders,
//! 150 renewals. Prints p50/p99/max per picture in ms beside the 20 ms p99 target, and the
//! PNG sizes. Run: `cargo bench --bench pictures` (`-- --smoke` for a quick run, `-- --save
//! DIR` to write the example pictures README shows to DIR as well).

use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Days, NaiveDate, TimeZone, Utc};
use steward::domain::account::{Account, AccountId};
use steward::domain::health::{Signals, Snapshot, TicketTrend};
use steward::domain::money::Money;
use steward::domain::signals::{ActiveWeek, CHART_WEEKS};
use steward::domain::stakeholder::{Influence, Role, Sentiment, Stakeholder};
use steward::picture::{HealthTrend, Picture, PowerGrid, RenewalTimeline, WeeklyUsers};

/// The p99 every picture should stay under.
const TARGET_P99: Duration = Duration::from_millis(20);

/// A small, seeded generator (xorshift64*), so every run draws the same pictures.
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

fn account(i: usize, rng: &mut Rng, now: DateTime<Utc>, today: NaiveDate) -> Account {
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
    let name = format!("{} {} Holdings", WORDS[i % WORDS.len()], i);
    let renewal = today + Days::days(rng.below(121) as i64);
    let arr = Money(5_000 + rng.below(496) * 1_000);
    let mut account = Account::new(AccountId(i as u64 + 1), name, arr, renewal, now);
    let trends = [
        TicketTrend::Zero,
        TicketTrend::Decreasing,
        TicketTrend::Stable,
        TicketTrend::Increasing,
        TicketTrend::Escalated,
    ];
    // A reading a day for the 90-day window; each day one signal may move, as real
    // accounts drift rather than jump.
    let mut signals = Signals {
        usage: Some(40.0 + rng.below(61) as f64),
        adoption: Some(rng.below(6) as u32),
        nps: Some(rng.below(11) as u8),
        tickets: Some(trends[rng.below(5) as usize]),
        roi: Some(50.0 + rng.below(51) as f64),
    };
    for back in (0..90).rev() {
        match rng.below(6) {
            0 => signals.usage = Some(rng.below(101) as f64),
            1 => signals.adoption = Some(rng.below(6) as u32),
            2 => signals.nps = Some(rng.below(11) as u8),
            3 => signals.tickets = Some(trends[rng.below(5) as usize]),
            _ => {}
        }
        account.health.push(Snapshot {
            at: now - Days::days(back),
            signals,
        });
    }
    // Twelve stakeholders, some with long or accented names.
    const PEOPLE: [&str; 12] = [
        "Alice Chen",
        "Bob Ruiz",
        "Dana Wu",
        "Hank Scorpio",
        "Mindy Park",
        "Sam Ode",
        "Priya Natarajan",
        "Lars Eriksson",
        "Zoë Okafor",
        "Tomás García",
        "Kenji Sato",
        "Margaret Montgomery-Whitfield",
    ];
    for name in PEOPLE {
        let role = Role::ALL[rng.below(Role::ALL.len() as u64) as usize];
        let mut person = Stakeholder::new(name.to_string(), role, today);
        person.influence = Influence::ALL[rng.below(2) as usize];
        person.sentiment = Sentiment::ALL[rng.below(4) as usize];
        person.departed = rng.below(6) == 0;
        account.stakeholders.push(person);
    }
    account
}

/// (p50, p99, max) of the samples.
fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort_unstable();
    let at = |p: usize| samples[(samples.len() * p / 100).min(samples.len() - 1)];
    (at(50), at(99), samples[samples.len() - 1])
}

/// Times `picture.png()` `iterations` times (after a warm-up that also parses the fonts).
fn measure(label: &str, picture: &Picture, iterations: usize) {
    let size = picture.png().len();
    let samples: Vec<Duration> = (0..iterations)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(picture.png());
            started.elapsed()
        })
        .collect();
    let (p50, p99, max) = percentiles(samples);
    let verdict = if p99 <= TARGET_P99 { "ok" } else { "MISSED" };
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{label:<18} p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>6.2} ms   PNG {:>4} KB   (target p99 ≤ {} ms: {verdict})",
        ms(p50),
        ms(p99),
        ms(max),
        size / 1024,
        TARGET_P99.as_millis()
    );
}

/// The 1-minute load average, as the shared machine reports it.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "n/a".into())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    let save = args
        .iter()
        .position(|a| a == "--save")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let iterations = if smoke { 20 } else { 500 };
    let now = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant");
    let today = now.date_naive();
    let mut rng = Rng(0x5eed_cafe);
    let accounts: Vec<Account> = (0..150).map(|i| account(i, &mut rng, now, today)).collect();
    println!(
        "pictures bench{}: 90 snapshots, 12 stakeholders, {} renewals; {iterations} renders each; load {}",
        if smoke { " (smoke)" } else { "" },
        accounts.len(),
        load()
    );
    let trend = HealthTrend::of(&accounts[0], today).expect("snapshots in the window");
    let weeks = (0..CHART_WEEKS as i64)
        .rev()
        .map(|k| ActiveWeek {
            last_day: today - Days::days(7 * k),
            users: 900 + rng.below(400) as usize,
        })
        .collect();
    let weekly = WeeklyUsers::of(&accounts[0].name, today, weeks, Some(1_200)).expect("weeks");
    let grid = PowerGrid::of(&accounts[0]).expect("stakeholders");
    let timeline = RenewalTimeline::of(&accounts, today);
    let pictures = [
        ("health trend", Picture::HealthTrend(trend)),
        ("weekly users", Picture::WeeklyUsers(weekly)),
        ("power grid", Picture::PowerGrid(grid)),
        ("renewal timeline", Picture::RenewalTimeline(timeline)),
    ];
    for (label, picture) in &pictures {
        measure(label, picture, iterations);
    }
    // The examples README shows, for people to look at.
    if let Some(dir) = save {
        std::fs::create_dir_all(dir).expect("the --save folder");
        for (name, picture) in steward::picture::examples() {
            let path = std::path::Path::new(dir).join(name);
            std::fs::write(&path, picture.png()).expect("write the PNG");
            println!("wrote {}", path.display());
        }
    }
    println!("load after the runs: {}", load());
}
