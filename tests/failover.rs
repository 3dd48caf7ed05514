//! Purpose: two real `steward serve` replicas on one PostgreSQL database behind no balancer —
//! signed Slack commands sent to both in turn, escalations posted to a local Slack stand-in by
//! whichever replica leads the scheduler, the leader killed with `kill -9` while posts are due,
//! and every post seen exactly once. Skipped, saying why, without
//! `STEWARD_TEST_DATABASE_URL`; prints `postgres case:` for `.ci/run`.

#[path = "common/api_specs.rs"]
#[expect(
    dead_code,
    reason = "the test uses the stand-in's checks, not the conformance tests' require"
)]
mod api_specs;
#[path = "slack/fake.rs"]
mod fake;
#[path = "slack/harness.rs"]
mod harness;
#[path = "common/postgres.rs"]
mod postgres;
#[path = "common/served.rs"]
#[expect(
    dead_code,
    reason = "this test starts replicas on PostgreSQL, not serve on a sled database"
)]
mod served;
#[path = "slack/spec.rs"]
mod spec;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use fake::{Canned, Fake};
use harness::{command_form, replica_env, sign, SECRET};
use served::Served;
use steward::domain::tenant::TenantId;
use steward::store::backend::postgres::PostgresBackend;
use steward::store::ledger::PostState;
use steward::store::Store;

/// Accounts turned red before the leader dies, and after.
const BEFORE: usize = 4;
const AFTER: usize = 4;
/// The leader logs this when it takes over (`scheduler::runner`).
const LEADS: &str = "this replica runs the scheduler now";

fn replica(url: &str, fake: &Fake) -> Served {
    let mut env = replica_env(url, fake);
    // Looks often and takes over quickly, so the test waits on events, not minutes.
    env.push(("STEWARD_SCHEDULER_TICK", "100ms".to_string()));
    env.push(("STEWARD_LEADER_POLL", "100ms".to_string()));
    Served::start_replica(&env)
}

/// A slash command signed as Slack signs it, sent to `served`; its answer.
async fn command(served: &Served, fake: &Fake, text: &str) -> String {
    let (command, text) = text.split_once(' ').unwrap_or((text, ""));
    let body = command_form("T1", None, "U1", command, text, &fake.response_url());
    let ts = Utc::now().timestamp().to_string();
    let client = reqwest::Client::new();
    let answer = client
        .post(format!("http://{}/slack/commands", served.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &ts)
        .header("x-slack-signature", sign(SECRET, &ts, body.as_bytes()))
        .body(body)
        .send()
        .await
        .expect("the replica answers");
    assert_eq!(answer.status(), 200, "{}", served.log());
    answer.text().await.expect("a body")
}

/// Escalation posts in channel C1, counted by the account they are about.
fn posts_by_account(fake: &Fake) -> BTreeMap<String, usize> {
    let mut posts = BTreeMap::new();
    for call in fake.calls_to("chat.postMessage") {
        let text = call.to_string();
        for i in 0..BEFORE + AFTER {
            if text.contains(&format!("Red {i} turned red")) {
                *posts.entry(format!("Red {i}")).or_default() += 1;
            }
        }
    }
    posts
}

/// Waits until `done` holds (at most `within`).
async fn until(within: Duration, what: &str, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < within, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn turn_red(served: &Served, fake: &Fake, i: usize) {
    let added = command(
        served,
        fake,
        &format!("/account add \"Red {i}\" arr:10000 renewal:2027-03-31"),
    )
    .await;
    assert!(added.contains("Added"), "{added}");
    let red = command(
        served,
        fake,
        &format!("/health set \"Red {i}\" usage:5 adoption:0 nps:0 tickets:escalated roi:0"),
    )
    .await;
    assert!(red.contains("turned red"), "{red}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leader_killed_while_posts_are_due_leaves_every_post_posted_once() {
    let Some(url) = postgres::fresh_schema_url() else {
        return;
    };
    eprintln!("postgres case: failover");
    let fake = Fake::start().await;
    let mut first = replica(&url, &fake);
    assert!(
        tokio::task::block_in_place(|| first.wait_for_log(LEADS, Duration::from_secs(30))),
        "the only replica leads: {}",
        first.log()
    );
    let second = replica(&url, &fake);
    // The first post's answer is slow (Slack acted at once).
    fake.script(
        "chat.postMessage",
        vec![Canned::slow(Duration::from_secs(20))],
    );
    let subscribed = command(&second, &fake, "/digest subscribe escalations").await;
    assert!(subscribed.contains("escalations"), "{subscribed}");
    // Commands alternate between the replicas; each sees what the other wrote.
    for i in 0..BEFORE {
        let to = if i % 2 == 0 { &first } else { &second };
        turn_red(to, &fake, i).await;
    }
    // Killed while its first post is in flight: Slack has the message, the leader has not
    // heard back, so the ledger says claimed; the others are not posted yet.
    until(Duration::from_secs(30), "the leader's first post", || {
        !posts_by_account(&fake).is_empty()
    })
    .await;
    let store = Store::with_backend(Box::new(PostgresBackend::open(&url).expect("open")))
        .expect("open the store");
    let tenant = TenantId::parse("slack:T1").expect("valid tenant");
    let ledger = store.posts(&tenant, "escalations@C1").expect("ledger");
    assert!(
        ledger
            .iter()
            .any(|(_, state)| matches!(state, PostState::Claimed { .. })),
        "to be killed between claim and mark: {ledger:?}"
    );
    assert!(
        !second.log().contains(LEADS),
        "only one replica leads while both live"
    );
    first.kill();
    for i in BEFORE..BEFORE + AFTER {
        turn_red(&second, &fake, i).await;
    }
    assert!(
        tokio::task::block_in_place(|| second.wait_for_log(LEADS, Duration::from_secs(30))),
        "re-elected within 30 s: {}",
        second.log()
    );
    until(Duration::from_secs(60), "a post for every account", || {
        posts_by_account(&fake).len() == BEFORE + AFTER
    })
    .await;
    // Every period is marked sent (nothing left to post), and each went out once.
    until(Duration::from_secs(30), "every period marked sent", || {
        let posts = store.posts(&tenant, "escalations@C1").unwrap_or_default();
        posts.len() == BEFORE + AFTER
            && posts
                .iter()
                .all(|(_, state)| matches!(state, PostState::Sent { .. }))
    })
    .await;
    let posted = posts_by_account(&fake);
    assert!(
        posted.values().all(|n| *n == 1),
        "a post went out twice: {posted:?}\n{}",
        second.log()
    );
    let (status, _) = http_get(&second, "/readyz").await;
    assert_eq!(status, 200);
    fake.assert_clean();
}

async fn http_get(served: &Served, path: &str) -> (u16, String) {
    let answer = reqwest::get(format!("http://{}{path}", served.addr))
        .await
        .expect("an answer");
    let status = answer.status().as_u16();
    (status, answer.text().await.unwrap_or_default())
}
