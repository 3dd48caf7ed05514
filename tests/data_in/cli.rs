//! Purpose: `steward apikey` and the JSON export through the real binary — the key alone on
//! the last line for scripts, never in a log at `trace` or in the database files, admins only,
//! one tenant each; exports carry the core features but no write key.

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use steward::domain::writekey::digest_of;

use super::common::Steward;
use super::keys_in;

fn run(steward: &Steward, args: &[&str]) -> (Option<i32>, String, String) {
    let out: Output = steward.command().args(args).output().expect("run steward");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Whether any file under `dir` holds `needle`.
fn files_hold(dir: &Path, needle: &str) -> bool {
    std::fs::read_dir(dir).expect("read dir").any(|entry| {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            return files_hold(&path, needle);
        }
        let bytes = std::fs::read(&path).expect("read file");
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

#[test]
fn the_command_line_prints_the_key_alone_last_and_never_logs_or_stores_it() {
    let steward = Steward::new().env("RUST_LOG", "trace");
    let (code, stdout, stderr) = run(&steward, &["apikey", "create", "Segment “prod” 🚀"]);
    assert_eq!(code, Some(0), "{stderr}");
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(
        keys_in(&stdout),
        [last],
        "the key once, alone on the last line:\n{stdout}"
    );
    let key = last.to_string();
    assert!(!stderr.contains(&key), "the key in the log:\n{stderr}");

    let (code, list, stderr) = run(&steward, &["apikey", "list"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        list.contains(&format!("- Segment “prod” 🚀 — `{}…`", &key[..8])),
        "{list}"
    );
    assert!(
        keys_in(&list).is_empty() && keys_in(&stderr).is_empty(),
        "{list}{stderr}"
    );
    // sled's files, log included: neither the key nor anything but its digest.
    let db = steward.db();
    assert!(!files_hold(db, &key), "the key in clear in the database");
    assert!(
        files_hold(db, &digest_of(&key).expect("well formed")),
        "the digest is kept"
    );

    let (code, other, _) = run(&steward, &["--tenant", "acme-team", "apikey", "list"]);
    assert_eq!((code, other.trim()), (Some(0), "No write keys yet. Create one for the events API: `/steward apikey create \"Segment prod\"`."));
    let (code, _, stderr) = run(&steward, &["apikey", "revoke", "segment “prod” 🚀"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(&steward, &["apikey", "revoke", "Segment “prod” 🚀"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.starts_with("steward: write key \"Segment “prod” 🚀\" not found."),
        "{stderr}"
    );
    assert!(!files_hold(db, &key));
}

#[test]
fn the_command_line_follows_the_admins_list() {
    let steward = Steward::new().env("STEWARD_ADMINS", "someone-else");
    let (code, stdout, stderr) = run(&steward, &["apikey", "create", "prod"]);
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.starts_with("steward: only an admin can use `/steward apikey`"),
        "{stderr}"
    );
    let steward = Steward::new().env("STEWARD_ADMINS", "local-user");
    let (code, stdout, _) = run(&steward, &["apikey", "create", "prod"]);
    assert_eq!((code, keys_in(&stdout).len()), (Some(0), 1));
}

#[test]
fn exports_carry_the_core_features_and_no_write_key() {
    let steward = Steward::new();
    let (_, created, _) = run(&steward, &["apikey", "create", "prod"]);
    let key = created.lines().last().unwrap_or_default().to_string();
    steward
        .console("/steward feature add Reports event:\"Report Created\" event:\"Report Shared\"\n");
    let (code, export, stderr) = run(&steward, &["export"]);
    assert_eq!(code, Some(0), "{stderr}");
    let digest = digest_of(&key).expect("well formed");
    assert!(
        !export.contains(&key) && !export.contains(&digest),
        "{export}"
    );
    let doc: Value = serde_json::from_str(&export).expect("JSON export");
    assert_eq!(
        doc["settings"]["core_features"],
        serde_json::json!([{"name": "Reports", "events": ["Report Created", "Report Shared"]}])
    );

    // Restored into a fresh database: the features come back, the key does not.
    let file = steward.db().with_extension("json");
    std::fs::write(&file, &export).expect("write the export");
    let fresh = Steward::new();
    let (code, _, stderr) = run(&fresh, &["import", &file.to_string_lossy()]);
    assert_eq!(code, Some(0), "{stderr}");
    let answers = fresh.console("/steward feature list\n/steward apikey list\n");
    let (features, keys) = (answers.reply(0), answers.reply(1));
    assert!(
        features.contains("- Reports — `Report Created` or `Report Shared`"),
        "{features}"
    );
    assert!(keys.starts_with("No write keys yet."), "{keys}");
    let (_, again, _) = run(&fresh, &["export"]);
    let again: Value = serde_json::from_str(&again).expect("JSON export");
    assert_eq!(again["settings"], doc["settings"]);
}
