//! The logs: captured at `trace` through Steward's own filter while requests are refused,
//! commands answered (a Zendesk signing secret set among them) and posts fail, they hold no
//! token, secret or signature.

use chrono::Utc;

use super::fake::{self, Fake, BOT_TOKEN};
use super::harness::{command_form, Harness, Options, ADMIN, SECRET};
use super::{logs, posting, socket};

const FORM: &str = "application/x-www-form-urlencoded";
/// A Zendesk signing secret set through the slash command.
const ZENDESK_SECRET: &str = "zd-slack-S3cret-4e1a";

#[tokio::test]
async fn logs_at_trace_hold_no_token_secret_or_signature() {
    let logs = logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    let body = command_form(
        "T1",
        None,
        "U1",
        "/account",
        "add Logged arr:5k renewal:+30d",
        &h.fake.response_url(),
    );
    h.raw(
        "/slack/commands",
        FORM,
        &[
            (
                "x-slack-request-timestamp",
                Utc::now().timestamp().to_string(),
            ),
            ("x-slack-signature", "v0=deadbeef".into()),
        ],
        body.clone().into_bytes(),
    )
    .await;
    h.signed("/slack/commands", FORM, body.as_bytes(), None, &[])
        .await;
    h.command("U1", "/account", "show Logged").await;
    let zendesk = h
        .command(
            ADMIN,
            "/steward",
            &format!("zendesk secret {ZENDESK_SECRET}"),
        )
        .await;
    let zendesk = zendesk.to_string();
    assert!(
        zendesk.contains("Zendesk secret set.") && !zendesk.contains(ZENDESK_SECRET),
        "{zendesk}"
    );
    assert!(
        zendesk.contains("\"ephemeral\""),
        "answered privately: {zendesk}"
    );
    h.fake
        .script("chat.postMessage", vec![fake::Canned::status(500)]);
    let _ = posting::post_once(&h, "weekly@C1").await;
    h.stop().await;
    tracing::info!("log capture check");
    let text = String::from_utf8_lossy(&logs.lock().unwrap_or_else(|p| p.into_inner())).to_string();
    assert!(text.contains("log capture check"), "the capture works");
    assert!(
        text.contains("401"),
        "refusals are logged (by kind): {text}"
    );
    for secret in [
        BOT_TOKEN,
        SECRET,
        "xoxb-",
        "xapp-",
        "v0=",
        socket::APP_TOKEN,
        ZENDESK_SECRET,
    ] {
        assert!(!text.contains(secret), "`{secret}` appears in the logs");
    }
}
