//! Purpose: hostile input to the events API's parsing — any bytes, any unicode, arbitrary
//! JSON, truncated bodies, huge strings, extreme times: never a panic, always a typed result,
//! and every message of an accepted batch either accepted or skipped with its place.
//! `cargo test hostile` selects these.

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::*;

fn received() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .expect("valid")
}

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,24}".prop_map(Value::String),
        prop::sample::select(vec![
            "track",
            "group",
            "identify",
            "page",
            "screen",
            "alias",
            "Ticket Created",
            "NPS Submitted",
            "2026-11-23T10:00:00Z",
            "+275760-09-13T00:00:00Z",
            "-0001-01-01T00:00:00-23:59",
            "9999-12-31T23:59:59.999999999+14:00",
        ])
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Field names Segment messages use, and any other.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "type",
            "userId",
            "anonymousId",
            "event",
            "groupId",
            "timestamp",
            "sentAt",
            "messageId",
            "properties",
            "traits",
            "context",
            "score",
            "ticketId",
            "seats",
            "licenses",
            "employees_licensed",
            "company",
            "id",
            "email",
            "accountId",
            "writeKey",
            "batch",
            "name",
            "previousId",
        ])
        .prop_map(String::from),
        ".{0,12}",
    ]
}

/// A message made of Segment's fields with arbitrary values.
fn any_message() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(field_name(), any_json(), 0..12)
        .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>()))
}

/// Every message of a batch was either accepted or skipped, each skipped one in its place.
fn accounted(parsed: &Parsed, messages: usize) -> bool {
    parsed.accepted.len() + parsed.skipped.len() == messages
        && parsed.skipped.iter().all(|s| s.index < messages)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn hostile_bytes_into_every_parser(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_batch(&bytes, received());
        let _ = parse_line(&bytes, received());
        for kind in MessageType::ALL {
            let _ = parse_single(kind, &bytes, received());
        }
    }

    #[test]
    fn hostile_unicode_into_every_parser(text in "\\PC{0,200}") {
        let _ = parse_batch(text.as_bytes(), received());
        let _ = parse_line(text.as_bytes(), received());
        let _ = parse_single(MessageType::Track, text.as_bytes(), received());
    }

    #[test]
    fn hostile_json_messages_are_each_accepted_or_skipped(
        messages in prop::collection::vec(prop_oneof![any_message(), any_json()], 0..16),
        sent_at in prop::option::of(any_json()),
    ) {
        let n = messages.len();
        let body = json!({"batch": messages, "sentAt": sent_at}).to_string();
        match parse_batch(body.as_bytes(), received()) {
            Ok(parsed) => prop_assert!(accounted(&parsed, n)),
            Err(e) => prop_assert_eq!(e.status(), 400),
        }
        for m in messages {
            let body = m.to_string();
            if let Ok(parsed) = parse_single(MessageType::Group, body.as_bytes(), received()) {
                prop_assert!(accounted(&parsed, 1));
            }
            let _ = parse_line(body.as_bytes(), received());
        }
    }

    #[test]
    fn hostile_arbitrary_json_bodies(body in any_json()) {
        let text = body.to_string();
        let _ = parse_batch(text.as_bytes(), received());
        let _ = parse_line(text.as_bytes(), received());
    }

    #[test]
    fn hostile_truncated_bodies(cut in 0usize..400, messages in prop::collection::vec(any_message(), 1..4)) {
        let body = json!({"sentAt": "2026-11-23T12:00:00Z", "batch": messages}).to_string();
        let cut = cut.min(body.len());
        let truncated = &body.as_bytes()[..cut];
        match parse_batch(truncated, received()) {
            Ok(parsed) => prop_assert!(cut == body.len() && accounted(&parsed, messages.len())),
            Err(e) => prop_assert_eq!(e.status(), 400),
        }
    }

    #[test]
    fn hostile_times_never_panic(
        timestamp in "[+-]?[0-9]{1,6}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?",
        sent_at in "[+-]?[0-9]{1,6}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z",
    ) {
        let m = json!({"type": "track", "userId": "u", "event": "E", "timestamp": timestamp, "sentAt": sent_at});
        let parsed = parse_batch(json!({"batch": [m]}).to_string().as_bytes(), received());
        prop_assert!(parsed.is_ok_and(|p| accounted(&p, 1)));
    }
}

proptest! {
    #[test]
    fn hostile_headers_and_encodings_never_panic(
        auth in "\\PC{0,80}",
        encoded in prop::collection::vec(any::<u8>(), 0..64),
        encoding in prop::sample::select(vec!["gzip", "x-gzip", "identity", "br", "GZIP", " gzip ", "deflate"]),
        body in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        use axum::http::{header, HeaderMap, HeaderValue};
        use base64::Engine;
        let mut headers = HeaderMap::new();
        for value in [auth.clone(), format!("Basic {auth}"), format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(&encoded))] {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(header::AUTHORIZATION, v);
                let _ = request::basic_key(&headers);
            }
        }
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        match request::decoded(&headers, &body) {
            Ok(bytes) => prop_assert!(bytes.len() <= MAX_REQUEST_BYTES),
            Err(e) => prop_assert!(e.status() == 400 || e.status() == 413, "{}", e),
        }
    }

    #[test]
    fn hostile_json_lines_are_read_whole_or_refused(
        lines in prop::collection::vec(prop_oneof![
            "\\PC{0,120}".prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 0..120),
            any_message().prop_map(|m| m.to_string().into_bytes()),
        ], 0..12),
    ) {
        let mut input = Vec::new();
        for line in &lines {
            input.extend_from_slice(line);
            input.push(b'\n');
        }
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let store = crate::store::Store::open(&dir.path().join("db"))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let tenant = crate::domain::tenant::TenantId::local();
        let summary = replay::replay(&store, &tenant, chrono_tz::Tz::UTC, received(), input.as_slice())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let physical = input.split(|b| *b == b'\n').count();
        prop_assert!(summary.bad_line_count <= physical);
        prop_assert!(summary.receipt.accepted <= physical * MAX_BATCH_MESSAGES);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn hostile_huge_strings_are_skipped_or_refused(len in 20_000usize..600_000, field in field_name()) {
        let huge = "€".repeat(len / 3);
        let m = json!({"type": "track", "userId": "u", "event": "E", field: huge});
        let body = json!({"batch": [m]}).to_string();
        match parse_batch(body.as_bytes(), received()) {
            Ok(parsed) => {
                prop_assert!(accounted(&parsed, 1));
                let large = body.len() > MAX_MESSAGE_BYTES + 20;
                prop_assert!(!large || parsed.accepted.is_empty());
            }
            Err(e) => prop_assert!(e.status() == 413 || e.status() == 400, "{}", e),
        }
    }
}
