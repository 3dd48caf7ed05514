//! Purpose: several replicas on one PostgreSQL database, as two `Store`s (and `App`s) in one
//! test over the same schema — a write on one is what the other serves next, commands racing
//! on both lose no update and share no id, a chat event and a post period are taken once,
//! received data racing on both is counted once, one scheduler leads and another takes over,
//! a newer schema is refused, and a whole database is copied between sled and PostgreSQL.
//! Skipped, saying why, without `STEWARD_TEST_DATABASE_URL`; each case prints
//! `postgres case:` so `.ci/run` can tell that PostgreSQL ran.

#[path = "common/postgres.rs"]
mod postgres;

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use steward::app::{Actor, App, Surface};
use steward::domain::account::AccountId;
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::ingest::parse_batch;
use steward::render::text::render;
use steward::store::backend::postgres::PostgresBackend;
use steward::store::backend::Backend;
use steward::store::ingest::Delivery;
use steward::store::ledger::PostState;
use steward::store::{Store, StoreError};

/// A fresh schema's URL, saying which case runs on it; `None` (skip) without a server.
fn database(case: &str) -> Option<String> {
    let url = postgres::fresh_schema_url()?;
    eprintln!("postgres case: {case}");
    Some(url)
}

fn replica(url: &str) -> Store {
    Store::with_backend(Box::new(
        PostgresBackend::open(url).expect("open PostgreSQL"),
    ))
    .expect("open the store")
}

fn app(url: &str) -> App {
    App::new(replica(url), None, Tz::UTC)
}

fn tenant() -> TenantId {
    TenantId::parse("slack:T1").expect("valid tenant")
}

fn actor(user: &str) -> Actor {
    Actor {
        tenant: tenant(),
        user: UserId(user.into()),
        surface: Surface::Console,
        platform_admin: false,
        channel: "C1".into(),
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

fn run(app: &App, user: &str, line: &str) -> String {
    let reply = app.execute(&actor(user), now(), line);
    let text = render(&reply);
    assert!(!reply.is_error(), "`{line}` was refused: {text}");
    text
}

/// The tenant's accounts as `replica` serves them: (id, name).
fn accounts(replica: &Store) -> Vec<(u64, String)> {
    let book = replica.book(&tenant()).expect("book");
    let book = book.read().expect("book lock");
    let mut accounts: Vec<_> = book.accounts().map(|a| (a.id.0, a.name.clone())).collect();
    accounts.sort();
    accounts
}

#[test]
fn a_write_on_one_replica_is_what_the_other_serves_next() {
    let Some(url) = database("freshness") else {
        return;
    };
    let (a, b) = (app(&url), app(&url));
    // Both read the book first, so B holds one in memory when A writes.
    assert!(accounts(&a.store).is_empty() && accounts(&b.store).is_empty());
    run(
        &a,
        "U1",
        "/account add \"Acme Corp\" arr:100000 renewal:2027-03-31",
    );
    // B hears of A's commit (PostgreSQL's NOTIFY, within about a millisecond): `settle`
    // waits for it without guessing how long.
    b.store.settle().expect("settled");
    assert_eq!(accounts(&b.store), [(1, "Acme Corp".to_string())]);
    run(&b, "U2", "/account set \"Acme Corp\" arr:200000");
    a.store.settle().expect("settled");
    let listed = run(&a, "U1", "/account list");
    assert!(listed.contains("$200,000"), "{listed}");
}

#[test]
fn a_commit_from_a_stale_book_loses_and_reads_the_book_again() {
    let Some(url) = database("conflict") else {
        return;
    };
    let (a, b) = (app(&url), app(&url));
    assert!(accounts(&b.store).is_empty());
    // B decides on its book before A's commit lands, and commits after it.
    let book = b.store.book(&tenant()).expect("book");
    let mut stale = book.write().expect("book lock");
    run(&a, "U1", "/account add Acme arr:10000 renewal:2027-03-31");
    let mut globex = a
        .store
        .book(&tenant())
        .expect("book")
        .read()
        .expect("lock")
        .account(AccountId(1))
        .cloned()
        .expect("Acme");
    globex.name = "Globex".into();
    let change = steward::domain::book::Change::PutAccount(Box::new(globex));
    let lost = b.store.commit(
        &mut stale,
        &UserId("U2".into()),
        "/account add Globex",
        now(),
        vec![change],
    );
    assert!(matches!(lost, Err(StoreError::Conflict)), "{lost:?}");
    // Nothing of B's was written, and B's book is the stored one again.
    assert_eq!(
        stale.account(AccountId(1)).map(|a| a.name.as_str()),
        Some("Acme")
    );
    drop(stale);
    assert_eq!(accounts(&a.store), [(1, "Acme".to_string())]);
}

#[test]
fn commands_racing_on_two_replicas_lose_no_update_and_share_no_id() {
    let Some(url) = database("racing commands") else {
        return;
    };
    let replicas = [Arc::new(app(&url)), Arc::new(app(&url))];
    let per_thread = 8;
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let app = replicas[t % 2].clone();
            std::thread::spawn(move || {
                let mut added = Vec::new();
                for i in 0..per_thread {
                    let name = format!("Account {t}-{i}");
                    let line = format!("/account add \"{name}\" arr:10000 renewal:2027-03-31");
                    let reply = app.execute(&actor("U1"), now(), &line);
                    let text = render(&reply);
                    match reply.is_error() {
                        false => added.push(name),
                        // Two conflicts in a row are the asker's to retry; nothing was saved.
                        true => assert!(text.contains("another replica"), "{text}"),
                    }
                }
                added
            })
        })
        .collect();
    let mut added: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    added.sort();
    assert!(
        added.len() >= per_thread,
        "most commands succeed: {added:?}"
    );
    for replica in &replicas {
        replica.store.settle().expect("settled");
        let stored = accounts(&replica.store);
        let mut names: Vec<String> = stored.iter().map(|(_, n)| n.clone()).collect();
        names.sort();
        assert_eq!(names, added, "every acknowledged account, and only those");
        let mut ids: Vec<u64> = stored.iter().map(|(id, _)| *id).collect();
        ids.dedup();
        assert_eq!(ids.len(), added.len(), "no two accounts share an id");
    }
}

#[test]
fn an_event_and_a_post_period_are_taken_once_across_replicas() {
    let Some(url) = database("seen and claimed once") else {
        return;
    };
    let (a, b) = (replica(&url), replica(&url));
    assert_eq!(a.first_sight(&tenant(), "Ev1", now()).ok(), Some(true));
    assert_eq!(b.first_sight(&tenant(), "Ev1", now()).ok(), Some(false));
    let claimed = PostState::Claimed { at: now() };
    let fresh = |state: Option<&PostState>| state.is_none();
    let first = a.claim_post(&tenant(), "weekly@C1", "2026-03-02", fresh, &claimed);
    let second = b.claim_post(&tenant(), "weekly@C1", "2026-03-02", fresh, &claimed);
    assert_eq!((first.ok(), second.ok()), (Some(true), Some(false)));
    // Claimed from the same planned state by both at once: exactly one wins.
    let (a, b) = (Arc::new(a), Arc::new(b));
    let racers: Vec<_> = [a, b]
        .into_iter()
        .map(|store| {
            std::thread::spawn(move || {
                store
                    .claim_post(&tenant(), "weekly@C1", "2026-03-09", fresh, &claimed_at())
                    .expect("claim")
            })
        })
        .collect();
    let wins: Vec<bool> = racers
        .into_iter()
        .map(|r| r.join().expect("thread"))
        .collect();
    assert_eq!(wins.iter().filter(|w| **w).count(), 1, "{wins:?}");
}

fn claimed_at() -> PostState {
    PostState::Claimed { at: now() }
}

#[test]
fn received_data_racing_on_two_replicas_is_counted_once() {
    let Some(url) = database("racing intake") else {
        return;
    };
    let setup = app(&url);
    run(
        &setup,
        "U1",
        "/account add \"Acme Corp\" arr:10000 renewal:2027-03-31",
    );
    let replicas = [Arc::new(replica(&url)), Arc::new(replica(&url))];
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let store = replicas[t % 2].clone();
            std::thread::spawn(move || {
                for i in 0..10 {
                    // Each message twice (a retry), on alternating replicas' threads.
                    let json = format!(
                        r#"{{"batch":[{{"type":"track","userId":"u{t}-{i}","event":"Report","context":{{"groupId":"Acme Corp"}},"messageId":"m{t}-{i}","timestamp":"2026-03-02T08:00:00Z"}}]}}"#
                    );
                    for _ in 0..2 {
                        let parsed = parse_batch(json.as_bytes(), now()).expect("a valid batch");
                        let delivery = Delivery {
                            messages: &parsed.accepted,
                            rejected: parsed.skipped_by_reason(),
                            received: now(),
                            zone: Tz::UTC,
                            key: None,
                        };
                        store.ingest(&tenant(), &delivery).expect("stored");
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("thread");
    }
    for store in &replicas {
        let rollups = store.rollups(&tenant(), AccountId(1)).expect("rollups");
        let users: usize = rollups.iter().map(|r| r.active_users().count()).sum();
        assert_eq!(users, 40, "every user once, no update lost");
        let counts = store
            .intake_counts(&tenant(), now() - Duration::days(1))
            .expect("counts");
        assert_eq!(counts.accepted.get("track"), Some(&40));
        assert_eq!(counts.duplicates, 40, "every retry recognised");
    }
}

#[test]
fn one_replica_leads_and_another_takes_over_when_it_is_gone() {
    let Some(url) = database("leadership") else {
        return;
    };
    let a = PostgresBackend::open(&url).expect("open");
    let b = PostgresBackend::open(&url).expect("open");
    assert!(a.try_lead().expect("ask"));
    assert!(a.try_lead().expect("ask again"), "a leader stays leader");
    assert!(!b.try_lead().expect("ask"));
    // The leader's session ends with it, and its lock at once.
    drop(a);
    let started = std::time::Instant::now();
    while !b.try_lead().expect("ask") {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the lock was not released"
        );
        std::thread::yield_now();
    }
}

#[test]
fn a_schema_newer_than_the_binary_is_refused_and_not_ready() {
    let Some(url) = database("newer schema") else {
        return;
    };
    let store = replica(&url);
    store.check_ready().expect("ready when migrated");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(connection);
        client
            .batch_execute(
                "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
                 VALUES (99, 'from_the_future', '2030-01-01T00:00:00Z', '0')",
            )
            .await
            .expect("a newer migration");
    });
    let not_ready = store.check_ready().err().map(|e| e.to_string());
    assert!(
        not_ready
            .as_deref()
            .is_some_and(|e| e.contains("newer Steward (schema 99)")),
        "{not_ready:?}"
    );
    let refused = PostgresBackend::open(&url).err().map(|e| e.to_string());
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("upgrade steward")),
        "{refused:?}"
    );
}

#[test]
fn a_whole_database_moves_from_sled_to_postgres_and_back() {
    let Some(url) = database("copy between backends") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let sled = App::new(
        Store::open(&dir.path().join("db")).expect("open sled"),
        None,
        Tz::UTC,
    );
    run(
        &sled,
        "U1",
        "/account add \"Acme Corp\" arr:100000 renewal:2027-03-31",
    );
    run(
        &sled,
        "U1",
        "/account add Globex arr:50000 renewal:2027-06-30",
    );
    assert_eq!(
        sled.store.first_sight(&tenant(), "Ev1", now()).ok(),
        Some(true)
    );
    let other = TenantId::parse("discord:42").expect("valid tenant");
    let sent = PostState::Sent { at: now() };
    sled.store
        .set_post_state(&other, "weekly@C9", "2026-03-02", &sent)
        .expect("ledger");
    let postgres = replica(&url);
    let copied = sled.store.copy_into(&postgres).expect("copied");
    assert_eq!(copied.tenants.len(), 2, "{copied:?}");
    assert_eq!(
        postgres.post_state(&other, "weekly@C9", "2026-03-02").ok(),
        Some(Some(sent)),
        "the post ledger came along"
    );
    assert_eq!(accounts(&postgres), accounts(&sled.store));
    assert_eq!(
        postgres.first_sight(&tenant(), "Ev1", now()).ok(),
        Some(false)
    );
    // The audit trail came along, and new ids come after the copied ones.
    let postgres = App::new(postgres, None, Tz::UTC);
    run(
        &postgres,
        "U1",
        "/account add Initech arr:10000 renewal:2027-09-30",
    );
    for name in ["Globex", "Initech"] {
        let history = run(&postgres, "U1", &format!("/account history {name}"));
        assert!(history.contains("/account add"), "{history}");
    }
    // And back into a new sled database; a second copy into a used one is refused.
    let back = Store::open(&dir.path().join("back")).expect("open sled");
    postgres.store.copy_into(&back).expect("copied back");
    assert_eq!(accounts(&back).len(), 3);
    let refused = postgres.store.copy_into(&back).err().map(|e| e.to_string());
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("already holds data")),
        "{refused:?}"
    );
}

/// `url` with the password `hunter2` for its user.
fn with_password(url: &str) -> String {
    match url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
    {
        Some((user, _)) if !user.contains(':') => url.replacen('@', ":hunter2@", 1),
        _ => url.to_string(),
    }
}

/// Runs the `steward` binary with `args` on the database `url`; its stdout, or the failure.
fn steward(url: &str, dir: &std::path::Path, args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_steward"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("STEWARD_DATABASE_URL", url)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run steward");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{args:?}: {stdout}{stderr}");
    assert!(
        !stdout.contains("hunter2") && !stderr.contains("hunter2"),
        "the password is never shown: {stdout}{stderr}"
    );
    stdout
}

#[test]
fn the_command_line_imports_exports_and_migrates_on_postgres() {
    let Some(url) = database("command line") else {
        return;
    };
    // A password in the URL (the test server trusts local connections and ignores it).
    let url = with_password(&url);
    let dir = tempfile::tempdir().expect("temp dir");
    let applied = steward(&url, dir.path(), &["migrate"]);
    assert!(applied.contains("schema version 2"), "{applied}");
    let csv = dir.path().join("accounts.csv");
    let rows: String = (0..250)
        .map(|i| format!("Account {i},{}k,2027-03-31\n", 10 + i))
        .collect();
    std::fs::write(&csv, format!("Account Name,ARR,Renewal Date\n{rows}")).expect("write");
    let imported = steward(
        &url,
        dir.path(),
        &["--tenant", "acme", "import", "accounts.csv"],
    );
    assert!(
        imported.contains("committed through line 251"),
        "{imported}"
    );
    let exported = steward(
        &url,
        dir.path(),
        &["--tenant", "acme", "export", "--format", "csv"],
    );
    assert_eq!(exported.lines().count(), 251, "a header and every account");
    // The whole database into sled and back into a fresh schema, counts verified each way.
    let copied = steward(
        &url,
        dir.path(),
        &["migrate", "--from", &url, "--to", "sled:./copy.db"],
    );
    assert!(copied.contains("counts verified"), "{copied}");
    let Some(other) = database("command line, second schema") else {
        return;
    };
    let other = with_password(&other);
    let back = steward(
        &url,
        dir.path(),
        &["migrate", "--from", "sled:./copy.db", "--to", &other],
    );
    assert!(back.contains("counts verified"), "{back}");
    let listed = steward(
        &other,
        dir.path(),
        &["--tenant", "acme", "export", "--format", "csv"],
    );
    assert_eq!(listed, exported);
}

#[test]
fn tls_to_the_server_is_verified_against_the_authority_given() {
    let Some(url) = database("tls") else {
        return;
    };
    let Ok(authority) = std::env::var("STEWARD_TEST_DATABASE_CA") else {
        eprintln!("TLS case skipped: STEWARD_TEST_DATABASE_CA is unset (.ci/run sets it)");
        return;
    };
    // The server requires nothing: that this opens at all says the session is TLS.
    let verified = format!("{url}&sslmode=verify-full&sslrootcert={authority}");
    let store = replica(&verified);
    store.check_ready().expect("ready over TLS");
    // Without the authority the server's certificate is not trusted, and nothing opens.
    let refused = PostgresBackend::open(&format!("{url}&sslmode=require"))
        .err()
        .map(|e| e.to_string());
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("invalid peer certificate")),
        "{refused:?}"
    );
}
