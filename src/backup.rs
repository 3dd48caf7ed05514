//! Purpose: the daily backup `serve` writes — a JSON export of every tenant at 03:00
//! (in the first tenant's time zone, else UTC), the newest 14 kept (DECISIONS 4).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use std::path::{Path, PathBuf};

use crate::app::App;
use crate::transfer::{export_to, ExportFormat};

/// Backups kept per tenant.
pub const KEEP: usize = 14;
/// Local time the daily backup falls due.
const AT_HOUR: u32 = 3;

/// `steward-<tenant>-`: how a tenant's backup file names start. The tenant is percent-encoded
/// (every byte outside `A-Z a-z 0-9 -`, `%` and `_` included), so the encoding reverses and
/// two tenants never share a file: `slack:T1` → `slack%3AT1`, `slack_T1` → `slack%5FT1`.
fn prefix(tenant: &str) -> String {
    let mut safe = String::with_capacity(tenant.len());
    for b in tenant.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            safe.push(char::from(b));
        } else {
            safe.push_str(&format!("%{b:02X}"));
        }
    }
    format!("steward-{safe}-")
}

/// The file a tenant's backup for `date` goes to: `steward-<tenant>-<date>.json`.
pub fn file_for(dir: &Path, tenant: &str, date: NaiveDate) -> PathBuf {
    dir.join(format!("{}{date}.json", prefix(tenant)))
}

/// The date whose backup is due at `now`, or `None` before 03:00 local time.
pub fn due_date(now: DateTime<Utc>, zone: Tz) -> Option<NaiveDate> {
    let local = now.with_timezone(&zone);
    let at = NaiveTime::from_hms_opt(AT_HOUR, 0, 0)?;
    (local.time() >= at).then(|| local.date_naive())
}

/// Writes today's backup of every tenant that lacks one, then prunes old ones. Returns how
/// many files were written.
pub fn run(app: &App, dir: &Path, now: DateTime<Utc>) -> Result<usize, String> {
    let tenants = app.store.tenants().map_err(|e| e.to_string())?;
    let zone = tenants
        .first()
        .and_then(|t| app.store.book(t).ok())
        .map_or(chrono_tz::UTC, |b| {
            app.timezone_of(&b.read().unwrap_or_else(|p| p.into_inner()))
        });
    let Some(date) = due_date(now, zone) else {
        return Ok(0);
    };
    let mut written = 0;
    for tenant in &tenants {
        let path = file_for(dir, tenant.as_str(), date);
        if path.exists() {
            continue;
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        export_to(
            &app.store,
            tenant,
            ExportFormat::Json,
            &path,
            now,
            app.timezone,
        )
        .map_err(|e| e.to_string())?;
        written += 1;
        prune(dir, tenant.as_str())?;
    }
    Ok(written)
}

/// Keeps the newest `KEEP` backups of a tenant (names sort by date).
fn prune(dir: &Path, tenant: &str) -> Result<(), String> {
    let prefix = prefix(tenant);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            // `acme-` must not match `acme-team-…`: after the prefix comes only the date.
            name.strip_prefix(&prefix).is_some_and(|rest| {
                rest.len() == "2026-01-01.json".len() && rest.ends_with(".json")
            })
        })
        .collect();
    files.sort();
    let excess = files.len().saturating_sub(KEEP);
    for old in &files[..excess] {
        std::fs::remove_file(old).map_err(|e| format!("cannot remove {}: {e}", old.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Actor, Surface};
    use crate::domain::person::UserId;
    use crate::domain::tenant::TenantId;
    use crate::store::Store;
    use chrono::{Duration, TimeZone};

    #[test]
    fn tenant_names_are_percent_encoded() {
        assert_eq!(prefix("acme-team"), "steward-acme-team-");
        assert_eq!(prefix("slack:T1"), "steward-slack%3AT1-");
        assert_eq!(prefix("slack_T1"), "steward-slack%5FT1-");
        assert_eq!(prefix("a%3AT1"), "steward-a%253AT1-");
        assert_eq!(prefix("a/b\\c"), "steward-a%2Fb%5Cc-");
    }

    #[test]
    fn tenants_that_differ_only_in_punctuation_get_a_file_each() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = App::new(
            Store::open(&dir.path().join("db")).expect("open"),
            None,
            chrono_tz::UTC,
        );
        let at = Utc
            .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
            .single()
            .expect("valid");
        for tenant in ["slack:T1", "slack_T1"] {
            let actor = Actor {
                tenant: TenantId::parse(tenant).expect("valid"),
                user: UserId("u".into()),
                surface: Surface::Console,
                platform_admin: false,
                channel: "console".into(),
            };
            let line = format!("/account add \"{tenant} account\" arr:5k renewal:2027-01-01");
            assert!(!app.execute(&actor, at, &line).is_error());
        }
        let backups = dir.path().join("backups");
        assert_eq!(run(&app, &backups, at), Ok(2));
        for (tenant, file) in [
            ("slack:T1", "steward-slack%3AT1-2026-03-01.json"),
            ("slack_T1", "steward-slack%5FT1-2026-03-01.json"),
        ] {
            let text = std::fs::read_to_string(backups.join(file)).expect(file);
            assert!(text.contains(&format!("{tenant} account")), "{file}");
        }
    }

    #[test]
    fn daily_at_three_keeping_fourteen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = App::new(
            Store::open(&dir.path().join("db")).expect("open"),
            None,
            chrono_tz::UTC,
        );
        let actor = Actor {
            tenant: TenantId::parse("acme-team").expect("valid"),
            user: UserId("u".into()),
            surface: Surface::Console,
            platform_admin: false,
            channel: "console".into(),
        };
        let start = Utc
            .with_ymd_and_hms(2026, 3, 1, 2, 59, 0)
            .single()
            .expect("valid");
        assert!(!app
            .execute(&actor, start, "/account add Acme arr:5k renewal:2027-01-01")
            .is_error());
        let backups = dir.path().join("backups");
        assert_eq!(run(&app, &backups, start), Ok(0), "not before 03:00");
        for day in 0..20 {
            let at = start + Duration::days(day) + Duration::minutes(1);
            assert_eq!(run(&app, &backups, at), Ok(1), "day {day}");
            assert_eq!(
                run(&app, &backups, at + Duration::hours(1)),
                Ok(0),
                "once a day"
            );
        }
        let mut names: Vec<String> = std::fs::read_dir(&backups)
            .expect("dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        names.sort();
        assert_eq!(names.len(), KEEP);
        assert_eq!(names[0], "steward-acme-team-2026-03-07.json");
        let text = std::fs::read_to_string(backups.join(&names[KEEP - 1])).expect("read");
        assert!(text.contains("\"Acme\""));
    }
}
