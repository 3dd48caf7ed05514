//! Purpose: `/steward zendesk secret` through `App::execute` (the path every chat adapter
//! takes) — admins only, checked, sealed, never shown or recorded in clear, not undone — and
//! a garbled `STEWARD_SECRET_KEY` stopping the binary at start.

use std::process::Command;

use chrono::Utc;
use steward::app::{Actor, App, Surface};
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::render::text::render;
use steward::secrets::Keyring;
use steward::store::Store;

use super::{text, SECRET, TENANT};

fn actor(user: &str) -> Actor {
    Actor {
        tenant: TenantId::parse(TENANT).expect("valid tenant"),
        user: UserId(user.into()),
        surface: Surface::Slack,
        platform_admin: false,
        channel: "C1".into(),
    }
}

#[test]
fn the_slash_command_seals_the_secret_and_never_shows_or_records_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let admins = steward::config::Admins::parse("U-admin").expect("valid");
    let app = App::new(
        Store::open(&db).expect("store"),
        Some(admins),
        chrono_tz::UTC,
    )
    .with_keyring(Keyring::new(None, &db));
    let ask = |user: &str, line: &str| render(&app.execute(&actor(user), Utc::now(), line));

    let refused = ask("U-member", &format!("/steward zendesk secret {SECRET}"));
    assert!(
        refused.starts_with("error: only an admin can use `/steward zendesk`"),
        "{refused}"
    );
    let too_long = ask(
        "U-admin",
        &format!("/steward zendesk secret {}", "x".repeat(201)),
    );
    assert!(too_long.contains("1–200 characters, not 201"), "{too_long}");
    let typo = ask(
        "U-admin",
        &format!("/steward zendesk secret {SECRET} extra"),
    );
    assert!(
        typo.contains("what you typed is not repeated here") && !typo.contains(SECRET),
        "{typo}"
    );

    let set = ask("U-admin", &format!("/steward zendesk secret {SECRET}"));
    assert!(set.starts_with("Zendesk secret set."), "{set}");
    assert!(!set.contains(SECRET), "{set}");
    let tenant = TenantId::parse(TENANT).expect("valid");
    let sealed = app
        .store
        .zendesk_secret(&tenant)
        .expect("read")
        .expect("stored");
    let opened = app
        .keyring
        .open(&steward::secrets::context("zendesk", &tenant), &sealed)
        .expect("opens");
    assert_eq!(secrecy::ExposeSecret::expose_secret(&opened), SECRET);

    let audit = app.store.history(&tenant, None, 1).expect("history");
    let entry = audit.entries.first().expect("an audit entry");
    assert_eq!(entry.command, "/steward zendesk secret [secret]");
    assert_eq!(
        entry
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.after.as_str()))
            .collect::<Vec<_>>(),
        [("zendesk_secret", "set")]
    );
    let undo = ask("U-admin", "/steward undo");
    assert!(
        undo.contains("`/steward zendesk secret [secret]`, cannot be undone: set the secret again"),
        "{undo}"
    );

    // An app that cannot seal stores nothing and says what to set.
    let other = tempfile::tempdir().expect("temp dir");
    let bare = App::new(
        Store::open(&other.path().join("db")).expect("store"),
        None,
        chrono_tz::UTC,
    );
    let console = Actor {
        surface: Surface::Console,
        ..actor("local-user")
    };
    let answer = render(&bare.execute(
        &console,
        Utc::now(),
        &format!("/steward zendesk secret {SECRET}"),
    ));
    assert!(
        answer.starts_with("error: the Zendesk secret was not stored: there is no key to seal secrets with: set STEWARD_SECRET_KEY"),
        "{answer}"
    );
    assert!(bare.store.zendesk_secret(&tenant).expect("read").is_none());
}

#[test]
fn a_garbled_secret_key_stops_steward_at_start_naming_the_variable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_steward"))
        .env_clear()
        .current_dir(dir.path())
        .env("STEWARD_SECRET_KEY", "not-a-key")
        .arg("--db")
        .arg(dir.path().join("db"))
        .args(["zendesk", "secret", SECRET])
        .output()
        .expect("run steward");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("STEWARD_SECRET_KEY is invalid") && !stderr.contains("not-a-key"),
        "{stderr}"
    );
    assert!(!dir.path().join("db").exists(), "nothing opened");
}
