//! Purpose: the admin commands that let data in (INGEST.md) — write keys for the events API
//! (`/steward apikey`, `steward apikey`) and the core features the adoption signal counts
//! (`/steward feature`) — through `App::execute`, the path every adapter takes, and through the
//! binary for the command line, logs, the database files, export and import.

#[path = "data_in/cli.rs"]
mod cli;
#[expect(dead_code, reason = "each test crate uses part of the shared helpers")]
mod common;
#[path = "data_in/features.rs"]
mod features;
#[path = "data_in/keys.rs"]
mod keys;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use regex::Regex;
use steward::app::{Actor, App, Surface};
use steward::config::Admins;
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::render::text::render;
use steward::store::{Store, StoreError};

/// Monday 2026-03-02 09:00 UTC.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

/// Every write key in `text`.
fn keys_in(text: &str) -> Vec<String> {
    let key = Regex::new(r"stw_[0-9A-Za-z]{27}").expect("valid regex");
    key.find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// An app over a database in a temporary directory.
struct Lab {
    app: App,
    admins: Option<String>,
    dir: tempfile::TempDir,
}

impl Lab {
    /// `STEWARD_ADMINS` unset: the console user is an admin of the console tenant.
    fn new() -> Lab {
        Lab::with_admins(None)
    }

    /// `STEWARD_ADMINS` set to `admins` (`None`: unset).
    fn with_admins(admins: Option<&str>) -> Lab {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = open_app(&dir.path().join("db"), admins);
        Lab {
            app,
            admins: admins.map(str::to_string),
            dir,
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("db")
    }

    /// The same database opened again, as after a restart.
    fn reopen(self) -> Lab {
        let Lab { app, admins, dir } = self;
        drop(app);
        let app = open_app(&dir.path().join("db"), admins.as_deref());
        Lab { app, admins, dir }
    }

    /// The console user's answer to `line`, as text, in tenant `local`.
    fn ask(&self, line: &str) -> String {
        self.ask_as("local", "local-user", line)
    }

    fn ask_as(&self, tenant: &str, user: &str, line: &str) -> String {
        let actor = Actor {
            tenant: TenantId::parse(tenant).expect("valid tenant"),
            user: UserId(user.into()),
            surface: Surface::Console,
            platform_admin: false,
            channel: "console".into(),
        };
        render(&self.app.execute(&actor, now(), line))
    }
}

/// Opens the store at `path`, waiting while a dropped opening still holds sled's lock (sled
/// releases it a moment after the drop: spacejam/sled#1234).
fn open_app(path: &std::path::Path, admins: Option<&str>) -> App {
    let started = Instant::now();
    let store = loop {
        match Store::open(path) {
            Err(StoreError::Locked { .. }) if started.elapsed() < Duration::from_secs(5) => {
                std::thread::sleep(Duration::from_millis(10));
            }
            opened => break opened.expect("open the store"),
        }
    };
    let admins = admins.map(|list| Admins::parse(list).expect("valid admins"));
    App::new(store, admins, chrono_tz::UTC)
}
