//! An indicator's direct message on Discord: its buttons (*Show health*, *Log expansion*,
//! *Snooze 14 days*) clicked from the DM in signed interactions — the owner's clicks run their
//! command lines, a stranger's get an ephemeral refusal and change nothing — and a snooze
//! holding the next message for 14 days.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::harness::{self, click, now, s, text_of, Harness, Options, JANE, MEMBER, OMAR};
use super::spec::{assert_valid, Op};
use super::EPHEMERAL;
use steward::discord::port::DiscordPort;
use steward::domain::account::Account;
use steward::domain::signals::IndicatorKind;
use steward::domain::tenant::TenantId;
use steward::scheduler::port::OnePort;
use steward::scheduler::Scheduler;

fn tenant() -> TenantId {
    TenantId::parse(&format!("discord:{}", harness::GUILD)).expect("tenant")
}

fn acme(h: &Harness) -> Account {
    super::acme_indicators::acme(&h.app.store, &tenant())
}

/// Acme's indicators as the daily recompute would leave them.
fn set_indicators(h: &Harness, kinds: &[IndicatorKind], at: DateTime<Utc>) {
    super::acme_indicators::set_indicators(&h.app.store, &tenant(), kinds, at);
}

/// The messages in Jane's DM channel with Steward (the fake opens `7{user}`).
fn jane_dms(h: &Harness) -> Vec<Value> {
    h.fake.messages(&format!("7{JANE}"))
}

/// A click on `custom_id` by `user` from their DM with Steward, as Discord sends it: no
/// server, the user at the top level.
async fn dm_click(h: &Harness, custom_id: &str, user: &str) -> Value {
    let mut payload = h.payload(click(custom_id), user, MEMBER);
    let member_user = payload["member"]["user"].clone();
    let map = payload.as_object_mut().expect("object");
    for key in ["member", "guild_id", "guild", "guild_locale"] {
        map.remove(key);
    }
    map.insert("user".into(), member_user);
    map.insert("context".into(), json!(1));
    // The DM channel's id (the fake's `7{user}` would not fit a snowflake).
    let channel = "1300000000000000001";
    map.insert("channel_id".into(), json!(channel));
    map.insert(
        "channel".into(),
        json!({"id": channel, "type": 1, "flags": 0, "recipients": [{"id": user, "username": "u", "discriminator": "0", "avatar": null, "global_name": null}]}),
    );
    payload["message"]["channel_id"] = json!(channel);
    let (status, answer) = h.send(&payload).await;
    assert_eq!(status, 200, "{answer}");
    assert_valid(Op::Callback, &answer);
    answer
}

#[tokio::test]
async fn indicator_buttons_work_from_the_dm_for_the_owner_only() {
    let h = Harness::start(Options {
        guild_id: Some(harness::GUILD.parse().expect("id")),
        ..Options::default()
    })
    .await;
    h.fake.add_member(JANE, &[]);
    h.fake.add_member(OMAR, &[]);
    let added = h
        .command(
            "account",
            "add",
            json!([
                s("name", "Acme Corp"),
                s("arr", "50k"),
                s("renewal", "2027-06-30"),
                {"name": "owner", "type": 6, "value": JANE}
            ]),
        )
        .await;
    assert!(!text_of(&added["data"]).contains("error"), "{added}");
    set_indicators(&h, &[IndicatorKind::SeatCeiling], now());
    let ports = OnePort(DiscordPort::new(h.discord.clone()));
    let scheduler = Scheduler {
        app: &h.app,
        ports: &ports,
        dry_run: false,
    };
    scheduler.run_due(now()).await;

    // One message in Jane's DM, its buttons for the account.
    let dms = jane_dms(&h);
    assert_eq!(dms.len(), 1, "{dms:#?}");
    assert!(
        text_of(&dms[0]).contains("Opportunity indicator for"),
        "{}",
        dms[0]
    );
    let buttons: Vec<(String, String)> = dms[0]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .map(|b| {
            (
                b["custom_id"].as_str().unwrap_or_default().to_string(),
                b["label"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected = [
        ("steward:health:Acme Corp", "Show health"),
        ("steward:expand-seat:Acme Corp", "Log expansion"),
        ("steward:snooze14:Acme Corp", "Snooze 14 days"),
    ];
    assert_eq!(
        buttons,
        expected.map(|(id, label)| (id.to_string(), label.to_string()))
    );

    // Omar is not the owner: each click is refused to him alone, and nothing changes.
    let before = acme(&h);
    for (custom_id, _) in expected {
        let refused = dm_click(&h, custom_id, OMAR).await;
        assert_eq!(refused["type"], 4, "{refused}");
        assert_eq!(refused["data"]["flags"], EPHEMERAL, "{refused}");
        assert!(
            text_of(&refused["data"]).contains(
                "Only Acme Corp's owner or an admin can use this button; nothing was changed."
            ),
            "{refused}"
        );
    }
    assert_eq!(acme(&h), before, "a stranger's clicks change nothing");

    // Jane's clicks run, as her.
    let health = dm_click(&h, "steward:health:Acme Corp", JANE).await;
    assert!(
        text_of(&health["data"]).contains("(opportunity) — seat ceiling figures"),
        "{health}"
    );
    let logged = dm_click(&h, "steward:expand-seat:Acme Corp", JANE).await;
    assert!(
        text_of(&logged["data"]).contains("Added opportunity #1 at Acme Corp: seat"),
        "{logged}"
    );
    let opportunity = acme(&h).opportunities[0].clone();
    assert_eq!(
        (opportunity.value.0, opportunity.trigger.as_deref()),
        (5_000, Some("seat ceiling indicator")),
        "10 % of ARR, the indicator as its trigger"
    );
    let snoozed = dm_click(&h, "steward:snooze14:Acme Corp", JANE).await;
    let until = now().date_naive() + Duration::days(14);
    assert!(
        text_of(&snoozed["data"]).contains(&format!(
            "Indicator messages about Acme Corp snoozed until {until}"
        )),
        "{snoozed}"
    );
    assert_eq!(acme(&h).indicators_snoozed_until, Some(until));

    // The next cause waits out the snooze: not on day 13, once on day 14.
    set_indicators(
        &h,
        &[IndicatorKind::SeatCeiling, IndicatorKind::FeatureBreadthUp],
        now(),
    );
    scheduler.run_due(now() + Duration::hours(1)).await;
    scheduler.run_due(now() + Duration::days(13)).await;
    assert_eq!(jane_dms(&h).len(), 1, "held while snoozed");
    scheduler.run_due(now() + Duration::days(14)).await;
    let dms = jane_dms(&h);
    assert_eq!(dms.len(), 2, "{dms:#?}");
    assert!(
        text_of(&dms[1]).contains("feature breadth up"),
        "{}",
        dms[1]
    );
    h.fake.assert_clean();
}
