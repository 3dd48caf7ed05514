//! Purpose: the prompt reader's evaluation. Labelled prompts in `tests/prompts/*.tsv` (how
//! account managers talk, not the parser's rules) are read against a fixed book at a fixed
//! instant; the test reports accuracy per command group, fails below 95 % overall or on any
//! write from a prompt that must not write, and reports the unseen quarter separately
//! (`unseen.tsv` was written before the rules and is not tuned against). `heldout.tsv` is
//! sealed: written by an outsider for issue #21, measured by its own test, never tuned against.
//!
//! Columns: prompt, expected line | CLARIFY | OUT, group, must_not_write (yes/no), and an
//! optional context `Account@minutes-ago` (the last account mentioned in the thread).

#[path = "prompts/bench.rs"]
mod bench;
#[path = "prompts/fixture.rs"]
mod fixture;
#[path = "common/quote_marks.rs"]
mod quote_marks;

use chrono::Duration;
use quote_marks::QUOTES;
use std::collections::BTreeMap;

use fixture::{asker, fixture, now, today};
use steward::command::parse;
use steward::domain::book::Book;
use steward::prompt::{read, Context, Reading};

#[derive(Debug, Clone, PartialEq)]
enum Expected {
    Line(String),
    Clarify,
    Out,
}

#[derive(Debug, Clone)]
struct Case {
    file: &'static str,
    prompt: String,
    expected: Expected,
    group: String,
    must_not_write: bool,
    context: Option<Context>,
}

fn load(file: &'static str) -> Vec<Case> {
    let path = format!("{}/tests/prompts/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() >= 4, "{file}: needs 4 columns: {l}");
            let context = cols.get(4).filter(|c| !c.is_empty()).map(|c| {
                let (account, minutes) = c.rsplit_once('@').expect("context is Account@minutes");
                Context {
                    account: Some(account.to_string()),
                    at: now() - Duration::minutes(minutes.parse().expect("minutes")),
                }
            });
            Case {
                file,
                prompt: cols[0].to_string(),
                expected: match cols[1] {
                    "CLARIFY" => Expected::Clarify,
                    "OUT" => Expected::Out,
                    line => Expected::Line(line.to_string()),
                },
                group: cols[2].to_string(),
                must_not_write: cols[3] == "yes",
                context,
            }
        })
        .collect()
}

/// Both files; `PROMPTS_DEV_ONLY=1` leaves the unseen quarter out while rules are written.
fn cases() -> Vec<Case> {
    let mut all = load("dev.tsv");
    if std::env::var_os("PROMPTS_DEV_ONLY").is_none() {
        all.extend(load("unseen.tsv"));
    }
    all
}

fn read_case(case: &Case, book: &Book) -> Reading {
    read(
        &case.prompt,
        book,
        &asker(),
        now(),
        today(),
        case.context.as_ref(),
    )
}

/// Lines are compared as the typed commands they parse to, so spelling (`50k` / `50000`,
/// option order, quoting) does not matter but every value does.
fn matches(expected: &Expected, got: &Reading) -> bool {
    match (expected, got) {
        (Expected::Line(want), Reading::Command { line, .. } | Reading::Confirm { line, .. }) => {
            // An expected line the parser refuses is a miss here, and named by
            // `every_expected_line_is_a_command_the_parser_accepts`.
            let Ok(want) = parse(want, today()) else {
                return false;
            };
            parse(line, today()).is_ok_and(|got| got.command == want.command)
        }
        // Asking to confirm a change is a clarifying question too.
        (Expected::Clarify, Reading::Clarify { .. } | Reading::Confirm { .. })
        | (Expected::Out, Reading::OutOfScope { .. }) => true,
        _ => false,
    }
}

fn shown(r: &Reading) -> String {
    match r {
        Reading::Command { line, writes, .. } => {
            format!("{line}{}", if *writes { "  [writes]" } else { "" })
        }
        Reading::Confirm { line, .. } => format!("CONFIRM: {line}"),
        Reading::Clarify { question, .. } => format!("CLARIFY: {question}"),
        Reading::OutOfScope { .. } => "OUT".into(),
    }
}

/// What reading a set of cases came to.
struct Evaluation {
    n: usize,
    accuracy: f64,
    must_not_write: usize,
    wrong_writes: Vec<String>,
}

/// Reads every case against the fixture, prints accuracy per group and per file and every
/// miss, and returns the totals.
fn evaluate(cases: &[Case]) -> Evaluation {
    let book = fixture();
    let mut by_group: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_file: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut wrong_writes = Vec::new();
    let mut misses = Vec::new();
    for case in cases {
        let got = read_case(case, &book);
        let ok = matches(&case.expected, &got);
        for slot in [
            by_group.entry(case.group.clone()).or_default(),
            by_file.entry(case.file).or_default(),
        ] {
            slot.0 += 1;
            slot.1 += usize::from(ok);
        }
        if case.must_not_write && matches!(got, Reading::Command { writes: true, .. }) {
            wrong_writes.push(format!("{} → {}", case.prompt, shown(&got)));
        }
        if !ok {
            misses.push(format!(
                "[{}] {:?}\n    want {:?}\n    got  {}",
                case.file,
                case.prompt,
                case.expected,
                shown(&got)
            ));
        }
    }
    println!("\n{:<12} {:>5} {:>5} {:>7}", "group", "n", "right", "acc");
    for (group, (n, right)) in &by_group {
        println!(
            "{group:<12} {n:>5} {right:>5} {:>6.1}%",
            100.0 * *right as f64 / *n as f64
        );
    }
    let (n, right) = by_file.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let accuracy = 100.0 * right as f64 / n.max(1) as f64;
    println!("{:<12} {n:>5} {right:>5} {accuracy:>6.1}%", "overall");
    for (file, (n, right)) in &by_file {
        println!(
            "{file:<12} {n:>5} {right:>5} {:>6.1}%",
            100.0 * *right as f64 / *n as f64
        );
    }
    let must_not_write = cases.iter().filter(|c| c.must_not_write).count();
    println!(
        "must-not-write prompts: {must_not_write}, written: {}",
        wrong_writes.len()
    );
    for m in &misses {
        println!("MISS {m}");
    }
    Evaluation {
        n,
        accuracy,
        must_not_write,
        wrong_writes,
    }
}

#[test]
fn prompts_read_as_expected() {
    let result = evaluate(&cases());
    let dev_only = std::env::var_os("PROMPTS_DEV_ONLY").is_some();
    assert!(
        dev_only || (result.n >= 300 && result.must_not_write >= 40),
        "the set is too small: {} prompts, {} must-not-write",
        result.n,
        result.must_not_write
    );
    assert!(
        result.wrong_writes.is_empty(),
        "prompts that must not write wrote:\n{}",
        result.wrong_writes.join("\n")
    );
    assert!(
        dev_only || result.accuracy >= 95.0,
        "accuracy {:.1}% is below 95%",
        result.accuracy
    );
}

/// The sealed held-out set (`heldout.tsv`): written by a helper who never read `src/prompt`
/// nor the other sets, and never tuned against — its misses are read for classes of
/// failure, never fixed one prompt at a time. Issue #21's goal: ≥ 97 % with no wrong write.
#[test]
#[ignore = "issue #21 is open: measured 2026-12-07: 55.3 % with 3 wrong writes before the #21 work, 67.4 % (session 6), 81.8 % (session 7), 84.1 % (session 8), never a wrong write since; run with --ignored sealed to measure"]
fn sealed_heldout_set_reads_at_97_percent_without_a_wrong_write() {
    let result = evaluate(&load("heldout.tsv"));
    assert!(result.n >= 150, "the sealed set has {} prompts", result.n);
    assert!(
        result.wrong_writes.is_empty(),
        "prompts that must not write wrote:\n{}",
        result.wrong_writes.join("\n")
    );
    assert!(
        result.accuracy >= 97.0,
        "held-out accuracy {:.1}% is below 97%",
        result.accuracy
    );
}

/// What an outsider set was tuned to: at least `n` prompts, `accuracy` or better, and never a
/// wrong write.
fn holds(file: &'static str, n: usize, accuracy: f64) {
    let result = evaluate(&load(file));
    assert!(result.n >= n, "{file} has {} prompts", result.n);
    assert!(
        result.wrong_writes.is_empty(),
        "prompts that must not write wrote:\n{}",
        result.wrong_writes.join("\n")
    );
    assert!(
        result.accuracy >= accuracy,
        "{file}: accuracy {:.1}% is below {accuracy}%",
        result.accuracy
    );
}

/// The outsider sets (`outsiders.tsv`): read at 65.0 % before any rule was written for
/// them, tuned since; this holds what was reached (never a wrong write, and no class lost).
#[test]
fn outsider_sets_read_at_95_percent_without_a_wrong_write() {
    holds("outsiders.tsv", 700, 95.0);
}

/// The second pair of outsider sets (`outsiders2.tsv`): read at 85.9 % before any rule was
/// written for them, tuned since.
#[test]
fn second_outsider_sets_read_at_94_percent_without_a_wrong_write() {
    holds("outsiders2.tsv", 600, 94.5);
}

/// The third and fourth pairs of outsider sets (`outsiders3.tsv`, `outsiders4.tsv`): read at
/// 88.2 % and 86.8 % before any rule was written for them, tuned since.
#[test]
fn third_outsider_sets_read_at_95_percent_without_a_wrong_write() {
    holds("outsiders3.tsv", 750, 95.0);
}

#[test]
fn fourth_outsider_sets_read_at_95_percent_without_a_wrong_write() {
    holds("outsiders4.tsv", 700, 95.0);
}

/// The fifth pair of outsider sets (`outsiders5.tsv`): read at 89.3 % before any rule
/// was written for them, tuned since.
#[test]
fn fifth_outsider_sets_read_at_94_percent_without_a_wrong_write() {
    holds("outsiders5.tsv", 650, 94.5);
}

/// Every expected line of every set, the sealed one included, is a command the parser
/// accepts: a set that names a command Steward lacks measures nothing.
#[test]
fn every_expected_line_is_a_command_the_parser_accepts() {
    let mut all = cases();
    all.extend(load("heldout.tsv"));
    all.extend(load("outsiders.tsv"));
    all.extend(load("outsiders2.tsv"));
    all.extend(load("outsiders3.tsv"));
    all.extend(load("outsiders4.tsv"));
    all.extend(load("outsiders5.tsv"));
    let refused: Vec<String> = all
        .iter()
        .filter_map(|case| match &case.expected {
            Expected::Line(line) => parse(line, today())
                .err()
                .map(|e| format!("[{}] {line}: {e}", case.file)),
            _ => None,
        })
        .collect();
    assert!(refused.is_empty(), "{}", refused.join("\n"));
}

#[test]
fn every_command_reading_is_a_line_the_parser_accepts() {
    let book = fixture();
    let outsiders = load("outsiders.tsv")
        .into_iter()
        .chain(load("outsiders2.tsv"))
        .chain(load("outsiders3.tsv"))
        .chain(load("outsiders4.tsv"))
        .chain(load("outsiders5.tsv"));
    for case in cases().into_iter().chain(outsiders) {
        if let Reading::Command { line, writes, .. } = read_case(&case, &book) {
            let parsed =
                parse(&line, today()).unwrap_or_else(|e| panic!("{:?} → {line}: {e}", case.prompt));
            assert_eq!(writes, steward::prompt::is_write(&parsed.command), "{line}");
        }
    }
}

#[test]
fn a_change_read_from_a_prompt_names_its_account() {
    let book = fixture();
    let reading = read(
        "Acme's NPS dropped to 5",
        &book,
        &asker(),
        now(),
        today(),
        None,
    );
    assert_eq!(
        reading,
        Reading::Command {
            line: "/health set \"Acme Corp\" nps:5".into(),
            writes: true,
            account: Some("Acme Corp".into()),
        }
    );
    let context = Context::after(None, &reading, now());
    let follow = read(
        "and who are its stakeholders?",
        &book,
        &asker(),
        now(),
        today(),
        context.as_ref(),
    );
    assert!(
        matches!(follow, Reading::Command { ref line, writes: false, .. } if line == "/stakeholder list \"Acme Corp\"")
    );
}

#[test]
fn names_in_the_quotes_of_every_keyboard_read_alike() {
    let book = fixture();
    for (open, close) in QUOTES {
        for (prompt, want) in [
            (
                format!("how is {open}Acme Corp{close} doing?"),
                "/account show \"Acme Corp\"",
            ),
            (
                format!("add {open}Jane Doe{close} as champion at Acme Corp"),
                "/stakeholder add \"Acme Corp\" \"Jane Doe\" role:champion",
            ),
            (
                format!("add {open}Anne O’Neil{close} as champion at Acme Corp"),
                "/stakeholder add \"Acme Corp\" \"Anne O’Neil\" role:champion",
            ),
            (
                format!("metric for Acme Corp: {open}Hours saved{close} target 40, current 32"),
                "/plan metric \"Acme Corp\" \"Hours saved\" target:40 current:32",
            ),
        ] {
            let got = read(&prompt, &book, &asker(), now(), today(), None);
            assert!(
                matches(&Expected::Line(want.into()), &got),
                "{prompt}: {}",
                shown(&got)
            );
        }
    }
}

#[test]
fn counts_too_large_to_compute_get_a_question_not_a_panic() {
    let book = fixture();
    for prompt in [
        "extend Acme's renewal by 613566757 weeks",
        "give Globex 4294967295 more weeks",
        "schedule a QBR for Stark Retail in 1431655766 quarters",
        "schedule a QBR for Stark Retail in 4294967295 years",
        "renewals in the next 1431655766 quarters",
        "Acme Corp renews on 1/15/4294967295",
    ] {
        let got = read(prompt, &book, &asker(), now(), today(), None);
        if let Reading::Command { line, .. } = &got {
            assert!(parse(line, today()).is_ok(), "{prompt}: {line}");
        }
    }
}

/// The words a read-shaped prompt is built from: every command group, subcommand, option
/// and choice of `commands/`, the fixture's account names, and values a change would take.
fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for group in steward::command::spec::groups() {
        words.push(group.name.clone());
        for sub in &group.subcommands {
            words.push(sub.name.clone());
            for option in &sub.options {
                words.push(option.name.clone());
                words.push(format!("{}:", option.name));
                words.extend(option.choices.iter().cloned());
            }
        }
    }
    words.extend(fixture().accounts().map(|a| a.name.clone()));
    words.extend(
        [
            "5",
            "50k",
            "$2M",
            "90 days",
            "tomorrow",
            "2026-04-30",
            "@jane",
            "@omar",
            "Jane Doe",
            "champion",
            "dropped to",
            "is now",
            "to",
            "its",
            "weekly",
            "standup",
            "digest",
            "remove",
            "delete",
            "subscribe",
            "mute",
            "set",
            "add",
            "at",
            "for",
            "'s",
        ]
        .map(String::from),
    );
    words
}

proptest::proptest! {
    /// Issue #21, point 1: a prompt phrased as a question or as a request to be shown
    /// something, over any words of any command, never produces a write.
    #[test]
    fn a_read_shaped_prompt_never_writes(
        opener in proptest::sample::select(vec![
            "what", "whats", "which", "who", "when", "how", "hows", "is", "are", "does", "do",
            "show", "show me", "list", "display", "tell me", "pull up", "find", "please show",
            "can you show me", "could you list",
        ]),
        picks in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 1..9),
        mark in proptest::sample::select(vec!["", "?", " ?", "…"]),
    ) {
        let words = vocabulary();
        let body: Vec<&str> = picks.iter().map(|i| words[i.index(words.len())].as_str()).collect();
        let prompt = format!("{opener} {}{mark}", body.join(" "));
        let reading = read(&prompt, &fixture(), &asker(), now(), today(), None);
        proptest::prop_assert!(
            !matches!(reading, Reading::Command { writes: true, .. }),
            "{prompt:?} wrote: {reading:?}"
        );
    }
}
