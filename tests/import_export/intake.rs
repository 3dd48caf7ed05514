//! Received data through a JSON export and import, in process: rollups, links, tables, seats,
//! e-mails, freshness and unmatched ids rebuilt in an empty tenant, which then takes new
//! events as the original would; an export without them still imports; a tampered one is
//! refused with nothing written.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};
use steward::domain::account::AccountId;
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::ingest::parse_batch;
use steward::store::ingest::Delivery;
use steward::store::Store;
use steward::transfer::{self, DateFormat, ExportFormat, ImportRequest, TransferError};

use super::Lab;

/// Monday 2026-03-02 09:00 UTC, plus `hours`.
fn at(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
        + chrono::Duration::hours(hours)
}

fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("valid tenant")
}

/// Imports `file` into `tenant` in process.
fn import(
    store: &Store,
    tenant: &TenantId,
    file: &std::path::Path,
) -> Result<String, TransferError> {
    let actor = UserId("admin".into());
    let request = ImportRequest {
        tenant,
        actor: &actor,
        file,
        dates: DateFormat::Mdy,
        now: at(0),
        timezone: Tz::UTC,
    };
    let mut report = Vec::new();
    transfer::import(store, &request, &mut report)?;
    Ok(String::from_utf8_lossy(&report).into_owned())
}

fn export(store: &Store, tenant: &TenantId) -> Value {
    let mut out = Vec::new();
    transfer::export(store, tenant, ExportFormat::Json, at(0), Tz::UTC, &mut out).expect("export");
    serde_json::from_slice(&out).expect("export is JSON")
}

/// Stores the batch `json` for the tenant as received at `received`.
fn send(store: &Store, tenant: &TenantId, json: &str, received: DateTime<Utc>) {
    let parsed = parse_batch(json.as_bytes(), received).expect("a valid batch");
    let delivery = Delivery {
        messages: &parsed.accepted,
        rejected: parsed.skipped_by_reason(),
        received,
        zone: Tz::UTC,
        key: None,
    };
    store.ingest(tenant, &delivery).expect("stored");
}

const FIRST: &str = r#"{"batch":[
    {"type":"group","userId":"u1","groupId":"Acme Corp","traits":{"seats":20},"messageId":"m1","timestamp":"2026-02-27T08:00:00Z"},
    {"type":"identify","userId":"u2","traits":{"email":"u2@acme.com","company":{"id":"Acme Corp"}},"messageId":"m2","timestamp":"2026-02-27T08:05:00Z"},
    {"type":"track","userId":"u1","event":"Report Created","messageId":"m3","timestamp":"2026-02-27T09:00:00Z"},
    {"type":"page","userId":"u2","messageId":"m4","timestamp":"2026-02-28T10:00:00Z"},
    {"type":"track","userId":"u3","event":"Report Created","context":{"groupId":"Initech"},"messageId":"m5","timestamp":"2026-02-28T10:00:00Z"}
]}"#;

const SECOND: &str = r#"{"batch":[
    {"type":"group","userId":"u4","groupId":"Globex","traits":{"seats":5},"messageId":"m6","timestamp":"2026-03-01T08:00:00Z"},
    {"type":"track","userId":"u4","event":"Ticket Created","properties":{"ticketId":"T-1"},"messageId":"m7","timestamp":"2026-03-01T09:00:00Z"},
    {"type":"track","userId":"u4","event":"NPS Submitted","properties":{"score":9},"messageId":"m8","timestamp":"2026-03-01T09:30:00Z"},
    {"type":"track","userId":"u1","event":"Export Run","messageId":"m9","timestamp":"2026-03-02T08:00:00Z"}
]}"#;

/// A new event of an already linked user, without a group id: only a restored link and user
/// table put it in Acme Corp's rollup under u1's index.
const LATER: &str = r#"{"batch":[
    {"type":"track","userId":"u1","event":"Report Created","messageId":"m10","timestamp":"2026-03-03T08:00:00Z"}
]}"#;

/// Tenant `a` of a new store in `lab`: two accounts and two batches of events.
fn ingested(lab: &Lab) -> (Store, TenantId) {
    let store = Store::open(&lab.path("db")).expect("open");
    let a = tenant("a");
    let crm = lab.file(
        "crm.csv",
        "Account Name,ARR,Renewal Date\nAcme Corp,120k,2027-03-31\nGlobex,50k,2027-06-30\n",
    );
    import(&store, &a, &crm).expect("accounts");
    send(&store, &a, FIRST, at(0));
    send(&store, &a, SECOND, at(1));
    (store, a)
}

fn write(lab: &Lab, name: &str, doc: &Value) -> std::path::PathBuf {
    lab.file(name, &serde_json::to_string(doc).expect("json"))
}

#[test]
fn received_data_travels_with_the_export_and_keeps_working() {
    let lab = Lab::new();
    let (store, a) = ingested(&lab);
    let b = tenant("b");
    // B's (empty) intake tables are in memory before the restore: they must be read again.
    assert!(store.event_table(&b).expect("read").is_empty());

    let doc = export(&store, &a);
    let intake = &doc["intake"];
    assert_eq!(intake["users"], json!(["u1", "u2", "u3", "u4"]));
    assert_eq!(intake["links"], json!([[0, 1], [1, 1], [3, 2]]));
    assert_eq!(
        intake["emails"],
        json!([{"user": 1, "email": "u2@acme.com"}])
    );
    assert_eq!(intake["rollups"][0]["day"], "2026-02-27");
    assert!(intake["rollups"][0]["data"].is_string(), "{intake}");
    import(&store, &b, &write(&lab, "backup.json", &doc)).expect("restored");

    let ids = [AccountId(1), AccountId(2)];
    for id in ids {
        let rollups = store.rollups(&b, id).expect("read");
        assert!(!rollups.is_empty(), "account {id:?} has rollups");
        assert_eq!(rollups, store.rollups(&a, id).expect("read"));
        assert_eq!(
            store.freshness(&b, id).expect("read"),
            store.freshness(&a, id).expect("read")
        );
        assert_eq!(
            store.seats_trait(&b, id).expect("read"),
            store.seats_trait(&a, id).expect("read")
        );
    }
    assert_eq!(
        store.unmatched_ids(&b).expect("read"),
        store.unmatched_ids(&a).expect("read")
    );
    assert_eq!(
        store.event_table(&b).expect("read"),
        store.event_table(&a).expect("read")
    );
    assert_eq!(
        export(&store, &b)["intake"],
        doc["intake"],
        "export → import → export"
    );

    // The same new event in both tenants changes both the same way.
    send(&store, &a, LATER, at(2));
    send(&store, &b, LATER, at(2));
    let later = store.rollups(&b, AccountId(1)).expect("read");
    let last = later.last().expect("a rollup");
    assert_eq!(last.day.to_string(), "2026-03-03");
    assert_eq!(
        last.active_users().collect::<Vec<_>>(),
        [0],
        "u1, still index 0"
    );
    assert!(store
        .unmatched_ids(&b)
        .expect("read")
        .iter()
        .all(|(id, _)| id != "user u1"));
    assert_eq!(
        store.intake_records(&b).expect("read"),
        store.intake_records(&a).expect("read")
    );
}

#[test]
fn an_export_without_received_data_still_imports() {
    let lab = Lab::new();
    let (store, a) = ingested(&lab);
    let mut doc = export(&store, &a);
    doc.as_object_mut().expect("object").remove("intake");
    let c = tenant("c");
    let report = import(&store, &c, &write(&lab, "old.json", &doc)).expect("restored");
    assert!(report.contains("imported 2"), "{report}");
    assert!(store.rollups(&c, AccountId(1)).expect("read").is_empty());
    assert_eq!(store.intake_records(&c).expect("read"), Default::default());
}

#[test]
fn a_tampered_export_is_refused_with_nothing_written() {
    let lab = Lab::new();
    let (store, a) = ingested(&lab);
    let doc = export(&store, &a);
    let tampered = |path: &str, value: Value| {
        let mut doc = doc.clone();
        *doc.pointer_mut(path).expect(path) = value;
        doc
    };
    let cases = [
        (
            tampered("/intake/rollups/0/data", json!("not base64!")),
            "the rollup of account 1 on 2026-02-27: \"data\" is not base64",
        ),
        (
            tampered("/intake/rollups/1/data", json!("AAAA")),
            "rollup 1 (account 1, 2026-02-28) does not decode",
        ),
        (
            tampered("/intake/rollups/0/day", json!("2026-01-01")),
            "rollup 0 (account 1, 2026-01-01) holds the rollup of 2026-02-27",
        ),
        (
            tampered("/intake/links/2", json!([3, 99])),
            "link [3, 99] names account 99, which is not among the export's accounts",
        ),
        (
            tampered("/intake/rollups/3/account", json!(7)),
            "names account 7",
        ),
        (
            tampered("/intake/emails/0/user", json!(9)),
            "the e-mail of user 9 names user 9, past the end of the user table (4 users)",
        ),
        (
            tampered("/intake/users", json!(["u1"])),
            "link [1, 1] names user 1, past the end of the user table (1 users)",
        ),
    ];
    let d = tenant("d");
    for (i, (doc, expected)) in cases.into_iter().enumerate() {
        let file = write(&lab, &format!("tampered-{i}.json"), &doc);
        let error = import(&store, &d, &file).expect_err("refused");
        assert!(
            error.to_string().contains(expected),
            "{expected} in: {error}"
        );
        assert!(store.tenant_is_empty(&d).expect("read"), "nothing written");
    }
}
