//! End-to-end: names in the quotation marks of every keyboard — straight, curly (as iOS and
//! macOS type them), low-9 and guillemets — read alike by `steward console`, in prompts and in
//! command lines, and an apostrophe inside a name (`O’Neil`, `Acme's`) opens no quote.

#[expect(dead_code, reason = "each test crate uses part of the shared helpers")]
mod common;
#[path = "common/quote_marks.rs"]
mod quote_marks;

use common::{assert_has, assert_lacks, Steward};
use quote_marks::QUOTES;

#[test]
fn prompts_and_commands_read_names_in_every_keyboard_s_quotes() {
    let s = Steward::new();
    let mut script = String::from("/account add \"Acme Corp\" arr:50k renewal:2027-01-01\n");
    for (open, close) in QUOTES {
        script.push_str(&format!(
            "how is {open}Acme Corp{close} doing?\n/account show {open}Acme Corp{close}\n"
        ));
    }
    let run = s.console(&script);
    let show = run.reply(2);
    assert!(show.starts_with("Acme Corp\n"), "{show}");
    for (k, (open, close)) in QUOTES.iter().enumerate() {
        assert_eq!(run.reply(1 + 2 * k), show, "prompt in {open}…{close}");
        assert_eq!(run.reply(2 + 2 * k), show, "command in {open}…{close}");
    }
}

#[test]
fn apostrophes_inside_names_open_no_quote() {
    let s = Steward::new();
    let run = s.console(
        "/account add 'Acme's Team' arr:50k renewal:2027-01-01\n\
         /stakeholder add «Acme's Team» ‘Anne O’Neil’ role:champion\n\
         /stakeholder add „Acme's Team“ Bob role:blocker title:'VP Ops'\n\
         /stakeholder list Acme's Team\n\
         /stakeholder list “Acme's Team”\n\
         who are the stakeholders at ‚Acme's Team‘?\n",
    );
    assert!(
        run.reply(0).starts_with("Added Acme's Team:"),
        "{}",
        run.reply(0)
    );
    assert_lacks(run.reply(1), &["error:"]);
    assert_lacks(run.reply(2), &["error:"]);
    assert_has(run.reply(3), &["Quote names with spaces"]);
    assert_has(run.reply(4), &["Anne O’Neil", "Bob", "VP Ops"]);
    assert_eq!(run.reply(5), run.reply(4));
}
