//! Purpose: DECISIONS 1 under a real kill — SIGKILL `steward import` in the middle of a large
//! file, reopen the database, and find every row up to the last `committed through line N`
//! (each with its audit entry), in whole flushed chunks, and nothing half-written.

use serde_json::Value;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Far more rows than a debug build imports before the kill; a release build too.
const ROWS: usize = 200_000;
/// Acknowledgements to see before killing.
const ACKS: usize = 3;

fn steward(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_steward"));
    command
        .env_remove("STEWARD_DB")
        .env("RUST_LOG", "warn")
        .args([
            "--db",
            &db.to_string_lossy(),
            "--now",
            "2026-03-02T09:00:00Z",
        ]);
    command
}

/// Row `i` (0-based) is on line `i + 2`.
fn name(i: usize) -> String {
    format!("Durable {i:06}")
}

fn write_big_csv(path: &Path) {
    let mut out = BufWriter::new(std::fs::File::create(path).expect("create csv"));
    writeln!(out, "Account Name,ARR,Renewal Date,Account Owner").expect("write");
    for i in 0..ROWS {
        writeln!(
            out,
            "{},{},{}/{}/2027,@owner{}",
            name(i),
            1_000 + i,
            i % 12 + 1,
            i % 28 + 1,
            i % 7
        )
        .expect("write");
    }
    out.flush().expect("flush csv");
}

#[test]
fn a_killed_import_keeps_every_acknowledged_row() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (csv, db) = (dir.path().join("big.csv"), dir.path().join("db"));
    write_big_csv(&csv);

    let mut child = steward(&db)
        .args(["import", &csv.to_string_lossy()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start import");
    let stdout = child.stdout.take().expect("stdout");
    let mut acknowledged = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read import output");
        assert!(
            !line.starts_with("imported "),
            "the import finished before it could be killed: {line}"
        );
        if let Some(n) = line.strip_prefix("committed through line ") {
            acknowledged.push(n.parse::<usize>().expect("a line number"));
            if acknowledged.len() == ACKS {
                break;
            }
        }
    }
    assert_eq!(
        acknowledged.len(),
        ACKS,
        "saw {acknowledged:?} before the output ended"
    );
    assert!(
        child.try_wait().expect("poll import").is_none(),
        "the import had already exited before the kill"
    );
    child.kill().expect("SIGKILL the import");
    child.wait().expect("reap the import");
    let last = *acknowledged.last().expect("an acknowledgement");
    assert_eq!(
        acknowledged,
        [1001, 2001, 3001],
        "one acknowledgement per 1,000 rows"
    );

    let export = steward(&db)
        .args(["export", "--format", "json"])
        .output()
        .expect("run export");
    assert!(
        export.status.success(),
        "reopening failed: {}",
        String::from_utf8_lossy(&export.stderr)
    );
    let doc: Value = serde_json::from_slice(&export.stdout).expect("export is JSON");
    let names: HashSet<&str> = doc["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    let acknowledged_rows = last - 1;
    let missing: Vec<String> = (0..acknowledged_rows)
        .map(name)
        .filter(|n| !names.contains(n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged rows lost, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    for spot in [0, acknowledged_rows / 2, acknowledged_rows - 1] {
        assert!(
            names.contains(name(spot).as_str()),
            "{} (line {}) is present",
            name(spot),
            spot + 2
        );
    }
    // Rows past the acknowledgement may have been written too, but only in whole atomic
    // chunks, each account with its audit entry.
    assert!(names.len() < ROWS, "the kill landed mid-import");
    assert_eq!(
        names.len() % 1000,
        0,
        "whole chunks only, found {}",
        names.len()
    );
    assert_eq!(
        doc["audit"].as_array().map(Vec::len),
        Some(names.len()),
        "one audit entry per stored row"
    );
}
