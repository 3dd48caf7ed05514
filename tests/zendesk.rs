//! Purpose: the Zendesk webhook end to end (INGEST.md, "Zendesk webhook") — the secret set
//! with `steward zendesk secret`, then `steward serve` taking trigger requests signed as
//! Zendesk documents it ("Verifying webhook authenticity",
//! <https://developer.zendesk.com/documentation/webhooks/verifying/>: base64 of the
//! HMAC-SHA256 of timestamp + body, under the webhook's signing secret): a ticket reaches
//! its account's rollups, a replay counts once, stale, unsigned or badly signed requests get
//! 401 and leave nothing, an unknown organization counts as unmatched, and the secret is in
//! no log, no reply and none of the database's files. `/steward zendesk secret` through
//! `App::execute`, the path every chat adapter takes, is in `zendesk/secret.rs`.

#[path = "zendesk/secret.rs"]
mod secret;
#[path = "common/served.rs"]
#[expect(
    dead_code,
    reason = "this test starts serve on a database it prepared (start_on)"
)]
mod served;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use secrecy::SecretString;
use steward::domain::signals::TicketChange;
use steward::domain::tenant::TenantId;
use steward::ingest::zendesk::signature::signature;
use steward::ingest::zendesk::TRIGGER_BODY;
use steward::store::{Store, StoreError};

use served::Served;

pub(crate) const TENANT: &str = "slack:T123";
/// Distinctive, so a search of logs and files cannot miss it.
pub(crate) const SECRET: &str = "zd-S3cret-only-for-this-test-7f9c2b";

/// `steward --db DIR/db --tenant slack:T123 ARGS…` with a clean environment, logging at
/// `trace`, `stdin` given.
fn steward(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    cmd.env_clear().current_dir(dir).env("RUST_LOG", "trace");
    for name in ["PATH", "HOME"] {
        if let Ok(value) = std::env::var(name) {
            cmd.env(name, value);
        }
    }
    cmd.arg("--db")
        .arg(dir.join("db"))
        .args(["--tenant", TENANT])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run steward");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("steward output")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Whether any file under `dir` holds `needle`.
fn files_hold(dir: &Path, needle: &str) -> bool {
    std::fs::read_dir(dir).expect("read dir").any(|entry| {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            return files_hold(&path, needle);
        }
        let bytes = std::fs::read(&path).expect("read file");
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

/// A trigger body as Zendesk renders [`TRIGGER_BODY`] for a ticket.
fn body(id: &str, status: &str, priority: &str, external_id: &str, name: &str) -> String {
    TRIGGER_BODY
        .replace("{{ticket.id}}", id)
        .replace("{{ticket.status}}", status)
        .replace("{{ticket.priority}}", priority)
        .replace("{{ticket.organization.external_id}}", external_id)
        .replace("{{ticket.organization.name}}", name)
}

/// Zendesk's timestamp header form: `2026-11-23T10:15:00Z`.
fn stamp(offset: TimeDelta) -> String {
    (Utc::now() + offset)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `POST {path}` with `headers` and `body`; the status and the answer's body.
fn post(addr: SocketAddr, path: &str, headers: &[(&str, String)], body: &str) -> (u16, String) {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: steward\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

/// The headers Zendesk sends for `body` signed with `secret` at `timestamp`.
fn signed(secret: &str, timestamp: &str, body: &str) -> Vec<(&'static str, String)> {
    let secret = SecretString::from(secret.to_string());
    vec![
        (
            "X-Zendesk-Webhook-Signature",
            signature(&secret, timestamp, body.as_bytes()),
        ),
        (
            "X-Zendesk-Webhook-Signature-Timestamp",
            timestamp.to_string(),
        ),
    ]
}

/// The store at `path`, once the process that held it let go of sled's lock.
fn open_store(path: &Path) -> Store {
    let started = Instant::now();
    loop {
        match Store::open(path) {
            Err(StoreError::Locked { .. }) if started.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(20));
            }
            opened => break opened.expect("open the store"),
        }
    }
}

#[test]
fn signed_tickets_reach_their_account_and_the_secret_stays_sealed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let db = root.join("db");
    let setup = steward(
        &root,
        &["console"],
        "/account add \"Acme Corp\" arr:50k renewal:2027-03-31 crm:0015g00000AcMe\n",
    );
    assert!(text(&setup.stdout).contains("Acme Corp"), "{setup:?}");

    // The secret from standard input (`-`), so it is in no shell history either.
    let set = steward(&root, &["zendesk", "secret", "-"], &format!("{SECRET}\n"));
    let (reply, log) = (text(&set.stdout), text(&set.stderr));
    assert!(set.status.success(), "{reply}{log}");
    assert!(reply.starts_with("Zendesk secret set."), "{reply}");
    assert!(
        reply.contains("https://HOST/ingest/zendesk?tenant=slack:T123")
            && reply.contains(TRIGGER_BODY),
        "{reply}"
    );
    assert!(
        !reply.contains(SECRET) && !log.contains(SECRET),
        "{reply}{log}"
    );
    let key_file = root.join("steward.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file)
            .expect("key file made")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let mut served = Served::start_on(dir, &db, &[("RUST_LOG", "trace".to_string())]);
    let addr = served.addr;
    let path = format!("/ingest/zendesk?tenant={TENANT}");
    let ok = (200, r#"{"success":true}"#.to_string());

    let now = stamp(TimeDelta::zero());
    let urgent = body("48213", "Open", "Urgent", "0015g00000AcMe", "Acme Corp");
    assert_eq!(
        post(addr, &path, &signed(SECRET, &now, &urgent), &urgent),
        ok
    );
    // Zendesk sends it again: acknowledged, counted once.
    assert_eq!(
        post(addr, &path, &signed(SECRET, &now, &urgent), &urgent),
        ok
    );
    // Matched by the organization's name when its external id is unknown.
    let by_name = body("48214", "pending", "normal", "", "acme corp");
    assert_eq!(
        post(addr, &path, &signed(SECRET, &now, &by_name), &by_name),
        ok
    );
    let unknown = body("7001", "new", "low", "0015g00000GLOB", "Globex");
    assert_eq!(
        post(addr, &path, &signed(SECRET, &now, &unknown), &unknown),
        ok
    );

    // Refused alike, and nothing of them kept: stale, from the future, unsigned, badly
    // signed, signed with another secret, for another or no tenant.
    let refused = body("99", "open", "urgent", "0015g00000AcMe", "Acme Corp");
    let stale = stamp(TimeDelta::minutes(-10));
    let ahead = stamp(TimeDelta::minutes(10));
    let mut forged = signed(SECRET, &now, &refused);
    forged[0].1 = signature(
        &SecretString::from("guess".to_string()),
        &now,
        refused.as_bytes(),
    );
    let attempts: Vec<(String, Vec<(&str, String)>)> = vec![
        (path.clone(), signed(SECRET, &stale, &refused)),
        (path.clone(), signed(SECRET, &ahead, &refused)),
        (path.clone(), Vec::new()),
        (
            path.clone(),
            vec![signed(SECRET, &now, &refused)[1].clone()],
        ),
        (path.clone(), signed(SECRET, &now, &urgent)),
        (path.clone(), forged),
        (
            "/ingest/zendesk?tenant=slack:T999".into(),
            signed(SECRET, &now, &refused),
        ),
        ("/ingest/zendesk".into(), signed(SECRET, &now, &refused)),
    ];
    for (target, headers) in attempts {
        let (status, answer) = post(addr, &target, &headers, &refused);
        assert_eq!(status, 401, "{target} {headers:?}: {answer}");
        assert!(answer.contains("\"success\":false"), "{answer}");
    }
    // A signed body that is wrong says what is wrong.
    let deleted = body("5", "deleted", "", "", "");
    let (status, answer) = post(addr, &path, &signed(SECRET, &now, &deleted), &deleted);
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer.contains("is not one of new, open, pending, hold (open), solved, closed (solved)"),
        "{answer}"
    );

    let log = served.log();
    served.terminate(Duration::from_secs(10));
    assert!(log.contains("Zendesk webhook refused: 401"), "{log}");
    assert!(!log.contains(SECRET), "the secret in serve's log");

    let store = open_store(&db);
    let tenant = TenantId::parse(TENANT).expect("valid tenant");
    let acme = {
        let book = store.book(&tenant).expect("book");
        let book = book.read().expect("lock");
        book.find("Acme Corp").expect("the account").id
    };
    let mut changes: Vec<(String, TicketChange)> = store
        .rollups(&tenant, acme)
        .expect("rollups")
        .iter()
        .flat_map(|r| {
            r.ticket_changes()
                .map(|(id, _, change)| (id.to_string(), change))
                .collect::<Vec<_>>()
        })
        .collect();
    changes.sort();
    assert_eq!(
        changes,
        [
            ("48213".to_string(), TicketChange::Escalated),
            ("48214".to_string(), TicketChange::Created)
        ]
    );
    let counts = store
        .intake_counts(&tenant, Utc::now() - TimeDelta::hours(2))
        .expect("counts");
    assert_eq!(counts.accepted.get("track"), Some(&3), "{counts:?}");
    assert_eq!((counts.duplicates, counts.unmatched), (1, 1), "{counts:?}");
    let unmatched = store.unmatched_ids(&tenant).expect("unmatched");
    assert_eq!(
        unmatched
            .iter()
            .map(|(id, u)| (id.as_str(), u.count))
            .collect::<Vec<_>>(),
        [("0015g00000GLOB", 1)]
    );
    drop(store);
    let status = text(&steward(&root, &["console"], "/steward ingest status\n").stdout);
    assert!(status.contains("0015g00000GLOB"), "{status}");
    assert!(
        !files_hold(&db, SECRET),
        "the secret in clear in the database"
    );
    assert!(key_file.exists());
}
