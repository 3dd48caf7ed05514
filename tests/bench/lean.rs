//! Benchmark of every figure in issue #22's table, on a generated CRM CSV of 10,000 accounts
//! (name, ARR, renewal, owner, industry, seats, three stakeholders each: 30,000 rows) and a
//! 100,000-row CSV, against the `steward` binary cargo built for this bench, run as child
//! processes (resident memory and its high-water mark from `/proc`):
//! - cold start: process start to the first `/account show` answered by a piped console, and
//!   that process's peak memory (goals ≤ 100 ms, ≤ 40 MB);
//! - `serve` with Slack's HTTP endpoint: resident memory after start and after minutes of
//!   mixed signed commands, reads and writes (goal ≤ 60 MB), then signed `/account show` at 200
//!   connections (goal p99 ≤ 20 ms);
//! - `serve` with Discord's HTTP endpoint on the same book: signed `/account show`
//!   interactions at 200 connections (goals ≥ 80 % of Slack's requests/s, p99 ≤ 20 ms);
//! - the 100k-row import: time and peak memory (goals ≤ 3 s, ≤ 150 MB);
//! - the 10k database's size against its JSON export (goal ≤ 2.5 ×).
//!
//! Run: `cargo bench --bench lean` (10 minutes of mixed load; `-- --minutes N` to change it,
//! `-- --smoke` for a quick run on smaller files; `STEWARD_CACHE_MB` is passed on). The load generator shares the machine's
//! cores with `serve`.

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
#[path = "lean/load.rs"]
mod load;
#[path = "../common/served.rs"]
#[expect(
    dead_code,
    reason = "the benchmark starts and reads serve; it never stops it early or reads its log"
)]
mod served;
#[path = "../slack/spec.rs"]
mod spec;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use fake::Fake;
use harness::SECRET;
use load::{discord_request, mixed, saturate, slack_request, throughput_line};
use served::Served;

const GUILD: &str = "80351110224678912";
const COLD_START_GOAL: Duration = Duration::from_millis(100);
const CONSOLE_RSS_GOAL_MB: f64 = 40.0;
const SERVE_RSS_GOAL_MB: f64 = 60.0;
const IMPORT_GOAL: Duration = Duration::from_secs(3);
const IMPORT_RSS_GOAL_MB: f64 = 150.0;
const SIZE_GOAL: f64 = 2.5;
const P99_GOAL: Duration = Duration::from_millis(20);
const DISCORD_SHARE_GOAL: f64 = 0.8;
const CONNECTIONS: usize = 200;

struct Scale {
    accounts: usize,
    import_rows: usize,
    load: Duration,
    cold_runs: usize,
    requests_each: usize,
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

fn name(i: usize) -> String {
    format!("Account {i:06} Corp")
}

/// A CRM export: `stakeholders` rows per account (at least one), seeded so runs compare.
fn crm_csv(accounts: usize, stakeholders: usize) -> String {
    let mut csv = String::from("Account Name,ARR,Renewal Date,Account Owner,Industry,Seats,Stakeholder,Stakeholder Role,Stakeholder Title,Stakeholder Email\n");
    let roles = ["champion", "economic buyer", "user"];
    let industries = ["Software", "Retail", "Health", "Finance", "Logistics"];
    for i in 0..accounts {
        let arr = 5_000 + (i * 7919 % 496) * 1_000;
        let renewal = format!("2027-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
        for k in 0..stakeholders.max(1) {
            csv.push_str(&format!(
                "{},{arr},{renewal},U{:02},{},{},Person {i}-{k},{},VP {k},p{i}k{k}@acct{i}.example\n",
                name(i),
                1 + i % 8,
                industries[i % industries.len()],
                10 + i % 1990,
                roles[k % roles.len()],
            ));
        }
    }
    csv
}

/// `steward` with a clean environment (but `STEWARD_CACHE_MB`), working in `dir`.
fn steward(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    cmd.env_clear().current_dir(dir);
    for name in ["PATH", "STEWARD_CACHE_MB"] {
        if let Ok(value) = std::env::var(name) {
            cmd.env(name, value);
        }
    }
    cmd
}

/// What `serve` gets from this process's environment besides its own settings.
fn passed_on() -> Vec<(&'static str, String)> {
    std::env::var("STEWARD_CACHE_MB")
        .map(|mb| vec![("STEWARD_CACHE_MB", mb)])
        .unwrap_or_default()
}

/// Waits for `child`: whether it succeeded, and its peak resident memory in MB, read from
/// `/proc` (`VmHWM`, the high-water mark) every millisecond while it runs.
fn wait_peak(mut child: Child) -> (bool, f64) {
    let mut peak = 0.0f64;
    loop {
        peak = peak.max(memory_mb(child.id(), "VmHWM:"));
        if let Some(status) = child.try_wait().expect("wait for the child") {
            return (status.success(), peak);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// `steward … import FILE` for `tenant`: how long it took and its peak memory in MB.
fn import(dir: &Path, db: &Path, tenant: &str, file: &str) -> (Duration, f64) {
    let started = Instant::now();
    let child = steward(dir)
        .arg("--db")
        .arg(db)
        .args(["--tenant", tenant, "import", file])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run steward import");
    let (success, peak) = wait_peak(child);
    let took = started.elapsed();
    assert!(success, "steward import {file} failed");
    (took, peak)
}

/// One cold start: process start to the first answer line of a piped console, and the peak
/// memory of that process.
fn cold_start(dir: &Path, db: &Path, account: &str) -> (Duration, f64) {
    let started = Instant::now();
    let mut child = steward(dir)
        .arg("--db")
        .arg(db)
        .args(["--tenant", "slack:T1", "console"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run steward console");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "/account show \"{account}\"").expect("write the command");
    let mut answer = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    answer.read_line(&mut first).expect("read the answer");
    let took = started.elapsed();
    assert_eq!(first.trim(), account, "the console answered something else");
    // Read while the console waits for its next line: the process as it answered.
    let peak = memory_mb(child.id(), "VmHWM:");
    drop(stdin);
    std::io::copy(&mut answer, &mut std::io::sink()).expect("read the rest");
    let (success, _) = wait_peak(child);
    assert!(success, "the console failed");
    (took, peak)
}

fn directory_bytes(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .expect("read the database directory")
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => directory_bytes(&entry.path()),
            _ => entry.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

/// A memory figure of a running process in MB: `VmRSS:` (resident now) or `VmHWM:` (its
/// peak so far); 0 once it has exited.
fn memory_mb(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    let minutes: f64 = args
        .iter()
        .position(|a| a == "--minutes")
        .and_then(|i| args.get(i + 1))
        .and_then(|m| m.parse().ok())
        .unwrap_or(10.0);
    let scale = match smoke {
        true => Scale {
            accounts: 1_000,
            import_rows: 10_000,
            load: Duration::from_secs(5),
            cold_runs: 2,
            requests_each: 10,
        },
        false => Scale {
            accounts: 10_000,
            import_rows: 100_000,
            load: Duration::from_secs_f64(minutes * 60.0),
            cold_runs: 7,
            requests_each: 100,
        },
    };
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("book.csv"), crm_csv(scale.accounts, 3)).expect("write");
    std::fs::write(dir.path().join("big.csv"), crm_csv(scale.import_rows, 1)).expect("write");
    let book = dir.path().join("book.db");
    let (took, peak) = import(dir.path(), &book, "slack:T1", "book.csv");
    println!(
        "import of {} accounts × 3 stakeholders: {:.2} s, peak {peak:.0} MB",
        scale.accounts,
        took.as_secs_f64()
    );

    let mut starts = Vec::new();
    let mut peaks = Vec::new();
    for run in 0..scale.cold_runs {
        let (took, peak) = cold_start(dir.path(), &book, &name(run * 4243 % scale.accounts));
        starts.push(took);
        peaks.push(peak);
    }
    starts.sort();
    let peak = peaks.iter().copied().fold(0.0, f64::max);
    println!(
        "cold start to the first /account show (piped console, {} runs): median {:.0} ms, max {:.0} ms (goal ≤ {} ms: {}); peak memory {peak:.1} MB (goal ≤ {CONSOLE_RSS_GOAL_MB} MB: {})",
        scale.cold_runs,
        ms(percentile(&starts, 0.5)),
        ms(starts[starts.len() - 1]),
        COLD_START_GOAL.as_millis(),
        verdict(percentile(&starts, 0.5) <= COLD_START_GOAL),
        verdict(peak <= CONSOLE_RSS_GOAL_MB)
    );

    let export = dir.path().join("export.json");
    let status = steward(dir.path())
        .arg("--db")
        .arg(&book)
        .args(["--tenant", "slack:T1", "export", "--output"])
        .arg(&export)
        .status()
        .expect("run steward export");
    assert!(status.success(), "steward export failed");
    let (db_bytes, export_bytes) = (
        directory_bytes(&book),
        std::fs::metadata(&export).expect("export").len(),
    );
    let ratio = db_bytes as f64 / export_bytes as f64;
    println!(
        "database {:.1} MB vs JSON export {:.1} MB: {ratio:.2} × (goal ≤ {SIZE_GOAL} ×: {})",
        db_bytes as f64 / 1e6,
        export_bytes as f64 / 1e6,
        verdict(ratio <= SIZE_GOAL)
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let slack_rate = runtime.block_on(slack_phase(&book, &scale));
    let discord_book = dir.path().join("discord.db");
    import(
        dir.path(),
        &discord_book,
        &format!("discord:{GUILD}"),
        "book.csv",
    );
    runtime.block_on(discord_phase(&discord_book, &scale, slack_rate));

    let (took, peak) = import(
        dir.path(),
        &dir.path().join("big.db"),
        "slack:T1",
        "big.csv",
    );
    println!(
        "import of {} rows: {:.2} s (goal ≤ {} s: {}), peak {peak:.0} MB (goal ≤ {IMPORT_RSS_GOAL_MB} MB: {})",
        scale.import_rows,
        took.as_secs_f64(),
        IMPORT_GOAL.as_secs(),
        verdict(took <= IMPORT_GOAL),
        verdict(peak <= IMPORT_RSS_GOAL_MB)
    );
}

/// `serve` on the book with Slack over HTTP: memory after start and after the mixed load,
/// then the saturating `/account show` run. Returns Slack's requests/s.
async fn slack_phase(book: &Path, scale: &Scale) -> f64 {
    let fake = Arc::new(Fake::start().await);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut env = passed_on();
    env.extend([
        ("SLACK_BOT_TOKEN", "xoxb-lean".to_string()),
        ("SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("SLACK_API_URL", fake.api_url()),
        ("STEWARD_ADMINS", "U1".to_string()),
        ("RUST_LOG", "warn,steward::serve=info".to_string()),
    ]);
    let served = Arc::new(Served::start_on(dir, book, &env));
    served.ready(Duration::from_secs(60)).await;
    let pid = served.child.id();
    println!(
        "serve after start: {:.1} MB resident",
        memory_mb(pid, "VmRSS:")
    );
    let answered = mixed(&served, &fake, scale.accounts, Instant::now() + scale.load).await;
    let after = memory_mb(pid, "VmRSS:");
    println!(
        "serve after {:.1} minutes of mixed signed commands ({answered} answered, a fifth of them changes): {after:.1} MB resident (goal ≤ {SERVE_RSS_GOAL_MB} MB: {})",
        scale.load.as_secs_f64() / 60.0,
        verdict(after <= SERVE_RSS_GOAL_MB)
    );
    let accounts = scale.accounts;
    let (target, stand_in) = (served.clone(), fake.clone());
    let (rate, times) = saturate(scale.requests_each, move |c, i| {
        let account = name((c * 7919 + i * 104_729) % accounts);
        slack_request(&target, &stand_in, &format!("/account show \"{account}\""))
    })
    .await;
    throughput_line("Slack signed /account show", rate, &times);
    rate
}

/// `serve` on a copy of the book in a Discord guild: the saturating `/account show` run.
async fn discord_phase(book: &Path, scale: &Scale, slack_rate: f64) {
    let key = SigningKey::from_bytes(&[7; 32]);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut env = passed_on();
    env.extend([
        (
            "DISCORD_PUBLIC_KEY",
            hex::encode(key.verifying_key().to_bytes()),
        ),
        ("DISCORD_APPLICATION_ID", "1100000000000000001".to_string()),
        // Nothing listens there: nothing in this run calls Discord.
        ("DISCORD_API_URL", "http://127.0.0.1:9".to_string()),
        ("RUST_LOG", "warn,steward::serve=info".to_string()),
    ]);
    let served = Arc::new(Served::start_on(dir, book, &env));
    served.ready(Duration::from_secs(60)).await;
    let accounts = scale.accounts;
    let target = served.clone();
    let (rate, times) = saturate(scale.requests_each, move |c, i| {
        let account = name((c * 7919 + i * 104_729) % accounts);
        discord_request(&target, &key, c * 1_000_000 + i, &account)
    })
    .await;
    throughput_line("Discord signed /account show", rate, &times);
    let share = rate / slack_rate;
    println!(
        "Discord's requests/s are {:.0} % of Slack's (goal ≥ {:.0} %: {})",
        share * 100.0,
        DISCORD_SHARE_GOAL * 100.0,
        verdict(share >= DISCORD_SHARE_GOAL)
    );
}
