//! Weekly active users from stored events: `/health show` carries the 12-week chart — the
//! picture Slack and Discord attach and `console --images` writes — with its figures in words
//! once data arrived, and neither before; the Monday digest names the week's three biggest
//! usage movers, alike in `/digest preview weekly` and in the scheduled post.

use std::ops::Range;

use steward::picture::{Picture, WeeklyUsers};
use steward::reply::Reply;

use super::*;

/// A batch of track events of `account`'s users `users` on 2026-11-`day`.
fn used(account: &str, day: u32, users: Range<u32>) -> String {
    let batch: Vec<serde_json::Value> = users
        .map(|u| {
            json!({"type": "track", "userId": format!("{account}-{u}"), "event": "Report Created",
                   "context": {"groupId": account},
                   "timestamp": format!("2026-11-{day:02}T10:00:00Z")})
        })
        .collect();
    json!({ "batch": batch }).to_string()
}

fn chart(reply: &Reply) -> Option<&WeeklyUsers> {
    reply.pictures.iter().find_map(|p| match p {
        Picture::WeeklyUsers(w) => Some(w),
        _ => None,
    })
}

#[test]
fn health_show_attaches_the_weekly_users_chart_once_data_arrived() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    for line in [
        "/account add \"Acme Corp\" arr:80k renewal:2027-06-30 seats:10",
        "/account add Globex arr:50k renewal:2027-06-30 seats:10",
        "/health set \"Acme Corp\" adoption:3 roi:90",
        "/health set Globex adoption:3 roi:90",
    ] {
        exec(&app, at(1, 8), line);
    }
    let before = app.execute(&actor(), at(1, 9), "/health show \"Acme Corp\"");
    assert!(
        matches!(before.pictures[..], [Picture::HealthTrend(_)]),
        "{:?}",
        before.pictures
    );
    assert!(!render(&before).contains("Weekly active users"));

    // Three weeks: 9 users a day, then 6, then 3.
    for day in 1..=21u32 {
        let users = match day {
            1..=7 => 0..9,
            8..=14 => 0..6,
            _ => 0..3,
        };
        send(&app.store, &used("Acme Corp", day, users), at(day, 23));
    }
    let show = app.execute(&actor(), at(21, 23), "/health show \"Acme Corp\"");
    let text = render(&show);
    assert!(
        text.contains("Weekly active users (3 weeks to 2026-11-21): 9 → 6 → 3 of 10 seats."),
        "{text}"
    );
    let weekly = chart(&show).expect("the chart, once data arrived");
    let weeks: Vec<(String, usize)> = weekly
        .weeks
        .iter()
        .map(|w| (w.last_day.to_string(), w.users))
        .collect();
    assert_eq!(
        weeks,
        [
            ("2026-11-07".to_string(), 9),
            ("2026-11-14".to_string(), 6),
            ("2026-11-21".to_string(), 3)
        ]
    );
    assert_eq!(weekly.seats, Some(10));
    assert!(show
        .pictures
        .iter()
        .any(|p| matches!(p, Picture::HealthTrend(_))));
    assert_eq!(
        Picture::WeeklyUsers(weekly.clone()).file_name(),
        "weekly-users-acme-corp.png"
    );

    // An account no event names: no chart, no line, no error.
    let globex = app.execute(&actor(), at(21, 23), "/health show Globex");
    assert!(!globex.is_error());
    assert_eq!(chart(&globex), None);
    assert!(!render(&globex).contains("Weekly active users"));
}

/// The movers section of a digest: its heading and the bullets under it.
fn movers_section(digest: &str) -> Vec<&str> {
    let mut lines = digest
        .lines()
        .skip_while(|l| !l.starts_with("Biggest usage movers"));
    let heading = lines.next().into_iter();
    heading
        .chain(lines.take_while(|l| l.starts_with("- ")))
        .collect()
}

#[tokio::test]
async fn the_monday_digest_names_the_three_biggest_usage_movers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    // Weekly active users in the week of Nov 2–8, then of Nov 9–15.
    let accounts = [
        ("Acme Corp", 10, 5),
        ("Initech", 8, 12),
        ("Hooli", 6, 3),
        ("Globex", 20, 19),
        ("Umbrella", 4, 1),
    ];
    for (name, ..) in accounts {
        exec(
            &app,
            at(1, 8),
            &format!("/account add \"{name}\" arr:50k renewal:2027-06-30"),
        );
    }
    exec(&app, at(1, 8), "/digest subscribe weekly");
    for day in 2..=15u32 {
        for (name, before, after) in accounts {
            let users = if day <= 8 { 0..before } else { 0..after };
            send(&app.store, &used(name, day, users), at(day, 23));
        }
    }

    // Monday Nov 16: the last two whole weeks. All three at 50 %, by users changed.
    let preview = exec(&app, at(16, 8), "/digest preview weekly");
    let section = movers_section(&preview);
    assert_eq!(section.len(), 4, "{preview}");
    assert_eq!(
        section[0],
        "Biggest usage movers (weekly active users, the last 7 days vs the 7 before):"
    );
    for (line, (name, figures)) in section[1..].iter().zip([
        ("Acme Corp", "weekly active users 10 → 5 (−50 %)"),
        ("Initech", "weekly active users 8 → 12 (+50 %)"),
        ("Hooli", "weekly active users 6 → 3 (−50 %)"),
    ]) {
        assert!(line.starts_with(&format!("- {name} (")), "{line}");
        assert!(line.contains(figures), "{line}");
    }

    // The scheduled post says the same.
    let recorder = Recorder::default();
    let scheduler = Scheduler {
        app: &app,
        ports: &recorder,
        dry_run: false,
    };
    scheduler.run_due(at(16, 9)).await;
    let posts = recorder.0.lock().expect("lock").clone();
    let digest = posts
        .iter()
        .find(|(_, text)| text.starts_with("Weekly digest"))
        .map(|(_, text)| text.as_str())
        .expect("the weekly digest was posted");
    assert_eq!(movers_section(digest), section);
}
