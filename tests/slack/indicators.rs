//! An indicator's direct message on Slack: its buttons (*Show health*, *Start save play*,
//! *Snooze 14 days*), clicked with signed `block_actions` requests — the owner's and an
//! admin's clicks run their command lines, a stranger's gets an ephemeral refusal and changes
//! nothing — and a snooze holds the next message for 14 days.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::fake::Fake;
use super::harness::{block_action, block_text, Harness, Options, ADMIN};
use super::logs;
use steward::domain::account::Account;
use steward::domain::signals::IndicatorKind;
use steward::domain::tenant::TenantId;
use steward::scheduler::port::OnePort;
use steward::scheduler::Scheduler;
use steward::slack::port::SlackPort;

fn t1() -> TenantId {
    TenantId::parse("slack:T1").expect("tenant")
}

fn acme(h: &Harness) -> Account {
    super::acme_indicators::acme(&h.app.store, &t1())
}

/// Acme's indicators as the daily recompute would leave them.
fn set_indicators(h: &Harness, kinds: &[IndicatorKind], now: DateTime<Utc>) {
    super::acme_indicators::set_indicators(&h.app.store, &t1(), kinds, now);
}

/// The indicator messages posted to U1 so far.
fn indicator_dms(h: &Harness) -> Vec<Value> {
    h.fake
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|m| m["channel"] == "DU1")
        .filter(|m| {
            m["metadata"]["event_payload"]["marker"]
                .as_str()
                .is_some_and(|marker| marker.contains(":indicators@dm:"))
        })
        .collect()
}

/// Clicks `action_id` for Acme as `user`; the answer sent through `response_url`.
async fn click(h: &Harness, action_id: &str, user: &str, answers_so_far: usize) -> Value {
    h.interaction(&block_action(
        action_id,
        "Acme Corp",
        user,
        &h.fake.response_url(),
    ))
    .await;
    let answers = h.fake.wait_for("response_url", answers_so_far + 1).await;
    answers[answers_so_far].clone()
}

fn text_of(message: &Value) -> String {
    format!("{}\n{}", message["text"], block_text(message))
}

#[tokio::test]
async fn indicator_buttons_act_for_the_owner_or_an_admin_and_refuse_anyone_else() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    let answer = h
        .command(
            ADMIN,
            "/account",
            "add \"Acme Corp\" arr:50k renewal:+200d owner:<@U1>",
        )
        .await;
    assert!(!text_of(&answer).contains("error"), "{answer}");
    let now = Utc::now();
    set_indicators(&h, &[IndicatorKind::UsageDrop], now);
    let ports = OnePort(SlackPort::new(h.slack.clone()));
    let scheduler = Scheduler {
        app: &h.app,
        ports: &ports,
        dry_run: false,
    };
    scheduler.run_due(now).await;

    // One message to the owner, with the three buttons for the account.
    let dms = indicator_dms(&h);
    assert_eq!(dms.len(), 1, "{dms:#?}");
    assert!(
        text_of(&dms[0]).contains("Risk indicator for"),
        "{}",
        dms[0]
    );
    let buttons: Vec<&Value> = dms[0]["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .collect();
    let shown: Vec<(&str, &str)> = buttons
        .iter()
        .map(|b| {
            (
                b["action_id"].as_str().unwrap_or_default(),
                b["text"]["text"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("steward_health", "Show health"),
            ("steward_save-product-gap", "Start save play"),
            ("steward_snooze14", "Snooze 14 days"),
        ]
    );
    assert!(buttons.iter().all(|b| b["value"] == "Acme Corp"));

    // A stranger's clicks: refused to them alone; nothing changes.
    let before = acme(&h);
    for (i, action) in [
        "steward_snooze14",
        "steward_save-product-gap",
        "steward_health",
    ]
    .into_iter()
    .enumerate()
    {
        let refused = click(&h, action, "U2", i).await;
        assert_eq!(refused["response_type"], "ephemeral", "{refused}");
        assert!(
            text_of(&refused).contains(
                "Only Acme Corp's owner or an admin can use this button; nothing was changed."
            ),
            "{refused}"
        );
    }
    let after = acme(&h);
    assert_eq!(after, before, "a stranger's clicks change nothing");
    let history = h
        .app
        .store
        .history(&t1(), Some(after.id), 1)
        .expect("history");
    assert!(history.entries.iter().all(|e| e.actor.0 != "U2"));

    // The owner's: each runs its line, as the owner.
    let health = click(&h, "steward_health", "U1", 3).await;
    assert!(text_of(&health).contains("Health — Acme Corp"), "{health}");
    assert!(text_of(&health).contains("usage drop"), "{health}");
    let saved = click(&h, "steward_save-product-gap", "U1", 4).await;
    assert!(!text_of(&saved).contains("error"), "{saved}");
    let play = acme(&h).save_play.expect("a save play started");
    assert_eq!(play.cause.name(), "product-gap");
    assert_eq!(play.owner.user().map(|u| u.0.as_str()), Some("U1"));
    let history = h
        .app
        .store
        .history(&t1(), Some(after.id), 1)
        .expect("history");
    assert!(
        history.entries.iter().any(|e| e.actor.0 == "U1"
            && e.command == "/atrisk save \"Acme Corp\" cause:product-gap owner:<@U1>"),
        "audited as the owner"
    );
    // An admin may press them too.
    let snoozed = click(&h, "steward_snooze14", ADMIN, 5).await;
    let today = now.date_naive();
    let until = today + Duration::days(14);
    assert!(
        text_of(&snoozed).contains(&format!(
            "Indicator messages about Acme Corp snoozed until {until}"
        )),
        "{snoozed}"
    );
    assert_eq!(acme(&h).indicators_snoozed_until, Some(until));

    // The next cause waits out the snooze: not on day 13, once on day 14.
    set_indicators(
        &h,
        &[IndicatorKind::UsageDrop, IndicatorKind::TicketSpike],
        now,
    );
    scheduler.run_due(now + Duration::hours(1)).await;
    scheduler.run_due(now + Duration::days(13)).await;
    assert_eq!(indicator_dms(&h).len(), 1, "held while snoozed");
    scheduler.run_due(now + Duration::days(14)).await;
    scheduler
        .run_due(now + Duration::days(14) + Duration::minutes(5))
        .await;
    let dms = indicator_dms(&h);
    assert_eq!(dms.len(), 2, "{dms:#?}");
    assert!(text_of(&dms[1]).contains("ticket spike"), "{}", dms[1]);
    h.fake.assert_clean();
    h.stop().await;
}
