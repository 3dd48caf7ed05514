//! Purpose: request bodies — the limits, the write key, single routes and `ingest` lines.

use secrecy::ExposeSecret;
use serde_json::{json, Value};

use super::super::*;
use super::{one, reason, received};

/// A track message whose compact JSON is exactly `bytes` long.
fn message_of_size(bytes: usize) -> Value {
    let mut m = json!({"type": "track", "userId": "u", "event": "E", "properties": {"pad": ""}});
    let pad = bytes - m.to_string().len();
    m["properties"]["pad"] = Value::String("x".repeat(pad));
    assert_eq!(m.to_string().len(), bytes);
    m
}

#[test]
fn limits_32_kb_per_message_500_kb_per_request_2500_messages_per_batch() {
    assert_eq!(
        (MAX_MESSAGE_BYTES, MAX_REQUEST_BYTES, MAX_BATCH_MESSAGES),
        (32_768, 512_000, 2_500)
    );
    assert_eq!(reason(message_of_size(32_768)), "accepted");
    let over = one(message_of_size(32_769)).err();
    assert_eq!(over, Some(SkipReason::TooLarge { bytes: 32_769 }));
    // 500 KB exactly (padded with spaces) is read; one byte more is refused with 413.
    let mut body = json!({"batch": [{"type": "track", "userId": "u", "event": "E"}]}).to_string();
    body.push_str(&" ".repeat(512_000 - body.len()));
    assert_eq!(
        parse_batch(body.as_bytes(), received()).map(|p| p.accepted.len()),
        Ok(1)
    );
    body.push(' ');
    let e = parse_batch(body.as_bytes(), received()).expect_err("too large");
    assert_eq!(
        (e.clone(), e.status()),
        (BodyError::TooLarge { bytes: 512_001 }, 413)
    );
    let small = json!({"type": "page", "userId": "u"});
    let many = |n: usize| json!({"batch": vec![small.clone(); n]}).to_string();
    assert_eq!(
        parse_batch(many(2_500).as_bytes(), received()).map(|p| p.accepted.len()),
        Ok(2_500)
    );
    let e = parse_batch(many(2_501).as_bytes(), received()).expect_err("too many");
    assert_eq!(
        (e.clone(), e.status()),
        (BodyError::TooManyMessages { count: 2_501 }, 413)
    );
    for (body, error) in [
        ("{\"batch\":[", "not JSON"),
        ("[]", "must be a JSON object"),
        ("{}", "must be a list"),
    ] {
        let e = parse_batch(body.as_bytes(), received()).expect_err("refused");
        assert!(e.to_string().contains(error), "{e}");
        assert_eq!(e.status(), 400);
    }
}

#[test]
fn the_write_key_is_taken_from_the_body_and_never_shown() {
    let key = "stw_4fXq9LmZ2pR7tV1wY8bN3c";
    let body = json!({"writeKey": key, "batch": [{"type": "track", "event": "E"}]}).to_string();
    let parsed = parse_batch(body.as_bytes(), received()).expect("valid");
    assert_eq!(
        parsed.write_key.as_ref().map(|k| k.expose_secret()),
        Some(key)
    );
    let shown = format!("{parsed:?} {}", parsed.skipped[0].reason);
    assert!(!shown.contains(key), "{shown}");
    let single = json!({"writeKey": key, "userId": "u", "event": "E"}).to_string();
    let parsed = parse_single(MessageType::Track, single.as_bytes(), received()).expect("valid");
    assert_eq!(
        parsed.write_key.as_ref().map(|k| k.expose_secret()),
        Some(key)
    );
    assert_eq!(parsed.accepted.len(), 1);
}

#[test]
fn single_routes_and_ingest_lines() {
    // The route gives the type, whatever the body says.
    let body = br#"{"type": "track", "userId": "u", "name": "Pricing"}"#;
    let parsed = parse_single(MessageType::Page, body, received()).expect("valid");
    assert_eq!(
        parsed.accepted[0].fact,
        Fact::Page {
            name: Some("Pricing".into())
        }
    );
    let alias = br#"{"userId": "u", "previousId": "a-1"}"#;
    let parsed = parse_single(MessageType::Alias, alias, received()).expect("valid");
    assert_eq!(
        parsed.accepted[0].fact,
        Fact::Alias {
            previous_id: Some("a-1".into())
        }
    );
    assert!(!MessageType::Alias.is_activity());
    // A line is one message with its type, or one batch.
    let line = |l: &str| {
        parse_line(l.as_bytes(), received()).map(|p| (p.accepted.len(), p.skipped_by_reason()))
    };
    assert_eq!(
        line(r#"{"type":"track","userId":"u","event":"E"}"#).map(|p| p.0),
        Ok(1)
    );
    let untyped = line(r#"{"userId":"u","event":"E"}"#).expect("valid");
    assert_eq!(untyped.1.get("missing type"), Some(&1));
    assert_eq!(
        line(r#"{"batch":[{"type":"page","userId":"u"},{"type":"page"}]}"#).map(|p| p.0),
        Ok(1)
    );
    assert_eq!(MessageType::parse("Track"), Some(MessageType::Track));
    assert_eq!(
        MessageType::ALL.map(MessageType::name),
        ["track", "identify", "group", "page", "screen", "alias"]
    );
}
