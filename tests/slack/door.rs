//! The door: Slack's published signature example with a frozen clock, forged, stale and
//! unsigned requests (401, nothing changed), bodies over 64 KiB (413).

use chrono::{TimeZone, Utc};
use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::fake::Fake;
use super::harness::{command_form, frozen, sign, Harness, Options, SECRET};
use super::logs;
use steward::slack::verify::Verifier;

/// Slack's published example (api.slack.com/authentication/verifying-requests-from-slack).
const EXAMPLE_BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const EXAMPLE_TS: i64 = 1531420618;
const EXAMPLE_SIGNATURE: &str =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const FORM: &str = "application/x-www-form-urlencoded";

#[test]
fn published_example_signs_and_verifies_with_a_frozen_clock() {
    assert_eq!(
        sign(SECRET, &EXAMPLE_TS.to_string(), EXAMPLE_BODY.as_bytes()),
        EXAMPLE_SIGNATURE
    );
    let at = Utc
        .timestamp_opt(EXAMPLE_TS + 10, 0)
        .single()
        .expect("instant");
    let verifier = Verifier::new(SecretString::from(SECRET), frozen(at));
    assert!(verifier
        .check(
            Some("1531420618"),
            Some(EXAMPLE_SIGNATURE),
            EXAMPLE_BODY.as_bytes()
        )
        .is_ok());
    let later = Verifier::new(
        SecretString::from(SECRET),
        frozen(at + chrono::Duration::seconds(301)),
    );
    assert!(later
        .check(
            Some("1531420618"),
            Some(EXAMPLE_SIGNATURE),
            EXAMPLE_BODY.as_bytes()
        )
        .is_err());
}

#[tokio::test]
async fn published_example_passes_the_door_at_its_time_only() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let headers = [
        ("x-slack-request-timestamp", EXAMPLE_TS.to_string()),
        ("x-slack-signature", EXAMPLE_SIGNATURE.to_string()),
    ];
    let at = Utc.timestamp_opt(EXAMPLE_TS, 0).single().expect("instant");
    let then = Harness::start(
        &dir.path().join("a"),
        Fake::start().await,
        Options {
            clock: Some(frozen(at)),
            ..Options::default()
        },
    )
    .await;
    let (status, body) = then
        .raw("/slack/commands", FORM, &headers, EXAMPLE_BODY.into())
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("no command /webhook-collect"), "{body}");
    then.fake.assert_clean();
    then.stop().await;
    let now = Harness::start(
        &dir.path().join("b"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    assert_eq!(
        now.raw("/slack/commands", FORM, &headers, EXAMPLE_BODY.into())
            .await
            .0,
        401
    );
    now.stop().await;
}

#[tokio::test]
async fn forged_stale_or_unsigned_requests_get_401_and_change_nothing() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    let body = command_form(
        "T1",
        None,
        "U1",
        "/account",
        "add Forged arr:5k renewal:+30d",
        &h.fake.response_url(),
    );
    let now = Utc::now().timestamp();
    let ts = now.to_string();
    let good = sign(SECRET, &ts, body.as_bytes());
    let mut flipped = good.clone();
    flipped.replace_range(
        good.len() - 1..,
        if good.ends_with('0') { "1" } else { "0" },
    );
    type Case<'a> = (&'a str, Vec<(&'a str, String)>, String);
    let cases: Vec<Case> = vec![
        ("no headers", vec![], body.clone()),
        (
            "no signature",
            vec![("x-slack-request-timestamp", ts.clone())],
            body.clone(),
        ),
        (
            "no timestamp",
            vec![("x-slack-signature", good.clone())],
            body.clone(),
        ),
        (
            "forged body",
            vec![
                ("x-slack-request-timestamp", ts.clone()),
                ("x-slack-signature", good.clone()),
            ],
            body.replace("Forged", "Forgex"),
        ),
        (
            "forged timestamp",
            vec![
                ("x-slack-request-timestamp", (now + 1).to_string()),
                ("x-slack-signature", good.clone()),
            ],
            body.clone(),
        ),
        (
            "forged signature",
            vec![
                ("x-slack-request-timestamp", ts.clone()),
                ("x-slack-signature", flipped),
            ],
            body.clone(),
        ),
        (
            "wrong secret",
            vec![
                ("x-slack-request-timestamp", ts.clone()),
                (
                    "x-slack-signature",
                    sign("another-secret", &ts, body.as_bytes()),
                ),
            ],
            body.clone(),
        ),
    ];
    for (what, headers, sent) in cases {
        assert_eq!(
            h.raw("/slack/commands", FORM, &headers, sent.into_bytes())
                .await
                .0,
            401,
            "{what}"
        );
    }
    for skew in [-301, 301, -3600] {
        let (status, _) = h
            .signed(
                "/slack/commands",
                FORM,
                body.as_bytes(),
                Some(now + skew),
                &[],
            )
            .await;
        assert_eq!(status, 401, "timestamp {skew:+} s");
    }
    for path in ["/slack/events", "/slack/interactivity"] {
        assert_eq!(
            h.raw(
                path,
                "application/json",
                &[],
                b"{\"type\":\"url_verification\",\"challenge\":\"x\"}".to_vec()
            )
            .await
            .0,
            401,
            "{path}"
        );
    }
    let tenant = steward::domain::tenant::TenantId::parse("slack:T1").expect("tenant");
    assert!(h
        .app
        .store
        .book(&tenant)
        .expect("book")
        .read()
        .expect("lock")
        .by_name("Forged")
        .is_none());
    assert!(
        h.fake.calls().is_empty(),
        "a refused request reached Slack: {:?}",
        h.fake.calls()
    );
    // Within the window, either way, the same request is served.
    let (status, answer) = h
        .signed(
            "/slack/commands",
            FORM,
            body.as_bytes(),
            Some(now - 290),
            &[],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        h.app
            .store
            .book(&tenant)
            .expect("book")
            .read()
            .expect("lock")
            .by_name("Forged")
            .is_some(),
        "{answer}"
    );
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn bodies_over_64_kib_get_413_before_any_check() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    let big = vec![b'a'; 65 * 1024];
    assert_eq!(
        h.signed("/slack/commands", FORM, &big, None, &[]).await.0,
        413
    );
    assert_eq!(
        h.raw("/slack/events", "application/json", &[], big.clone())
            .await
            .0,
        413,
        "unsigned: refused for size first"
    );
    // Without a Content-Length (chunked), the body is cut off while it is read.
    let address = h.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let ts = Utc::now().timestamp().to_string();
    let head = format!(
        "POST /slack/events HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nx-slack-request-timestamp: {ts}\r\nx-slack-signature: {}\r\nConnection: close\r\n\r\n",
        sign(SECRET, &ts, &big)
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    for chunk in big.chunks(8 * 1024) {
        if stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .is_err()
        {
            break;
        }
        let _ = stream.write_all(chunk).await;
        let _ = stream.write_all(b"\r\n").await;
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    h.stop().await;
}
