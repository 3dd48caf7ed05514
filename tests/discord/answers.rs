//! How answers come back: autocomplete choices, buttons (share, confirm-then-change),
//! deferred commands completed by editing, long answers continued in follow-ups.

use serde_json::json;
use std::time::Duration;

use super::add_account;
use super::harness::{self, autocomplete, click, s, text_of, Harness, Options, JANE, MEMBER};
use super::spec::{assert_valid, Op};
use super::EPHEMERAL;

#[tokio::test]
async fn autocomplete_offers_at_most_25_names_prefix_first() {
    let h = Harness::start(Options::default()).await;
    for i in (0..30).rev() {
        add_account(&h, &format!("Acme {i:02}")).await;
    }
    add_account(&h, "Big Acme").await;
    add_account(&h, "Globex").await;
    let (status, answer) = h
        .send(&h.payload(
            autocomplete("account", "show", "account", "acme"),
            JANE,
            MEMBER,
        ))
        .await;
    assert_eq!(status, 200);
    assert_valid(Op::Callback, &answer);
    assert_eq!(answer["type"], 8);
    let choices = answer["data"]["choices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(choices.len(), 25);
    assert_eq!(choices[0], json!({"name": "Acme 00", "value": "Acme 00"}));
    assert!(choices
        .iter()
        .all(|c| c["name"].as_str().is_some_and(|n| n.starts_with("Acme"))));
    let (_, few) = h
        .send(&h.payload(
            autocomplete("account", "show", "account", "glbex"),
            JANE,
            MEMBER,
        ))
        .await;
    assert_eq!(
        few["data"]["choices"],
        json!([{"name": "Globex", "value": "Globex"}]),
        "a misspelling still finds it"
    );
    // A new account is offered at once (the name index follows the book).
    add_account(&h, "Globex Asia").await;
    let (_, more) = h
        .send(&h.payload(
            autocomplete("account", "show", "account", "glob"),
            JANE,
            MEMBER,
        ))
        .await;
    assert_eq!(more["data"]["choices"][1]["name"], "Globex Asia");
    // Autocomplete is a hint: a value typed past it is looked up again.
    let typed = h
        .command("account", "show", json!([s("account", "Acme 99")]))
        .await;
    assert!(
        text_of(&typed["data"]).contains("Acme 0"),
        "closest names offered: {typed}"
    );
}

#[tokio::test]
async fn share_button_answers_in_the_channel() {
    let h = Harness::start(Options::default()).await;
    add_account(&h, "Hooli").await;
    let answer = h
        .command("account", "show", json!([s("account", "Hooli")]))
        .await;
    let button = &answer["data"]["components"][0]["components"][0];
    assert_eq!(button["label"], "Share in channel");
    let custom_id = button["custom_id"].as_str().expect("custom id").to_string();
    let (status, shared) = h.send(&h.payload(click(&custom_id), JANE, MEMBER)).await;
    assert_eq!(status, 200);
    assert_valid(Op::Callback, &shared);
    assert_eq!(shared["type"], 4);
    assert!(
        shared["data"].get("flags").is_none(),
        "shared answers are public: {shared}"
    );
    assert!(text_of(&shared["data"]).contains("Hooli"));
}

#[tokio::test]
async fn mark_renewed_asks_before_changing_and_snooze_only_mutes() {
    let h = Harness::start(Options::default()).await;
    add_account(&h, "Stark").await;
    let (_, snoozed) = h
        .send(&h.payload(click("steward:snooze:Stark"), JANE, MEMBER))
        .await;
    assert_valid(Op::Callback, &snoozed);
    assert!(
        text_of(&snoozed["data"]).contains("Reminder for Stark muted until ")
            && text_of(&snoozed["data"]).contains("the renewal date stays 2026-06-30"),
        "{snoozed}"
    );
    let (_, ask) = h
        .send(&h.payload(click("steward:renewed:Stark"), JANE, MEMBER))
        .await;
    assert_valid(Op::Callback, &ask);
    assert_eq!(
        (ask["type"].clone(), ask["data"]["flags"].clone()),
        (json!(4), json!(EPHEMERAL))
    );
    let yes = ask["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .expect("confirm button")
        .to_string();
    let before = h
        .command("renewal", "show", json!([s("account", "Stark")]))
        .await;
    assert!(text_of(&before["data"]).contains("2026-06-30"), "{before}");
    let (_, done) = h.send(&h.payload(click(&yes), JANE, MEMBER)).await;
    assert_valid(Op::Callback, &done);
    assert_eq!(
        done["type"], 7,
        "the confirmation is replaced by the result"
    );
    let after = h
        .command("renewal", "show", json!([s("account", "Stark")]))
        .await;
    assert!(text_of(&after["data"]).contains("2027-06-30"), "{after}");
}

#[tokio::test]
async fn slow_commands_are_deferred_and_completed_by_editing() {
    let h = Harness::start(Options {
        deadline: Duration::ZERO,
        ..Options::default()
    })
    .await;
    let answer = h.command("steward", "whoami", json!([])).await;
    assert_eq!(answer, json!({"type": 5, "data": {"flags": EPHEMERAL}}));
    let edits = h
        .fake
        .wait_for("PATCH /webhooks/*/*/messages/@original", 1)
        .await;
    assert!(edits[0]
        .path
        .starts_with(&format!("/webhooks/{}/token-", harness::APP)));
    assert!(text_of(&edits[0].body).contains(JANE), "{:?}", edits[0]);
    h.fake.assert_clean();
}

#[tokio::test]
async fn long_answers_continue_in_ephemeral_follow_ups() {
    let h = Harness::start(Options::default()).await;
    let long = "A supplier consolidation may move the budget elsewhere ".repeat(5);
    add_account(&h, "Umbrella").await;
    for i in 0..30 {
        h.command(
            "plan",
            "risk",
            json!([s("account", "Umbrella"), s("text", &format!("{i}: {long}"))]),
        )
        .await;
    }
    let answer = h
        .command("plan", "show", json!([s("account", "Umbrella")]))
        .await;
    let follow_ups = h.fake.wait_for("POST /webhooks/*/*", 1).await;
    assert!(follow_ups.iter().all(|f| f.body["flags"] == EPHEMERAL));
    let all: String = std::iter::once(text_of(&answer["data"]))
        .chain(follow_ups.iter().map(|f| text_of(&f.body)))
        .collect();
    assert!(all.contains("29: A supplier"), "the whole answer arrives");
    h.fake.assert_clean();
}

/// Issue #21: "the question names the likely commands as buttons". `/steward ask` with a
/// change that needs a confirmation offers each command as a button; a press runs it as its
/// number typed would, once.
#[tokio::test]
async fn a_questions_commands_are_buttons_that_run_once() {
    let h = Harness::start(Options::default()).await;
    let asked = h
        .command(
            "steward",
            "ask",
            json!([s("prompt", "subscribe this channel to the weekly digest")]),
        )
        .await;
    let buttons: Vec<serde_json::Value> = asked["data"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter(|b| {
            b["custom_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("steward:pick:"))
        })
        .collect();
    let labels: Vec<&str> = buttons.iter().filter_map(|b| b["label"].as_str()).collect();
    assert_eq!(
        labels,
        ["/digest preview weekly", "/digest subscribe weekly"],
        "{asked}"
    );
    assert_eq!(buttons[1]["style"], 1, "the change to confirm is primary");
    let preview = buttons[0]["custom_id"].as_str().expect("custom id");
    let (status, ran) = h.send(&h.payload(click(preview), JANE, MEMBER)).await;
    assert_eq!(status, 200);
    assert_valid(Op::Callback, &ran);
    let text = text_of(&ran["data"]);
    assert!(text.contains("Running `/digest preview weekly`"), "{text}");
    let (_, again) = h.send(&h.payload(click(preview), JANE, MEMBER)).await;
    assert!(
        text_of(&again["data"]).contains("no open question offers that number"),
        "{again}"
    );
}
