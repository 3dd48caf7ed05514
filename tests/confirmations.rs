//! Changes a prompt never makes on its own (issue #21): the console asks, shows the command
//! numbered, and runs it only on `yes` or its number, in the same conversation; another
//! prompt in between withdraws the offer and leaves the book unchanged. (The 15-minute limit
//! is tested in `conversation.rs`: a console run has one instant.)

#[expect(dead_code, reason = "each test crate uses part of the shared helpers")]
mod common;

use common::{assert_has, assert_lacks, Steward};

#[test]
fn a_subscription_asked_in_words_runs_only_after_yes() {
    let s = Steward::new();
    let run = s.console(
        "subscribe this channel to the weekly digest\n\
         /digest list\n\
         yes\n\
         /digest list\n\
         yes\n",
    );
    assert_has(
        run.reply(0),
        &[
            "subscribes this channel to a scheduled post",
            "1. `/digest preview weekly`",
            "2. `/digest subscribe weekly`",
            "Reply `yes` to run `/digest subscribe weekly`",
        ],
    );
    // Asked, not done.
    assert_has(run.reply(1), &["No channel is subscribed yet"]);
    assert_has(
        run.reply(2),
        &[
            "Running `/digest subscribe weekly`",
            "now gets weekly posts",
        ],
    );
    assert_has(run.reply(3), &["weekly in #console"]);
    // An offer is used once: a second `yes` is an ordinary prompt again.
    assert_lacks(run.reply(4), &["Running"]);
}

#[test]
fn a_number_runs_the_command_it_names_and_nothing_else() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-03-31\n\
         remove Acme\n\
         1\n\
         /account show Acme\n",
    );
    assert_has(
        run.reply(1),
        &["deletes it", "1. `/account remove \"Acme\"`", "Reply `yes`"],
    );
    assert_has(run.reply(2), &["Running `/account remove \"Acme\"`"]);
    assert!(run.reply(3).starts_with("error:"), "{}", run.reply(3));
}

#[test]
fn another_prompt_in_between_withdraws_the_offer() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-03-31\n\
         remove Acme\n\
         how's Acme doing?\n\
         yes\n\
         /account show Acme\n",
    );
    assert_has(run.reply(1), &["deletes it"]);
    assert_lacks(run.reply(3), &["Running"]);
    assert!(!run.reply(4).starts_with("error:"), "{}", run.reply(4));
}

#[test]
fn a_number_no_open_question_offers_is_refused_and_runs_nothing() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-03-31\n\
         remove Acme\n\
         how healthy is Acme?\n\
         1\n\
         /account show Acme\n",
    );
    assert!(run.reply(3).starts_with("error:"), "{}", run.reply(3));
    assert_has(run.reply(3), &["no open question offers that number"]);
    assert_has(run.reply(4), &["Acme"]);
    assert!(!run.reply(4).starts_with("error:"), "{}", run.reply(4));
}

#[test]
fn why_tells_how_a_prompt_is_read_and_runs_nothing() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-03-31\n\
         why: Acme's NPS dropped to 5\n\
         /health show Acme\n\
         why: remove Acme\n\
         Acme's NPS dropped to 5\n\
         why?\n\
         yes\n",
    );
    assert_has(
        run.reply(1),
        &[
            "How I read “Acme's NPS dropped to 5”",
            "Recognised by: the rules for health",
            "Account: Acme — named",
            "`/health set \"Acme\" nps:5` — a change",
            "Nothing was run.",
        ],
    );
    // Explained, not run: no NPS yet.
    assert_lacks(run.reply(2), &["NPS 5", "nps: 5"]);
    assert_has(
        run.reply(3),
        &[
            "asks you to confirm `/account remove \"Acme\"`",
            "Asked first because: a prompt never does this without a confirmation: it deletes it",
        ],
    );
    // `why?` explains the prompt just run; `yes` has nothing to confirm after a `why:`.
    assert_has(
        run.reply(4),
        &["Understood as `/health set \"Acme\" nps:5`"],
    );
    assert_has(
        run.reply(5),
        &["How I read “Acme's NPS dropped to 5”", "a change"],
    );
    assert_lacks(run.reply(6), &["Running"]);
}
