//! Add to Slack end to end: the install page and redirect against the fake's
//! `oauth.v2.access`, two workspaces and an org-wide Enterprise Grid install; then signed
//! slash commands from each reach their own book and every call goes out with their own
//! token; token rotation, `invalid_grant`, uninstall and revocation; forged, replayed and
//! expired `state`s; logs at `trace` without a token, code or the client secret.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use super::fake::{Fake, CLIENT_SECRET};
use super::harness::{block_text, command_form, Harness, Options};
use super::logs;
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::reply::Reply;
use steward::scheduler::port::{ChatPort, Post, Target};
use steward::slack::port::SlackPort;

const FORM: &str = "application/x-www-form-urlencoded";
const APP: &str = "A0STEWARD";

/// A clock that tests move forward.
struct Moving(Arc<AtomicI64>);

impl Moving {
    fn start() -> (Moving, steward::slack::Clock) {
        let offset = Arc::new(AtomicI64::new(0));
        let reading = offset.clone();
        let clock: steward::slack::Clock =
            Arc::new(move || Utc::now() + Duration::seconds(reading.load(Ordering::SeqCst)));
        (Moving(offset), clock)
    }

    fn advance(&self, by: Duration) {
        self.0.fetch_add(by.num_seconds(), Ordering::SeqCst);
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.0.load(Ordering::SeqCst))
    }
}

async fn start(dir: &tempfile::TempDir, clock: Option<steward::slack::Clock>) -> Harness {
    let fake = Fake::start().await;
    let options = Options {
        oauth: true,
        clock,
        ..Options::default()
    };
    Harness::start(&dir.path().join("db"), fake, options).await
}

fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("tenant")
}

/// What `oauth.v2.access` answers for a workspace install.
fn workspace(team: &str, token: &str, installer: &str) -> Value {
    json!({"ok": true, "access_token": token, "token_type": "bot", "scope": "commands,chat:write,users:read", "bot_user_id": format!("UBOT{team}"), "app_id": APP, "team": {"id": team, "name": format!("Team {team}")}, "enterprise": null, "authed_user": {"id": installer}, "is_enterprise_install": false})
}

/// ... for an org-wide Enterprise Grid install.
fn org_wide(enterprise: &str, token: &str, installer: &str) -> Value {
    json!({"ok": true, "access_token": token, "token_type": "bot", "scope": "commands,chat:write,users:read", "bot_user_id": "UBOTORG", "app_id": APP, "team": null, "enterprise": {"id": enterprise, "name": "Grid Org"}, "authed_user": {"id": installer}, "is_enterprise_install": true})
}

/// ... with token rotation on.
fn rotating(mut grant: Value, refresh: &str) -> Value {
    grant["refresh_token"] = json!(refresh);
    grant["expires_in"] = json!(43_200);
    grant
}

/// The install page's `state` and the cookie it set.
async fn begin(h: &Harness) -> (String, String) {
    let (status, headers, page) = h.get("/slack/install", None).await;
    assert_eq!(status, 200, "{page}");
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a state cookie")
        .to_string();
    let pair = cookie.split(';').next().expect("name=value").to_string();
    let start = page.find("href=\"").expect("the button's link") + 6;
    let link = page[start..]
        .split('"')
        .next()
        .expect("link")
        .replace("&amp;", "&");
    let link = url::Url::parse(&link).expect("an absolute link");
    let state = link
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.to_string())
        .expect("a state");
    (state, pair)
}

/// Installs through the page and the redirect with `code`; the redirect's status and page.
async fn install(h: &Harness, code: &str) -> (u16, String) {
    let (state, cookie) = begin(h).await;
    let (status, _, page) = h
        .get(
            &format!("/slack/oauth_redirect?code={code}&state={state}"),
            Some(&cookie),
        )
        .await;
    (status, page)
}

/// A slash command from `user` of `team` (in `enterprise`), signed at `at`; its answer.
async fn command(
    h: &Harness,
    at: DateTime<Utc>,
    (enterprise, team, user): (Option<&str>, &str, &str),
    group: &str,
    text: &str,
) -> Value {
    let body = command_form(team, enterprise, user, group, text, &h.fake.response_url());
    let (status, answer) = h
        .signed(
            "/slack/commands",
            FORM,
            body.as_bytes(),
            Some(at.timestamp()),
            &[],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    serde_json::from_str(&answer).unwrap_or(Value::Null)
}

fn text_of(answer: &Value) -> String {
    format!(
        "{}\n{}",
        answer["text"].as_str().unwrap_or_default(),
        block_text(answer)
    )
}

/// A post of `tenant`'s as the scheduler makes it.
fn post(tenant: &str) -> Post {
    Post {
        marker: format!(
            "steward:{tenant}:weekly@C1:2026-03-02:{}",
            Utc::now().timestamp()
        ),
        reply: Reply::new().heading("Weekly digest").line("All quiet."),
    }
}

/// Every call with a token, by the token; panics on a call whose token is not `expected`'s.
fn assert_tokens(h: &Harness, user_tokens: &[(&str, &str)]) {
    for call in h.fake.calls() {
        if call.method != "users.info" {
            continue;
        }
        let user = call.args["user"].as_str().unwrap_or_default();
        if let Some((_, token)) = user_tokens.iter().find(|(u, _)| *u == user) {
            assert_eq!(&call.token, token, "users.info for {user}");
        }
    }
}

fn assert_logs_hold_none_of(secrets: &[&str]) {
    let captured = String::from_utf8_lossy(&logs().lock().expect("logs").clone()).to_string();
    for secret in secrets.iter().chain([&CLIENT_SECRET]) {
        assert!(!captured.contains(secret), "the logs hold {secret}");
    }
}

#[tokio::test]
async fn two_workspaces_and_an_org_wide_install_each_use_their_own_token() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = start(&dir, None).await;
    let (a, b, org) = ("xoxb-A-1111-aaaa", "xoxb-B-2222-bbbb", "xoxb-O-3333-oooo");
    h.fake.grant("code-a", workspace("TA", a, "UA"));
    h.fake.grant("code-b", workspace("TB", b, "UB"));
    h.fake.grant("code-org", org_wide("E1", org, "UO"));
    h.fake.user("UA", json!({"id": "UA", "team_id": "TA"}));
    h.fake.user("UB", json!({"id": "UB", "team_id": "TB"}));
    h.fake.user(
        "UO",
        json!({"id": "UO", "team_id": "TO", "enterprise_user": {"enterprise_id": "E1"}}),
    );
    for (code, place) in [
        ("code-a", "Team TA"),
        ("code-b", "Team TB"),
        ("code-org", "Grid Org"),
    ] {
        let (status, page) = install(&h, code).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains("Steward is installed") && page.contains(place),
            "{page}"
        );
        assert!(page.contains(&format!(
            "https://slack.com/app_redirect?app={APP}&amp;team="
        )));
    }
    let installs = h.app.store.installations().expect("installations");
    let keys: Vec<_> = installs
        .iter()
        .map(|i| (i.enterprise_id.clone(), i.team_id.clone()))
        .collect();
    assert_eq!(
        keys,
        [
            (None, Some("TA".to_string())),
            (None, Some("TB".to_string())),
            (Some("E1".to_string()), None),
        ]
    );
    let now = Utc::now();
    let (ta, tb, to) = (
        (None, "TA", "UA"),
        (None, "TB", "UB"),
        (Some("E1"), "TO", "UO"),
    );
    for (who, name) in [(ta, "Alpha Co"), (tb, "Beta Co"), (to, "Org Co")] {
        let added = command(
            &h,
            now,
            who,
            "/account",
            &format!("add \"{name}\" arr:10k renewal:+100d"),
        )
        .await;
        assert!(text_of(&added).contains(name), "{added}");
    }
    for (who, own, others) in [
        (ta, "Alpha Co", ["Beta Co", "Org Co"]),
        (tb, "Beta Co", ["Alpha Co", "Org Co"]),
        (to, "Org Co", ["Alpha Co", "Beta Co"]),
    ] {
        let list = text_of(&command(&h, now, who, "/account", "list").await);
        assert!(list.contains(own), "{list}");
        assert!(others.iter().all(|o| !list.contains(o)), "{list}");
    }
    for (id, name) in [
        ("slack:TA", "Alpha Co"),
        ("slack:TB", "Beta Co"),
        ("slack:E1:TO", "Org Co"),
    ] {
        let book = h.app.store.book(&tenant(id)).expect("book");
        let book = book.read().expect("lock");
        let names: Vec<_> = book.accounts().map(|a| a.name.clone()).collect();
        assert_eq!(names, [name], "{id}");
    }
    assert_tokens(&h, &[("UA", a), ("UB", b), ("UO", org)]);
    // Scheduled posts (to a channel and to a DM) go out with their workspace's token.
    let port = SlackPort::new(h.slack.clone());
    for (id, token) in [("slack:TA", a), ("slack:TB", b), ("slack:E1:TO", org)] {
        let before = h.fake.tokens_of("chat.postMessage").len();
        port.post(&Target::Channel("C1".into()), &post(id))
            .await
            .expect("posted");
        port.post(&Target::Direct(UserId("U9".into())), &post(id))
            .await
            .expect("posted");
        let tokens = h.fake.tokens_of("chat.postMessage");
        assert_eq!(tokens[before..], [token, token], "{id}");
        assert_eq!(
            h.fake
                .tokens_of("conversations.open")
                .last()
                .map(String::as_str),
            Some(token)
        );
    }
    // A workspace with no installation gets the reinstall answer, and Slack is never called.
    let calls = h.fake.calls().len();
    let stranger = text_of(&command(&h, now, (None, "TZ", "UZ"), "/account", "list").await);
    assert!(
        stranger.contains("not installed")
            && stranger.contains(&format!("{}/slack/install", h.base)),
        "{stranger}"
    );
    assert_eq!(h.fake.calls().len(), calls);
    // Installations are not part of an export, sealed or not.
    let mut exported = Vec::new();
    steward::transfer::export(
        &h.app.store,
        &tenant("slack:TA"),
        steward::transfer::ExportFormat::Json,
        now,
        chrono_tz::UTC,
        &mut exported,
    )
    .expect("export");
    let exported = String::from_utf8_lossy(&exported);
    assert!(
        exported.contains("Alpha Co") && !exported.contains("xoxb") && !exported.contains("UBOTTA")
    );
    h.fake.assert_clean();
    assert_logs_hold_none_of(&[a, b, org, "code-a", "code-org"]);
    h.stop().await;
}

#[tokio::test]
async fn tokens_rotate_before_expiry_and_invalid_grant_asks_for_reinstall() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let (clock, moving) = Moving::start();
    let h = start(&dir, Some(moving)).await;
    let (r1, r2, s1) = (
        "xoxe.xoxb-R-1-rrrr",
        "xoxe.xoxb-R-2-rrrr",
        "xoxe.xoxb-S-1-ssss",
    );
    h.fake.grant(
        "code-r",
        rotating(workspace("TR", r1, "UR"), "xoxe-1-refresh-R1"),
    );
    h.fake.grant(
        "code-s",
        rotating(workspace("TS", s1, "US"), "xoxe-1-refresh-S1"),
    );
    h.fake.refresh(
        "xoxe-1-refresh-R1",
        rotating(workspace("TR", r2, "UR"), "xoxe-1-refresh-R2"),
    );
    h.fake.refresh(
        "xoxe-1-refresh-S1",
        json!({"ok": false, "error": "invalid_grant"}),
    );
    h.fake.user("UR", json!({"id": "UR", "team_id": "TR"}));
    h.fake.user("US", json!({"id": "US", "team_id": "TS"}));
    for code in ["code-r", "code-s"] {
        assert_eq!(install(&h, code).await.0, 200);
    }
    let refreshes = |h: &Harness| {
        h.fake
            .calls_to("oauth.v2.access")
            .into_iter()
            .filter(|a| a["grant_type"] == "refresh_token")
            .count()
    };
    // Ten hours before expiry: the token is used as it is.
    command(&h, clock.now(), (None, "TR", "UR"), "/account", "list").await;
    assert_eq!(refreshes(&h), 0);
    assert_eq!(h.fake.tokens_of("users.info"), [r1]);
    // Within two hours of expiry: refreshed first, the new token used and stored.
    clock.advance(Duration::hours(10) + Duration::minutes(1));
    let port = SlackPort::new(h.slack.clone());
    port.post(&Target::Channel("C1".into()), &post("slack:TR"))
        .await
        .expect("posted");
    assert_eq!(refreshes(&h), 1);
    assert_eq!(h.fake.tokens_of("chat.postMessage"), [r2]);
    assert_eq!(
        h.fake.calls_to("oauth.v2.access")[2]["refresh_token"],
        "xoxe-1-refresh-R1"
    );
    let stored = h
        .app
        .store
        .installation(None, Some("TR"))
        .expect("read")
        .expect("installed");
    assert!(stored
        .expires_at
        .is_some_and(|e| e > clock.now() + Duration::hours(11)));
    port.post(&Target::Channel("C2".into()), &post("slack:TR"))
        .await
        .expect("posted");
    assert_eq!(refreshes(&h), 1, "a fresh token is not refreshed again");
    // Slack refuses the refresh: the installation needs reinstalling and its installer hears.
    let answer = text_of(&command(&h, clock.now(), (None, "TS", "US"), "/account", "list").await);
    assert!(
        answer.contains("renewed") && answer.contains("/slack/install"),
        "{answer}"
    );
    let stored = h
        .app
        .store
        .installation(None, Some("TS"))
        .expect("read")
        .expect("kept");
    assert!(stored.needs_reinstall);
    let dm = h.fake.wait_for("chat.postMessage", 3).await;
    assert_eq!(dm[2]["channel"], "DUS");
    assert!(dm[2]["text"]
        .as_str()
        .is_some_and(|t| t.contains(&format!("{}/slack/install", h.base))));
    assert_eq!(
        h.fake.tokens_of("chat.postMessage")[2],
        s1,
        "told with the token that still works"
    );
    command(&h, clock.now(), (None, "TS", "US"), "/account", "list").await;
    assert_eq!(
        refreshes(&h),
        2,
        "no refresh is tried once Slack refused it"
    );
    h.fake.assert_clean();
    assert_logs_hold_none_of(&[
        r1,
        r2,
        s1,
        "xoxe-1-refresh-R1",
        "xoxe-1-refresh-R2",
        "xoxe-1-refresh-S1",
    ]);
    h.stop().await;
}

fn event(team: &str, id: &str, event: Value) -> Value {
    json!({"token": "x", "team_id": team, "api_app_id": APP, "event": event, "type": "event_callback", "event_id": id, "event_time": Utc::now().timestamp(), "authorizations": [{"team_id": team, "user_id": format!("UBOT{team}"), "is_bot": true, "is_enterprise_install": false}]})
}

#[tokio::test]
async fn uninstall_and_revoked_tokens_delete_the_installation_and_keep_the_book() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = start(&dir, None).await;
    h.fake
        .grant("code-b", workspace("TB", "xoxb-B-uninstall", "UB"));
    h.fake
        .grant("code-c", workspace("TC", "xoxb-C-revoked", "UC"));
    h.fake.user("UB", json!({"id": "UB", "team_id": "TB"}));
    for code in ["code-b", "code-c"] {
        assert_eq!(install(&h, code).await.0, 200);
    }
    let now = Utc::now();
    command(
        &h,
        now,
        (None, "TB", "UB"),
        "/account",
        "add \"Beta Co\" arr:10k renewal:+100d",
    )
    .await;
    let uninstalled = event(
        "TB",
        "Ev1",
        json!({"type": "app_uninstalled", "event_ts": "1700000000.000100"}),
    );
    assert_eq!(h.event(&uninstalled, &[]).await.0, 200);
    assert!(h
        .app
        .store
        .installation(None, Some("TB"))
        .expect("read")
        .is_none());
    let answer = text_of(&command(&h, now, (None, "TB", "UB"), "/account", "list").await);
    assert!(
        answer.contains("not installed") && answer.contains("/slack/install"),
        "{answer}"
    );
    let book = h.app.store.book(&tenant("slack:TB")).expect("book");
    assert_eq!(
        book.read().expect("lock").accounts().count(),
        1,
        "the book stays"
    );
    // Revoked user tokens are none of Steward's; revoked bot tokens take the installation.
    let users_only = event(
        "TC",
        "Ev2",
        json!({"type": "tokens_revoked", "tokens": {"oauth": ["UC"], "bot": []}, "event_ts": "1700000000.000200"}),
    );
    assert_eq!(h.event(&users_only, &[]).await.0, 200);
    assert!(h
        .app
        .store
        .installation(None, Some("TC"))
        .expect("read")
        .is_some());
    let bots = event(
        "TC",
        "Ev3",
        json!({"type": "tokens_revoked", "tokens": {"bot": ["UBOTTC"]}, "event_ts": "1700000000.000300"}),
    );
    assert_eq!(h.event(&bots, &[]).await.0, 200);
    assert!(h
        .app
        .store
        .installation(None, Some("TC"))
        .expect("read")
        .is_none());
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn forged_replayed_expired_and_denied_states_store_nothing() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let (clock, moving) = Moving::start();
    let h = start(&dir, Some(moving)).await;
    h.fake
        .grant("code-a", workspace("TA", "xoxb-A-state", "UA"));
    // The page: a strict policy, the cookie bound to the browser, the link to Slack.
    let (status, headers, page) = h.get("/slack/install", None).await;
    assert_eq!(status, 200);
    let policy = headers["content-security-policy"].to_str().expect("ascii");
    assert!(
        policy.starts_with("default-src 'none'; style-src 'sha256-") && !policy.contains("unsafe")
    );
    let cookie = headers["set-cookie"].to_str().expect("ascii");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age=600")
    );
    assert!(!cookie.contains("Secure"), "the test server is plain http");
    assert!(page.contains("id=\"add-to-slack\"") && page.contains("scope=commands%2Cchat%3Awrite"));
    assert!(page.contains(&format!(
        "redirect_uri={}",
        url::form_urlencoded::byte_serialize(format!("{}/slack/oauth_redirect", h.base).as_bytes())
            .collect::<String>()
    )));
    let refused = |status: u16, page: &str, says: &str| {
        assert!(status >= 400 || says == "cancelled", "{status}: {page}");
        assert!(
            page.contains(says) && page.contains("Start again"),
            "{page}"
        );
    };
    // No state; a forged one; query text is never echoed.
    let (status, _, page) = h.get("/slack/oauth_redirect?code=code-a", None).await;
    refused(status, &page, "did not come from the install page");
    let (status, headers, page) = h
        .get(
            "/slack/oauth_redirect?code=code-a&state=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            Some("steward_slack_state=<script>alert(1)</script>"),
        )
        .await;
    refused(status, &page, "unknown or was used already");
    assert!(!page.contains("<script") && headers.contains_key("content-security-policy"));
    // A real state without its cookie (another browser): refused, and used up.
    let (state, cookie) = begin(&h).await;
    let (status, _, page) = h
        .get(
            &format!("/slack/oauth_redirect?code=code-a&state={state}"),
            None,
        )
        .await;
    refused(status, &page, "another browser");
    let (status, _, page) = h
        .get(
            &format!("/slack/oauth_redirect?code=code-a&state={state}"),
            Some(&cookie),
        )
        .await;
    refused(status, &page, "unknown or was used already");
    // Denied in Slack.
    let (state, cookie) = begin(&h).await;
    let (status, _, page) = h
        .get(
            &format!("/slack/oauth_redirect?error=access_denied&state={state}"),
            Some(&cookie),
        )
        .await;
    refused(status, &page, "cancelled");
    // Older than ten minutes.
    let (state, cookie) = begin(&h).await;
    clock.advance(Duration::minutes(11));
    let (status, _, page) = h
        .get(
            &format!("/slack/oauth_redirect?code=code-a&state={state}"),
            Some(&cookie),
        )
        .await;
    refused(status, &page, "older than 10 minutes");
    assert!(
        h.fake.calls_to("oauth.v2.access").is_empty(),
        "no code was exchanged"
    );
    // A code Slack does not know.
    let (status, page) = install(&h, "code-unknown").await;
    refused(status, &page, "Slack did not accept");
    assert!(h.app.store.installations().expect("read").is_empty());
    // Installed once; the same state replayed with another code stores nothing more.
    let (state, cookie) = begin(&h).await;
    let redirect = format!("/slack/oauth_redirect?code=code-a&state={state}");
    assert_eq!(h.get(&redirect, Some(&cookie)).await.0, 200);
    h.fake
        .grant("code-b", workspace("TB", "xoxb-B-state", "UB"));
    let (status, _, page) = h
        .get(&redirect.replace("code-a", "code-b"), Some(&cookie))
        .await;
    refused(status, &page, "unknown or was used already");
    assert_eq!(h.app.store.installations().expect("read").len(), 1);
    h.fake.assert_clean();
    assert_logs_hold_none_of(&["xoxb-A-state", "code-a", &state]);
    h.stop().await;
}

#[test]
fn without_a_secret_key_the_flow_refuses_to_start_and_says_how_to_make_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = super::harness::open_app(&dir.path().join("db"));
    let config = steward::config::SlackConfig {
        bot_token: None,
        oauth: Some(steward::config::SlackOAuthConfig {
            client_id: "1.2".into(),
            client_secret: secrecy::SecretString::from("s"),
        }),
        signing_secret: Some(secrecy::SecretString::from("x")),
        app_token: None,
        api_url: "https://slack.com/api/".into(),
    };
    let error = steward::slack::Setup::from_config(
        app,
        &config,
        "",
        Some("https://steward.example.com"),
        None,
    )
    .err()
    .expect("refused");
    assert!(
        error.contains("STEWARD_SECRET_KEY") && error.contains("openssl rand -base64 32"),
        "{error}"
    );
}
