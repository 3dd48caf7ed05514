//! End-to-end tests of the pipeline playbook (issue #8, parts 2 and 3) through the console:
//! MEDDIC qualification of expansion opportunities (`/expansion qualify|show|list`), the
//! MEDDIC-weighted expansion forecast, reasons on every outcome (`why:` / `reason:` on
//! `/renewal renewed|churned` and `/expansion won|lost`), `/portfolio winloss` per fiscal
//! quarter, and records written before reasons had kinds.

#[expect(dead_code, reason = "each test file uses part of the shared helpers")]
mod common;

use common::{assert_has, assert_lacks, Steward};
use serde_json::Value;

/// Acme: $100K ARR, renewal 2026-12-31, ROI 95 %, an active champion (NPS 9) and a positive
/// economic buyer — every readiness check passes once an opportunity has a trigger.
const ACME: &str = "/account add Acme arr:100k renewal:2026-12-31\n\
     /stakeholder add Acme \"Alice Chen\" role:champion nps:9\n\
     /stakeholder add Acme \"Bob Ruiz\" role:economic-buyer sentiment:positive\n\
     /health set Acme roi:95\n";

#[test]
fn qualify_show_and_list_an_opportunity() {
    let s = Steward::new();
    let run = s.console(&format!(
        "{ACME}\
         /expansion add Acme type:seat value:60k trigger:\"EMEA team onboarding\" due:2026-05-15\n\
         /expansion qualify 1 element:metrics note:\"Onboarding from 10 to 4 days\"\n\
         /expansion qualify 1 element:champion known:no note:\"Alice is moving teams\"\n\
         /expansion show 1\n\
         /expansion list\n\
         /expansion qualify 1 element:champion known:clear\n\
         /expansion qualify 1 element:decision-process known:yes\n\
         /digest preview weekly\n"
    ));
    assert_eq!(
        run.reply(5),
        "#1 at Acme: Metrics known: Onboarding from 10 to 4 days. MEDDIC 3/6 known, forecast $30,000 of $60,000."
    );
    assert_eq!(
        run.reply(6),
        "#1 at Acme: Champion unknown: Alice is moving teams. MEDDIC 2/6 known, forecast $20,000 of $60,000."
    );
    let show = run.reply(7);
    assert!(
        show.starts_with("Opportunity #1 — Acme: seat\nStatus: open\n"),
        "{show}"
    );
    assert_has(
        show,
        &[
            "\nMEDDIC: 2/6 known, forecast $20,000 of $60,000\n",
            "\nMEDDIC qualification (2/6):\n",
            "\n- ✓ Metrics — known: Onboarding from 10 to 4 days (set 2026-03-02)\n",
            "\n- ✓ Economic buyer — known: Bob Ruiz (from stakeholders)\n",
            "\n- ✗ Decision criteria — unknown\n",
            "\n- ✗ Champion — unknown: Alice is moving teams (set 2026-03-02)\n",
            "\nReadiness to pitch (5/5):\n",
            "\n- ✓ new use case or team — trigger: EMEA team onboarding\n",
        ],
    );
    let list = run.reply(8);
    assert!(
        list.starts_with(
            "Expansion pipeline: 1 open across 1 account, whitespace $60,000 (MEDDIC-weighted $20,000)\n"
        ),
        "{list}"
    );
    assert_has(
        list,
        &["\n- #1 seat $60,000 — MEDDIC 2/6 — trigger: EMEA team onboarding"],
    );
    assert_eq!(
        run.reply(9),
        "#1 at Acme: Champion cleared, known again from the stakeholders: Alice Chen. MEDDIC 3/6 known, forecast $30,000 of $60,000."
    );
    assert_eq!(
        run.reply(10),
        "#1 at Acme: Decision process known. MEDDIC 4/6 known, forecast $40,000 of $60,000."
    );
    // The weekly digest shows the pipeline both ways: whitespace, and weighted as forecast.
    assert_has(
        run.reply(11),
        &["Expansion pipeline: 1 open, whitespace $60K (MEDDIC-weighted $40K)"],
    );
}

#[test]
fn bad_qualify_input_is_refused_and_writes_nothing() {
    let s = Steward::new();
    let long = "x".repeat(201);
    let run = s.console(&format!(
        "{ACME}\
         /expansion add Acme type:seat value:60k\n\
         /expansion qualify 1 element:budget\n\
         /expansion qualify 9 element:metrics note:\"x\"\n\
         /expansion qualify 1 element:decision-criteria known:clear\n\
         /expansion qualify 1 element:identify-pain note:\"{long}\"\n\
         /expansion qualify 1 element:metrics known:clear note:\"x\"\n\
         /expansion qualify 1\n\
         /expansion show 1\n\
         /account history Acme\n"
    ));
    assert_eq!(
        run.reply(5),
        "error: element: \"budget\" is not one of metrics, economic-buyer, decision-criteria, decision-process, identify-pain, champion. Example: element:metrics"
    );
    assert_eq!(
        run.reply(6),
        "error: opportunity \"#9\" not found. See the open ones with `/expansion list`."
    );
    assert!(
        run.reply(7)
            .starts_with("error: Decision criteria of #1 was not set by hand; nothing to clear."),
        "{}",
        run.reply(7)
    );
    assert!(
        run.reply(8)
            .starts_with("error: note: is longer than 200 characters; keep it short. Example: "),
        "{}",
        run.reply(8)
    );
    assert!(
        run.reply(9)
            .starts_with("error: note: goes with known:yes or known:no, not known:clear."),
        "{}",
        run.reply(9)
    );
    assert!(
        run.reply(10)
            .starts_with("error: `/expansion qualify` needs element:. Usage: "),
        "{}",
        run.reply(10)
    );
    assert_has(
        run.reply(11),
        &["\nMEDDIC: 2/6 known, forecast $20,000 of $60,000\n"],
    );
    let history = run.reply(12);
    assert!(
        history.starts_with("History of Acme (5 changes, newest first)\n- 2026-03-02 09:00 UTC @local-user `/expansion add Acme"),
        "{history}"
    );
}

#[test]
fn the_forecast_weights_expansion_by_meddic_and_whitespace_stays_whole() {
    let s = Steward::new();
    let run = s.console(&format!(
        "{ACME}\
         /expansion add Acme type:seat value:60k due:2026-05-15\n\
         /expansion qualify 1 element:metrics\n\
         /expansion add Acme type:module value:12k\n\
         /portfolio forecast quarters:2\n\
         /portfolio summary\n"
    ));
    let forecast = run.reply(7);
    assert_has(
        forecast,
        &[
            "\n- Q2 2026 (2026-04-01 – 2026-06-30): 0 renewals due, $0 ARR, expected $0; expansion $60K open, $30K MEDDIC-weighted\n",
            "\nExpansion by target date (past due counts now), weighted = value × MEDDIC elements known / 6.",
            "\nExpansion without a target date: $12K open, $4K MEDDIC-weighted.",
        ],
    );
    assert_lacks(forecast.lines().nth(1).unwrap_or_default(), &["expansion"]);
    assert_has(
        run.reply(8),
        &["\nWhitespace: $72K open expansion (MEDDIC-weighted $34K)\n"],
    );
}

#[test]
fn renewal_outcomes_carry_a_reason_old_form_and_new() {
    let s = Steward::new();
    let run = s.console(
        "/account add Gone arr:40k renewal:+20d\n\
         /account add Cheap arr:30k renewal:+20d\n\
         /account add Keep arr:100k renewal:+20d\n\
         /account add Down arr:50k renewal:+20d\n\
         /renewal churned Gone reason:\"went with a cheaper tool\"\n\
         /renewal churned Cheap why:pricey\n\
         /renewal churned Cheap\n\
         /account show Cheap\n\
         /renewal churned Cheap why:budget\n\
         /renewal renewed Keep why:value-proven reason:\"Usage doubled\"\n\
         /renewal renewed Down arr:40k why:price\n\
         /account show Gone\n",
    );
    assert_eq!(
        run.reply(4),
        "Recorded Gone as churned ($40,000 ARR lost): went with a cheaper tool (price). It counts against GRR and NRR."
    );
    assert_eq!(
        run.reply(5),
        "error: why: \"pricey\" is not one of price, product-gap, relationship, budget, competitor, timing, value-proven, other. Example: why:price"
    );
    assert!(
        run.reply(6).starts_with(
            "error: `/renewal churned` needs reason:. Usage: /renewal churned ACCOUNT [why:price|"
        ),
        "{}",
        run.reply(6)
    );
    assert_lacks(run.reply(7), &["Churned"]);
    assert_eq!(
        run.reply(8),
        "Recorded Cheap as churned ($30,000 ARR lost): budget. It counts against GRR and NRR."
    );
    assert!(
        run.reply(9)
            .starts_with("Recorded the renewal of Keep at $100,000. Next renewal ")
            && run
                .reply(9)
                .ends_with(". Why: Usage doubled (value-proven)."),
        "{}",
        run.reply(9)
    );
    assert!(
        run.reply(10)
            .starts_with("Recorded the renewal of Down at $40,000, contracted from $50,000.")
            && run.reply(10).ends_with(" Why: price."),
        "{}",
        run.reply(10)
    );
    assert_has(
        run.reply(11),
        &["\nChurned: 2026-03-02: went with a cheaper tool (price)"],
    );
}

#[test]
fn expansion_won_and_lost_with_why() {
    let s = Steward::new();
    let run = s.console(&format!(
        "{ACME}\
         /expansion add Acme type:seat value:25k\n\
         /expansion add Acme type:module value:10k\n\
         /expansion add Acme type:module value:5k\n\
         /expansion won 1 why:value-proven reason:\"ROI review with the CFO\"\n\
         /expansion lost 2 reason:\"Budget moved to next year\"\n\
         /expansion lost 3 why:luck\n\
         /expansion show 3\n\
         /expansion won 2\n\
         /expansion show 2\n\
         /expansion lost 77 why:price\n\
         /expansion lost 3\n"
    ));
    assert_eq!(
        run.reply(7),
        "Won #1: Acme ARR $100,000 → $125,000. It counts as expansion in NRR. Why: ROI review with the CFO (value-proven)."
    );
    assert_eq!(
        run.reply(8),
        "Lost #2 at Acme ($10,000): Budget moved to next year (budget)."
    );
    assert!(
        run.reply(9)
            .starts_with("error: why: \"luck\" is not one of price, product-gap,"),
        "{}",
        run.reply(9)
    );
    assert_has(run.reply(10), &["\nStatus: open\n"]);
    assert_eq!(
        run.reply(11),
        "error: opportunity #2 is already closed. See `/expansion show 2`."
    );
    assert_has(
        run.reply(12),
        &["\nStatus: lost 2026-03-02: Budget moved to next year (budget)\n"],
    );
    assert!(
        run.reply(13)
            .starts_with("error: opportunity \"#77\" not found."),
        "{}",
        run.reply(13)
    );
    assert_eq!(run.reply(14), "Lost #3 at Acme ($5,000).");
}

#[test]
fn winloss_counts_each_outcome_in_the_quarter_holding_its_date() {
    let mut s = Steward::new();
    s.at("2026-03-31T12:00:00Z").console(
        "/account add Last arr:40k renewal:+20d\n\
         /account add First arr:30k renewal:+20d\n\
         /account add Kept arr:100k renewal:+20d\n\
         /renewal churned Last why:price\n",
    );
    s.at("2026-04-01T12:00:00Z").console(
        "/renewal churned First why:budget reason:\"Frozen spend\"\n\
         /renewal renewed Kept arr:110k why:value-proven\n",
    );
    let run = s.at("2026-05-02T12:00:00Z").console(
        "/portfolio winloss quarters:3\n\
         /steward fiscal-year feb\n\
         /portfolio winloss quarters:2\n",
    );
    let calendar = run.reply(0);
    assert!(
        calendar.starts_with("Win/loss, last 3 quarters (this one to date)\nQ4 2025 (2025-10-01 – 2025-12-31): nothing recorded\nQ1 2026 (2026-01-01 – 2026-03-31):\n- renewed 0 ($0) · churned 1 (−$40K) · contracted 0 ($0) · expanded 0 ($0) · expansion won 0 ($0) · expansion lost 0 ($0)\n- lost because: price 1\nQ2 2026 (2026-04-01 – 2026-06-30):\n- renewed 1 ($110K) · churned 1 (−$30K) · contracted 0 ($0) · expanded 1 (+$10K) · expansion won 0 ($0) · expansion lost 0 ($0)\n- won because: value-proven 1\n- lost because: budget 1\n"),
        "{calendar}"
    );
    assert_has(
        calendar,
        &[
            "\nAll 3 quarters:\n- renewed 1 ($110K) · churned 2 (−$70K) ·",
            "\n- lost because: price 1, budget 1\n",
        ],
    );
    // Fiscal year from February: Q1 FY2027 is Feb–Apr and holds both churns.
    let fiscal = run.reply(2);
    assert_has(
        fiscal,
        &[
            "\nQ1 FY2027 (2026-02-01 – 2026-04-30):\n- renewed 1 ($110K) · churned 2 (−$70K) ·",
            "\nQ2 FY2027 (2026-05-01 – 2026-07-31): nothing recorded\n",
        ],
    );
}

#[test]
fn winloss_names_the_competitors_behind_losses() {
    let s = Steward::new();
    let run = s.console(&format!(
        "{ACME}\
         /account add Stark arr:40k renewal:+20d\n\
         /plan competitor Stark Gainsight risk:high\n\
         /renewal churned Stark reason:\"Gainsight bundled it for less\"\n\
         /expansion add Acme type:seat value:25k\n\
         /expansion lost 1 why:competitor reason:\"a rival undercut us\"\n\
         /portfolio winloss quarters:1\n"
    ));
    assert_eq!(
        run.reply(6),
        "Recorded Stark as churned ($40,000 ARR lost): Gainsight bundled it for less (competitor). It counts against GRR and NRR."
    );
    assert_has(
        run.reply(9),
        &[
            "\n- lost because: competitor 2\n",
            "\n- competitors behind losses: Gainsight 1, not named 1\n",
        ],
    );
}

/// Replaces every `"reason": {"kind": …, "text": "…"}` with the plain text older builds wrote.
fn to_old_reasons(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(reason) = map.get_mut("reason") {
                if let Some(text) = reason.get("text").and_then(Value::as_str) {
                    *reason = Value::String(text.to_string());
                }
            }
            map.values_mut().for_each(to_old_reasons);
        }
        Value::Array(items) => items.iter_mut().for_each(to_old_reasons),
        _ => {}
    }
}

#[test]
fn records_from_before_reasons_had_kinds_still_load() {
    let old = Steward::new();
    old.console(
        "/account add Gone arr:40k renewal:+20d\n\
         /account add Acme arr:100k renewal:2026-12-31\n\
         /renewal churned Gone why:other reason:\"Budget cut after merger\"\n\
         /expansion add Acme type:seat value:25k\n\
         /expansion lost 1 why:other reason:\"they went with a competitor\"\n",
    );
    let out = old
        .command()
        .args(["export", "--format", "json"])
        .output()
        .expect("export");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut doc: Value = serde_json::from_slice(&out.stdout).expect("export is JSON");
    to_old_reasons(&mut doc);
    let text = doc.to_string();
    assert!(
        text.contains("\"reason\":\"Budget cut after merger\""),
        "{text}"
    );

    let new = Steward::new();
    let file = new.db().with_file_name("old-export.json");
    std::fs::write(&file, text).expect("write export");
    let imported = new
        .command()
        .arg("import")
        .arg(&file)
        .output()
        .expect("import");
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let run = new.console(
        "/account show Gone\n\
         /expansion show 1\n\
         /portfolio winloss quarters:1\n",
    );
    assert_has(
        run.reply(0),
        &["\nChurned: 2026-03-02: Budget cut after merger (budget)"],
    );
    assert_has(
        run.reply(1),
        &["\nStatus: lost 2026-03-02: they went with a competitor (competitor)\n"],
    );
    assert_has(
        run.reply(2),
        &[
            "\n- lost because: budget 1, competitor 1\n",
            "competitors behind losses: not named 1",
        ],
    );
}
