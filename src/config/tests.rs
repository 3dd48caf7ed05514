//! Purpose: what the configuration accepts, refuses and defaults to.

use super::*;
use secrecy::ExposeSecret;
use std::collections::HashMap;

fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::load(Some(Path::new("/dev/null")), |name| map.get(name).cloned())
}

#[test]
fn defaults_and_environment() {
    let config = load(&[]).expect("defaults");
    assert_eq!(config.db, PathBuf::from("./steward.db"));
    assert_eq!(config.listen, "127.0.0.1:3000");
    assert!(config.admins.is_none() && !config.has_chat());
    let config = load(&[
        ("STEWARD_DB", "/tmp/x"),
        ("SLACK_BOT_TOKEN", "xoxb-1"),
        ("STEWARD_TIMEZONE", "Europe/Berlin"),
    ])
    .expect("valid");
    assert_eq!(config.db, PathBuf::from("/tmp/x"));
    assert!(config.database_url.is_none());
    let url = "postgres://steward:pw@db:5432/steward";
    let postgres = load(&[("STEWARD_DATABASE_URL", url)]).expect("valid");
    assert_eq!(
        postgres
            .database_url
            .as_ref()
            .map(|u| u.expose_secret().to_string()),
        Some(url.to_string())
    );
    assert!(config.has_chat());
    assert_eq!(config.timezone, chrono_tz::Europe::Berlin);
    assert_eq!(config.ingest_rate.get(), 2_000);
    assert_eq!(
        load(&[("STEWARD_INGEST_RATE", "50")])
            .map(|c| c.ingest_rate.get())
            .ok(),
        Some(50)
    );
    for bad in ["0", "-5", "fast", "1.5"] {
        let error = load(&[("STEWARD_INGEST_RATE", bad)])
            .err()
            .map(|e| e.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("STEWARD_INGEST_RATE")),
            "{bad}: {error:?}"
        );
    }
    assert!(load(&[("STEWARD_TIMEZONE", "Mars/Base")]).is_err());
}

#[test]
fn the_sled_cache_is_a_number_of_mib_with_a_default() {
    let mb = |env: &[(&str, &str)]| load(env).map(|c| c.cache_mb.get());
    assert_eq!(mb(&[]).ok(), Some(256));
    assert_eq!(mb(&[("STEWARD_CACHE_MB", " 64 ")]).ok(), Some(64));
    for bad in ["0", "-1", "1.5", "lots", "65537", "64MB"] {
        let error = mb(&[("STEWARD_CACHE_MB", bad)])
            .err()
            .map(|e| e.to_string());
        assert!(
            error.as_deref().is_some_and(
                |e| e.contains("STEWARD_CACHE_MB") && e.contains("from 1 to 65536, e.g. 256")
            ),
            "{bad}: {error:?}"
        );
    }
}

#[test]
fn the_add_to_slack_flow_needs_both_credentials_and_then_no_bot_token() {
    let config = load(&[("SLACK_CLIENT_ID", "1.2"), ("SLACK_CLIENT_SECRET", "s")]).expect("valid");
    let slack = config.slack.as_ref().expect("Slack is configured");
    assert!(slack.bot_token.is_none() && slack.oauth.is_some());
    for half in ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"] {
        let error = load(&[(half, "x")]).err().map(|e| e.to_string());
        assert!(
            error.as_deref().is_some_and(|e| e.contains("needs both")),
            "{error:?}"
        );
    }
}

#[test]
fn the_secret_key_comes_from_the_environment_and_is_checked_at_start() {
    assert!(load(&[]).expect("defaults").secret_key.is_none());
    let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let config = load(&[("STEWARD_SECRET_KEY", key)]).expect("valid key");
    assert!(config.secret_key.is_some());
    for bad in ["hunter2", "AAECAwQF", &"f".repeat(63)] {
        let error = load(&[("STEWARD_SECRET_KEY", bad)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.starts_with(
                "STEWARD_SECRET_KEY is invalid: STEWARD_SECRET_KEY does not hold a 256-bit key"
            ),
            "{bad}: {error}"
        );
        assert!(!error.contains(bad), "the value is never repeated: {error}");
    }
}

#[test]
fn http_timeouts_from_the_environment() {
    let config = load(&[]).expect("defaults");
    assert_eq!(config.http, HttpTimeouts::default());
    let config = load(&[
        ("STEWARD_HEADER_TIMEOUT", "200ms"),
        ("STEWARD_BODY_TIMEOUT", "1.5"),
        ("STEWARD_SHUTDOWN_GRACE", "3s"),
    ])
    .expect("valid");
    assert_eq!(config.http.header, Duration::from_millis(200));
    assert_eq!(config.http.body, Duration::from_millis(1500));
    assert_eq!(config.http.grace, Duration::from_secs(3));
    let cadence = load(&[
        ("STEWARD_SCHEDULER_TICK", "250ms"),
        ("STEWARD_LEADER_POLL", "1s"),
    ])
    .expect("valid")
    .cadence;
    assert_eq!(cadence.tick, Duration::from_millis(250));
    assert_eq!(cadence.leader_poll, Duration::from_secs(1));
    assert!(load(&[("STEWARD_LEADER_POLL", "never")]).is_err());
    for bad in ["0", "-1s", "soon", "NaN", "inf", "2h", ""] {
        assert!(parse_duration(bad).is_none(), "{bad:?} accepted");
    }
    assert!(load(&[("STEWARD_SHUTDOWN_GRACE", "NaN")]).is_err());
}

#[test]
fn admins_bare_and_scoped() {
    let admins = Admins::parse("U1, slack:T1:U2,discord:G1:42").expect("valid");
    let t1 = TenantId::parse("slack:T1").expect("valid");
    let other = TenantId::parse("slack:T9").expect("valid");
    assert!(admins.contains(&other, &UserId("U1".into())));
    assert!(admins.contains(&t1, &UserId("U2".into())));
    assert!(!admins.contains(&other, &UserId("U2".into())));
    assert!(admins.contains(
        &TenantId::parse("discord:G1").expect("valid"),
        &UserId("42".into())
    ));
    assert!(Admins::parse("slack:T1:").is_err());
}
