//! Purpose: accounts' outside ids end to end (INGEST.md "Accounts' outside ids"), through the
//! real binary: `crm:` and `domain:` on `/account add` and `/account set`, one account per
//! crm id, `/account show` and the history; CRM CSV imports that read them and match rows by
//! crm id before name; exports that carry them.

#[expect(dead_code, reason = "each test crate uses part of the shared helpers")]
mod common;

use common::{assert_has, assert_lacks, line_starting, Steward};

#[test]
fn add_and_set_take_a_crm_id_and_a_domain_and_show_displays_them() {
    let s = Steward::new();
    let run = s.console(
        "/account add \"Acme Corp\" arr:50k renewal:2027-03-31 crm:001A domain:https://www.Acme.com/about\n\
         /account show \"Acme Corp\"\n\
         /account add Initech arr:5k renewal:2027-01-01\n\
         /account show Initech\n\
         /account set Initech domain:initech.io crm:\" I-42 \"\n\
         /account show Initech\n",
    );
    assert_has(
        run.reply(0),
        &["Added Acme Corp", "Outside ids: crm 001A, domain acme.com"],
    );
    assert_has(
        run.reply(1),
        &["\nOutside ids: crm 001A, domain acme.com\n"],
    );
    assert_lacks(run.reply(2), &["Outside ids"]);
    assert_lacks(run.reply(3), &["Outside ids"]);
    assert_has(
        run.reply(4),
        &[
            "Updated Initech.",
            "Outside ids: crm I-42, domain initech.io",
        ],
    );
    assert_has(
        run.reply(5),
        &["\nOutside ids: crm I-42, domain initech.io\n"],
    );
}

#[test]
fn a_crm_id_names_one_account_and_the_error_names_the_holder() {
    let s = Steward::new();
    let run = s.console(
        "/account add \"Acme Corp\" arr:50k renewal:2027-03-31 crm:001A\n\
         /account add Globex arr:20k renewal:2027-06-30 crm:001A\n\
         /account add Globex arr:20k renewal:2027-06-30 crm:001a\n\
         /account set Globex crm:001A\n\
         /account set \"Acme Corp\" crm:001A arr:60k\n\
         /account set \"Acme Corp\" crm:none\n\
         /account set Globex crm:001A\n\
         /account show Globex\n\
         /account show \"Acme Corp\"\n",
    );
    let refused = "error: crm id \"001A\" already exists. It is the crm id of Acme Corp, and a crm id names one account. See it with `/account show \"Acme Corp\"`.";
    assert!(run.reply(1).starts_with(refused), "{}", run.reply(1));
    assert_has(run.reply(2), &["Added Globex", "crm 001a"]);
    assert!(run.reply(3).starts_with(refused), "{}", run.reply(3));
    assert_has(run.reply(4), &["Updated Acme Corp.", "crm 001A"]);
    assert_lacks(run.reply(5), &["Outside ids"]);
    assert_has(run.reply(6), &["Updated Globex.", "crm 001A"]);
    assert_has(run.reply(7), &["Outside ids: crm 001A\n"]);
    assert_lacks(run.reply(8), &["Outside ids"]);
}

#[test]
fn bad_values_are_refused_whole_and_the_history_reads_well() {
    let s = Steward::new();
    let run = s.console(
        "/account add Acme arr:50k renewal:2027-03-31 domain:acme\n\
         /account add Acme arr:50k renewal:2027-03-31 crm:001A domain:acme.com\n\
         /account set Acme crm:none domain:\"acme com\"\n\
         /account set Acme domain:🚀.com\n\
         /account show Acme\n\
         /account set Acme crm:none domain:WWW.acme.io\n\
         /account history Acme\n",
    );
    assert!(
        run.reply(0).starts_with(
            "error: domain: \"acme\" has no dot; a domain has a name and an ending. Example: domain:acme.com"
        ),
        "{}",
        run.reply(0)
    );
    assert!(
        run.reply(2)
            .starts_with("error: domain: \"acme com\" contains a space. Example: domain:acme.com"),
        "{}",
        run.reply(2)
    );
    assert!(
        run.reply(3)
            .starts_with("error: domain: \"🚀.com\" contains \"🚀\", which a domain cannot hold."),
        "{}",
        run.reply(3)
    );
    assert_has(run.reply(4), &["Outside ids: crm 001A, domain acme.com"]);
    let history = run.reply(6);
    assert_has(
        line_starting(
            history,
            "- 2026-03-02 09:00 UTC @local-user `/account set Acme crm:none",
        ),
        &["crm id: removed (001A)", "domain: acme.com → acme.io"],
    );
    assert_has(
        line_starting(
            history,
            "- 2026-03-02 09:00 UTC @local-user `/account add Acme",
        ),
        &["crm id: 001A", "domain: acme.com"],
    );
}
