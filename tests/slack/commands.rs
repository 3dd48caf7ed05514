//! Slash commands and interactivity: every command group, ephemeral answers with 'Share',
//! user references, admin rights, guests and other organizations, slow commands through
//! `response_url`, buttons and the '/account add' modal.

use serde_json::{json, Value};
use std::time::Duration;

use super::fake::Fake;
use super::harness::{block_action, block_text, Harness, Options, ADMIN};
use super::logs;
use steward::domain::tenant::TenantId;

fn t1() -> TenantId {
    TenantId::parse("slack:T1").expect("tenant")
}

fn text_of(answer: &Value) -> String {
    format!(
        "{}\n{}",
        answer["text"].as_str().unwrap_or_default(),
        block_text(answer)
    )
}

fn is_error(answer: &Value) -> bool {
    answer["text"]
        .as_str()
        .unwrap_or_default()
        .starts_with("error")
}

fn has_share(answer: &Value) -> bool {
    answer["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|b| b["elements"][0]["action_id"] == "steward_share")
}

#[tokio::test]
async fn every_command_group_answers_in_slack() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options {
            prefix: "sw-".into(),
            ..Options::default()
        },
    )
    .await;
    let steps: [(&str, &str, &str); 14] = [
        (
            ADMIN,
            "/sw-account",
            "add \"Acme Corp\" arr:50k renewal:+100d owner:<@U123|jane>",
        ),
        ("U1", "/sw-account", "show \"Acme Corp\""),
        (
            "U1",
            "/sw-stakeholder",
            "add \"Acme Corp\" \"Jane Doe\" role:champion",
        ),
        ("U1", "/sw-health", "set \"Acme Corp\" usage:85 nps:9"),
        ("U1", "/sw-renewal", "list"),
        (
            "U1",
            "/sw-expansion",
            "add \"Acme Corp\" type:seat value:25k",
        ),
        ("U1", "/sw-qbr", "schedule \"Acme Corp\" date:+30d"),
        ("U1", "/sw-plan", "goal \"Acme Corp\" Expand into EMEA"),
        ("U1", "/sw-atrisk", "list"),
        ("U1", "/sw-portfolio", "summary"),
        (ADMIN, "/sw-digest", "subscribe weekly"),
        ("U1", "/sw-digest", "list"),
        ("U1", "/sw-steward", "help"),
        ("U1", "/sw-steward", "whoami"),
    ];
    for (user, command, text) in steps {
        let answer = h.command(user, command, text).await;
        assert_eq!(
            answer["response_type"], "ephemeral",
            "{command} {text}: {answer}"
        );
        assert!(!is_error(&answer), "{command} {text}: {}", text_of(&answer));
        let reads =
            steward::actions::is_read_only(&format!("{} {text}", command.replace("sw-", "")));
        assert_eq!(
            has_share(&answer),
            reads,
            "{command} {text}: share button only on reads"
        );
    }
    let show = h.command("U1", "/sw-account", "show \"Acme Corp\"").await;
    assert!(
        block_text(&show).contains("<@U123>"),
        "the owner is a real mention: {show}"
    );
    let book = h.app.store.book(&t1()).expect("book");
    let subscriptions = book.read().expect("lock").settings.subscriptions.clone();
    assert_eq!(subscriptions.len(), 1);
    assert_eq!(
        subscriptions[0].channel, "C1",
        "subscribed where the command was typed"
    );
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn admin_commands_need_steward_admins_and_guests_or_strangers_are_refused() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let fake = Fake::start().await;
    fake.user(
        "UGUEST",
        json!({"id": "UGUEST", "team_id": "T1", "is_restricted": true}),
    );
    fake.user(
        "USINGLE",
        json!({"id": "USINGLE", "team_id": "T1", "is_ultra_restricted": true}),
    );
    fake.user("UEXT", json!({"id": "UEXT", "team_id": "T9"}));
    let h = Harness::start(&dir.path().join("db"), fake, Options::default()).await;
    h.command("U1", "/account", "add Acme arr:50k renewal:+100d")
        .await;
    let refused = h.command("U1", "/account", "remove Acme").await;
    assert!(
        is_error(&refused) && text_of(&refused).contains("admin"),
        "{refused}"
    );
    for user in ["UGUEST", "USINGLE", "UEXT"] {
        let answer = h.command(user, "/account", "show Acme").await;
        let text = text_of(&answer);
        assert!(
            text.contains("guest") || text.contains("organization"),
            "{user}: {text}"
        );
        assert!(!text.contains("ARR"), "{user} saw account data: {text}");
        h.command(user, "/account", "add Sneaky arr:1k renewal:+10d")
            .await;
    }
    let book = h.app.store.book(&t1()).expect("book");
    assert!(book.read().expect("lock").by_name("Sneaky").is_none());
    let removed = h.command(ADMIN, "/account", "remove Acme").await;
    assert!(!is_error(&removed), "{removed}");
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn slow_commands_are_acknowledged_at_once_and_answered_through_response_url() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options {
            deadline: Duration::ZERO,
            ..Options::default()
        },
    )
    .await;
    let ack = h.command("U1", "/portfolio", "summary").await;
    assert_eq!(ack, Value::Null, "an empty 200");
    let answers = h.fake.wait_for("response_url", 1).await;
    assert_eq!(answers[0]["response_type"], "ephemeral");
    assert!(answers[0]["text"].as_str().is_some_and(|t| !t.is_empty()));
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn buttons_run_their_command_with_rights_and_audit() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    h.command("U1", "/account", "add \"Acme Corp\" arr:50k renewal:+20d")
        .await;
    let (status, _) = h
        .interaction(&block_action(
            "steward_followup",
            "Acme Corp",
            "U2",
            &h.fake.response_url(),
        ))
        .await;
    assert_eq!(status, 200);
    let answer = &h.fake.wait_for("response_url", 1).await[0];
    assert_eq!(answer["response_type"], "ephemeral", "{answer}");
    let book = h.app.store.book(&t1()).expect("book");
    let account = book
        .read()
        .expect("lock")
        .by_name("Acme Corp")
        .cloned()
        .expect("account");
    assert_eq!(account.renewal.unanswered_followups(), 1);
    let history = h
        .app
        .store
        .history(&t1(), Some(account.id), 1)
        .expect("history");
    assert!(
        history
            .entries
            .iter()
            .any(|e| e.command == "/renewal followup \"Acme Corp\"" && e.actor.0 == "U2"),
        "audited as the clicker"
    );

    h.interaction(&block_action(
        "steward_share",
        "/account show \"Acme Corp\"",
        "U1",
        &h.fake.response_url(),
    ))
    .await;
    let shared = h.fake.wait_for("response_url", 2).await;
    assert_eq!(shared[1]["response_type"], "in_channel", "{}", shared[1]);
    assert!(block_text(&shared[1]).contains("Acme Corp"));
    // A 'Share' of a command that writes is not run.
    h.interaction(&block_action(
        "steward_share",
        "/account remove \"Acme Corp\"",
        ADMIN,
        &h.fake.response_url(),
    ))
    .await;
    // Unsigned clicks never arrive.
    let unsigned = format!(
        "payload={}",
        block_action("steward_renewed", "Acme Corp", "U1", "http://x/")
    );
    assert_eq!(
        h.raw(
            "/slack/interactivity",
            "application/x-www-form-urlencoded",
            &[],
            unsigned.into_bytes()
        )
        .await
        .0,
        401
    );
    h.interaction(&block_action(
        "steward_snooze",
        "Acme Corp",
        "U1",
        &h.fake.response_url(),
    ))
    .await;
    let answers = h.fake.wait_for("response_url", 3).await;
    let after = book
        .read()
        .expect("lock")
        .by_name("Acme Corp")
        .cloned()
        .expect("not removed");
    let until = after.renewal.snoozed_until.expect("snoozed");
    assert_eq!(
        (after.renewal_date, after.renewal.extended_days),
        (account.renewal_date, 0),
        "a snooze mutes the reminder; the renewal date stays"
    );
    assert_eq!(
        answers[2]["text"].as_str(),
        Some(
            format!(
                "Reminder for Acme Corp muted until {until}; the renewal date stays {}.",
                account.renewal_date
            )
            .as_str()
        ),
        "{}",
        answers[2]
    );
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn account_add_without_arguments_opens_a_modal() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    assert_eq!(h.command("U1", "/account", "add").await, Value::Null);
    let opened = &h.fake.wait_for("views.open", 1).await[0];
    assert_eq!(opened["view"]["callback_id"], "steward_account_add");
    let submission = |name: &str, arr: &str| {
        json!({
            "type": "view_submission",
            "team": {"id": "T1", "domain": "example"},
            "user": {"id": "U1", "username": "someone", "team_id": "T1"},
            "api_app_id": "A1",
            "trigger_id": "1.2.3",
            "view": {
                "id": "V1", "team_id": "T1", "type": "modal", "callback_id": "steward_account_add", "private_metadata": "C1",
                "title": {"type": "plain_text", "text": "Add an account"}, "blocks": opened["view"]["blocks"],
                "state": {"values": {
                    "name": {"value": {"type": "plain_text_input", "value": name}},
                    "arr": {"value": {"type": "plain_text_input", "value": arr}},
                    "renewal": {"value": {"type": "datepicker", "selected_date": "2031-03-31"}},
                    "owner": {"value": {"type": "users_select", "selected_user": "U7"}},
                    "tier": {"value": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": "Tier 2"}, "value": "2"}}},
                    "industry": {"value": {"type": "plain_text_input", "value": null}},
                }},
            },
        })
    };
    let (_, bad) = h.interaction(&submission("Globex", "lots")).await;
    let bad: Value = serde_json::from_str(&bad).expect("json");
    assert_eq!(bad["response_action"], "errors", "{bad}");
    assert!(bad["errors"]["arr"].is_string(), "{bad}");
    let (_, good) = h.interaction(&submission("Globex", "75k")).await;
    let good: Value = serde_json::from_str(&good).expect("json");
    assert_eq!(good["response_action"], "update", "{good}");
    let book = h.app.store.book(&t1()).expect("book");
    let account = book
        .read()
        .expect("lock")
        .by_name("Globex")
        .cloned()
        .expect("added");
    assert_eq!(account.arr.0, 75_000);
    h.fake.assert_clean();
    h.stop().await;
}
