//! Purpose: hostile input to the Zendesk webhook's pure parts — any unicode in the headers
//! and the body, any bytes, arbitrary JSON: never a panic, a signature accepted only when it
//! is the one computed, a body parsed into a well-formed ticket or refused with a message.
//! `cargo test hostile` selects these.

use axum::http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use serde_json::{json, Value};

use super::super::signature::{self, fresh, headers, signature, verify};
use super::super::tenant_of;
use super::super::ticket::parse;
use super::{secret, signed, stamp, DOCS_SECRET, STAMP};
use crate::ingest::{Detail, Fact};

/// Any JSON value, nested a few levels, with the trigger body's field names.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,24}".prop_map(Value::String),
        prop::sample::select(vec!["open", "solved", "urgent", "new", "closed", "hold"])
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        let key = prop_oneof![
            prop::sample::select(vec![
                "ticket",
                "id",
                "status",
                "priority",
                "organization",
                "external_id",
                "name"
            ])
            .prop_map(String::from),
            "\\PC{0,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn hostile_unicode_headers_and_bodies_never_panic(
        body in "\\PC{0,300}",
        timestamp in "\\PC{0,40}",
        sig in "\\PC{0,60}",
        key in "\\PC{0,40}",
    ) {
        let mut h = HeaderMap::new();
        for (name, value) in [(signature::TIMESTAMP_HEADER, &timestamp), (signature::SIGNATURE_HEADER, &sig)] {
            if let Ok(value) = HeaderValue::from_str(value) {
                h.insert(name, value);
            }
        }
        if let Ok(found) = headers(&h) {
            let _ = fresh(found.timestamp, stamp());
            let _ = verify(&secret(&key), &found, body.as_bytes());
        }
        let _ = fresh(&timestamp, stamp());
        prop_assert!(verify(&secret(&key), &signed(&timestamp, &sig), body.as_bytes()).is_err()
            || sig.trim() == signature(&secret(&key), &timestamp, body.as_bytes()));
        let _ = parse(body.as_bytes(), stamp(), &timestamp);
        let _ = tenant_of(Some(&body));
    }

    #[test]
    fn hostile_json_bodies_parse_or_name_the_problem(ticket in any_json(), top in any_json()) {
        for body in [json!({"ticket": ticket}).to_string(), top.to_string()] {
            match parse(body.as_bytes(), stamp(), STAMP) {
                Ok(m) => {
                    let Fact::Track { detail: Detail::Ticket { id, .. }, .. } = &m.fact else {
                        return Err(TestCaseError::fail(format!("not a ticket: {m:?}")));
                    };
                    prop_assert!(!id.is_empty() && id.chars().count() <= 100);
                    prop_assert!(m.account_ids.iter().all(|a| !a.trim().is_empty()));
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }

    #[test]
    fn hostile_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse(&bytes, stamp(), STAMP);
        let _ = verify(&secret(DOCS_SECRET), &signed(STAMP, "x"), &bytes);
    }
}
