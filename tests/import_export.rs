//! Purpose: `steward import` / `steward export` end to end, through the real binary: CRM CSV
//! exports (Salesforce, HubSpot) with per-row errors by line number, re-import that updates,
//! `--date-format dmy`, and JSON and CSV round trips that rebuild the same tenant, received
//! data included ([`intake`] checks that part in process).

#[path = "import_export/far_apart.rs"]
mod far_apart;
#[path = "import_export/intake.rs"]
mod intake;

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const NOW: &str = "2026-03-02T09:00:00Z";

/// A temporary directory holding the databases and files of one test.
struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        Lab {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write test file");
        path
    }

    /// Runs `steward --db DB --now NOW ARGS…` in the lab, `stdin` piped in.
    fn steward(&self, db: &str, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_steward"))
            .current_dir(self.dir.path())
            .env_remove("STEWARD_DB")
            .env_remove("STEWARD_ADMINS")
            .env("RUST_LOG", "warn")
            .args(["--db", &self.path(db).to_string_lossy(), "--now", NOW])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start steward");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("run steward")
    }

    /// Runs `steward` and asserts exit 0; returns stdout.
    fn ok(&self, db: &str, args: &[&str]) -> String {
        let out = self.steward(db, args, "");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?} failed: {stderr}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Imports `file` into `db`; returns the report.
    fn import(&self, db: &str, file: &Path, extra: &[&str]) -> String {
        self.ok(db, &[&["import", &file.to_string_lossy()], extra].concat())
    }

    fn export(&self, db: &str, format: &str) -> String {
        self.ok(db, &["export", "--format", format])
    }

    fn export_json(&self, db: &str) -> Value {
        serde_json::from_str(&self.export(db, "json")).expect("export is JSON")
    }
}

fn accounts(doc: &Value) -> &[Value] {
    doc["accounts"].as_array().expect("accounts")
}

fn account<'a>(doc: &'a Value, name: &str) -> Option<&'a Value> {
    accounts(doc).iter().find(|a| a["name"] == name)
}

/// The report's last line.
fn summary(report: &str) -> &str {
    report.lines().last().unwrap_or_default()
}

fn names(doc: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = accounts(doc)
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    names.sort();
    names
}

const SALESFORCE: &str = "\
Account ID,Account Name,Annual Revenue,ARR__c,Renewal_Date__c,Account Owner,Industry,Contact Name,Role,Title,Email
001A,Acme Corp,900000000,$120K,3/31/2027,Jane Doe,Manufacturing,Wile E,Champion,VP Ops,Wile@Acme.com
001A,Acme Corp,900000000,$120K,3/31/2027,Jane Doe,Manufacturing,Road Runner,Economic Buyer,CFO,
001B,Globex,5000000,fifty,4/15/2027,@bob,Energy,,,,
001C,Initech,1000,45000,2027-02-30,@bob,Software,,,,
001D,,1000,45000,5/1/2027,@bob,Software,,,,
001E,Hooli,1000,-5000,5/1/2027,@bob,Software,,,,
001F,Stark Industries,7,\"1,200,000\",12/1/2027,tony@stark.com,Defense,,,,
";

#[test]
fn salesforce_csv_takes_arr_not_annual_revenue_and_rejects_bad_rows_by_line() {
    let lab = Lab::new();
    let csv = lab.file("salesforce.csv", SALESFORCE);
    let report = lab.import("db", &csv, &[]);
    let lines: Vec<&str> = report.lines().collect();
    for (prefix, detail) in [
        (
            "line 4: arr: \"fifty\" is not an amount",
            "Example: arr:50k",
        ),
        (
            "line 5: renewal: \"2027-02-30\" is not a date",
            "Example: 2027-03-31 or 3/31/2027",
        ),
        ("line 6: name: is empty", "(column \"Account Name\")"),
        ("line 7: arr: \"-5000\" is negative", "Example: arr:50k"),
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(prefix) && l.contains(detail)),
            "{prefix} in:\n{report}"
        );
    }
    assert!(lines.contains(&"committed through line 8"), "{report}");
    assert_eq!(summary(&report), "imported 2, updated 0, rejected 4");

    let doc = lab.export_json("db");
    assert_eq!(
        names(&doc),
        ["Acme Corp", "Stark Industries"],
        "bad rows wrote nothing"
    );
    let acme = account(&doc, "Acme Corp").expect("Acme");
    assert_eq!(acme["arr"], 120_000, "ARR__c, never Annual Revenue");
    assert_eq!(acme["renewal_date"], "2027-03-31");
    assert_eq!(acme["owner"]["named"], "Jane Doe");
    assert_eq!(acme["industry"], "Manufacturing");
    let people = &acme["stakeholders"];
    let people = [0, 1].map(|i| json!([people[i]["name"], people[i]["role"], people[i]["email"]]));
    assert_eq!(
        people,
        [
            json!(["Wile E", "champion", "wile@acme.com"]),
            json!(["Road Runner", "economic-buyer", null])
        ]
    );
    assert_eq!(
        account(&doc, "Stark Industries").expect("Stark")["arr"],
        1_200_000
    );
    let audit = doc["audit"].as_array().expect("audit");
    assert_eq!(audit.len(), 3, "one audit entry per imported row");
    assert!(audit
        .iter()
        .all(|e| e["actor"] == "local-user" && e["at"] == NOW));
    assert!(audit
        .iter()
        .any(|e| e["command"] == format!("import {} line 3", csv.display())));

    // The same file again updates; nothing is duplicated and nothing unchanged is audited.
    let again = lab.import("db", &csv, &[]);
    assert_eq!(summary(&again), "imported 0, updated 2, rejected 4");
    let doc = lab.export_json("db");
    assert_eq!(names(&doc), ["Acme Corp", "Stark Industries"]);
    assert_eq!(
        account(&doc, "Acme Corp").expect("Acme")["stakeholders"][2],
        Value::Null
    );
    assert_eq!(doc["audit"].as_array().map(Vec::len), Some(3));

    // A changed value (and another spelling of the name) updates the stored account.
    let changed = lab.file(
        "changed.csv",
        "Account Name,ARR,Renewal Date\nACME CORP,150k,2028-03-31\n",
    );
    assert_eq!(
        summary(&lab.import("db", &changed, &[])),
        "imported 0, updated 1, rejected 0"
    );
    let doc = lab.export_json("db");
    let acme = account(&doc, "Acme Corp").expect("original spelling kept");
    assert_eq!(
        (acme["arr"].as_u64(), acme["renewal_date"].as_str()),
        (Some(150_000), Some("2028-03-31"))
    );
}

#[test]
fn hubspot_csv_and_day_first_dates() {
    let lab = Lab::new();
    let hubspot = lab.file(
        "hubspot-export.csv",
        "Record ID,Company name,Company owner,Annual Revenue,Annual Recurring Revenue,Contract End Date,Industry,Products,Seats\n\
         1,Globex,@hank,5000000,$1.2M,2027-06-30,Energy,Core;Analytics,250\n\
         2,Initech,bill@initech.com,100,80000,2027-09-15,Software,,\n",
    );
    assert_eq!(
        summary(&lab.import("db", &hubspot, &[])),
        "imported 2, updated 0, rejected 0"
    );
    let doc = lab.export_json("db");
    let globex = account(&doc, "Globex").expect("Globex");
    assert_eq!(
        (globex["arr"].as_u64(), globex["seats"].as_u64()),
        (Some(1_200_000), Some(250))
    );
    assert_eq!(globex["owner"]["user"], "hank");
    assert_eq!(globex["products"], serde_json::json!(["Core", "Analytics"]));
    assert_eq!(
        account(&doc, "Initech").expect("Initech")["owner"]["named"],
        "bill@initech.com"
    );

    let european = lab.file(
        "eu.csv",
        "Account Name,ARR,Renewal Date\nUmbrella,50k,31/3/2027\n",
    );
    let us_reading = lab.import("db2", &european, &[]);
    assert!(
        us_reading.starts_with("line 2: renewal: \"31/3/2027\" is not a date"),
        "{us_reading}"
    );
    let dmy = lab.import("db2", &european, &["--date-format", "dmy"]);
    assert_eq!(summary(&dmy), "imported 1, updated 0, rejected 0");
    assert_eq!(
        account(&lab.export_json("db2"), "Umbrella").expect("Umbrella")["renewal_date"],
        "2027-03-31"
    );
}

#[test]
fn unreadable_files_and_unknown_headers_fail_with_one_line() {
    let lab = Lab::new();
    let no_arr = lab.file(
        "no-arr.csv",
        "Account Name,Annual Revenue,Renewal Date\nAcme,5000000,2027-03-31\n",
    );
    let out = lab.steward("db", &["import", &no_arr.to_string_lossy()], "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for part in [
        "no column for the ARR",
        "\"Annual Revenue\", \"Renewal Date\"",
        "ARR__c",
        "never read as ARR",
    ] {
        assert!(stderr.contains(part), "{part} in {stderr}");
    }
    let missing = lab.steward("db", &["import", "missing.csv"], "");
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read missing.csv"));
}

/// Events for `steward ingest`: a linked user's activity over two days, and an unmatched id.
const EVENTS: &str = r#"{"type":"group","userId":"u1","groupId":"Acme Corp","traits":{"seats":40},"messageId":"e1","timestamp":"2026-02-28T08:00:00Z"}
{"type":"track","userId":"u1","event":"Report Created","messageId":"e2","timestamp":"2026-02-28T09:00:00Z"}
{"type":"page","userId":"u2","context":{"groupId":"Acme Corp"},"messageId":"e3","timestamp":"2026-03-01T09:00:00Z"}
{"type":"track","userId":"u3","event":"Report Created","context":{"groupId":"Initech"},"messageId":"e4","timestamp":"2026-03-01T10:00:00Z"}
"#;

/// Builds a tenant with settings, stakeholders, health history, outcomes, an audit trail and
/// received data.
fn varied_tenant(lab: &Lab, db: &str) {
    let script = [
        "/account add \"Acme Corp\" arr:120k renewal:2027-03-31 owner:@jane industry:Retail seats:100 products:\"Core, API\"",
        "/stakeholder add \"Acme Corp\" \"Jane Doe\" role:champion title:VP email:Jane@Acme.com",
        "/health set \"Acme Corp\" nps:9 usage:85",
        "/health set \"Acme Corp\" nps:5",
        "/renewal renewed \"Acme Corp\" arr:150k",
        "/steward currency EUR",
        "/steward indicator mute \"usage drop\"",
        "/health snooze \"Acme Corp\"",
        "/steward owner \"Jane Doe\" user:@jane",
        "/account set \"Acme Corp\" tier:1",
        "/account add Globex arr:50k renewal:2027-06-30",
        "/renewal churned Globex reason:\"budget cut\"",
    ];
    let out = lab.steward(db, &["console"], &script.join("\n"));
    let replies = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && !replies.contains("error:"),
        "{replies}"
    );
    lab.import(db, &lab.file("crm.csv", SALESFORCE), &[]);
    let events = lab.file("events.jsonl", EVENTS);
    let ingested = lab.ok(db, &["ingest", &events.to_string_lossy()]);
    assert!(
        ingested.contains("4 accepted, 0 rejected, 1 unmatched"),
        "{ingested}"
    );
}

#[test]
fn json_export_rebuilds_the_tenant_in_a_fresh_database() {
    let lab = Lab::new();
    varied_tenant(&lab, "old");
    let first = lab.export_json("old");
    assert_eq!(first["steward_export"], 1);
    assert_eq!(first["tenant"], "local");
    for part in ["accounts", "outcomes", "audit"] {
        assert!(
            first[part].as_array().is_some_and(|a| a.len() >= 2),
            "{part} is filled"
        );
    }
    assert_eq!(first["settings"]["currency"], "EUR");
    assert_eq!(first["settings"]["muted_indicators"], json!(["usage-drop"]));
    assert!(account(&first, "Acme Corp").is_some_and(|a| a["indicators_snoozed_until"].is_string()));
    let intake = &first["intake"];
    assert_eq!(intake["users"], json!(["u1", "u2", "u3"]));
    let days: Vec<&Value> = intake["rollups"]
        .as_array()
        .map(|r| r.iter().map(|r| &r["day"]).collect())
        .unwrap_or_default();
    assert_eq!(days, [&json!("2026-02-28"), &json!("2026-03-01")]);
    assert_eq!(intake["seats"][0]["seats"], 40);
    assert_eq!(intake["unmatched"][0]["id"], "Initech");
    assert_eq!(
        account(&first, "Acme Corp").map(|a| &a["stakeholders"][0]["email"]),
        Some(&json!("jane@acme.com"))
    );
    assert!(account(&first, "Acme Corp")
        .is_some_and(|a| a["health"].as_array().is_some_and(|h| h.len() == 2)));

    let undo = lab.steward("old", &["console"], "/steward undo\n");
    let reply = String::from_utf8_lossy(&undo.stdout);
    assert!(
        reply.starts_with("error: you have no change to undo"),
        "nothing is undone across an import: {reply}"
    );

    let backup = lab.file(
        "backup.json",
        &serde_json::to_string_pretty(&first).expect("json"),
    );
    let report = lab.import("new", &backup, &[]);
    assert!(report.contains("committed through line"), "{report}");
    assert_eq!(summary(&report), "imported 3, updated 0, rejected 0");
    let (mut first, mut second) = (first, lab.export_json("new"));
    for doc in [&mut first, &mut second] {
        doc.as_object_mut().expect("object").remove("exported_at");
    }
    assert_eq!(
        first, second,
        "export → import → export gives the same tenant"
    );

    // A full backup does not merge into a tenant that already holds data.
    let refused = lab.steward("new", &["import", &backup.to_string_lossy()], "");
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already holds data"));
}

#[test]
fn csv_export_imports_back_to_the_same_rows() {
    let lab = Lab::new();
    lab.import("old", &lab.file("crm.csv", SALESFORCE), &[]);
    let pin = lab.steward(
        "old",
        &["console"],
        "/account set \"Stark Industries\" tier:2\n/account set \"Acme Corp\" segment:Enterprise\n",
    );
    assert!(pin.status.success());
    let first = lab.export("old", "csv");
    let mut rows = first.lines();
    assert_eq!(
        rows.next(),
        Some("name,arr,renewal,owner,tier,industry,segment,seats,products,crm id,domain,health score,band,stage")
    );
    assert_eq!(rows.next(), Some("Acme Corp,120000,2027-03-31,Jane Doe,3,Manufacturing,Enterprise,,,001A,,,unknown,not started"));
    assert_eq!(rows.next(), Some("Stark Industries,1200000,2027-12-01,tony@stark.com,2 pinned,Defense,,,,001F,,,unknown,not started"));

    let exported = lab.file("accounts.csv", &first);
    assert_eq!(
        summary(&lab.import("new", &exported, &[])),
        "imported 2, updated 0, rejected 0"
    );
    assert_eq!(
        lab.export("new", "csv"),
        first,
        "computed tiers stay computed, pins stay pinned"
    );
}
