//! The Events API: `url_verification`, prompts by mention and DM, retries deduplicated (also
//! across a restart), bots ignored, a question's offered commands as buttons, the App Home
//! view.

use serde_json::{json, Value};

use super::fake::Fake;
use super::harness::{block_action, block_text, Harness, Options, ADMIN};
use super::logs;

fn envelope(event_id: &str, event: Value) -> Value {
    json!({
        "token": "XXYYZZ",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1700000000,
        "authorizations": [{"enterprise_id": null, "team_id": "T1", "user_id": "UBOT", "is_bot": true, "is_enterprise_install": false}],
        "is_ext_shared_channel": false,
    })
}

fn mention(user: &str, text: &str) -> Value {
    json!({"type": "app_mention", "user": user, "text": text, "ts": "1700000000.000100", "channel": "C1", "event_ts": "1700000000.000100"})
}

#[tokio::test]
async fn url_verification_echoes_the_challenge() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    let (status, body) = h.event(&json!({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json")["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    h.stop().await;
}

#[tokio::test]
async fn prompts_are_answered_once_even_when_slack_retries_or_steward_restarts() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let fake = Fake::start().await;
    let h = Harness::start(&db, fake.clone(), Options::default()).await;
    h.command("U1", "/account", "add \"Acme Corp\" arr:50k renewal:+100d")
        .await;
    let injected = "<@UBOT> how is Acme? <!channel> <!here> @everyone";
    assert_eq!(
        h.event(&envelope("Ev1", mention("U1", injected)), &[])
            .await
            .0,
        200
    );
    let posts = fake.wait_for("chat.postMessage", 1).await;
    assert_eq!(posts[0]["channel"], "C1");
    assert_eq!(
        posts[0]["thread_ts"], "1700000000.000100",
        "answered in the mention's thread"
    );
    let said = format!("{}{}", posts[0]["text"], block_text(&posts[0]));
    assert!(!said.trim().is_empty(), "{said}");
    assert!(
        !said.contains("<!") && !said.contains("<@U"),
        "no mass mention or mention from user text: {said}"
    );
    // Slack's retry of the same event.
    let retry = [
        ("x-slack-retry-num", "1".to_string()),
        ("x-slack-retry-reason", "http_timeout".to_string()),
    ];
    assert_eq!(
        h.event(&envelope("Ev1", mention("U1", injected)), &retry)
            .await
            .0,
        200
    );
    // A bot's DM, Steward's own DM echo, and an edit are ignored.
    let bot = json!({"type": "message", "channel_type": "im", "channel": "D1", "user": "U2", "bot_id": "B2", "text": "beep", "ts": "1.1"});
    let own = json!({"type": "message", "channel_type": "im", "channel": "D1", "user": "UBOT", "text": "I can't read", "ts": "1.2"});
    let edit = json!({"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "D1", "ts": "1.3"});
    for (id, event) in [("Ev2", bot), ("Ev3", own), ("Ev4", edit)] {
        assert_eq!(h.event(&envelope(id, event), &[]).await.0, 200);
    }
    let dm = json!({"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "how healthy is Acme Corp?", "ts": "1.4"});
    h.event(&envelope("Ev5", dm), &[]).await;
    let posts = fake.wait_for("chat.postMessage", 2).await;
    assert_eq!(posts[1]["channel"], "D1");
    let answer = format!("{}{}", posts[1]["text"], block_text(&posts[1]));
    assert!(
        answer.contains("Acme Corp"),
        "the prompt reader answered: {answer}"
    );
    h.stop().await;

    // After a restart the retry is still recognised: only the new event is answered.
    let h = Harness::start(&db, fake.clone(), Options::default()).await;
    let retry = [("x-slack-retry-num", "2".to_string())];
    assert_eq!(
        h.event(&envelope("Ev1", mention("U1", injected)), &retry)
            .await
            .0,
        200
    );
    h.event(&envelope("Ev6", mention("U1", "hi")), &[]).await;
    let posts = fake.wait_for("chat.postMessage", 3).await;
    assert_eq!(
        posts.len(),
        3,
        "Ev1, Ev5 and Ev6 answered once each: {posts:#?}"
    );
    fake.assert_clean();
    h.stop().await;
}

/// Issue #21: "the question names the likely commands as buttons". A prompt that needs a
/// confirmation gets one button per offered command; a press runs it once, as its number
/// typed would, and a second press finds the question answered.
#[tokio::test]
async fn a_question_offers_its_commands_as_buttons_that_run_once() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    h.command("U1", "/account", "add \"Acme Corp\" arr:50k renewal:+100d")
        .await;
    h.event(
        &envelope("EvQ", mention(ADMIN, "<@UBOT> remove Acme Corp")),
        &[],
    )
    .await;
    let posts = h.fake.wait_for("chat.postMessage", 1).await;
    let buttons: Vec<&Value> = posts[0]["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["block_id"] == "steward_choices")
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .collect();
    let remove = buttons
        .iter()
        .find(|b| b["text"]["text"] == "/account remove \"Acme Corp\"")
        .unwrap_or_else(|| panic!("a button for the removal: {:#}", posts[0]));
    assert_eq!(
        remove["style"], "primary",
        "the change to confirm stands out"
    );
    let (action_id, value) = (
        remove["action_id"].as_str().expect("action id"),
        remove["value"].as_str().expect("value"),
    );
    for pressed in 1..=2 {
        h.interaction(&block_action(
            action_id,
            value,
            ADMIN,
            &h.fake.response_url(),
        ))
        .await;
        h.fake.wait_for("response_url", pressed).await;
    }
    let answers = h.fake.wait_for("response_url", 2).await;
    let first = format!("{}{}", answers[0]["text"], block_text(&answers[0]));
    assert!(
        first.contains("Running `/account remove \"Acme Corp\"`"),
        "{first}"
    );
    let second = format!("{}{}", answers[1]["text"], block_text(&answers[1]));
    assert!(
        second.contains("no open question offers that number"),
        "{second}"
    );
    let shown = h.command("U1", "/account", "show \"Acme Corp\"").await;
    assert!(
        shown.to_string().contains("not found"),
        "removed once: {shown}"
    );
    h.stop().await;
}

#[tokio::test]
async fn app_home_shows_the_users_accounts_renewals_and_risks() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    h.command(
        "U1",
        "/account",
        "add \"Acme Corp\" arr:50k renewal:+40d owner:<@U1>",
    )
    .await;
    h.command(
        "U1",
        "/account",
        "add Globex arr:90k renewal:+300d owner:<@U1>",
    )
    .await;
    h.command(
        "U1",
        "/account",
        "add Initech arr:70k renewal:+20d owner:<@U9>",
    )
    .await;
    h.command("U1", "/health", "set Globex usage:10 nps:2 adoption:1")
        .await;
    let opened = json!({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1.5"});
    assert_eq!(h.event(&envelope("EvHome", opened), &[]).await.0, 200);
    let published = &h.fake.wait_for("views.publish", 1).await[0];
    assert_eq!(published["user_id"], "U1");
    assert_eq!(published["view"]["type"], "home");
    let text = block_text(&published["view"]);
    assert!(
        text.contains("Acme Corp") && text.contains("Globex"),
        "{text}"
    );
    assert!(!text.contains("Initech"), "someone else's account: {text}");
    let renewals = text.split("At risk").next().unwrap_or_default();
    assert!(
        renewals.contains("T-60"),
        "Acme renews within 120 days: {text}"
    );
    assert!(
        text.split("At risk")
            .nth(1)
            .is_some_and(|risks| risks.contains("Globex")),
        "{text}"
    );
    h.fake.assert_clean();
    h.stop().await;
}
