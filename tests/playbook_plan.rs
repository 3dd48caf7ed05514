//! End-to-end tests of the account plan's competition, SWOT and value (issue #8 parts 1 and
//! 4), through the console: `/plan competitor`, `/plan swot`, `/plan remove`, `/plan metric`
//! with baselines and money values, ROI from plan metrics in `/health show`, and the plan in
//! `/qbr prep`, the weekly digest and the T-90 renewals post.

#[expect(dead_code, reason = "each test crate uses part of the shared helpers")]
mod common;

use common::{assert_has, assert_lacks, Steward};

/// 2026-05-31 is 90 days after `common::NOW` (2026-03-02): the account enters T-90 today.
const ADD_ACME: &str = "/account add \"Acme Corp\" arr:120k renewal:2026-05-31 industry:SaaS\n";

/// The worked example of `src/domain/value.rs`: baselines on 2026-01-05…
const BASELINES: &str = "\
/plan metric \"Acme Corp\" \"Hours saved per week\" target:40 current:10\n\
/plan metric \"Acme Corp\" \"Tickets deflected per month\" target:500 current:100\n\
/plan metric \"Acme Corp\" \"First response hours\" target:4 current:8 better:lower\n\
/plan metric \"Acme Corp\" \"Weekly active seats\" target:100 current:50\n";

/// …measured on 2026-03-02, with yearly money values per unit.
const MEASURED: &str = "\
/plan metric \"Acme Corp\" \"Hours saved per week\" target:40 current:32 value-per-unit:$3.9k\n\
/plan metric \"Acme Corp\" \"Tickets deflected per month\" target:500 current:520 value-per-unit:$120\n\
/plan metric \"Acme Corp\" \"First response hours\" target:4 current:3 value-per-unit:5000\n\
/plan metric \"Acme Corp\" \"Weekly active seats\" target:100 current:100\n";

/// An account with the worked example's metrics: baselines in January, measured today.
fn with_metrics() -> Steward {
    let mut steward = Steward::new();
    steward.at("2026-01-05T09:00:00Z");
    steward.console(&format!("{ADD_ACME}{BASELINES}"));
    steward.at(common::NOW);
    steward
}

#[test]
fn competitors_are_added_updated_by_name_and_a_high_risk_one_flags_the_plan() {
    let steward = Steward::new();
    let run = steward.console(&format!(
        "{ADD_ACME}\
         /plan competitor \"Acme Corp\" Globex risk:medium edge:\"Native CRM sync\"\n\
         /plan show \"Acme Corp\"\n\
         /plan competitor \"Acme Corp\" GLOBEX risk:high\n\
         /plan competitor \"Acme Corp\" \"Initech Cloud\" risk:high\n\
         /plan show \"Acme Corp\"\n\
         /digest preview weekly\n\
         /account show \"Acme Corp\"\n"
    ));
    assert_has(
        run.reply(1),
        &["Acme Corp — Added competitor c1 Globex — risk medium | edge: Native CRM sync | last seen 2026-03-02."],
    );
    assert_lacks(run.reply(2), &["high-risk competitor"]);
    assert_has(run.reply(2), &["COMPETITION\n- c1 Globex — risk medium"]);
    // Same name in another case: updated, the edge kept, the stored spelling kept.
    assert_has(
        run.reply(3),
        &[
            "Updated competitor c1 Globex — risk high | edge: Native CRM sync | last seen 2026-03-02 (risk was medium).",
            "flags the plan and is listed in the weekly digest",
        ],
    );
    assert_lacks(run.reply(3), &["Record how we win"]);
    assert_has(
        run.reply(4),
        &[
            "Added competitor c2 Initech Cloud",
            "Record how we win: `edge:\"…\"`.",
        ],
    );
    assert_has(
        run.reply(5),
        &[
            "- ⚠ high-risk competitor: Globex (c1) — our edge: Native CRM sync",
            "- ⚠ high-risk competitor: Initech Cloud (c2) — no edge recorded",
        ],
    );
    assert_has(
        run.reply(6),
        &[
            "High-risk competitors (1):",
            "Acme Corp ($120K) — Globex (last seen 2026-03-02), Initech Cloud (last seen 2026-03-02)",
        ],
    );
    // The account's own risk flags name them too.
    assert_has(
        run.reply(7),
        &["high-risk competitor: Globex, Initech Cloud"],
    );
}

#[test]
fn swot_items_are_short_typed_and_shown_by_quadrant() {
    let steward = Steward::new();
    let long = "x".repeat(201);
    let run = steward.console(&format!(
        "{ADD_ACME}\
         /plan swot \"Acme Corp\" threat Budget freeze announced for Q3\n\
         /plan swot \"Acme Corp\" Strengths The CFO quotes our ROI report\n\
         /plan swot \"Acme Corp\" strength the cfo quotes our roi report\n\
         /plan swot \"Acme Corp\" strenght Loved by finance\n\
         /plan swot \"Acme Corp\" threat {long}\n\
         /plan show \"Acme Corp\"\n"
    ));
    assert_has(run.reply(1), &["Acme Corp — Added threat s1 to the SWOT."]);
    assert_has(
        run.reply(2),
        &["Acme Corp — Added strength s2 to the SWOT."],
    );
    assert_has(
        run.reply(3),
        &["error: strength \"the cfo quotes our roi report\" already exists. It is s2 on the plan."],
    );
    assert_has(
        run.reply(4),
        &["error: kind: \"strenght\" is not one of strength, weakness, opportunity, threat (did you mean strength?). Example: /plan swot \"Acme Corp\" strength"],
    );
    assert_has(
        run.reply(5),
        &["error: text: 201 characters is over the 200 allowed; keep it to one short line. Example: /plan swot"],
    );
    // Strengths before threats; nothing of the refused lines was written.
    assert_has(
        run.reply(6),
        &["SWOT\n- s2 strength: The CFO quotes our ROI report\n- s1 threat: Budget freeze announced for Q3\nEXPANSION"],
    );
    assert_lacks(run.reply(6), &["Loved by finance", "xxxx"]);
}

#[test]
fn items_are_removed_by_id_and_an_unknown_id_names_the_valid_ones() {
    let steward = Steward::new();
    let run = steward.console(&format!(
        "{ADD_ACME}\
         /plan goal \"Acme Corp\" Expand into EMEA\n\
         /plan goal \"Acme Corp\" Cut support costs\n\
         /plan goal \"Acme Corp\" Pass the SOC 2 audit\n\
         /plan goal \"Acme Corp\" Hire 50 engineers\n\
         /plan risk \"Acme Corp\" Champion may leave\n\
         /plan competitor \"Acme Corp\" Globex risk:high\n\
         /plan swot \"Acme Corp\" weakness No SSO\n\
         /plan remove \"Acme Corp\" c7\n\
         /plan remove \"Acme Corp\" seven\n\
         /plan remove \"Acme Corp\" G2\n\
         /plan goal \"Acme Corp\" Hire 50 engineers\n\
         /plan remove \"Acme Corp\" c1\n\
         /plan show \"Acme Corp\"\n"
    ));
    assert_has(
        run.reply(4),
        &[
            "error: Acme Corp already has 3 strategic goals",
            "`/plan remove \"Acme Corp\" g1|g2|g3`",
        ],
    );
    assert_has(
        run.reply(8),
        &["error: plan item \"c7\" not found. Items (see `/plan show`): g1, g2, g3, r1, c1, s1."],
    );
    assert_has(
        run.reply(9),
        &["error: item: \"seven\" is not an item id — a letter and a number as `/plan show` lists them: g goal, m metric, r risk, c competitor, s SWOT. Example: /plan remove \"Acme Corp\" c1"],
    );
    assert_has(
        run.reply(10),
        &["Acme Corp — Removed goal g2 \"Cut support costs\"."],
    );
    assert_has(run.reply(11), &["Acme Corp — Added goal g4 (3 of 3)."]);
    assert_has(
        run.reply(12),
        &["Acme Corp — Removed competitor c1 \"Globex\"."],
    );
    let show = run.reply(13);
    assert_has(
        show,
        &[
            "- g1 Expand into EMEA\n- g3 Pass the SOC 2 audit\n- g4 Hire 50 engineers\n",
            "- r1 Champion may leave: no mitigation yet",
            "- s1 weakness: No SSO",
        ],
    );
    assert_lacks(
        show,
        &["Cut support costs", "Globex", "high-risk competitor"],
    );
}

#[test]
fn a_first_metric_value_is_a_baseline_that_does_not_turn_an_account_red() {
    let steward = Steward::new();
    let run = steward.console(&format!(
        "{ADD_ACME}\
         /plan metric \"Acme Corp\" \"Hours saved per week\" target:40 current:10\n\
         /health show \"Acme Corp\"\n\
         /plan show \"Acme Corp\"\n"
    ));
    assert_has(
        run.reply(1),
        &[
            "Added m1 \"Hours saved per week\": 10 against a target of 40. This first value is the baseline",
            "No ROI signal yet: plan metrics count toward targets met once measured after their baseline; health unknown.",
        ],
    );
    assert_lacks(run.reply(1), &["turned red"]);
    assert_has(run.reply(2), &["Score: unknown"]);
    assert_has(
        run.reply(3),
        &["- m1 Hours saved per week: 10 of 40 — 25 % | baseline (2026-03-02); counts toward targets met once updated on a later day\n- Targets met: no metric measured since its baseline yet\n"],
    );
}

#[test]
fn measured_metrics_give_the_value_delivered_and_feed_roi_unless_health_set_gave_one() {
    let steward = with_metrics();
    let run = steward.console(&format!(
        "/health set \"Acme Corp\" usage:85 adoption:3 nps:9 tickets:decreasing\n\
         {MEASURED}\
         /plan metric \"Acme Corp\" \"Hours saved per week\" target:40 current:33 value-per-unit:lots\n\
         /plan show \"Acme Corp\"\n\
         /health show \"Acme Corp\"\n\
         /qbr prep \"Acme Corp\"\n\
         /health set \"Acme Corp\" roi:95\n\
         /health show \"Acme Corp\"\n\
         /plan metric \"Acme Corp\" \"Weekly active seats\" target:100 current:90\n"
    ));
    // Baselines only: ROI unknown, the score partial.
    assert_has(run.reply(0), &["Health of Acme Corp: 100 green (partial)."]);
    assert_has(
        run.reply(1),
        &[
            "Updated m1 Hours saved per week: 32 of 40 — 80 % | from 10 (2026-01-05): +22 × $3,900 = $85,800 a year.",
            "ROI 0 % — from plan metrics 0/1 met; health 85 green (was 100 green (partial)).",
        ],
    );
    assert_has(
        run.reply(3),
        &["m3 First response hours (lower is better): 3 for a target of 4 — 133.3 % ✓ | from 8 (2026-01-05): +5 × $5,000 = $25,000 a year."],
    );
    assert_has(
        run.reply(4),
        &["ROI 75 % — from plan metrics 3/4 met; health 93 green (was 85 green)."],
    );
    // A value per unit that does not parse: refused, nothing written.
    assert_has(
        run.reply(5),
        &["error: value-per-unit: \"lots\" is not an amount. Example: value-per-unit:$75, value-per-unit:12.50 or value-per-unit:3.9k"],
    );
    let total = "Value delivered this year: $161,200 from 3 metrics — 1.3× the $120,000 ARR; targets met 3/4 (75 %)";
    assert_has(run.reply(6), &["32 of 40 — 80 % |", total]);
    assert_lacks(run.reply(6), &["33 of 40"]);
    assert_has(
        run.reply(7),
        &[
            "Score: 93 green\n",
            "- ROI (15 %): 75 % of targets met — from plan metrics 3/4 met — yellow",
            "Trend (90 days, recorded signals): 2026-03-02 100",
        ],
    );
    assert_has(
        run.reply(8),
        &[
            "- ✓ usage (85 %) and ROI (75 % of targets — from plan metrics 3/4 met) are in",
            "Value delivered vs. targets (15–30):\n- m1 Hours saved per week",
            total,
        ],
    );
    // An explicit ROI wins over the plan's, and says so.
    assert_has(
        run.reply(9),
        &["ROI from /health set now counts instead of the plan's metrics (3/4 targets met)."],
    );
    assert_has(
        run.reply(10),
        &[
            "Score: 100 green\n",
            "- ROI (15 %): 95 % of targets met — from /health set (plan metrics: 3/4 met) — green",
        ],
    );
    assert_has(
        run.reply(11),
        &["Health keeps the ROI given with /health set (95 %); plan metrics: 2/4 met."],
    );
}

#[test]
fn a_metric_short_of_its_target_shows_its_progress_in_the_plan_the_qbr_and_the_renewal() {
    let mut steward = Steward::new();
    steward.at("2026-02-23T09:00:00Z");
    steward.console(&format!(
        "{ADD_ACME}/plan metric \"Acme Corp\" \"Hours saved\" target:1000 current:500\n"
    ));
    steward.at(common::NOW);
    let run = steward.console(
        "/plan metric \"Acme Corp\" \"Hours saved\" target:1000 current:800\n\
         /plan show \"Acme Corp\"\n\
         /qbr prep \"Acme Corp\"\n\
         /renewal show \"Acme Corp\"\n",
    );
    let metric = "- m1 Hours saved: 800 of 1,000 — 80 % | from 500 (2026-02-23): +300\n";
    let share = "Targets met 0/1 (0 %)";
    assert_has(
        run.reply(1),
        &[&format!("SUCCESS METRICS\n{metric}- {share}")],
    );
    assert_has(
        run.reply(2),
        &[&format!(
            "Value delivered vs. targets (15–30):\n{metric}- {share}"
        )],
    );
    assert_has(
        run.reply(3),
        &[&format!("Value delivered vs. targets:\n{metric}- {share}")],
    );
}

#[test]
fn qbr_prep_shows_competition_and_swot_and_the_t90_post_shows_the_value() {
    let steward = with_metrics();
    let run = steward.console(&format!(
        "{MEASURED}\
         /plan competitor \"Acme Corp\" Globex risk:high edge:\"EU hosting\"\n\
         /plan swot \"Acme Corp\" opportunity New EMEA unit onboarding in Q2\n\
         /qbr prep \"Acme Corp\"\n\
         /digest preview renewals\n\
         /renewal show \"Acme Corp\"\n"
    ));
    assert_has(
        run.reply(6),
        &[
            "Competition:\n- c1 Globex — risk high | edge: EU hosting | last seen 2026-03-02\n",
            "SWOT:\n- s1 opportunity: New EMEA unit onboarding in Q2\n",
        ],
    );
    assert_has(
        run.reply(7),
        &[
            "Acme Corp ($120K) — T-90 — renews 2026-05-31",
            "- Value delivered this year: $161,200 from 3 metrics — 1.3× the $120,000 ARR; targets met 3/4 (75 %)",
        ],
    );
    // The renewal view carries it too, for the proposal.
    assert_has(
        run.reply(8),
        &["Value delivered this year: $161,200 from 3 metrics — 1.3× the $120,000 ARR"],
    );
}

#[test]
fn an_account_without_metrics_keeps_its_health_and_says_how_to_show_value() {
    let steward = Steward::new();
    let run = steward.console(&format!(
        "{ADD_ACME}\
         /health set \"Acme Corp\" usage:85 roi:80\n\
         /health show \"Acme Corp\"\n\
         /qbr prep \"Acme Corp\"\n\
         /digest preview renewals\n\
         /renewal show \"Acme Corp\"\n"
    ));
    assert_has(
        run.reply(2),
        &["- ROI (15 %): 80 % of targets met — yellow — set by @local-user on 2026-03-02\n"],
    );
    assert_has(
        run.reply(3),
        &[
            "- ✓ usage (85 %) and ROI (80 % of targets) are in",
            "- no success metrics in the plan: `/plan metric \"Acme Corp\" NAME target: current: value-per-unit:`",
        ],
    );
    assert_has(
        run.reply(4),
        &["- No success metrics in the plan to show value"],
    );
}
