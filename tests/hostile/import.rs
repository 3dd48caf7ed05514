//! Purpose: `steward import` of hostile files — CRM CSVs with hostile headers, cells,
//! delimiters and quoting, hostile bytes, and Steward JSON exports with hostile strings in
//! place of names, dates and ids — each imported (rows refused one by one) or refused whole
//! with a typed error, never a panic.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::fixture::now;
use super::{text, Lab};
use steward::domain::tenant::TenantId;
use steward::transfer::{export, import, DateFormat, ExportFormat, ImportRequest};

const HEADERS: [&str; 18] = [
    "Account Name",
    "ARR",
    "Renewal Date",
    "Account Owner",
    "Industry",
    "Tier",
    "Segment",
    "Seats",
    "Products",
    "Contact Name",
    "Role",
    "Title",
    "Annual Revenue",
    "health score",
    "Account ID",
    "Record ID",
    "Website",
    "Company Domain Name",
];

/// A CSV cell: hostile text, quoted as a CSV writer would or not at all.
fn cell() -> impl Strategy<Value = String> {
    (text::short_text(300), any::<bool>()).prop_map(|(t, quote)| match quote {
        true => format!("\"{}\"", t.replace('"', "\"\"")),
        false => t,
    })
}

fn csv() -> impl Strategy<Value = Vec<u8>> {
    let headers = prop::collection::vec(
        prop_oneof![4 => prop::sample::select(HEADERS.to_vec()).prop_map(str::to_string), 1 => cell()],
        1..10,
    );
    let rows = prop::collection::vec(prop::collection::vec(cell(), 0..10), 0..6);
    let file = (
        headers,
        rows,
        prop::sample::select(vec![",", ";", "\t"]),
        any::<bool>(),
    )
        .prop_map(|(headers, rows, sep, bom)| {
            let mut lines = vec![headers.join(sep)];
            lines.extend(rows.iter().map(|r| r.join(sep)));
            let text = lines.join(if bom { "\r\n" } else { "\n" });
            format!("{}{text}", if bom { "\u{feff}" } else { "" }).into_bytes()
        });
    prop_oneof![4 => file, 1 => text::bytes()]
}

/// The lab's own JSON export with hostile text in place of some of its strings.
fn json(export: Value) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<Index>(), text::short_text(300)), 1..6).prop_map(move |swaps| {
        let mut doc = export.clone();
        let mut leaves = Vec::new();
        strings(&mut doc, &mut leaves);
        for (at, t) in swaps {
            let len = leaves.len();
            if len > 0 {
                *leaves[at.index(len)] = Value::String(t);
            }
        }
        doc.to_string().into_bytes()
    })
}

/// Every string in a JSON value.
fn strings<'v>(value: &'v mut Value, out: &mut Vec<&'v mut Value>) {
    match value {
        Value::String(_) => out.push(value),
        Value::Array(items) => items.iter_mut().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values_mut().for_each(|v| strings(v, out)),
        _ => {}
    }
}

#[test]
fn hostile_files_import_or_are_refused() {
    let lab = Lab::new();
    let mut exported = Vec::new();
    export(
        &lab.app.store,
        &lab.actor.tenant,
        ExportFormat::Json,
        now(),
        chrono_tz::UTC,
        &mut exported,
    )
    .expect("export");
    let exported: Value = serde_json::from_slice(&exported).expect("export is JSON");
    let dir = tempfile::tempdir().expect("temp dir");
    let files = AtomicUsize::new(0);
    let strategy = prop_oneof![
        csv().prop_map(|b| (b, "csv")),
        json(exported).prop_map(|b| (b, "json"))
    ];
    text::run(32, strategy, |(bytes, extension)| {
        let n = files.fetch_add(1, Ordering::Relaxed);
        let file = dir.path().join(format!("{n}.{extension}"));
        std::fs::write(&file, &bytes).expect("write the file");
        // A fresh tenant each time: a JSON export restores only into an empty one.
        let tenant = TenantId::parse(&format!("hostile-{n}")).expect("tenant");
        let request = ImportRequest {
            tenant: &tenant,
            actor: &lab.actor.user,
            file: &file,
            dates: DateFormat::Mdy,
            now: now(),
            timezone: chrono_tz::UTC,
        };
        let _ = import(&lab.app.store, &request, &mut Vec::new());
        Ok(())
    });
}
