//! `steward console --demo` end to end: the sample book now comes with 90 days of generated
//! product events, stored as received events are and recomputed, so health from data, the
//! indicators, the weekly-users chart and the digest's usage movers show without any setup —
//! and two fresh databases given the same `--now` answer the same, word for word.

#[expect(dead_code, reason = "each test crate uses part of the shared helpers")]
mod common;

use common::{assert_has, Steward};

const SCRIPT: &str = "/health show Globex\n\
    /health show \"Umbrella Health\"\n\
    /health show Initech\n\
    /health show \"Soylent Foods\"\n\
    /account list\n\
    /digest preview weekly\n\
    /steward ingest status\n";

#[test]
fn the_same_now_gives_the_same_demo_with_health_and_indicators_from_data() {
    let first = Steward::new().console_with(&["--demo"], SCRIPT.as_bytes());
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert_eq!(first.stderr, "Demo portfolio: 12 accounts added.\n");
    let second = Steward::new().console_with(&["--demo"], SCRIPT.as_bytes());
    assert_eq!(second.stdout, first.stdout, "same --now, same demo");

    // Globex, the designated account: its usage fell, and every figure says where it came from.
    assert_has(
        first.reply(0),
        &[
            "seats active in the 7 days to 2026-03-02, from events",
            "set by @local-user",
            "Weekly active users (12 weeks to 2026-03-02): ",
            "Open indicators:",
            "usage drop (risk) — weekly active users ",
        ],
    );
    // Every seat in use is an opportunity; a help desk's tickets a risk.
    assert_has(
        first.reply(1),
        &["seat ceiling (opportunity)", "from events"],
    );
    assert_has(
        first.reply(2),
        &["ticket spike (risk)", "(1 escalated)", "from events"],
    );
    // No events for Soylent Foods: no weekly users, and no error.
    assert!(
        !first.reply(3).contains("Weekly active users") && !first.reply(3).contains("error"),
        "{}",
        first.reply(3)
    );
    // Data kept every band of the sample book.
    assert_has(first.reply(4), &["red", "yellow", "green", "unknown"]);
    // The week's biggest mover is Globex's drop.
    let digest = first.reply(5);
    let mover = digest
        .lines()
        .skip_while(|l| !l.starts_with("Biggest usage movers"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        mover.starts_with("- Globex (") && mover.contains("(−"),
        "{digest}"
    );
    // Stored through the intake, as a backfill: all matched.
    assert_has(first.reply(6), &["accepted (track ", "0 unmatched"]);
}

#[test]
fn with_images_the_demo_writes_the_weekly_users_chart_of_accounts_with_data() {
    let s = Steward::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let images = dir.path().join("pictures");
    let run = s.console_with(
        &["--demo", "--images", &images.display().to_string()],
        b"/health show Globex\n/health show \"Soylent Foods\"\n",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let chart = images.join("weekly-users-globex.png");
    assert_has(
        run.reply(0),
        &[
            &format!(
                "Picture: {} — Weekly active users of Globex",
                chart.display()
            ),
            "health-trend-globex.png",
        ],
    );
    let png = std::fs::read(&chart).expect("the chart was written");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(!run.reply(1).contains("weekly-users"), "{}", run.reply(1));
    assert!(!images.join("weekly-users-soylent-foods.png").exists());
}
