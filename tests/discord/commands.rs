//! Commands over the HTTP endpoint: every command group through the shared parser, errors,
//! rights (admin, role), commands from outside a server.

use serde_json::{json, Value};

use super::harness::{
    self, autocomplete, command, s, text_of, Harness, Options, JANE, MANAGER, MEMBER, OMAR,
};
use super::{add_account, EPHEMERAL};

#[tokio::test]
async fn every_command_group_answers_through_the_shared_parser() {
    let h = Harness::start(Options::default()).await;
    add_account(&h, "Acme Corp").await;
    let user = |name: &str, id: &str| json!({"name": name, "type": 6, "value": id});
    let steps: Vec<(&str, &str, Value, &str)> = vec![
        (
            "account",
            "show",
            json!([s("account", "Acme Corp")]),
            "Acme Corp",
        ),
        (
            "account",
            "set",
            json!([s("account", "Acme Corp"), user("owner", OMAR)]),
            "Acme Corp",
        ),
        (
            "stakeholder",
            "add",
            json!([
                s("account", "Acme Corp"),
                s("name", "Jane Doe"),
                s("role", "champion")
            ]),
            "Jane Doe",
        ),
        (
            "health",
            "set",
            json!([
                s("account", "Acme Corp"),
                json!({"name": "usage", "type": 10, "value": 85.5}),
                json!({"name": "nps", "type": 4, "value": 9})
            ]),
            "Acme Corp",
        ),
        ("renewal", "list", json!([s("within", "180d")]), "Acme Corp"),
        (
            "expansion",
            "add",
            json!([
                s("account", "Acme Corp"),
                s("type", "seat"),
                s("value", "$10k")
            ]),
            "Acme Corp",
        ),
        (
            "qbr",
            "schedule",
            json!([s("account", "Acme Corp"), s("date", "2026-04-15")]),
            "Acme Corp",
        ),
        (
            "plan",
            "goal",
            json!([
                s("account", "Acme Corp"),
                s("text", "Expand to EMEA: phase 1")
            ]),
            "Added goal g1",
        ),
        (
            "plan",
            "show",
            json!([s("account", "Acme Corp")]),
            "Expand to EMEA: phase 1",
        ),
        ("atrisk", "list", json!([]), ""),
        ("portfolio", "summary", json!([]), ""),
        ("digest", "list", json!([]), ""),
        ("steward", "whoami", json!([]), JANE),
    ];
    for (group, sub, options, expect) in steps {
        let answer = h.command(group, sub, options).await;
        assert_eq!(answer["type"], 4, "/{group} {sub}");
        let data = &answer["data"];
        let text = text_of(data);
        assert!(
            !data["embeds"].as_array().is_some_and(Vec::is_empty) || data["content"].is_string(),
            "/{group} {sub}: {answer}"
        );
        assert_eq!(
            data["flags"], EPHEMERAL,
            "/{group} {sub}: answers are ephemeral"
        );
        assert!(
            !text.to_lowercase().contains("error"),
            "/{group} {sub}: {text}"
        );
        assert!(text.contains(expect), "/{group} {sub}: {text}");
        assert_eq!(
            data["allowed_mentions"]["parse"],
            json!([]),
            "/{group} {sub}"
        );
    }
    // The owner ping is the only mention, by explicit id.
    let shown = h
        .command("account", "show", json!([s("account", "Acme Corp")]))
        .await;
    let users = shown["data"]["allowed_mentions"]["users"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(users.iter().all(|u| u == OMAR), "{shown}");
    h.fake.assert_clean();
}

#[tokio::test]
async fn errors_are_ephemeral_and_unknown_accounts_suggest_names() {
    let h = Harness::start(Options::default()).await;
    add_account(&h, "Globex").await;
    let answer = h
        .command("account", "show", json!([s("account", "Globx")]))
        .await;
    assert_eq!(answer["data"]["flags"], EPHEMERAL);
    assert!(text_of(&answer["data"]).contains("Globex"), "{answer}");
    assert!(
        answer["data"].get("components").is_none(),
        "no share button on errors"
    );
    let bad = h
        .command(
            "account",
            "add",
            json!([s("name", "X"), s("arr", "lots"), s("renewal", "2027-01-01")]),
        )
        .await;
    assert_eq!(bad["data"]["flags"], EPHEMERAL);
    assert!(text_of(&bad["data"]).contains("arr"), "{bad}");
}

#[tokio::test]
async fn admin_commands_need_manage_server_or_an_admin_entry() {
    let h = Harness::start(Options {
        admins: Some(format!("discord:{}:{OMAR}", harness::GUILD)),
        ..Options::default()
    })
    .await;
    add_account(&h, "Initech").await;
    let refused = h
        .command("account", "remove", json!([s("account", "Initech")]))
        .await;
    assert!(text_of(&refused["data"]).contains("admin"), "{refused}");
    let by_entry = h
        .command_as(
            OMAR,
            MEMBER,
            "digest",
            "subscribe",
            json!([s("kind", "weekly")]),
        )
        .await;
    assert!(!text_of(&by_entry["data"]).contains("error"), "{by_entry}");
    let by_manager = h
        .command_as(
            JANE,
            MANAGER,
            "account",
            "remove",
            json!([s("account", "Initech")]),
        )
        .await;
    assert!(
        !text_of(&by_manager["data"]).contains("error"),
        "{by_manager}"
    );
    let gone = h
        .command("account", "show", json!([s("account", "Initech")]))
        .await;
    assert!(text_of(&gone["data"]).contains("not found"), "{gone}");
}

#[tokio::test]
async fn the_role_decides_who_may_use_commands() {
    let h = Harness::start(Options {
        role: Some("CSM".into()),
        ..Options::default()
    })
    .await;
    h.fake.set_roles(json!([
        {"id": harness::GUILD, "name": "@everyone", "permissions": "68608"},
        {"id": "1600000000000000001", "name": "CSM", "permissions": "0"}
    ]));
    let outsider = h.command("portfolio", "summary", json!([])).await;
    assert!(
        text_of(&outsider["data"]).contains("CSM role"),
        "{outsider}"
    );
    assert_eq!(outsider["data"]["flags"], EPHEMERAL);
    let mut payload = h.payload(command("portfolio", "summary", json!([])), JANE, MEMBER);
    payload["member"]["roles"] = json!(["1600000000000000001"]);
    let (_, member) = h.send(&payload).await;
    assert!(!text_of(&member["data"]).contains("CSM role"), "{member}");
    let manager = h
        .command_as(OMAR, MANAGER, "portfolio", "summary", json!([]))
        .await;
    assert!(!text_of(&manager["data"]).contains("CSM role"), "{manager}");
    let names = h
        .send(&h.payload(
            autocomplete("account", "show", "account", "a"),
            JANE,
            MEMBER,
        ))
        .await
        .1;
    assert_eq!(
        names["data"]["choices"],
        json!([]),
        "no names for members without the role"
    );
    h.fake.assert_clean();
}

#[tokio::test]
async fn commands_outside_a_server_are_pointed_to_one() {
    let h = Harness::start(Options::default()).await;
    let mut payload = h.payload(command("portfolio", "summary", json!([])), JANE, MEMBER);
    let user = payload["member"]["user"].clone();
    let map = payload.as_object_mut().expect("object");
    for key in ["member", "guild_id", "guild", "guild_locale"] {
        map.remove(key);
    }
    map.insert("user".into(), user);
    map.insert("context".into(), json!(1));
    let (_, answer) = h.send(&payload).await;
    assert!(
        text_of(&answer["data"]).contains("inside a server"),
        "{answer}"
    );
    // With DISCORD_GUILD_ID, members of that server are answered there.
    let g = Harness::start(Options {
        guild_id: Some(harness::GUILD.parse().expect("id")),
        ..Options::default()
    })
    .await;
    g.fake.add_member(JANE, &[]);
    let (_, answer) = g.send(&payload).await;
    assert!(
        !text_of(&answer["data"]).contains("inside a server"),
        "{answer}"
    );
    g.fake.assert_clean();
}

/// Discord wants the callback within 3 s; a named role is looked up over REST, and a slow
/// look-up (here a `429` asking for a second) no longer holds the callback: the command is
/// deferred within the deadline and its answer edited in once the role is known.
#[tokio::test]
async fn a_slow_role_look_up_defers_the_answer_within_the_deadline() {
    let h = Harness::start(Options {
        role: Some("CSM".into()),
        deadline: std::time::Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    h.fake.set_roles(json!([
        {"id": harness::GUILD, "name": "@everyone", "permissions": "68608"},
        {"id": "1600000000000000001", "name": "CSM", "permissions": "0"}
    ]));
    h.fake.script(
        "GET /guilds/*/roles",
        vec![super::fake::Canned::rate_limited(1.0)],
    );
    let mut payload = h.payload(command("portfolio", "summary", json!([])), JANE, MEMBER);
    payload["member"]["roles"] = json!(["1600000000000000001"]);
    let started = std::time::Instant::now();
    let (status, callback) = h.send(&payload).await;
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "answered after {:?}",
        started.elapsed()
    );
    assert_eq!(callback["type"], 5, "deferred: {callback}");
    assert_eq!(callback["data"]["flags"], EPHEMERAL);
    let edit = h
        .fake
        .wait_for("PATCH /webhooks/*/*/messages/@original", 1)
        .await;
    let text = text_of(&edit[0].body);
    assert!(!text.contains("CSM role"), "{text}");
    assert!(text.to_lowercase().contains("portfolio"), "{text}");
    h.fake.assert_clean();
}
