//! Purpose: one message → its fact, time, ids and account ids, or its skip reason.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};

use super::super::*;
use super::{batch_of, one, reason, received};
use crate::domain::signals::{NpsScore, TicketChange};

#[test]
fn a_track_message_becomes_its_fact_with_account_ids_best_first() {
    let m = one(json!({
        "type": "track", "userId": "u-1", "anonymousId": "a-9", "event": "Report Created",
        "messageId": "m-1", "context": {"groupId": "ctx"},
        "properties": {"accountId": 42, "groupId": "prop"}
    }))
    .expect("accepted");
    assert_eq!(m.kind, MessageType::Track);
    assert_eq!(m.id, MessageId::Given("m-1".into()));
    assert_eq!((m.actor(), m.anonymous_id.as_deref()), ("u-1", Some("a-9")));
    assert_eq!(m.account_ids, ["ctx", "42", "prop"]);
    assert_eq!(m.at, received());
    assert_eq!(
        m.fact,
        Fact::Track {
            event: "Report Created".into(),
            detail: Detail::Plain
        }
    );
    assert!(m.kind.is_activity());
}

#[test]
fn null_counts_as_absent() {
    let m = one(
        json!({"type": "track", "userId": "u-1", "anonymousId": null, "event": "E",
        "context": null, "properties": null, "timestamp": null, "messageId": null}),
    )
    .expect("accepted");
    assert_eq!((m.anonymous_id, m.at), (None, received()));
    assert!(matches!(m.id, MessageId::Content(_)));
    let anonymous = one(json!({"type": "page", "userId": null, "anonymousId": "a-1"}));
    assert_eq!(anonymous.expect("accepted").actor(), "a-1");
    assert_eq!(
        reason(json!({"type": "track", "userId": null, "anonymousId": null, "event": "E"})),
        "missing user"
    );
}

#[test]
fn a_bad_message_is_skipped_by_reason_and_the_rest_of_the_batch_kept() {
    let parsed = batch_of(json!([
        {"userId": "u", "event": "E"},
        {"type": "identify"},
        {"type": "track", "userId": "u"},
        {"type": "group", "userId": "u"},
        {"type": "teleport", "userId": "u"},
        "not a message",
        {"type": "track", "userId": "u", "event": "E"},
        {"type": "track", "anonymousId": "a", "event": 7},
        {"type": "track", "userId": "u", "event": "E", "properties": []},
    ]));
    assert_eq!(parsed.accepted.len(), 1);
    let skipped: Vec<(usize, &str)> = parsed
        .skipped
        .iter()
        .map(|s| (s.index, s.reason.label()))
        .collect();
    assert_eq!(
        skipped,
        [
            (0, "missing type"),
            (1, "missing user"),
            (2, "missing event"),
            (3, "missing groupId"),
            (4, "unknown type"),
            (5, "not an object"),
            (7, "wrong type"),
            (8, "wrong type")
        ]
    );
    assert_eq!(parsed.skipped_by_reason().get("wrong type"), Some(&2));
    assert_eq!(
        parsed.skipped[4].reason.to_string(),
        "\"type\" \"teleport\" is not track, identify, group, page, screen or alias"
    );
    assert_eq!(
        parsed.skipped[1].reason.to_string(),
        r#"a message needs "userId" or "anonymousId", e.g. {"type":"track","userId":"u-1","event":"Report Created"}"#
    );
    assert_eq!(
        parsed.skipped[6].reason.to_string(),
        r#""event" must be a string, e.g. "Report Created""#
    );
    assert_eq!(
        parsed.skipped[7].reason.to_string(),
        r#""properties" must be an object, e.g. {"plan":"pro"}"#
    );
}

fn at_of(message: Value) -> DateTime<Utc> {
    one(message).expect("accepted").at
}

#[test]
fn timestamps_take_any_offset_and_fraction() {
    let at =
        |ts: &str| at_of(json!({"type": "track", "userId": "u", "event": "E", "timestamp": ts}));
    let ten = Utc
        .with_ymd_and_hms(2026, 11, 23, 10, 15, 0)
        .single()
        .expect("valid");
    for ts in [
        "2026-11-23T10:15:00Z",
        "2026-11-23T11:15:00+01:00",
        "2026-11-23T11:15:00+0100",
        "2026-11-23T11:15:00+01",
        "2026-11-23T04:45:00-05:30",
        "2026-11-23T10:15:00",
        "2026-11-23 10:15:00Z",
    ] {
        assert_eq!(at(ts), ten, "{ts}");
    }
    assert_eq!(
        at("2026-11-23T10:15:00.123456789Z"),
        ten + Duration::nanoseconds(123_456_789)
    );
    assert_eq!(
        at("2026-11-23T11:15:00.5+01:00"),
        ten + Duration::milliseconds(500)
    );
    let bad = one(json!({"type": "track", "userId": "u", "event": "E", "timestamp": "yesterday"}));
    assert_eq!(bad.err().map(|r| r.to_string()).as_deref(),
        Some("\"timestamp\" \"yesterday\" is not an ISO 8601 time, e.g. \"2026-11-23T10:15:00.123+01:00\""));
    assert_eq!(
        reason(json!({"type": "track", "userId": "u", "event": "E", "timestamp": 1764000000})),
        "wrong type"
    );
}

#[test]
fn sent_at_corrects_the_sender_s_clock_as_segment_does() {
    // The sender's clock is 5 minutes fast: it stamped 11:55 and sent at 12:05 (its time),
    // received at 12:00 → the event happened at 12:00 - (12:05 - 11:55) = 11:50.
    let msg = |sent: Option<&str>| {
        json!({"type": "track", "userId": "u", "event": "E",
        "timestamp": "2026-11-23T11:55:00Z", "sentAt": sent})
    };
    let ten_to = Utc
        .with_ymd_and_hms(2026, 11, 23, 11, 50, 0)
        .single()
        .expect("valid");
    assert_eq!(at_of(msg(Some("2026-11-23T12:05:00Z"))), ten_to);
    // Without sentAt the timestamp stands; without a timestamp, the time received.
    assert_eq!(at_of(msg(None)), ten_to + Duration::minutes(5));
    assert_eq!(
        at_of(json!({"type": "track", "userId": "u", "event": "E"})),
        received()
    );
    // The batch's sentAt applies to its messages; a message's own wins.
    let body = json!({"sentAt": "2026-11-23T12:05:00Z", "batch": [msg(None), msg(Some("2026-11-23T11:55:00Z"))]});
    let parsed = parse_batch(body.to_string().as_bytes(), received()).expect("valid");
    let ats: Vec<_> = parsed.accepted.iter().map(|m| m.at).collect();
    assert_eq!(ats, [ten_to, received()]);
    let bad = json!({"sentAt": "soon", "batch": []}).to_string();
    assert_eq!(
        parse_batch(bad.as_bytes(), received()).err(),
        Some(BodyError::BadSentAt)
    );
}

#[test]
fn events_more_than_400_days_back_or_1_day_ahead_are_out_of_window() {
    let dated = |t: DateTime<Utc>| {
        reason(json!({"type": "track", "userId": "u", "event": "E",
        "timestamp": t.to_rfc3339()}))
    };
    let back = received() - Duration::days(400);
    let ahead = received() + Duration::days(1);
    assert_eq!(dated(back), "accepted");
    assert_eq!(dated(back - Duration::seconds(1)), "out of window");
    assert_eq!(dated(ahead), "accepted");
    assert_eq!(dated(ahead + Duration::seconds(1)), "out of window");
    // A skew correction far outside the calendar is out of window too, not a panic.
    let far = reason(json!({"type": "track", "userId": "u", "event": "E",
        "timestamp": "0001-01-01T00:00:00Z", "sentAt": "9999-12-31T23:59:59Z"}));
    assert_eq!(far, "out of window");
}

#[test]
fn message_ids_up_to_100_characters_else_a_content_hash() {
    let id_of = |v: Value| one(v).expect("accepted").id;
    let hundred = "é".repeat(100);
    let msg = |id: &str| json!({"type": "track", "userId": "u", "event": "E", "messageId": id});
    assert_eq!(id_of(msg(&hundred)), MessageId::Given(hundred.clone()));
    let long = format!("{hundred}x");
    let MessageId::Content(hash) = id_of(msg(&long)) else {
        panic!("101 characters are hashed")
    };
    assert_eq!(hash.len(), 64);
    // The same content sent again (another sentAt) has the same hash; other content another.
    let plain = |sent: &str, event: &str| {
        id_of(json!({"type": "track", "userId": "u",
        "event": event, "sentAt": sent}))
    };
    assert_eq!(
        plain("2026-11-23T12:00:00Z", "E"),
        plain("2026-11-23T11:59:00Z", "E")
    );
    assert_ne!(
        plain("2026-11-23T12:00:00Z", "E"),
        plain("2026-11-23T12:00:00Z", "F")
    );
    assert_eq!(MessageId::Given("m-1".into()).key(), "id:m-1");
    assert!(id_of(msg("")).key().starts_with("sha256:"));
}

#[test]
fn identify_and_group_carry_the_account_resolution_inputs() {
    let m = one(
        json!({"type": "identify", "userId": "u", "context": {"groupId": "ctx"},
        "traits": {"email": "ana@acme.com", "groupId": "g", "company": {"id": 7}}}),
    )
    .expect("accepted");
    assert_eq!(m.account_ids, ["7", "g", "ctx"]);
    assert_eq!(
        m.fact,
        Fact::Identify {
            email: Some("ana@acme.com".into())
        }
    );
    let group = |traits: Value| {
        one(json!({"type": "group", "userId": "u", "groupId": "0015g", "traits": traits}))
    };
    let seats = |traits| match group(traits) {
        Ok(Message {
            fact: Fact::Group { seats, .. },
            account_ids,
            ..
        }) => {
            assert_eq!(account_ids, ["0015g"]);
            Ok(seats)
        }
        other => Err(other.err().map(|r| r.label())),
    };
    assert_eq!(seats(json!({"seats": 50, "licenses": 60})), Ok(Some(50)));
    assert_eq!(
        seats(json!({"licenses": "60", "employees_licensed": 70})),
        Ok(Some(60))
    );
    assert_eq!(seats(json!({"employees_licensed": 70})), Ok(Some(70)));
    assert_eq!(seats(json!({"seats": null, "plan": "pro"})), Ok(None));
    assert_eq!(seats(json!({"seats": -3})), Err(Some("out of range value")));
    assert_eq!(
        seats(json!({"seats": 12.5})),
        Err(Some("out of range value"))
    );
    assert_eq!(seats(json!({"seats": "many"})), Err(Some("wrong type")));
    // The batch's context.groupId applies to a message without its own.
    let body = json!({"context": {"groupId": "batch-g"}, "batch": [
        {"type": "screen", "userId": "u", "name": "Home"},
        {"type": "screen", "userId": "u", "context": {"groupId": "own"}}]});
    let parsed = parse_batch(body.to_string().as_bytes(), received()).expect("valid");
    let ids: Vec<_> = parsed
        .accepted
        .iter()
        .map(|m| m.account_ids.clone())
        .collect();
    assert_eq!(ids, [vec!["batch-g".to_string()], vec!["own".to_string()]]);
    assert_eq!(
        parsed.accepted[0].fact,
        Fact::Screen {
            name: Some("Home".into())
        }
    );
}

#[test]
fn ticket_and_survey_events() {
    let track = |event: &str, properties: Value| {
        one(json!({"type": "track", "userId": "u",
        "event": event, "properties": properties}))
    };
    let detail = |event: &str, properties: Value| match track(event, properties) {
        Ok(Message {
            fact: Fact::Track { detail, .. },
            ..
        }) => Ok(detail),
        other => Err(other.err().map(|r| r.label())),
    };
    let ticket = |id: &str, change| {
        Ok(Detail::Ticket {
            id: id.into(),
            change,
        })
    };
    assert_eq!(
        detail("Ticket Created", json!({"ticketId": "48213"})),
        ticket("48213", TicketChange::Created)
    );
    assert_eq!(
        detail("Ticket Escalated", json!({"ticketId": 48213})),
        ticket("48213", TicketChange::Escalated)
    );
    assert_eq!(
        detail("Ticket Solved", json!({"ticketId": "48213"})),
        ticket("48213", TicketChange::Solved)
    );
    assert_eq!(
        detail("Ticket Solved", json!({})),
        Err(Some("missing ticketId"))
    );
    let score = |s| Ok(Detail::Survey(NpsScore::new(s).expect("0–10")));
    assert_eq!(detail("NPS Submitted", json!({"score": 9})), score(9));
    assert_eq!(detail("Survey Responded", json!({"score": "0"})), score(0));
    assert_eq!(detail("NPS Submitted", json!({"score": 10})), score(10));
    assert_eq!(
        detail("NPS Submitted", json!({"score": 11})),
        Err(Some("out of range value"))
    );
    assert_eq!(
        detail("NPS Submitted", json!({"score": -1})),
        Err(Some("out of range value"))
    );
    assert_eq!(
        detail("NPS Submitted", json!({})),
        Err(Some("missing score"))
    );
    assert_eq!(
        track("NPS Submitted", json!({"score": 11}))
            .err()
            .map(|r| r.to_string())
            .as_deref(),
        Some("\"properties.score\" is 11, outside 0–10")
    );
    assert_eq!(
        detail("Report Created", json!({"score": 99})),
        Ok(Detail::Plain)
    );
}
