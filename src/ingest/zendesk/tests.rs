//! Purpose: the Zendesk webhook's pure parts — signatures built as Zendesk documents them,
//! the timestamp window, the status and priority table, trigger bodies → messages; hostile
//! headers and bodies are in [`hostile`].

mod hostile;

use axum::http::{HeaderMap, HeaderValue};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use secrecy::SecretString;
use serde_json::{json, Value};

use super::signature::{fresh, headers, signature, verify, Signed};
use super::ticket::{change, parse};
use super::*;
use crate::domain::signals::TicketChange;
use crate::ingest::{Detail, Fact, MessageType, Origin, ZENDESK_USER};

/// The signing secret of the Node.js example in Zendesk's "Verifying webhook authenticity"
/// (<https://developer.zendesk.com/documentation/webhooks/verifying/>).
pub(super) const DOCS_SECRET: &str = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==";
pub(super) const STAMP: &str = "2026-11-23T10:15:00Z";
/// The trigger body of [`TRIGGER_BODY`] as Zendesk renders it for a ticket.
const BODY: &str = r#"{"ticket": {"id": "48213", "status": "Open", "priority": "Urgent", "organization": {"external_id": "0015g00000AcMe", "name": "Acme Corp"}}}"#;

pub(super) fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

pub(super) fn stamp() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 15, 0)
        .single()
        .expect("valid")
}

pub(super) fn signed<'a>(timestamp: &'a str, signature: &'a str) -> Signed<'a> {
    Signed {
        timestamp,
        signature,
    }
}

#[test]
fn signatures_are_built_as_zendesk_documents_them() {
    // Zendesk: "base64(HMACSHA256(TIMESTAMP + BODY))", keyed with the secret's text as shown
    // (the Node.js example passes the string to `crypto.createHmac`). Expected value worked
    // out once, independently, with Python's standard library:
    //   base64.b64encode(hmac.new(DOCS_SECRET.encode(), (STAMP + BODY).encode(),
    //                             hashlib.sha256).digest())
    let expected = "n9/HZ1az2O9kYS1pcRLpN6XE9EERAvTPe6Ey9rqnyx0=";
    assert_eq!(
        signature(&secret(DOCS_SECRET), STAMP, BODY.as_bytes()),
        expected
    );
    assert_eq!(
        verify(
            &secret(DOCS_SECRET),
            &signed(STAMP, expected),
            BODY.as_bytes()
        ),
        Ok(())
    );
    // Headers may arrive with spaces around the value.
    let padded = format!(" {expected} ");
    assert_eq!(
        verify(
            &secret(DOCS_SECRET),
            &signed(STAMP, &padded),
            BODY.as_bytes()
        ),
        Ok(())
    );

    // The event-connectors copy of that page
    // (<https://developer.zendesk.com/documentation/event-connectors/webhooks/verifying/>)
    // gives a worked example — secret `HRkRd4Be…zeA=`, body `{"say": "hello"}`, timestamp
    // 2021-07-25T10:00:00Z, signature `tRDSF7UR…teMw=` — whose signature Python reproduces
    // only with BODY + TIMESTAMP, contradicting the formula on both pages. We follow the
    // formula (and INGEST.md): timestamp first, which gives `Rry/4TtI…ZIk=` for it.
    let (example_secret, example_body, example_stamp) = (
        secret("HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA="),
        br#"{"say": "hello"}"#,
        "2021-07-25T10:00:00Z",
    );
    assert_eq!(
        signature(&example_secret, example_stamp, example_body),
        "Rry/4TtIdFyawtXXp8QdI6tlAUUQ/5kL1OTp5qo/ZIk="
    );
    assert_eq!(
        verify(
            &example_secret,
            &signed(
                example_stamp,
                "tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw="
            ),
            example_body
        ),
        Err(Refusal::Mismatch)
    );
}

#[test]
fn a_wrong_secret_or_any_changed_byte_is_refused() {
    let good = signature(&secret(DOCS_SECRET), STAMP, BODY.as_bytes());
    let check = |key: &str, stamp: &str, body: &[u8], sig: &str| {
        verify(&secret(key), &signed(stamp, sig), body)
    };
    assert_eq!(
        check("another secret", STAMP, BODY.as_bytes(), &good),
        Err(Refusal::Mismatch)
    );
    assert_eq!(
        check("", STAMP, BODY.as_bytes(), &good),
        Err(Refusal::Mismatch)
    );
    assert_eq!(
        check(DOCS_SECRET, "2026-11-23T10:15:01Z", BODY.as_bytes(), &good),
        Err(Refusal::Mismatch)
    );
    for i in 0..BODY.len() {
        let mut body = BODY.as_bytes().to_vec();
        body[i] ^= 0x01;
        assert_eq!(
            check(DOCS_SECRET, STAMP, &body, &good),
            Err(Refusal::Mismatch),
            "byte {i} flipped"
        );
    }
    let mut other = good.clone().into_bytes();
    other[3] = if other[3] == b'A' { b'B' } else { b'A' };
    let other = String::from_utf8(other).expect("ASCII");
    for sig in [other.as_str(), "", &good[..good.len() - 1], "not base64 !"] {
        assert_eq!(
            check(DOCS_SECRET, STAMP, BODY.as_bytes(), sig),
            Err(Refusal::Mismatch),
            "{sig}"
        );
    }
}

#[test]
fn timestamps_older_or_further_ahead_than_five_minutes_are_stale() {
    let now = stamp();
    let at = |delta: TimeDelta| (now + delta).to_rfc3339();
    assert_eq!(fresh(STAMP, now), Ok(now));
    assert_eq!(fresh("2026-11-23T11:15:00+01:00", now), Ok(now));
    for ok in [
        TimeDelta::minutes(-5),
        TimeDelta::minutes(5),
        TimeDelta::seconds(-299),
    ] {
        assert!(fresh(&at(ok), now).is_ok(), "{ok}");
    }
    for stale in [
        TimeDelta::seconds(-301),
        TimeDelta::seconds(301),
        TimeDelta::days(-1),
        TimeDelta::days(365),
    ] {
        assert_eq!(fresh(&at(stale), now), Err(Refusal::Stale), "{stale}");
    }
    for garbled in [
        "",
        "now",
        "1795428900",
        "2026-11-23",
        "2026-13-23T10:15:00Z",
        "2026-11-23T10:15:00",
        "+275760-09-13T00:00:00Z",
        "9999-12-31T23:59:59.999999999+14:00",
    ] {
        assert_eq!(fresh(garbled, now), Err(Refusal::Stale), "{garbled}");
    }
}

#[test]
fn both_headers_are_needed() {
    let mut h = HeaderMap::new();
    assert_eq!(headers(&h), Err(Refusal::Missing));
    h.insert(signature::TIMESTAMP_HEADER, HeaderValue::from_static(STAMP));
    assert_eq!(headers(&h), Err(Refusal::Missing));
    h.insert(signature::SIGNATURE_HEADER, HeaderValue::from_static(""));
    assert_eq!(headers(&h), Err(Refusal::Missing));
    // Header names are case-insensitive: Zendesk sends `X-Zendesk-Webhook-Signature`.
    h.insert(
        "X-Zendesk-Webhook-Signature",
        HeaderValue::from_static("abc="),
    );
    assert_eq!(headers(&h), Ok(signed(STAMP, "abc=")));
    let bytes = HeaderValue::from_bytes(b"\xff\xfe").expect("opaque bytes");
    h.insert(signature::SIGNATURE_HEADER, bytes);
    assert_eq!(headers(&h), Err(Refusal::Missing));
}

#[test]
fn statuses_and_priorities_map_to_ticket_changes() {
    use TicketChange::{Created, Escalated, Solved};
    let table = [
        ("new", "", Created),
        ("open", "normal", Created),
        ("Pending", "high", Created),
        ("hold", "low", Created),
        (" OPEN ", "-", Created),
        ("new", "urgent", Escalated),
        ("Open", "Urgent", Escalated),
        ("pending", " URGENT ", Escalated),
        ("hold", "urgent", Escalated),
        ("solved", "", Solved),
        ("Solved", "urgent", Solved),
        ("closed", "normal", Solved),
        ("CLOSED", "urgent", Solved),
    ];
    for (status, priority, expected) in table {
        assert_eq!(
            change(status, priority),
            Ok(expected),
            "{status}/{priority}"
        );
    }
    for unknown in ["deleted", "", "{{ticket.status}}", "ouvert"] {
        let error = change(unknown, "urgent").expect_err(unknown);
        assert_eq!(
            error.to_string(),
            format!("\"ticket.status\" {unknown:?} is not one of new, open, pending, hold (open), solved, closed (solved)")
        );
    }
}

#[test]
fn a_trigger_body_becomes_the_ticket_event_the_events_api_would_carry() {
    let m = parse(BODY.as_bytes(), stamp(), STAMP).expect("valid body");
    assert_eq!(
        (m.kind, m.origin, m.user_id.as_deref(), m.at),
        (
            MessageType::Track,
            Origin::Zendesk,
            Some(ZENDESK_USER),
            stamp()
        )
    );
    assert_eq!(m.account_ids, ["0015g00000AcMe", "Acme Corp"]);
    assert_eq!(
        m.fact,
        Fact::Track {
            event: "Ticket Escalated".into(),
            detail: Detail::Ticket {
                id: "48213".into(),
                change: TicketChange::Escalated
            }
        }
    );
    assert!(
        !m.is_activity(),
        "a help desk's report is nobody's activity"
    );
    let body = |ticket: Value| json!({ "ticket": ticket }).to_string();
    let one = |ticket: Value| parse(body(ticket).as_bytes(), stamp(), STAMP);
    // An id may be a number; a missing, null or empty organization matches nothing.
    let solved = one(json!({"id": 48213, "status": "solved", "priority": null})).expect("valid");
    assert_eq!(
        solved.fact,
        Fact::Track {
            event: "Ticket Solved".into(),
            detail: Detail::Ticket {
                id: "48213".into(),
                change: TicketChange::Solved
            }
        }
    );
    assert!(solved.account_ids.is_empty());
    for organization in [
        json!(null),
        json!({}),
        json!({"external_id": "", "name": "  "}),
    ] {
        let m =
            one(json!({"id": "7", "status": "new", "organization": organization})).expect("valid");
        assert!(m.account_ids.is_empty(), "{:?}", m.account_ids);
    }
    let m = one(
        json!({"id": "7", "status": "new", "organization": {"external_id": 42, "name": "Acme"}}),
    )
    .expect("valid");
    assert_eq!(m.account_ids, ["42", "Acme"]);
    let m =
        one(json!({"id": "7", "status": "new", "organization": {"name": "Acme"}})).expect("valid");
    assert_eq!(m.account_ids, ["Acme"]);
}

#[test]
fn the_same_change_signed_at_the_same_time_is_one_message() {
    let id = |body: &str, stamp_text: &str| {
        parse(body.as_bytes(), stamp(), stamp_text)
            .expect("valid")
            .id
    };
    let first = id(BODY, STAMP);
    assert_eq!(first, id(BODY, STAMP));
    // Same content, other spelling of the status or priority: the same change.
    let shouted = BODY
        .replace("\"Open\"", "\"OPEN\"")
        .replace("Urgent", "urgent");
    assert_eq!(first, id(&shouted, STAMP));
    // The organization is not part of it (a renamed organization is still the same event)…
    let renamed = BODY.replace("Acme Corp", "Acme Inc");
    assert_eq!(first, id(&renamed, STAMP));
    // …but another time, status, priority or ticket is another change.
    assert_ne!(first, id(BODY, "2026-11-23T10:16:00Z"));
    assert_ne!(first, id(&BODY.replace("\"Open\"", "\"pending\""), STAMP));
    assert_ne!(first, id(&BODY.replace("Urgent", "high"), STAMP));
    assert_ne!(first, id(&BODY.replace("48213", "48214"), STAMP));
}

#[test]
fn bad_bodies_are_refused_naming_the_problem() {
    let error = |body: &str| {
        parse(body.as_bytes(), stamp(), STAMP)
            .expect_err(body)
            .to_string()
    };
    assert!(
        error("{").starts_with("the body is not JSON ("),
        "{}",
        error("{")
    );
    assert!(error("{").ends_with(TRIGGER_BODY));
    for no_ticket in [
        "[]",
        "{}",
        r#"{"ticket": "48213"}"#,
        r#"{"ticket": null}"#,
        "7",
    ] {
        assert!(
            error(no_ticket).starts_with("the body must be a JSON object with a \"ticket\" object"),
            "{no_ticket}"
        );
    }
    let cases = [
        (json!({"status": "open"}), "\"ticket.id\" is missing"),
        (
            json!({"id": "", "status": "open"}),
            "\"ticket.id\" is missing",
        ),
        (
            json!({"id": true, "status": "open"}),
            "\"ticket.id\" must be a string or a number",
        ),
        (json!({"id": "1"}), "\"ticket.status\" is missing"),
        (
            json!({"id": "1", "status": 2}),
            "\"ticket.status\" must be a string",
        ),
        (
            json!({"id": "1", "status": "open", "priority": []}),
            "\"ticket.priority\" must be a string",
        ),
        (
            json!({"id": "1", "status": "open", "organization": "Acme"}),
            "\"ticket.organization\" must be an object",
        ),
        (
            json!({"id": "1", "status": "open", "organization": {"external_id": {}}}),
            "\"ticket.organization.external_id\" must be a string or a number",
        ),
        (
            json!({"id": "x".repeat(101), "status": "open"}),
            "\"ticket.id\" has 101 characters; at most 100",
        ),
        (
            json!({"id": "1", "status": "{{ticket.status}}"}),
            "\"ticket.status\" \"{{ticket.status}}\" is not one of new, open",
        ),
    ];
    for (ticket, expected) in cases {
        let body = json!({ "ticket": ticket }).to_string();
        let message = error(&body);
        assert!(message.starts_with(expected), "{body}: {message}");
    }
    // The status echoed back is cut to 40 characters.
    let long = json!({"ticket": {"id": "1", "status": "s".repeat(500)}}).to_string();
    assert!(error(&long).len() < 200, "{}", error(&long));
}

#[test]
fn the_webhook_url_names_the_tenant_in_its_query() {
    let tenant = |t: &str| TenantId::parse(t).expect("valid tenant");
    assert_eq!(
        webhook_path(&tenant("slack:T123")),
        "/ingest/zendesk?tenant=slack:T123"
    );
    assert_eq!(
        webhook_path(&tenant("slack:E1:T2")),
        "/ingest/zendesk?tenant=slack:E1:T2"
    );
    assert_eq!(
        webhook_path(&tenant("a&b=c#d+e%")),
        "/ingest/zendesk?tenant=a%26b%3Dc%23d%2Be%25"
    );
    for name in ["slack:T123", "a&b=c#d+e%", "discord:42", "local"] {
        let path = webhook_path(&tenant(name));
        let query = path.split_once('?').map(|(_, q)| q);
        assert_eq!(tenant_of(query), Some(tenant(name)), "{path}");
    }
    for query in [
        None,
        Some(""),
        Some("tenant="),
        Some("team=slack:T1"),
        Some("tenant=a%20b"),
    ] {
        assert_eq!(tenant_of(query), None, "{query:?}");
    }
    assert_eq!(
        tenant_of(Some("x=1&tenant=slack%3AT9")),
        Some(tenant("slack:T9"))
    );
}
