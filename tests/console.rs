//! End-to-end tests of the console: the real `steward` binary run with a script on stdin
//! (`steward --db DIR/x.db --now 2026-03-02T09:00:00Z console`), its replies checked on stdout —
//! every subcommand of /account, /stakeholder, /health, /renewal and /steward, bad input,
//! persistence, the demo, the default command, a held database and a damaged one.

mod common;

use common::{
    assert_has, assert_lacks, line_starting, money, run_with_input, LiveConsole, Steward,
};
use steward::domain::audit::{Revert, UndoPlan};
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::store::Store;

/// The bullet row of `name` in a list reply (`- Acme — …` or `- 2026-05-01 Acme — …`).
#[track_caller]
fn row<'a>(reply: &'a str, name: &str) -> &'a str {
    let needle = format!(" {name} — ");
    reply
        .lines()
        .find(|l| l.starts_with("- ") && l.contains(&needle))
        .unwrap_or_else(|| panic!("no row for {name:?} in:\n{reply}"))
}

/// Whether a list reply has a row for `name`.
fn has_row(reply: &str, name: &str) -> bool {
    let needle = format!(" {name} — ");
    reply
        .lines()
        .any(|l| l.starts_with("- ") && l.contains(&needle))
}

// ---------------------------------------------------------------------------------------
// Console conventions
// ---------------------------------------------------------------------------------------

#[test]
fn replies_end_with_one_empty_line_and_the_console_exits_zero() {
    let s = Steward::new();
    let run = s.console(
        "# comments and blank lines get no reply\n\n\
         /account add Acme arr:50k renewal:2027-03-31\n   \n\
         which renewals are due this quarter?\n\
         /account show Nope\n",
    );
    assert_eq!(run.replies.len(), 3);
    assert!(run
        .stdout
        .starts_with("Added Acme: $50,000 ARR, renews 2027-03-31 (in 394 days, not started)"));
    assert!(!run.reply(0).starts_with("error:"));
    // A prompt is read as a command: this quarter's renewals (none; Acme renews in 2027).
    assert!(!run.reply(1).starts_with("error:"));
    assert_has(
        run.reply(1),
        &["No renewals due within 29 days (by 2026-03-31)"],
    );
    // The session ends on an error, and still exits 0.
    assert!(
        run.last().starts_with("error: account \"Nope\" not found"),
        "{}",
        run.last()
    );
    assert!(
        run.stdout.ends_with("\n\n") && !run.stdout.ends_with("\n\n\n"),
        "{:?}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
}

// ---------------------------------------------------------------------------------------
// /account
// ---------------------------------------------------------------------------------------

#[test]
fn account_add_accepts_every_money_form_and_shows_whole_dollars() {
    let s = Steward::new();
    let run = s.console(
        "/account add M1 arr:50000 renewal:2027-03-31\n\
         /account add M2 arr:50k renewal:2027-03-31\n\
         /account add M3 arr:$50K renewal:2027-03-31\n\
         /account add M4 arr:1.2M renewal:2027-03-31\n\
         /account add M5 arr:$1,200,000 renewal:+90d owner:@jane industry:SaaS segment:enterprise seats:400 products:\"Core, Analytics\"\n\
         /account add M6 arr:0 renewal:\"in 30 days\"\n\
         /account show M5\n\
         /account list\n",
    );
    for i in 0..3 {
        assert!(
            run.reply(i)
                .starts_with(&format!("Added M{}: $50,000 ARR, renews 2027-03-31", i + 1)),
            "{}",
            run.reply(i)
        );
    }
    assert!(
        run.reply(3).starts_with("Added M4: $1,200,000 ARR"),
        "{}",
        run.reply(3)
    );
    assert!(
        run.reply(4)
            .starts_with("Added M5: $1,200,000 ARR, renews 2026-05-31 (in 90 days, T-90)"),
        "{}",
        run.reply(4)
    );
    assert!(
        run.reply(4)
            .lines()
            .next()
            .is_some_and(|l| l.ends_with(" @jane.")),
        "{}",
        run.reply(4)
    );
    assert!(
        run.reply(5)
            .starts_with("Added M6: $0 ARR, renews 2026-04-01 (in 30 days, T-30)"),
        "{}",
        run.reply(5)
    );
    let show = run.reply(6);
    assert!(show.starts_with("M5\n"), "{show}");
    assert_has(
        show,
        &[
            "\nARR: $1,200,000\n",
            "\nOwner: @jane\n",
            "\nRenewal: 2026-05-31 (in 90 days, T-90)\n",
            "\nHealth: unknown\n",
            "\nStakeholders: none mapped\n",
            "\nIndustry: SaaS\n",
            "\nSegment: enterprise\n",
            "\nSeats: 400\n",
            "\nProducts: Core, Analytics",
        ],
    );
    let list = run.reply(7);
    assert!(list.starts_with("6 accounts, $2,550,000 ARR\n"), "{list}");
    // Sorted by ARR, largest first (ties by name).
    let order: Vec<&str> = list
        .lines()
        .skip(1)
        .map(|l| l.trim_start_matches("- ").split(" — ").next().unwrap_or(""))
        .collect();
    assert_eq!(order, ["M4", "M5", "M1", "M2", "M3", "M6"]);
}

#[test]
fn tiers_follow_arr_rank_15_40_45_and_a_pin_is_shown() {
    let s = Steward::new();
    let mut script: String = (1..=20)
        .map(|i| format!("/account add T{i:02} arr:{i}k renewal:2027-01-01\n"))
        .collect();
    script.push_str(
        "/account list tier:1\n/account list tier:2\n/account list tier:3\n\
         /account show T18\n/account show T17\n/account show T10\n/account show T09\n\
         /account set T01 tier:1\n/account show T01\n/account list tier:1\n\
         /account set T01 tier:auto\n/account show T01\n",
    );
    let run = s.console(&script);
    // Top 15 % of 20 = 3 accounts, next 40 % = 8, the remaining 9.
    assert!(
        run.reply(20).starts_with("3 accounts, $57,000 ARR\n"),
        "{}",
        run.reply(20)
    );
    assert!(
        run.reply(21).starts_with("8 accounts, $108,000 ARR\n"),
        "{}",
        run.reply(21)
    );
    assert!(
        run.reply(22).starts_with("9 accounts, $45,000 ARR\n"),
        "{}",
        run.reply(22)
    );
    assert_has(run.reply(23), &["\nTier: Tier 1\n"]);
    assert_has(run.reply(24), &["\nTier: Tier 2\n"]);
    assert_has(run.reply(25), &["\nTier: Tier 2\n"]);
    assert_has(run.reply(26), &["\nTier: Tier 3\n"]);
    assert_has(run.reply(27), &["Updated T01.", "Tier: Tier 1 (pinned)"]);
    assert_has(run.reply(28), &["\nTier: Tier 1 (pinned)\n"]);
    assert!(
        run.reply(29).starts_with("4 accounts, $58,000 ARR\n"),
        "{}",
        run.reply(29)
    );
    assert_has(run.reply(31), &["\nTier: Tier 3\n"]);
    assert_lacks(run.reply(31), &["pinned"]);
}

#[test]
fn a_single_account_is_tier_1_and_long_lists_page_by_25() {
    let s = Steward::new();
    let run = s.console("/account add Solo arr:1k renewal:2027-01-01\n");
    assert!(run.reply(0).contains(", Tier 1, "), "{}", run.reply(0));

    let mut script: String = (2..=30)
        .map(|i| format!("/account add P{i:02} arr:{i}k renewal:2027-01-01\n"))
        .collect();
    script.push_str("/account list\n/account list page:2\n");
    let run = s.console(&script);
    let page1 = run.reply(29);
    let page2 = run.reply(30);
    // Totals always cover the whole list: 1k + 2k + … + 30k.
    assert!(page1.starts_with("30 accounts, $465,000 ARR\n"), "{page1}");
    assert!(page2.starts_with("30 accounts, $465,000 ARR\n"), "{page2}");
    assert_eq!(page1.lines().filter(|l| l.starts_with("- ")).count(), 25);
    assert!(
        page1.ends_with("Showing 1–25 of 30. More: `/account list page:2`"),
        "{page1}"
    );
    assert_eq!(page2.lines().filter(|l| l.starts_with("- ")).count(), 5);
    assert!(page2.ends_with("Showing 26–30 of 30."), "{page2}");
    assert!(has_row(page2, "Solo") && !has_row(page1, "Solo"));
}

#[test]
fn account_set_changes_fields_and_history_shows_before_and_after() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-03-31 owner:@jane seats:100\n\
         /account set Acme arr:60k renewal:2027-06-30 active-seats:80 owner:@omar\n\
         /account show Acme\n\
         /account set Acme active-seats:120\n\
         /account set Acme\n\
         /account add Globex arr:1k renewal:2027-01-01\n\
         /account set Globex name:ACME\n\
         /account set Acme name:\"Acme Corp\"\n\
         /account history \"acme corp\"\n\
         /account show \"Acme Corp\"\n",
    );
    assert_has(
        run.reply(1),
        &[
            "Updated Acme.",
            "ARR: $60,000",
            "Renewal: 2027-06-30 (in 485 days, not started)",
            "Owner: @omar",
        ],
    );
    assert_has(
        run.reply(2),
        &[
            "\nARR: $60,000\n",
            "\nOwner: @omar\n",
            "\nSeats: 100, 80 active",
        ],
    );
    assert!(
        run.reply(3)
            .starts_with("error: active-seats: 120 active seats is more than the 100 contracted"),
        "{}",
        run.reply(3)
    );
    assert!(
        run.reply(4)
            .starts_with("error: set: nothing to change was given. Example: /account set"),
        "{}",
        run.reply(4)
    );
    assert!(
        run.reply(6)
            .starts_with("error: account \"Acme\" already exists"),
        "{}",
        run.reply(6)
    );
    assert_has(run.reply(7), &["Updated Acme Corp."]);
    let history = run.reply(8);
    assert!(
        history.starts_with("History of Acme Corp (3 changes, newest first)\n"),
        "{history}"
    );
    let set = line_starting(
        history,
        "- 2026-03-02 09:00 UTC @local-user `/account set Acme arr:60k",
    );
    assert_has(
        set,
        &[
            "ARR: $50,000 → $60,000",
            "renewal date: 2027-03-31 → 2027-06-30",
            "owner: @jane → @omar",
            "active seats: 80",
        ],
    );
    assert_has(
        line_starting(
            history,
            "- 2026-03-02 09:00 UTC @local-user `/account set Acme name:",
        ),
        &["name: Acme → Acme Corp"],
    );
    assert_has(
        line_starting(
            history,
            "- 2026-03-02 09:00 UTC @local-user `/account add Acme",
        ),
        &["ARR: $50,000", "name: Acme"],
    );
    // The refused changes left no trace and changed nothing.
    assert_has(
        run.reply(9),
        &["\nARR: $60,000\n", "\nSeats: 100, 80 active"],
    );
}

#[test]
fn account_list_filters_by_tier_owner_and_health() {
    let s = Steward::new();
    let run = s.console(
        "/account add Big arr:900k renewal:2027-01-01 owner:@jane\n\
         /account add Mid arr:100k renewal:2027-01-01 owner:@omar\n\
         /account add Low arr:10k renewal:2027-01-01 owner:@jane\n\
         /health set Mid nps:3\n\
         /health set Low nps:9\n\
         /account list owner:@jane\n\
         /account list health:red\n\
         /account list health:green\n\
         /account list health:unknown\n\
         /account list tier:1 owner:@omar\n",
    );
    assert!(
        run.reply(5).starts_with("2 accounts, $910,000 ARR\n"),
        "{}",
        run.reply(5)
    );
    assert!(
        has_row(run.reply(5), "Big")
            && has_row(run.reply(5), "Low")
            && !has_row(run.reply(5), "Mid")
    );
    assert!(
        run.reply(6).starts_with("1 account, $100,000 ARR\n"),
        "{}",
        run.reply(6)
    );
    assert_has(
        row(run.reply(6), "Mid"),
        &["health 0 red (partial)", "@omar"],
    );
    assert_has(row(run.reply(7), "Low"), &["health 100 green (partial)"]);
    assert_has(row(run.reply(8), "Big"), &["health unknown"]);
    assert!(
        run.reply(9).starts_with("No accounts match."),
        "{}",
        run.reply(9)
    );
}

#[test]
fn account_log_is_renewal_activity_and_clears_a_late_start() {
    let s = Steward::new();
    let run = s.console(
        "/account add Late arr:50k renewal:+75d\n\
         /account add Fine arr:50k renewal:+76d\n\
         /account add Edge arr:100k renewal:+75d\n\
         /account add BigLate arr:150k renewal:+105d\n\
         /account add BigFine arr:150k renewal:+106d\n\
         /renewal list\n\
         /renewal show Late\n\
         /renewal show BigLate\n\
         /account show Late\n\
         /account log Late Sent the renewal proposal type:email\n\
         /account log Edge just a note\n\
         /renewal list\n\
         /renewal show Late\n\
         /account show Late\n",
    );
    let before = run.reply(5);
    // Lead time 90 days (120 over $100K); late = inside it by more than 14 days, no activity.
    for (name, late) in [
        ("Late", true),
        ("Fine", false),
        ("Edge", true),
        ("BigLate", true),
        ("BigFine", false),
    ] {
        assert_eq!(
            row(before, name).contains(" — late start"),
            late,
            "{name}: {}",
            row(before, name)
        );
    }
    assert_has(
        run.reply(6),
        &[
            "Lead time: 90 days",
            "⚠ Late start: inside the 90-day lead time with no renewal activity.",
        ],
    );
    assert_has(
        run.reply(7),
        &[
            "Lead time: 120 days",
            "⚠ Late start: inside the 120-day lead time",
        ],
    );
    assert_has(
        run.reply(8),
        &["- late start: no renewal activity inside the lead time"],
    );
    assert_eq!(run.reply(9), "Logged a email on Late.");
    assert_eq!(run.reply(10), "Logged a note on Edge.");
    let after = run.reply(11);
    assert!(!row(after, "Late").contains("late start"), "{after}");
    // A plain note is not renewal activity (only a note about a proposal is).
    assert!(row(after, "Edge").contains(" — late start"), "{after}");
    assert_has(run.reply(12), &["Last renewal activity: 2026-03-02"]);
    assert_lacks(run.reply(12), &["Late start"]);
    assert_has(
        run.reply(13),
        &[
            "Recent activity:",
            "- 2026-03-02 email — Sent the renewal proposal",
        ],
    );
    assert_lacks(run.reply(13), &["late start"]);
}

#[test]
fn admin_commands_are_refused_to_a_console_user_not_in_steward_admins() {
    let script = "/account add Acme arr:50k renewal:2027-01-01 owner:@jane\n\
                  /steward whoami\n\
                  /account remove Acme\n\
                  /account reassign @jane to:@omar\n\
                  /steward manager @jane manager:@omar\n\
                  /steward owner \"Jane D\" user:@jane\n\
                  /steward timezone Europe/Berlin\n\
                  /steward currency EUR\n\
                  /steward fiscal-year feb\n\
                  /account show Acme\n\
                  /account list\n";
    let s = Steward::new().env("STEWARD_ADMINS", "boss, slack:T1:local-user");
    let run = s.console(script);
    assert_has(
        run.reply(1),
        &["Tenant: local", "You: @local-user", "Rights: member"],
    );
    for (i, name) in [
        (2, "/account remove"),
        (3, "/account reassign"),
        (4, "/steward manager"),
        (5, "/steward owner"),
        (6, "/steward timezone"),
        (7, "/steward currency"),
        (8, "/steward fiscal-year"),
    ] {
        assert_eq!(
            run.reply(i),
            format!(
                "error: only an admin can use `{name}`. Ask an admin, or see `/steward whoami`."
            ),
            "line {i}"
        );
    }
    // Nothing changed: still there, still owned by @jane, still in dollars.
    assert_has(run.reply(9), &["\nARR: $50,000\n", "\nOwner: @jane\n"]);
    assert!(
        run.reply(10).starts_with("1 account, $50,000 ARR"),
        "{}",
        run.reply(10)
    );

    // Listed (bare or scoped to this tenant), the console user may.
    for admins in ["boss,local-user", "local:local-user"] {
        let s = Steward::new().env("STEWARD_ADMINS", admins);
        let run = s.console(script);
        assert_has(run.reply(1), &["Rights: admin"]);
        assert_eq!(
            run.reply(2),
            "Removed Acme and its 0 stakeholders. Its audit trail is kept."
        );
        assert!(
            run.reply(9)
                .starts_with("error: account \"Acme\" not found"),
            "{admins}: {}",
            run.reply(9)
        );
    }
}

#[test]
fn admin_commands_are_allowed_while_steward_admins_is_unset() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-01-01 owner:@jane\n\
         /account add Globex arr:20k renewal:2027-01-01 owner:@jane\n\
         /account add Initech arr:10k renewal:2027-01-01 owner:@priya\n\
         /steward whoami\n\
         /account reassign @jane to:@omar\n\
         /account list owner:@omar\n\
         /account remove Globex\n\
         /account list\n",
    );
    assert_has(run.reply(3), &["Rights: admin"]);
    assert_eq!(run.reply(4), "Moved 2 accounts from @jane to @omar.");
    assert!(
        run.reply(5).starts_with("2 accounts, $70,000 ARR"),
        "{}",
        run.reply(5)
    );
    assert_eq!(
        run.reply(6),
        "Removed Globex and its 0 stakeholders. Its audit trail is kept."
    );
    assert!(
        run.reply(7).starts_with("2 accounts, $60,000 ARR"),
        "{}",
        run.reply(7)
    );
    assert!(!has_row(run.reply(7), "Globex"));
}

#[test]
fn a_removed_account_s_history_never_shows_up_under_a_new_account() {
    let s = Steward::new();
    let run = s.console(
        "/account add Alpha arr:10k renewal:2027-01-01\n\
         /account add Beta arr:20k renewal:2027-01-01\n\
         /stakeholder add Beta \"Secret Person\" role:champion\n\
         /account remove Beta\n\
         /account add Gamma arr:30k renewal:2027-01-01\n\
         /account history Gamma\n",
    );
    assert!(
        run.reply(5).starts_with("History of Gamma (1 change"),
        "{}",
        run.reply(5)
    );
    assert_lacks(run.reply(5), &["Beta", "Secret Person"]);
}

// ---------------------------------------------------------------------------------------
// /stakeholder
// ---------------------------------------------------------------------------------------

#[test]
fn stakeholders_land_on_the_power_grid_and_threading_is_flagged() {
    let s = Steward::new();
    let run = s.console(
        "/account add \"Acme Corp\" arr:250k renewal:2027-01-01 owner:@jane\n\
         /stakeholder add \"Acme Corp\" \"Jane Doe\" role:champion title:CTO nps:9\n\
         /stakeholder add \"Acme Corp\" \"Bob Ruiz\" role:economic-buyer sentiment:positive\n\
         /account show \"Acme Corp\"\n\
         /account list\n\
         /stakeholder add \"Acme Corp\" \"Sam Ode\" role:blocker influence:high\n\
         /stakeholder add \"Acme Corp\" \"Lee Fox\" role:end-user owner:@omar\n\
         /stakeholder list \"acme corp\"\n\
         /account show \"Acme Corp\"\n\
         /account list\n\
         /stakeholder add \"Acme Corp\" \"BOB RUIZ\" role:champion\n\
         /stakeholder set \"Acme Corp\" \"Lee Fox\" sentiment:positive\n\
         /stakeholder set \"Acme Corp\" \"Bob Ruiz\" sentiment:neutral\n\
         /stakeholder set \"Acme Corp\" Nobody nps:3\n\
         /stakeholder set \"Acme Corp\" \"Lee Fox\"\n",
    );
    assert_eq!(
        run.reply(1),
        "Added Jane Doe (champion) to Acme Corp — LEVERAGE.\n⚠ Single-threaded: 1 active stakeholder (< 3), no active economic buyer."
    );
    assert_eq!(
        run.reply(2),
        "Added Bob Ruiz (economic-buyer) to Acme Corp — PROTECT & GROW.\n⚠ Single-threaded: 2 active stakeholders (< 3)."
    );
    assert_has(
        run.reply(3),
        &[
            "\nStakeholders: Jane Doe (champion), Bob Ruiz (economic-buyer)\n",
            "Risks:\n- single-threaded: 2 active stakeholders (< 3)",
        ],
    );
    assert!(
        row(run.reply(4), "Acme Corp").ends_with(" — single-threaded"),
        "{}",
        run.reply(4)
    );
    assert_eq!(
        run.reply(5),
        "Added Sam Ode (blocker) to Acme Corp — MOBILIZE.\nMulti-threaded: 3+ active stakeholders with a champion and an economic buyer."
    );
    assert!(
        run.reply(6)
            .starts_with("Added Lee Fox (end-user) to Acme Corp — MONITOR."),
        "{}",
        run.reply(6)
    );
    assert_eq!(
        run.reply(7),
        "Power grid — Acme Corp\n\
         MOBILIZE (High influence, convert):\n\
         - Sam Ode — blocker, detractor, never contacted\n\
         PROTECT & GROW (High influence, nurture):\n\
         - Bob Ruiz — economic-buyer, positive, never contacted\n\
         MONITOR (Low influence, watch):\n\
         - Lee Fox — end-user, neutral, never contacted — owner @omar\n\
         LEVERAGE (Low influence, references):\n\
         - Jane Doe — champion, CTO, champion, NPS 9, never contacted\n\
         Multi-threaded: 3+ active stakeholders with a champion and an economic buyer."
    );
    assert_lacks(run.reply(8), &["Risks:", "single-threaded"]);
    assert!(
        !row(run.reply(9), "Acme Corp").contains("single-threaded"),
        "{}",
        run.reply(9)
    );
    assert!(
        run.reply(10)
            .starts_with("error: stakeholder \"Bob Ruiz\" already exists."),
        "{}",
        run.reply(10)
    );
    assert!(
        run.reply(11).starts_with(
            "Updated Lee Fox at Acme Corp: end-user, low influence, positive — LEVERAGE."
        ),
        "{}",
        run.reply(11)
    );
    assert!(
        run.reply(12).starts_with(
            "Updated Bob Ruiz at Acme Corp: economic-buyer, high influence, neutral — MOBILIZE."
        ),
        "{}",
        run.reply(12)
    );
    assert_eq!(
        run.reply(13),
        "error: stakeholder \"Nobody\" not found. People at Acme Corp: Jane Doe, Bob Ruiz, Sam Ode, Lee Fox."
    );
    assert!(
        run.reply(14)
            .starts_with("error: set: nothing to change was given. Example: /stakeholder set"),
        "{}",
        run.reply(14)
    );
}

#[test]
fn a_stakeholder_s_email_is_kept_lower_case_shown_and_cleared_with_none() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-01-01\n\
         /stakeholder add Acme \"Jane Doe\" role:champion title:CTO email:Jane.Doe@Acme.com\n\
         /stakeholder list Acme\n\
         /stakeholder set Acme \"Jane Doe\" email:jane@acme.io\n\
         /stakeholder set Acme \"Jane Doe\" email:\"jane at acme\"\n\
         /account history Acme\n\
         /stakeholder set Acme \"Jane Doe\" email:none\n\
         /stakeholder list Acme\n",
    );
    assert_has(
        run.reply(2),
        &["- Jane Doe — champion, CTO, jane.doe@acme.com, champion, never contacted"],
    );
    assert!(
        run.reply(3).starts_with("Updated Jane Doe at Acme"),
        "{}",
        run.reply(3)
    );
    assert_eq!(
        run.reply(4),
        "error: email: \"jane at acme\" contains a space or a control character. Example: email:jane@acme.com"
    );
    assert_has(
        run.reply(5),
        &["stakeholder Jane Doe e-mail: jane.doe@acme.com → jane@acme.io"],
    );
    assert_has(
        run.reply(7),
        &["- Jane Doe — champion, CTO, champion, never contacted"],
    );
}

#[test]
fn contacts_make_stakeholders_fresh_and_90_days_without_one_is_stale() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-01-01\n\
         /stakeholder add Acme \"Jane Doe\" role:champion\n\
         /stakeholder contact Acme \"Jane Doe\" date:2025-12-01\n\
         /account show Acme\n\
         /stakeholder list Acme\n\
         /stakeholder contact Acme \"jane doe\" date:2025-12-02\n\
         /account show Acme\n\
         /stakeholder contact Acme \"Jane Doe\" date:2026-03-03\n\
         /stakeholder contact Acme \"Jane Doe\"\n\
         /stakeholder list Acme\n",
    );
    assert_eq!(
        run.reply(2),
        "Recorded contact with Jane Doe at Acme on 2025-12-01."
    );
    // 91 days ago: stale.
    assert_has(run.reply(3), &["- not contacted for 90+ days: Jane Doe"]);
    assert_has(
        run.reply(4),
        &["- Jane Doe — champion, champion, last contact 2025-12-01 (stale: 90+ days)"],
    );
    // 90 days ago: not stale yet.
    assert_lacks(run.reply(6), &["not contacted"]);
    assert!(
        run.reply(7)
            .starts_with("error: date: 2026-03-03 is in the future"),
        "{}",
        run.reply(7)
    );
    assert_eq!(
        run.reply(8),
        "Recorded contact with Jane Doe at Acme on 2026-03-02."
    );
    assert_has(
        run.reply(9),
        &["- Jane Doe — champion, champion, last contact 2026-03-02\n"],
    );
}

#[test]
fn a_departing_last_champion_is_an_escalation() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-01-01\n\
         /stakeholder add Acme \"Jane Doe\" role:champion\n\
         /stakeholder add Acme \"Ann Lee\" role:champion\n\
         /stakeholder add Acme \"Bob Ruiz\" role:economic-buyer\n\
         /stakeholder add Acme \"Lee Fox\" role:end-user\n\
         /stakeholder departed Acme \"Jane Doe\"\n\
         /account show Acme\n\
         /stakeholder departed Acme \"Ann Lee\"\n\
         /account show Acme\n\
         /account list\n\
         /stakeholder list Acme\n",
    );
    assert_eq!(
        run.reply(5),
        "Marked Jane Doe as departed from Acme.\nMulti-threaded: 3+ active stakeholders with a champion and an economic buyer."
    );
    assert_has(
        run.reply(6),
        &["\nStakeholders: Ann Lee (champion), Bob Ruiz (economic-buyer), Lee Fox (end-user)"],
    );
    assert_lacks(run.reply(6), &["single-threaded"]);
    assert_eq!(
        run.reply(7),
        "Marked Ann Lee as departed from Acme.\n\
         ⚠ Acme now has no active champion: this is an escalation, and the owner's manager will be pinged. \
         Find a new champion: `/stakeholder add \"Acme\" NAME role:champion`.\n\
         ⚠ Single-threaded: 2 active stakeholders (< 3), no active champion."
    );
    assert_has(
        run.reply(8),
        &["- single-threaded: 2 active stakeholders (< 3), no active champion"],
    );
    assert!(row(run.reply(9), "Acme").ends_with(" — single-threaded"));
    assert_has(
        run.reply(10),
        &["Departed:\n- Jane Doe — champion, champion, never contacted\n- Ann Lee — champion"],
    );
}

#[test]
fn removing_a_stakeholder_redacts_their_name_from_the_history() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-01-01\n\
         /stakeholder add Acme \"Sam Ode\" role:blocker title:CIO\n\
         /stakeholder set Acme \"Sam Ode\" sentiment:neutral risk:\"Sam Ode may leave\"\n\
         /stakeholder add Acme \"Bob Ruiz\" role:economic-buyer\n\
         /account history Acme\n\
         /stakeholder remove Acme \"Sam Ode\"\n\
         /account history Acme\n\
         /stakeholder list Acme\n",
    );
    assert_has(run.reply(4), &["Sam Ode"]);
    assert_eq!(
        run.reply(5),
        "Removed Sam Ode from Acme; their name is replaced with [removed] in the audit trail. \
         Undo with `/steward undo` until 2026-03-03 09:00 UTC; after that their record is erased."
    );
    let history = run.reply(6);
    assert!(
        history.starts_with("History of Acme (5 changes, newest first)"),
        "{history}"
    );
    assert_lacks(history, &["Sam Ode", "Sam", "Ode"]);
    assert_has(history, &["[removed]", "Bob Ruiz"]);
    assert_lacks(run.reply(7), &["Sam Ode"]);
    // Durable: a later session sees the redacted trail.
    let later = s.console("/account history Acme\n");
    assert_eq!(later.reply(0), history);
}

/// The undo plan `user` would apply, read from the store (no console holds it).
fn undo_plan(db: &std::path::Path, user: &str) -> UndoPlan {
    let store = Store::open(db).expect("open the store");
    let tenant = TenantId::parse("local").expect("valid");
    store
        .last_change(&tenant, &UserId(user.into()))
        .expect("read")
        .expect("an undo plan")
}

#[test]
fn a_removed_stakeholder_is_kept_only_while_undo_is_offered_then_erased() {
    let mut s = Steward::new();
    let holds_sam = |plan: &UndoPlan| {
        plan.steps.iter().any(|step| {
            matches!(step, Revert::Restore(a) if a.stakeholders.iter().any(|p| p.name == "Sam Ode"))
        })
    };
    s.console(
        "/account add Acme arr:50k renewal:2027-01-01\n\
         /stakeholder add Acme \"Sam Ode\" role:blocker title:CIO\n",
    );
    // Omar's last change is to Acme too: his undo holds Sam as well.
    s.console_with(&["--user", "omar"], b"/account set Acme seats:40\n");
    assert!(holds_sam(&undo_plan(s.db(), "omar")));
    let run = s.console("/stakeholder remove Acme \"Sam Ode\"\n");
    assert_has(
        run.reply(0),
        &["Undo with `/steward undo` until 2026-03-03 09:00 UTC; after that their record is erased."],
    );
    // While undo is offered the remover's plan holds the whole person; Omar's, which could
    // no longer be applied (Acme changed since), is purged at once.
    assert!(holds_sam(&undo_plan(s.db(), "local-user")));
    assert!(undo_plan(s.db(), "omar").steps.is_empty());
    let omar = s.console_with(&["--user", "omar"], b"/steward undo\n");
    assert_has(
        &omar.stdout,
        &["error: your last change here, from 2026-03-02 09:00 UTC, can no longer be undone: an account it changed was changed since."],
    );

    // A day later a session that only reads: the plan was purged when the store opened.
    s.at("2026-03-03T09:00:00Z");
    let later = s.console("/account show Acme\n/steward undo\n");
    assert_has(
        later.reply(1),
        &["error: your last change here, from 2026-03-02 09:00 UTC, can no longer be undone: undo is offered for 24 hours (it ended 2026-03-03 09:00 UTC)."],
    );
    let purged = undo_plan(s.db(), "local-user");
    assert!(
        purged.steps.is_empty() && purged.command.is_empty(),
        "{purged:?}"
    );
    let export = s.command().arg("export").output().expect("export");
    assert!(export.status.success());
    assert_lacks(&String::from_utf8_lossy(&export.stdout), &["Sam Ode"]);
}

#[test]
fn undo_brings_a_removed_stakeholder_back_within_the_day() {
    let mut s = Steward::new();
    s.console(
        "/account add Acme arr:50k renewal:2027-01-01\n\
         /stakeholder add Acme \"Sam Ode\" role:blocker title:CIO\n\
         /stakeholder remove Acme \"Sam Ode\"\n",
    );
    s.at("2026-03-03T08:59:00Z");
    let run = s.console("/steward undo\n/stakeholder list Acme\n");
    assert_has(
        run.reply(0),
        &["Undid your `/stakeholder remove Acme \"Sam Ode\"` from 2026-03-02 09:00 UTC."],
    );
    assert_has(run.reply(1), &["Sam Ode"]);
}

#[test]
fn removing_a_stakeholder_redacts_the_name_in_any_case() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-01-01\n\
         /stakeholder add Acme \"Sam Ode\" role:blocker\n\
         /stakeholder set Acme \"SAM ODE\" title:CIO\n\
         /stakeholder remove Acme \"sam ode\"\n\
         /account history Acme\n",
    );
    assert_lacks(&run.reply(4).to_lowercase(), &["sam ode"]);
}

#[test]
fn removing_a_stakeholder_redacts_every_occurrence_of_a_repeated_name() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-01-01\n\
         /stakeholder add Acme Tom role:champion\n\
         /stakeholder set Acme Tom risk:\"Tom Tom, tom; TOM may leave\"\n\
         /stakeholder remove Acme Tom\n\
         /account history Acme\n",
    );
    let history = run.reply(4);
    assert_lacks(&history.to_lowercase(), &["tom"]);
    assert_has(
        history,
        &["[removed] [removed], [removed]; [removed] may leave"],
    );
}

#[test]
fn removing_a_stakeholder_redacts_only_that_person() {
    let s = Steward::new();
    let run = s.console(
        "/account add Alcoa arr:50k renewal:2027-01-01\n\
         /stakeholder add Alcoa Al role:champion\n\
         /stakeholder add Alcoa \"Alice Walker\" role:economic-buyer\n\
         /stakeholder remove Alcoa Al\n\
         /account history Alcoa\n",
    );
    assert_has(run.reply(4), &["/account add Alcoa", "Alice Walker"]);
}

// ---------------------------------------------------------------------------------------
// /health
// ---------------------------------------------------------------------------------------

#[test]
fn health_scores_are_weighted_rounded_half_up_and_banded_on_the_raw_score() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-01-01\n\
         /health set Acme usage:60 adoption:1 nps:9 tickets:stable roi:95\n\
         /health show Acme\n\
         /health set Acme usage:85 adoption:3 nps:7 tickets:zero roi:80\n\
         /health set Acme tickets:stable\n\
         /health set Acme usage:90 adoption:2 nps:3 tickets:increasing roi:80\n\
         /health set Acme usage:50 adoption:1 nps:6 tickets:stable roi:70\n\
         /account show Acme\n\
         /account list\n",
    );
    // 30·50 + 20·50 + 20·100 + 15·50 + 15·100 = 67.5
    assert_eq!(run.reply(1), "Health of Acme: 68 yellow.");
    assert_eq!(
        run.reply(2),
        "Health — Acme\n\
         Score: 68 yellow\n\
         - usage (30 %): 60 % of seats active — yellow — set by @local-user on 2026-03-02\n\
         - adoption (20 %): 1 core features — yellow — set by @local-user on 2026-03-02\n\
         - relationship (NPS) (20 %): NPS 9 — green — set by @local-user on 2026-03-02\n\
         - support tickets (15 %): tickets stable — yellow — set by @local-user on 2026-03-02\n\
         - ROI (15 %): 95 % of targets met — green — set by @local-user on 2026-03-02\n\
         Trend (90 days): 2026-03-02 68\n\
         Last updated 2026-03-02."
    );
    // 30 + 20 + 10 + 15 + 7.5 = 82.5 → 83
    assert_eq!(run.reply(3), "Health of Acme: 83 green (was 68 yellow).");
    // Only tickets changes (the rest is merged): 75 exactly is yellow.
    assert_eq!(run.reply(4), "Health of Acme: 75 yellow (was 83 green).");
    // 30 + 10 + 0 + 0 + 7.5 = 47.5 → 48, red, and an escalation.
    assert_eq!(
        run.reply(5),
        "Health of Acme: 48 red (was 75 yellow).\n\
         ⚠ Acme turned red: this is an escalation, and the owner's manager will be pinged. Consider `/atrisk save \"Acme\"`."
    );
    // Every category yellow: 50, the bottom of yellow.
    assert_eq!(run.reply(6), "Health of Acme: 50 yellow (was 48 red).");
    assert_has(run.reply(7), &["\nHealth: 50 yellow\n"]);
    assert_has(row(run.reply(8), "Acme"), &["health 50 yellow"]);
}

#[test]
fn health_categories_are_rated_at_their_edges() {
    let s = Steward::new();
    let run = s.console(
        "/account add B arr:50k renewal:2027-01-01\n\
         /health set B usage:80 adoption:0 nps:8 tickets:decreasing roi:90\n\
         /health show B\n\
         /health set B usage:80.5 adoption:2 nps:5 roi:91\n\
         /health show B\n\
         /health set B usage:49 adoption:3 nps:10 tickets:escalated roi:69\n\
         /health show B\n\
         /account show B\n",
    );
    assert_eq!(run.reply(1), "Health of B: 58 yellow.");
    assert_has(
        run.reply(2),
        &[
            "- usage (30 %): 80 % of seats active — yellow",
            "- adoption (20 %): 0 core features — red",
            "- relationship (NPS) (20 %): NPS 8 — green",
            "- support tickets (15 %): tickets decreasing — green",
            "- ROI (15 %): 90 % of targets met — yellow",
        ],
    );
    assert_eq!(run.reply(3), "Health of B: 70 yellow (was 58 yellow).");
    assert_has(
        run.reply(4),
        &[
            "- usage (30 %): 80.5 % of seats active — green",
            "- adoption (20 %): 2 core features — yellow",
            "- relationship (NPS) (20 %): NPS 5 — red",
            "- ROI (15 %): 91 % of targets met — green",
        ],
    );
    assert!(
        run.reply(5)
            .starts_with("Health of B: 40 red (was 70 yellow).\n⚠ B turned red"),
        "{}",
        run.reply(5)
    );
    assert_has(
        run.reply(6),
        &[
            "- usage (30 %): 49 % of seats active — red",
            "- adoption (20 %): 3 core features — green",
            "- relationship (NPS) (20 %): NPS 10 — green",
            "- support tickets (15 %): tickets escalated — red",
            "- ROI (15 %): 69 % of targets met — red",
        ],
    );
    assert_has(
        run.reply(7),
        &["- health red (usage, support tickets, ROI)"],
    );
}

#[test]
fn partial_and_unknown_health_are_never_silently_green() {
    let s = Steward::new();
    let run = s.console(
        "/account add C arr:50k renewal:2027-01-01\n\
         /health show C\n\
         /health set C\n\
         /health set C nps:9 usage:60\n\
         /health show C\n",
    );
    assert_eq!(
        run.reply(1),
        "Health — C\nScore: unknown\nNo signals recorded yet. Record them with \
         `/health set \"C\" usage:85 adoption:3 nps:9 tickets:decreasing roi:92`."
    );
    assert!(
        run.reply(2)
            .starts_with("error: set: no signal was given. Example: /health set"),
        "{}",
        run.reply(2)
    );
    // (20·100 + 30·50) / 50 = 70
    assert_eq!(run.reply(3), "Health of C: 70 yellow (partial).\nPartial score — unknown: adoption, support tickets, ROI.");
    assert_has(
        run.reply(4),
        &[
            "Score: 70 yellow (partial)",
            "- adoption (20 %): not recorded — unknown",
        ],
    );
}

#[test]
fn health_history_shows_a_trend_and_a_decline() {
    let mut s = Steward::new();
    s.at("2026-02-01T09:00:00Z");
    s.console(
        "/account add E arr:50k renewal:2027-01-01\n\
         /health set E usage:90 adoption:3 nps:9 tickets:zero roi:95\n",
    );
    s.at(common::NOW);
    let run = s.console("/health set E usage:60 nps:7\n/health show E\n/account show E\n");
    assert_eq!(run.reply(0), "Health of E: 75 yellow (was 100 green).");
    assert_has(
        run.reply(1),
        &[
            "Trend (90 days): 2026-02-01 100 → 2026-03-02 75",
            "⚠ Declining: down 15+ points or a worse band within 30 days.",
        ],
    );
    assert_has(run.reply(2), &["- health declining"]);
}

// ---------------------------------------------------------------------------------------
// /renewal
// ---------------------------------------------------------------------------------------

/// (name, renewal date, days from 2026-03-02, stage word, first checklist item).
const STAGES: [(&str, &str, i64, &str, &str); 12] = [
    (
        "D121",
        "2026-07-01",
        121,
        "not started",
        "Keep the account plan current",
    ),
    (
        "D120",
        "2026-06-30",
        120,
        "T-120",
        "Flag the renewal in the forecast",
    ),
    (
        "D91",
        "2026-06-01",
        91,
        "T-120",
        "Flag the renewal in the forecast",
    ),
    (
        "D90",
        "2026-05-31",
        90,
        "T-90",
        "Run the renewal QBR on value delivered",
    ),
    (
        "D61",
        "2026-05-02",
        61,
        "T-90",
        "Run the renewal QBR on value delivered",
    ),
    (
        "D60",
        "2026-05-01",
        60,
        "T-60",
        "Send the renewal proposal with pricing",
    ),
    (
        "D31",
        "2026-04-02",
        31,
        "T-60",
        "Send the renewal proposal with pricing",
    ),
    (
        "D30",
        "2026-04-01",
        30,
        "T-30",
        "Follow up weekly until signed",
    ),
    (
        "D8",
        "2026-03-10",
        8,
        "T-30",
        "Follow up weekly until signed",
    ),
    (
        "D7",
        "2026-03-09",
        7,
        "T-7",
        "Confirm countersigned paperwork",
    ),
    (
        "D0",
        "2026-03-02",
        0,
        "T-7",
        "Confirm countersigned paperwork",
    ),
    (
        "Dm1",
        "2026-03-01",
        -1,
        "overdue",
        "Past the renewal date: record the outcome",
    ),
];

#[test]
fn renewal_stages_change_on_their_exact_day() {
    let s = Steward::new();
    let mut script = String::new();
    for (name, date, ..) in STAGES {
        script.push_str(&format!("/account add {name} arr:10k renewal:{date}\n"));
    }
    for (name, ..) in STAGES {
        script.push_str(&format!("/account show {name}\n/renewal show {name}\n"));
    }
    script.push_str("/renewal list\n/renewal list within:90d\n/renewal list within:7d\n");
    let run = s.console(&script);
    let n = STAGES.len();
    for (i, (name, date, days, stage, first_item)) in STAGES.into_iter().enumerate() {
        let when = match days {
            0 => "today".to_string(),
            -1 => "yesterday".to_string(),
            d => format!("in {d} days"),
        };
        let shown = format!("{date} ({when}, {stage})");
        assert_has(run.reply(n + 2 * i), &[&format!("\nRenewal: {shown}\n")]);
        let renewal = run.reply(n + 2 * i + 1);
        assert!(
            renewal.starts_with(&format!("Renewal — {name}\nRenews: {shown}\n")),
            "{renewal}"
        );
        assert_has(
            renewal,
            &[&format!("\n{stage} checklist:\n- [ ] {first_item}")],
        );
    }
    let default = run.reply(3 * n);
    assert!(
        default.starts_with("11 renewals within 120 days, $110,000 ARR\n"),
        "{default}"
    );
    assert!(!has_row(default, "D121") && has_row(default, "D120"));
    for (name, date, _, stage, _) in STAGES.into_iter().skip(1) {
        assert!(
            row(default, name).starts_with(&format!(
                "- {date} {name} — $10,000 — {stage} — health unknown"
            )),
            "{default}"
        );
    }
    // Soonest first, the overdue one at the top.
    assert!(
        default
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("- 2026-03-01 Dm1 — ")),
        "{default}"
    );
    let within90 = run.reply(3 * n + 1);
    assert!(
        within90.starts_with("9 renewals within 90 days, $90,000 ARR\n"),
        "{within90}"
    );
    assert!(has_row(within90, "D90") && !has_row(within90, "D91"));
    let within7 = run.reply(3 * n + 2);
    assert!(
        within7.starts_with("3 renewals within 7 days, $30,000 ARR\n"),
        "{within7}"
    );
}

#[test]
fn two_unanswered_follow_ups_inside_t30_escalate() {
    let s = Steward::new();
    let run = s.console(
        "/account add F arr:10k renewal:+20d owner:@jane\n\
         /account add G arr:10k renewal:+45d\n\
         /renewal followup F\n\
         /renewal followup F responded:no\n\
         /renewal followup F responded:yes\n\
         /renewal followup F\n\
         /renewal followup G\n\
         /renewal followup G\n\
         /renewal show F\n",
    );
    assert_eq!(
        run.reply(2),
        "Logged a follow-up on F (no answer yet); 1 unanswered in a row."
    );
    assert_eq!(
        run.reply(3),
        "Logged a follow-up on F (no answer yet); 2 unanswered in a row.\n\
         ⚠ 2 unanswered follow-ups inside T-30: this escalates to the owner's manager."
    );
    assert_eq!(
        run.reply(4),
        "Logged a follow-up on F (answered); 0 unanswered in a row."
    );
    assert_eq!(
        run.reply(5),
        "Logged a follow-up on F (no answer yet); 1 unanswered in a row."
    );
    // Outside T-30 (45 days out) two unanswered follow-ups are no escalation.
    assert_eq!(
        run.reply(7),
        "Logged a follow-up on G (no answer yet); 2 unanswered in a row."
    );
    assert_has(
        run.reply(8),
        &[
            "Follow-ups: 4 logged, 1 unanswered",
            "Last renewal activity: 2026-03-02",
            "T-30 checklist:",
        ],
    );
}

#[test]
fn extensions_add_up_to_30_days_and_a_refused_one_changes_nothing() {
    let s = Steward::new();
    let run = s.console(
        "/account add H arr:10k renewal:2026-03-20\n\
         /renewal extend H days:31\n\
         /renewal show H\n\
         /renewal extend H days:20\n\
         /renewal extend H days:11\n\
         /renewal show H\n\
         /renewal extend H days:10\n\
         /renewal extend H days:1\n\
         /renewal show H\n\
         /account history H\n",
    );
    assert_eq!(
        run.reply(1),
        "error: days: an extension of 31 days is refused: at most 30 days per renewal cycle, 30 left. Example: days:14"
    );
    assert_has(
        run.reply(2),
        &[
            "Renews: 2026-03-20 (in 18 days, T-30)",
            "Extension: 0 of 30 days used",
        ],
    );
    assert_eq!(
        run.reply(3),
        "Extended H by 20 days to 2026-04-09 (in 38 days, T-60) (20 of 30 extension days used this cycle)."
    );
    assert!(
        run.reply(4)
            .starts_with("error: days: an extension of 11 days is refused"),
        "{}",
        run.reply(4)
    );
    assert_has(run.reply(4), &["10 left", "Example: days:10"]);
    assert_has(
        run.reply(5),
        &[
            "Renews: 2026-04-09 (in 38 days, T-60)",
            "Extension: 20 of 30 days used",
        ],
    );
    assert_eq!(
        run.reply(6),
        "Extended H by 10 days to 2026-04-19 (in 48 days, T-60) (30 of 30 extension days used this cycle)."
    );
    assert_has(
        run.reply(7),
        &["error: days: an extension of 1 days is refused", "0 left"],
    );
    assert_has(
        run.reply(8),
        &["Renews: 2026-04-19", "Extension: 30 of 30 days used"],
    );
    let history = run.reply(9);
    assert!(
        history.starts_with("History of H (3 changes, newest first)"),
        "{history}"
    );
    assert_has(
        history,
        &[
            "renewal date: 2026-03-20 → 2026-04-09",
            "renewal date: 2026-04-09 → 2026-04-19",
        ],
    );
}

#[test]
fn account_history_shows_labels_and_values_as_the_rest_of_steward_does() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2026-05-01 owner:@jane\n\
         /stakeholder add Acme \"Jane Doe\" role:champion title:\"VP Ops\"\n\
         /account set Acme arr:60k tier:1\n\
         /renewal extend Acme days:30\n\
         /plan metric Acme \"Hours saved\" target:1000 current:500 value-per-unit:12.50\n\
         /account log Acme \"Called them, all good\" type:call\n\
         /renewal churned Acme why:price\n\
         /account history Acme\n",
    );
    let history = run.last();
    let line = |command: &str| {
        line_starting(
            history,
            &format!("- 2026-03-02 09:00 UTC @local-user `{command}"),
        )
    };
    assert_has(
        line("/account set"),
        &["— ARR: $50,000 → $60,000; pinned tier: Tier 1"],
    );
    assert_has(
        line("/renewal extend"),
        &["— renewal extension: none → 30 days; renewal date: 2026-05-01 → 2026-05-31"],
    );
    // A churn is two entries: the account's change and the outcome event.
    assert_has(
        history,
        &[
            "`/renewal churned Acme why:price` — outcome: churned ($60,000 → $0)\n",
            "`/renewal churned Acme why:price` — churned on: 2026-03-02; churn reason: price; \
             status: active → churned\n",
        ],
    );
    assert_has(
        line("/stakeholder add"),
        &["— stakeholder added: Jane Doe (role champion, influence low, sentiment champion, title VP Ops)"],
    );
    assert_has(
        line("/plan metric"),
        &["— success metric added: Hours saved (target 1,000, current 500, better higher, value per unit $12.50)"],
    );
    assert_has(
        line("/account log"),
        &["— activity added: call, Called them, all good; last renewal activity: 2026-03-02"],
    );
    assert_has(line("/account add"), &["owner: @jane", "status: active"]);
    // No internal path or raw record in what the entries say (the commands are as typed).
    let said: Vec<&str> = history
        .lines()
        .filter_map(|l| l.split_once("` — ").map(|(_, what)| what))
        .collect();
    assert_eq!(said.len(), 8, "{history}");
    assert_lacks(
        &said.join("\n"),
        &[
            "arr:",
            "renewal_date",
            "extended_days",
            "status.state",
            "tier_pin",
            "plan.",
            "=",
            "stakeholders",
        ],
    );
}

#[test]
fn renewed_defaults_to_a_year_on_at_the_same_arr_and_records_contraction() {
    let s = Steward::new();
    let run = s.console(
        "/account add R1 arr:80k renewal:2026-03-10\n\
         /account add R2 arr:100k renewal:2026-03-20\n\
         /account add R3 arr:100k renewal:2026-02-20\n\
         /renewal extend R1 days:5\n\
         /renewal followup R1\n\
         /renewal renewed R1\n\
         /renewal show R1\n\
         /renewal renewed R2 arr:75k\n\
         /renewal renewed R3 arr:$120K date:2027-06-30\n\
         /renewal renewed R3 date:2026-01-01\n\
         /account list\n\
         /account history R2\n",
    );
    assert_eq!(run.reply(5), "Recorded the renewal of R1 at $80,000. Next renewal 2027-03-15 (in 378 days, not started).");
    // A new cycle: extensions and follow-ups start again.
    assert_has(
        run.reply(6),
        &[
            "Renews: 2027-03-15 (in 378 days, not started)",
            "ARR: $80,000",
            "Follow-ups: 0 logged",
            "Extension: 0 of 30 days used",
        ],
    );
    assert_eq!(
        run.reply(7),
        "Recorded the renewal of R2 at $75,000, contracted from $100,000. Next renewal 2027-03-20 (in 383 days, not started)."
    );
    assert_eq!(
        run.reply(8),
        "Recorded the renewal of R3 at $120,000, expanded from $100,000. Next renewal 2027-06-30 (in 485 days, not started)."
    );
    assert!(
        run.reply(9)
            .starts_with("error: date: the next renewal date 2026-01-01 is not in the future"),
        "{}",
        run.reply(9)
    );
    assert!(
        run.reply(10).starts_with("3 accounts, $275,000 ARR\n"),
        "{}",
        run.reply(10)
    );
    assert_has(row(run.reply(10), "R2"), &["$75,000", "renews 2027-03-20"]);
    assert_has(row(run.reply(10), "R3"), &["$120,000", "renews 2027-06-30"]);
    assert_has(
        run.reply(11),
        &[
            "outcome: contracted ($100,000 → $75,000)",
            "outcome: renewed ($100,000 → $75,000)",
            "ARR: $100,000 → $75,000",
            "renewal date: 2026-03-20 → 2027-03-20",
        ],
    );
}

#[test]
fn a_churned_account_leaves_the_lists_and_refuses_changes() {
    let s = Steward::new();
    let run = s.console(
        "/account add Keep arr:10k renewal:+20d\n\
         /account add Gone arr:40k renewal:+20d\n\
         /renewal churned Gone\n\
         /renewal churned Gone reason:\"Budget cut after merger\"\n\
         /account list\n\
         /renewal list\n\
         /account show Gone\n\
         /health set Gone nps:5\n\
         /renewal churned Gone reason:again\n\
         /account history Gone\n",
    );
    assert!(
        run.reply(2)
            .starts_with("error: `/renewal churned` needs reason:."),
        "{}",
        run.reply(2)
    );
    assert_eq!(
        run.reply(3),
        "Recorded Gone as churned ($40,000 ARR lost): Budget cut after merger (budget). It counts against GRR and NRR."
    );
    assert!(
        run.reply(4).starts_with("1 account, $10,000 ARR\n") && !has_row(run.reply(4), "Gone"),
        "{}",
        run.reply(4)
    );
    assert!(
        run.reply(5)
            .starts_with("1 renewal within 120 days, $10,000 ARR\n"),
        "{}",
        run.reply(5)
    );
    assert_has(
        run.reply(6),
        &["\nChurned: 2026-03-02: Budget cut after merger"],
    );
    let refused = "error: Gone has churned; its record is kept for history.";
    assert!(run.reply(7).starts_with(refused), "{}", run.reply(7));
    assert!(run.reply(8).starts_with(refused), "{}", run.reply(8));
    assert_has(
        run.reply(9),
        &[
            "outcome: churned ($40,000 → $0)",
            "status: active → churned",
        ],
    );
}

#[test]
fn renewal_list_flags_single_threaded_accounts() {
    let s = Steward::new();
    let run = s.console("/account add Lonely arr:10k renewal:+20d\n/renewal list\n");
    assert!(
        row(run.reply(1), "Lonely").contains("single-threaded"),
        "{}",
        run.reply(1)
    );
}

// ---------------------------------------------------------------------------------------
// /steward
// ---------------------------------------------------------------------------------------

#[test]
fn steward_help_is_generated_from_the_command_declarations() {
    let s = Steward::new();
    let run = s.console(
        "/steward help\n\
         /steward help renewal\n\
         /steward help account add\n\
         /steward help /health\n\
         /steward help acount\n\
         /steward help account shwo\n",
    );
    assert!(
        run.reply(0)
            .starts_with("Steward keeps your book of accounts. Commands:\n"),
        "{}",
        run.reply(0)
    );
    for group in ["account", "stakeholder", "health", "renewal", "steward"] {
        assert_has(run.reply(0), &[&format!("- `/{group}` — ")]);
    }
    assert!(
        run.reply(1).starts_with("/renewal — Track renewals"),
        "{}",
        run.reply(1)
    );
    assert_has(
        run.reply(1),
        &["- `/renewal extend ACCOUNT days:DAYS` — Extend the renewal date; at most 30 days per renewal cycle", "`/renewal churned ACCOUNT [why:price|product-gap|relationship|budget|competitor|timing|value-proven|other] [reason:TEXT]`"],
    );
    assert_has(
        run.reply(2),
        &[
            "/account add — Add an account to the book.",
            "Usage: `/account add NAME arr:MONEY renewal:DATE [owner:USER]",
            "- `arr:` (required) — Annual recurring revenue",
            "- `owner:` (optional)",
            "Examples:\n- `/account add \"Acme Corp\" arr:50k renewal:2027-03-31 owner:@jane tier:1`",
        ],
    );
    assert!(run.reply(3).starts_with("/health — "), "{}", run.reply(3));
    assert!(
        run.reply(4).starts_with(
            "error: command \"/acount\" not found. Did you mean `/steward help account`?"
        ),
        "{}",
        run.reply(4)
    );
    assert!(
        run.reply(5)
            .starts_with("error: subcommand \"/account shwo\" not found. Subcommands: add, show"),
        "{}",
        run.reply(5)
    );
}

#[test]
fn steward_settings_managers_owners_zone_currency_and_fiscal_year() {
    let mut s = Steward::new();
    s.at("2026-03-02T12:00:00Z");
    let run = s.console(
        "/account add Acme arr:250k renewal:2026-03-10 owner:\"Jane D\"\n\
         /account add Mine arr:5k renewal:2027-01-01 owner:@local-user\n\
         /steward whoami\n\
         /steward manager @jane manager:@omar\n\
         /steward manager @jane manager:@jane\n\
         /steward manager @jane manager:\"Omar Q\"\n\
         /steward owner \"Jane D\" user:@jane\n\
         /account show Acme\n\
         /steward timezone Mars/Base\n\
         /steward timezone Pacific/Kiritimati\n\
         /account show Acme\n\
         /steward currency euro\n\
         /steward currency eur\n\
         /account show Acme\n\
         /account list\n\
         /steward fiscal-year 13\n\
         /steward fiscal-year feb\n\
         /steward fiscal-year 11\n",
    );
    assert_has(
        run.reply(2),
        &[
            "Tenant: local",
            "You: @local-user",
            "Rights: admin",
            "Manager: not set",
            "Accounts you own: 1",
        ],
    );
    assert_eq!(
        run.reply(3),
        "Escalations about @jane's accounts now go to @omar."
    );
    assert!(
        run.reply(4)
            .starts_with("error: manager: a person cannot manage themselves."),
        "{}",
        run.reply(4)
    );
    assert!(
        run.reply(5)
            .starts_with("error: manager: needs a chat user, not a name."),
        "{}",
        run.reply(5)
    );
    assert_eq!(run.reply(6), "Owner \"Jane D\" is now @jane.");
    // Before the alias the owner was plain text; now a mention. Noon UTC is still 03-02 in UTC.
    assert!(
        run.reply(0)
            .lines()
            .next()
            .is_some_and(|l| l.ends_with(" Jane D.")),
        "{}",
        run.reply(0)
    );
    assert_has(
        run.reply(7),
        &[
            "\nOwner: @jane\n",
            "\nRenewal: 2026-03-10 (in 8 days, T-30)\n",
        ],
    );
    assert!(
        run.reply(8)
            .starts_with("error: zone: \"Mars/Base\" is not an IANA time zone"),
        "{}",
        run.reply(8)
    );
    assert_eq!(
        run.reply(9),
        "Time zone set to Pacific/Kiritimati. Dates and schedules follow it."
    );
    // UTC+14: noon UTC is already 03-03 there, so "today" moves on.
    assert_has(run.reply(10), &["\nRenewal: 2026-03-10 (in 7 days, T-7)\n"]);
    assert!(
        run.reply(11)
            .starts_with("error: code: \"euro\" is not a 3-letter currency code"),
        "{}",
        run.reply(11)
    );
    assert_eq!(
        run.reply(12),
        "Amounts now show in EUR, e.g. €50,000. Amounts are not converted."
    );
    assert_has(run.reply(13), &["\nARR: €250,000\n"]);
    assert!(
        run.reply(14).starts_with("2 accounts, €255,000 ARR"),
        "{}",
        run.reply(14)
    );
    assert!(
        run.reply(15)
            .starts_with("error: month: \"13\" is not a month"),
        "{}",
        run.reply(15)
    );
    assert_eq!(run.reply(16), "The fiscal year now starts in feb.");
    assert_eq!(run.reply(17), "The fiscal year now starts in nov.");

    // The manager is seen by the managed user, in a later session.
    s.at(common::NOW);
    let jane = s.console_with(&["--user", "jane"], b"/steward whoami\n");
    assert_eq!(jane.code, Some(0));
    assert_has(
        jane.reply(0),
        &["You: @jane", "Manager: @omar", "Accounts you own: 1"],
    );
}

// ---------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------

/// Commands that show the whole state a bad line could have touched.
const SNAPSHOT: &str = "/account list\n\
                        /account show \"Acme Corp\"\n\
                        /renewal show \"Acme Corp\"\n\
                        /health show \"Acme Corp\"\n\
                        /stakeholder list \"Acme Corp\"\n\
                        /account history \"Acme Corp\"\n";

#[test]
fn bad_input_gets_one_clear_error_line_with_an_example_and_changes_nothing() {
    let long_line = format!("/account log \"Acme Corp\" {}", "x".repeat(10 * 1024));
    let cases: Vec<(Vec<u8>, Vec<&str>)> = vec![
        (b"/acount list".to_vec(), vec!["unknown command `/acount`.", "Did you mean `/account`?", "/steward help"]),
        (b"/account shwo \"Acme Corp\"".to_vec(), vec!["`/account` has no subcommand `shwo`.", "Did you mean `show`?", "Example: /account show"]),
        (b"/account".to_vec(), vec!["`/account` needs a subcommand", "Example: /account add"]),
        (
            b"/account add Foo arr:50k renewal:2027-01-01 colour:red".to_vec(),
            vec!["`/account add` has no option `colour:`.", "Options: arr:, renewal:", "Example: /account add"],
        ),
        (b"/account set \"Acme Corp\" arrr:5".to_vec(), vec!["has no option `arrr:`.", "Did you mean `arr:`?", "Example:"]),
        (b"/account add Foo renewal:2027-01-01".to_vec(), vec!["`/account add` needs arr:.", "Usage: /account add NAME", "Example: /account add"]),
        (b"/account show".to_vec(), vec!["`/account show` needs ACCOUNT.", "Example: /account show"]),
        (b"/account add ACME CORP arr:5k renewal:2027-01-01".to_vec(), vec!["got more than it takes: `CORP`", "Quote names with spaces", "Example:"]),
        (
            b"/account add \"ACME CORP\" arr:5k renewal:2027-01-01".to_vec(),
            vec!["account \"Acme Corp\" already exists.", "(any case)", "`/account show \"Acme Corp\"`"],
        ),
        (b"/account add Foo arr:fifty renewal:2027-01-01".to_vec(), vec!["arr: \"fifty\" is not an amount.", "Example: arr:50k"]),
        (b"/account set \"Acme Corp\" arr:-5000".to_vec(), vec!["arr: \"-5000\" is negative", "Example: arr:50k"]),
        (b"/account set \"Acme Corp\" arr:$-5k".to_vec(), vec!["negative", "Example: arr:50k"]),
        (
            b"/account set \"Acme Corp\" renewal:2027-02-30".to_vec(),
            vec!["renewal: \"2027-02-30\" is not a real calendar date.", "Example: renewal:2027-03-31"],
        ),
        (b"/account set \"Acme Corp\" renewal:someday".to_vec(), vec!["renewal: \"someday\" is not a date.", "Example: renewal:2027-03-31"]),
        (b"/account add Foo arr:5k renewal:2027-01-01 tier:4".to_vec(), vec!["tier: 4 is outside 1–3.", "Example: tier:"]),
        (b"/health set \"Acme Corp\" nps:11".to_vec(), vec!["nps: 11 is outside 0–10.", "Example: nps:"]),
        (b"/health set \"Acme Corp\" usage:140".to_vec(), vec!["usage: 140 is outside 0–100 %.", "Example: usage:85"]),
        (b"/health set \"Acme Corp\" tickets:lots".to_vec(), vec!["tickets: \"lots\" is not one of zero, decreasing", "Example: tickets:zero"]),
        (
            b"/renewal extend \"Acme Corp\" days:45".to_vec(),
            vec!["days: an extension of 45 days is refused: at most 30 days per renewal cycle, 30 left.", "Example: days:14"],
        ),
        (b"/renewal list within:forever".to_vec(), vec!["within: \"forever\" is not a number of days.", "Example: within:90d"]),
        (b"/stakeholder add \"Acme Corp\" Jane role:boss".to_vec(), vec!["role: \"boss\" is not one of champion, economic-buyer", "Example: role:champion"]),
        (b"/account show \"Acme Corp".to_vec(), vec!["a quote is not closed.", "Example: /account show \"Acme Corp\""]),
        (b"/account list page:2 page:3".to_vec(), vec!["`page:` is given twice", "Example:"]),
        (long_line.into_bytes(), vec!["the line is 10", "characters long; the limit is 4000", "e.g."]),
        (b"/account log \"Acme Corp\" ring\x07ring".to_vec(), vec!["control character (U+0007)", "Example: /account show"]),
        (b"/account set \"Acme Corp\" industry:caf\xe9".to_vec(), vec!["not valid UTF-8"]),
    ];
    let setup = "/account add \"Acme Corp\" arr:50k renewal:2026-09-01 owner:@jane\n\
                 /account add \"Acme Inc\" arr:20k renewal:2026-10-01\n\
                 /account add \"Acme Ltd\" arr:10k renewal:2026-11-01\n\
                 /account add \"Acme Corporation\" arr:5k renewal:2026-12-01\n\
                 /health set \"Acme Corp\" nps:8\n\
                 /stakeholder add \"Acme Corp\" \"Jane Doe\" role:champion\n";
    let mut script = format!("{setup}{SNAPSHOT}").into_bytes();
    for (line, _) in &cases {
        script.extend_from_slice(line);
        script.push(b'\n');
    }
    script.extend_from_slice(SNAPSHOT.as_bytes());
    let s = Steward::new();
    let run = s.console_bytes(&script);
    let first = 6;
    let snap = SNAPSHOT.lines().count();
    for (i, (line, expected)) in cases.iter().enumerate() {
        let reply = run.reply(first + snap + i);
        let shown = String::from_utf8_lossy(line);
        let shown = shown.get(..80).unwrap_or(&shown);
        assert!(reply.starts_with("error: "), "{shown}: {reply}");
        assert!(
            !reply.contains('\n'),
            "{shown}: more than one line: {reply}"
        );
        assert_has(reply, expected);
    }
    for k in 0..snap {
        assert_eq!(
            run.reply(first + k),
            run.reply(first + snap + cases.len() + k),
            "state changed: {}",
            SNAPSHOT.lines().nth(k).unwrap_or("")
        );
    }
    assert!(
        run.reply(first).starts_with("4 accounts, $85,000 ARR"),
        "{}",
        run.reply(first)
    );
    assert!(
        run.reply(first + 5)
            .starts_with("History of Acme Corp (3 changes"),
        "{}",
        run.reply(first + 5)
    );
}

#[test]
fn an_unknown_account_suggests_up_to_three_close_names() {
    let s = Steward::new();
    let run = s.console(
        "/account add \"Acme Corp\" arr:50k renewal:2027-01-01\n\
         /account add \"Acme Inc\" arr:20k renewal:2027-01-01\n\
         /account add \"Acme Ltd\" arr:10k renewal:2027-01-01\n\
         /account add \"Acme Corporation\" arr:5k renewal:2027-01-01\n\
         /account add Globex arr:5k renewal:2027-01-01\n\
         /account show Acme\n\
         /health show Globx\n\
         /renewal show acme corp\n",
    );
    let reply = run.reply(5);
    assert!(
        reply.starts_with("error: account \"Acme\" not found. Did you mean: "),
        "{reply}"
    );
    let names: Vec<&str> = reply
        .trim_start_matches("error: account \"Acme\" not found. Did you mean: ")
        .trim_end_matches('?')
        .split(", ")
        .collect();
    assert_eq!(names.len(), 3, "{reply}");
    assert!(names.iter().all(|n| n.starts_with("Acme")), "{reply}");
    assert_eq!(
        run.reply(6),
        "error: account \"Globx\" not found. Did you mean: Globex?"
    );
    // Unquoted names with spaces are caught before the lookup.
    assert_has(run.reply(7), &["error: ", "Quote names with spaces"]);
}

#[test]
fn every_user_error_shows_an_example() {
    let s = Steward::new();
    let run = s.console_bytes(b"/account add Acme arr:5k renewal:2027-01-01\n/account show Zzzz\n/account show Acme\xff\n");
    for reply in &run.replies[1..] {
        assert!(
            reply.contains("xample") || reply.contains("/account list"),
            "no example in {reply}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Persistence, the demo, the default command
// ---------------------------------------------------------------------------------------

#[test]
fn a_second_session_sees_the_first_session_s_data() {
    let s = Steward::new();
    let first = s.console(
        "/account add \"Acme Corp\" arr:250k renewal:2026-09-01 owner:@jane\n\
         /stakeholder add \"Acme Corp\" \"Jane Doe\" role:champion\n\
         /health set \"Acme Corp\" usage:85 adoption:3 nps:9 tickets:decreasing roi:92\n\
         /account set \"Acme Corp\" arr:300k\n\
         /account show \"Acme Corp\"\n",
    );
    let second = s.console(
        "/account show \"acme corp\"\n\
         /account history \"Acme Corp\"\n\
         /health show \"Acme Corp\"\n\
         /account add \"ACME CORP\" arr:1k renewal:2027-01-01\n",
    );
    assert_eq!(second.reply(0), first.reply(4));
    assert_has(
        second.reply(0),
        &[
            "\nARR: $300,000\n",
            "\nHealth: 100 green\n",
            "Jane Doe (champion)",
        ],
    );
    assert!(
        second
            .reply(1)
            .starts_with("History of Acme Corp (4 changes, newest first)"),
        "{}",
        second.reply(1)
    );
    assert_has(second.reply(1), &["ARR: $250,000 → $300,000"]);
    assert_has(
        second.reply(2),
        &["Score: 100 green", "Trend (90 days): 2026-03-02 100"],
    );
    assert!(
        second
            .reply(3)
            .starts_with("error: account \"Acme Corp\" already exists"),
        "{}",
        second.reply(3)
    );
    // Another tenant in the same database sees none of it.
    let other = s.console_with(
        &["--tenant", "acme-team"],
        b"/account list\n/account show \"Acme Corp\"\n",
    );
    assert_eq!(other.code, Some(0));
    assert!(
        other.reply(0).starts_with("No accounts match."),
        "{}",
        other.reply(0)
    );
    assert!(
        other
            .reply(1)
            .starts_with("error: account \"Acme Corp\" not found."),
        "{}",
        other.reply(1)
    );
}

#[test]
fn the_demo_loads_a_dozen_accounts_once() {
    let s = Steward::new();
    let script = b"/account list\n/renewal list\n";
    let first = s.console_with(&["--demo"], script);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert_eq!(first.stderr, "Demo portfolio: 12 accounts added.\n");
    assert!(
        first.reply(0).starts_with("12 accounts, $1,875,000 ARR\n"),
        "{}",
        first.reply(0)
    );
    for stage in ["overdue", "T-7", "T-30", "T-60", "T-90", "T-120"] {
        assert!(
            first.reply(1).contains(&format!(" — {stage} — ")),
            "no {stage} in {}",
            first.reply(1)
        );
    }
    assert_has(
        first.reply(0),
        &["red", "yellow", "green", "unknown", "single-threaded"],
    );
    let again = s.console_with(&["--demo"], script);
    assert_eq!(again.code, Some(0));
    assert_eq!(again.stderr, "Demo portfolio: 0 accounts added.\n");
    assert_eq!(again.replies, first.replies);
}

#[test]
fn steward_without_a_subcommand_or_chat_credentials_starts_the_console() {
    let s = Steward::new();
    let run = run_with_input(
        s.command(),
        b"/account add Acme arr:50k renewal:2027-01-01\n/account list\n",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("console"), "{}", run.stderr);
    assert_eq!(run.replies.len(), 2);
    assert!(
        run.reply(1)
            .starts_with(&format!("1 account, {} ARR", money(50_000))),
        "{}",
        run.reply(1)
    );
}

#[test]
fn bad_global_options_are_usage_errors() {
    let mut s = Steward::new();
    s.at("yesterday");
    let mut cmd = s.command();
    cmd.arg("console");
    let run = run_with_input(cmd, b"");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_has(
        &run.stderr,
        &["\"yesterday\" is not an RFC 3339 instant, e.g. 2026-03-02T09:00:00Z"],
    );
}

#[test]
fn an_invalid_tenant_is_a_usage_error() {
    let s = Steward::new();
    let mut cmd = s.command();
    cmd.args(["--tenant", "two words", "console"]);
    let run = run_with_input(cmd, b"");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// A database held by another process, or damaged
// ---------------------------------------------------------------------------------------

#[test]
fn a_database_held_by_another_steward_is_refused_naming_it() {
    let s = Steward::new();
    let mut holder = LiveConsole::start(&s);
    // Once it has answered, it has the database open.
    assert!(holder
        .ask("/account add Acme arr:50k renewal:2027-01-01")
        .starts_with("Added Acme"));
    let second = s.console_with(&[], b"/account list\n");
    assert_eq!(second.code, Some(1), "{second:?}");
    assert_eq!(second.stdout, "");
    assert_eq!(second.stderr.lines().count(), 1, "{}", second.stderr);
    assert_has(
        &second.stderr,
        &[
            "in use by another steward process",
            &format!("(pid {})", holder.pid()),
        ],
    );
    assert!(holder
        .ask("/account list")
        .starts_with("1 account, $50,000 ARR"));
    let (code, stderr) = holder.finish();
    assert_eq!(code, Some(0), "{stderr}");
    // Released: the next session opens it.
    assert!(s
        .console("/account list\n")
        .reply(0)
        .starts_with("1 account"));
}

/// Deterministic noise (xorshift), so a failure can be reproduced.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// A real database with a few accounts in it.
fn seeded() -> Steward {
    let s = Steward::new();
    let script: String = (1..=20)
        .map(|i| format!("/account add A{i:02} arr:{i}k renewal:2027-01-01\n"))
        .collect();
    s.console(&script);
    s
}

#[track_caller]
fn assert_refused_as_damaged(run: &common::Run) {
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert_has(
        &run.stderr,
        &[
            "is not a Steward database or is damaged",
            "restore it from a backup",
        ],
    );
}

#[test]
fn a_sled_directory_of_garbage_is_refused_without_a_panic() {
    let real = seeded();
    let s = Steward::new();
    std::fs::create_dir_all(s.db()).expect("db dir");
    std::fs::copy(real.db().join("conf"), s.db().join("conf")).expect("copy conf");
    std::fs::write(s.db().join("db"), noise(256 * 1024, 0x5eed)).expect("write garbage");
    assert_refused_as_damaged(&s.console_with(&[], b"/account list\n"));
}

#[test]
fn a_real_database_whose_data_file_was_overwritten_is_refused() {
    let s = seeded();
    let data = s.db().join("db");
    let len = std::fs::metadata(&data).expect("data file").len() as usize;
    std::fs::write(&data, noise(len, 42)).expect("overwrite");
    assert_refused_as_damaged(&s.console_with(&[], b"/account list\n"));
}

#[test]
fn a_garbage_config_file_is_refused_in_one_line() {
    let s = seeded();
    std::fs::write(s.db().join("conf"), noise(62, 7)).expect("overwrite conf");
    assert_refused_as_damaged(&s.console_with(&[], b"/account list\n"));
}

#[test]
fn a_data_file_damaged_after_the_marker_never_opens_as_a_smaller_book() {
    for keep_percent in [2, 50] {
        let s = seeded();
        let data = s.db().join("db");
        let mut bytes = std::fs::read(&data).expect("data file");
        let from = bytes.len() * keep_percent / 100;
        let tail = noise(bytes.len() - from, 99);
        bytes[from..].copy_from_slice(&tail);
        std::fs::write(&data, bytes).expect("damage");
        let run = s.console_with(&[], b"/account list\n");
        let intact = run.code == Some(0) && run.stdout.starts_with("20 accounts, $210,000 ARR");
        let refused = run.code == Some(1) && !run.stderr.contains("panicked");
        assert!(
            intact || refused,
            "kept {keep_percent} %: exit {:?}, {}",
            run.code,
            run.stdout.lines().next().unwrap_or("")
        );
    }
}

// ---------------------------------------------------------------------------------------
// Conversations (issue 20): `/account log … type:followup`, recent activity, undo
// ---------------------------------------------------------------------------------------

#[test]
fn a_logged_followup_counts_in_the_renewal_log_shows_in_recent_activity_and_undoes() {
    let s = Steward::new();
    // Renews in 45 days (T-60): a follow-up counts in the renewal's follow-up log.
    let run = s.console(
        "/account add Acme arr:50k renewal:2026-04-16\n\
         /account log Acme Sent the renewal quote type:followup\n\
         /account log Acme \"Called the CFO\" type:call\n\
         /account show Acme\n\
         /renewal show Acme\n\
         /account history Acme\n\
         /steward undo\n\
         /account show Acme\n",
    );
    assert_has(
        run.reply(1),
        &[
            "Logged a follow-up on Acme.",
            "It counts in the renewal's follow-up log (1 unanswered in a row).",
        ],
    );
    assert_has(
        run.reply(3),
        &[
            "Recent activity:\n- 2026-03-02 call — Called the CFO\n- 2026-03-02 follow-up — Sent the renewal quote",
        ],
    );
    assert_has(run.reply(4), &["Follow-ups: 1 logged, 1 unanswered"]);
    assert_has(
        run.reply(5),
        &[
            "activity added: follow-up, Sent the renewal quote",
            "activity added: call, Called the CFO",
        ],
    );
    assert!(!run.reply(6).starts_with("error:"), "{}", run.reply(6));
    assert_has(
        run.reply(7),
        &["- 2026-03-02 follow-up — Sent the renewal quote"],
    );
    assert_lacks(run.reply(7), &["Called the CFO"]);
    // Far from renewal a follow-up is only an activity entry.
    let far = s.console(
        "/account add Far arr:5k renewal:2027-03-01\n/account log Far Checked in type:followup\n",
    );
    assert_eq!(far.reply(1), "Logged a follow-up on Far.");
}

#[test]
fn business_hours_are_an_admin_setting_and_channels_are_linked_in_a_channel() {
    let s = Steward::new();
    let run = s.console(
        "/steward hours mon-fri 08:00-18:00\n\
         /steward hours mon-fri 18:00-08:00\n\
         /account add Acme arr:50k renewal:2027-03-01\n\
         /account channel link Acme\n\
         /account channel list\n\
         /account history Acme\n",
    );
    assert_has(run.reply(0), &["Business hours set to mon-fri 08:00-18:00"]);
    assert!(run.reply(1).starts_with("error:"), "{}", run.reply(1));
    assert_has(
        run.reply(3),
        &["error: Run this in the customer channel itself"],
    );
    assert_has(run.reply(4), &["No customer channels are linked"]);
}
