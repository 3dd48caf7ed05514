//! Tenant isolation, as a property: random adds, sets and stakeholder adds for two tenants
//! with overlapping account names (through `App::execute`, the path every adapter takes)
//! never let one tenant's listings, shows or histories contain the other's data — neither in
//! memory nor after the store is reopened from disk.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use steward::app::{Actor, App, Surface};
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::render::text::render;
use steward::store::Store;

/// Account names both tenants use (none contains a tenant's tag word).
const NAMES: [&str; 4] = ["Acme", "Globex", "Initech", "Umbrella Health"];

/// Two tenants whose ids share a prefix, so a key layout without separators would mix them.
const TENANTS: [&str; 2] = ["slack:T1", "slack:T1:T2"];

/// What marks each tenant's data: in industries, segments and people's names.
const TAGS: [&str; 2] = ["alpha", "beta"];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

fn actor(tenant: usize) -> Actor {
    Actor {
        tenant: TenantId::parse(TENANTS[tenant]).expect("valid tenant"),
        user: UserId(format!("{}-user", TAGS[tenant])),
        surface: Surface::Console,
        platform_admin: false,
        channel: "console".into(),
    }
}

fn open(dir: &std::path::Path) -> App {
    let store = Store::open(&dir.join("steward.db")).expect("open store");
    App::new(store, None, chrono_tz::UTC)
}

fn ask(app: &App, tenant: usize, line: &str) -> String {
    render(&app.execute(&actor(tenant), now(), line))
}

/// `$12,001`.
fn money(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::from("$");
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Clone)]
enum Op {
    Add {
        tenant: usize,
        name: usize,
        shout: bool,
        arr: u64,
    },
    Set {
        tenant: usize,
        name: usize,
        shout: bool,
        arr: u64,
    },
    Person {
        tenant: usize,
        name: usize,
        shout: bool,
        person: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let target = (0..2usize, 0..NAMES.len(), any::<bool>());
    prop_oneof![
        (target.clone(), 1..900u64).prop_map(|((tenant, name, shout), arr)| Op::Add {
            tenant,
            name,
            shout,
            arr
        }),
        (target.clone(), 1..900u64).prop_map(|((tenant, name, shout), arr)| Op::Set {
            tenant,
            name,
            shout,
            arr
        }),
        (target, 0..4usize).prop_map(|((tenant, name, shout), person)| Op::Person {
            tenant,
            name,
            shout,
            person
        }),
    ]
}

/// What one tenant's book should hold.
#[derive(Debug, Default, Clone)]
struct Expected {
    /// The spelling the account was added with.
    name: String,
    arr: u64,
    segment: Option<String>,
    people: Vec<String>,
}

/// Per tenant: lower-case account name → what it should hold.
type Model = [BTreeMap<String, Expected>; 2];

fn typed(name: usize, shout: bool) -> String {
    if shout {
        NAMES[name].to_uppercase()
    } else {
        NAMES[name].to_string()
    }
}

/// Tenant 0's ARR values end in 001 and tenant 1's in 100, so any sum of up to four of them
/// still shows whose it is in its last three digits.
fn arr_of(tenant: usize, thousands: u64) -> u64 {
    thousands * 1000 + if tenant == 0 { 1 } else { 100 }
}

/// Whether a shown figure can only have come from `tenant`'s data.
fn is_from(tenant: usize, figure: u64) -> bool {
    let tail = figure % 1000;
    if tenant == 0 {
        (1..100).contains(&tail)
    } else {
        tail >= 100 && tail.is_multiple_of(100)
    }
}

/// Runs `op` and checks its reply against the model, which it then updates.
fn apply(app: &App, model: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    match *op {
        Op::Add {
            tenant,
            name,
            shout,
            arr,
        } => {
            let typed = typed(name, shout);
            let arr = arr_of(tenant, arr);
            let reply = ask(
                app,
                tenant,
                &format!(
                    "/account add \"{typed}\" arr:{arr} renewal:2027-01-01 industry:{}-industry",
                    TAGS[tenant]
                ),
            );
            match model[tenant].entry(NAMES[name].to_lowercase()) {
                Entry::Occupied(_) => prop_assert!(
                    reply.starts_with("error: account") && reply.contains("already exists"),
                    "{reply}"
                ),
                Entry::Vacant(slot) => {
                    prop_assert!(
                        reply.starts_with(&format!("Added {typed}: {} ARR", money(arr))),
                        "{reply}"
                    );
                    slot.insert(Expected {
                        name: typed,
                        arr,
                        ..Expected::default()
                    });
                }
            }
        }
        Op::Set {
            tenant,
            name,
            shout,
            arr,
        } => {
            let arr = arr_of(tenant, arr);
            let segment = format!("{}-segment", TAGS[tenant]);
            let reply = ask(
                app,
                tenant,
                &format!(
                    "/account set \"{}\" arr:{arr} segment:{segment}",
                    typed(name, shout)
                ),
            );
            match model[tenant].get_mut(&NAMES[name].to_lowercase()) {
                Some(expected) => {
                    prop_assert!(
                        reply.starts_with("Updated ") && reply.contains(&money(arr)),
                        "{reply}"
                    );
                    expected.arr = arr;
                    expected.segment = Some(segment);
                }
                None => prop_assert!(reply.starts_with("error: account"), "{reply}"),
            }
        }
        Op::Person {
            tenant,
            name,
            shout,
            person,
        } => {
            let person = format!("{} Person {person}", capitalised(TAGS[tenant]));
            let reply = ask(
                app,
                tenant,
                &format!(
                    "/stakeholder add \"{}\" \"{person}\" role:champion",
                    typed(name, shout)
                ),
            );
            match model[tenant].get_mut(&NAMES[name].to_lowercase()) {
                Some(expected) if expected.people.contains(&person) => {
                    prop_assert!(
                        reply.starts_with("error: stakeholder") && reply.contains("already exists"),
                        "{reply}"
                    );
                }
                Some(expected) => {
                    prop_assert!(
                        reply.starts_with(&format!("Added {person} (champion)")),
                        "{reply}"
                    );
                    expected.people.push(person);
                }
                None => prop_assert!(reply.starts_with("error: account"), "{reply}"),
            }
        }
    }
    Ok(())
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Every listing and show of each tenant holds exactly its own data and nothing of the other's.
fn check(app: &App, model: &Model) -> Result<(), TestCaseError> {
    for tenant in 0..2 {
        let other = 1 - tenant;
        let mine = &model[tenant];
        let mut replies = Vec::new();

        let list = ask(app, tenant, "/account list");
        if mine.is_empty() {
            prop_assert!(list.starts_with("No accounts match."), "{list}");
        } else {
            let total: u64 = mine.values().map(|e| e.arr).sum();
            let noun = if mine.len() == 1 {
                "account"
            } else {
                "accounts"
            };
            prop_assert!(
                list.starts_with(&format!("{} {noun}, {} ARR\n", mine.len(), money(total))),
                "{list}"
            );
            prop_assert_eq!(
                list.lines().filter(|l| l.starts_with("- ")).count(),
                mine.len(),
                "{}",
                list
            );
        }
        replies.push(list);

        let renewals = ask(app, tenant, "/renewal list within:3650d");
        prop_assert_eq!(
            renewals.lines().filter(|l| l.starts_with("- ")).count(),
            mine.len(),
            "{}",
            renewals
        );
        replies.push(renewals);

        for name in NAMES {
            let quoted = format!("\"{name}\"");
            let show = ask(app, tenant, &format!("/account show {quoted}"));
            match mine.get(&name.to_lowercase()) {
                Some(expected) => {
                    prop_assert!(
                        show.contains(&format!("\nARR: {}\n", money(expected.arr))),
                        "{show}"
                    );
                    prop_assert!(
                        show.contains(&format!("\nIndustry: {}-industry", TAGS[tenant])),
                        "{show}"
                    );
                    if let Some(segment) = &expected.segment {
                        prop_assert!(show.contains(&format!("\nSegment: {segment}")), "{show}");
                    }
                    let people: Vec<String> = expected
                        .people
                        .iter()
                        .map(|p| format!("{p} (champion)"))
                        .collect();
                    let line = if people.is_empty() {
                        "none mapped".to_string()
                    } else {
                        people.join(", ")
                    };
                    prop_assert!(show.contains(&format!("\nStakeholders: {line}")), "{show}");
                    let grid = ask(app, tenant, &format!("/stakeholder list {quoted}"));
                    for person in &expected.people {
                        prop_assert!(grid.contains(person.as_str()), "{grid}");
                    }
                    replies.push(grid);
                    let history = ask(app, tenant, &format!("/account history {quoted}"));
                    prop_assert!(show.starts_with(&format!("{}\n", expected.name)), "{show}");
                    prop_assert!(
                        history.starts_with(&format!("History of {} (", expected.name)),
                        "{history}"
                    );
                    replies.push(history);
                }
                None => {
                    prop_assert!(
                        show.starts_with(&format!("error: account {quoted} not found.")),
                        "{show}"
                    );
                    // Suggestions come from the asker's own book only.
                    if let Some((_, suggested)) = show.split_once("Did you mean: ") {
                        for s in suggested.trim_end_matches('?').split(", ") {
                            prop_assert!(
                                mine.contains_key(&s.to_lowercase()),
                                "suggested {s} from elsewhere: {show}"
                            );
                        }
                    }
                    let history = ask(app, tenant, &format!("/account history {quoted}"));
                    prop_assert!(history.starts_with("error: account"), "{history}");
                }
            }
            replies.push(show);
        }

        for reply in &replies {
            let lower = reply.to_lowercase();
            prop_assert!(
                !lower.contains(TAGS[other]),
                "{} sees {}'s data: {}",
                TENANTS[tenant],
                TENANTS[other],
                reply
            );
            for figure in reply.split('$').skip(1) {
                let digits: String = figure
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == ',')
                    .filter(char::is_ascii_digit)
                    .collect();
                if let Ok(figure) = digits.parse::<u64>() {
                    prop_assert!(
                        !is_from(other, figure),
                        "{} sees {}'s figure {}: {}",
                        TENANTS[tenant],
                        TENANTS[other],
                        figure,
                        reply
                    );
                }
            }
        }
    }
    // A tenant that was never written to sees nothing at all.
    let local = Actor {
        tenant: TenantId::local(),
        ..actor(0)
    };
    let empty = render(&app.execute(&local, now(), "/account list"));
    prop_assert!(empty.starts_with("No accounts match."), "{empty}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn tenants_never_see_each_other(ops in prop::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut model: Model = Default::default();
        {
            let app = open(dir.path());
            for op in &ops {
                apply(&app, &mut model, op)?;
            }
            check(&app, &model)?;
        }
        // Reopened from disk: the same books, still apart.
        let app = open(dir.path());
        check(&app, &model)?;
        let mut stored = app.store.tenants().expect("tenants");
        stored.sort();
        let expected: Vec<TenantId> = (0..2)
            .filter(|t| !model[*t].is_empty())
            .map(|t| actor(t).tenant)
            .collect();
        // `local` was only read, never written: it holds nothing on disk.
        prop_assert_eq!(stored, expected);
    }
}

#[test]
fn the_same_name_in_two_tenants_is_two_accounts() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let app = open(dir.path());
        assert!(
            ask(&app, 0, "/account add Acme arr:10001 renewal:2027-01-01")
                .starts_with("Added Acme")
        );
        assert!(
            ask(&app, 1, "/account add ACME arr:20002 renewal:2027-06-01")
                .starts_with("Added ACME")
        );
        assert!(ask(
            &app,
            1,
            "/stakeholder add Acme \"Beta Person 0\" role:champion"
        )
        .starts_with("Added"));
        assert!(ask(&app, 0, "/account remove acme").starts_with("Removed Acme"));
    }
    let app = open(dir.path());
    assert!(ask(&app, 0, "/account list").starts_with("No accounts match."));
    let show = ask(&app, 1, "/account show acme");
    assert!(show.starts_with("ACME\nARR: $20,002\n"), "{show}");
    assert!(
        show.contains("Stakeholders: Beta Person 0 (champion)"),
        "{show}"
    );
    let history = ask(&app, 1, "/account history Acme");
    assert!(
        history.starts_with("History of ACME (2 changes"),
        "{history}"
    );
    assert!(
        !history.contains("10001") && !history.contains("remove"),
        "{history}"
    );
}

/// `/steward forget`: an admin's, confirmed, deletes the asker's tenant alone — after a
/// reopen too — and without `confirm:yes` (or from a member) nothing goes.
#[test]
fn forgetting_a_tenant_deletes_it_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let app = open(dir.path());
        for tenant in [0, 1] {
            let added = ask(
                &app,
                tenant,
                "/account add Zorblax arr:10k renewal:2026-09-01",
            );
            assert!(added.contains("Zorblax"), "{added}");
        }
        let admin = Actor {
            platform_admin: true,
            ..actor(0)
        };
        let forget = |line: &str, who: &Actor| render(&app.execute(who, now(), line));
        let member = Actor {
            surface: Surface::Slack,
            ..actor(0)
        };
        let member = forget("/steward forget confirm:yes", &member);
        assert!(member.starts_with("error: only an admin"), "{member}");
        let asked = forget("/steward forget", &admin);
        assert!(
            asked.contains("1 account") && asked.contains("/steward forget confirm:yes"),
            "{asked}"
        );
        assert!(
            ask(&app, 0, "/account list").contains("Zorblax"),
            "nothing went yet"
        );
        let done = forget("/steward forget confirm:yes", &admin);
        assert!(done.contains("Steward forgot everything"), "{done}");
        assert!(!ask(&app, 0, "/account list").contains("Zorblax"));
    }
    let app = open(dir.path());
    assert!(!ask(&app, 0, "/account list").contains("Zorblax"));
    assert!(
        ask(&app, 1, "/account list").contains("Zorblax"),
        "the other tenant keeps its book"
    );
    assert!(!ask(&app, 0, "/account history Zorblax").contains("added"));
}
