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

/// Writes `text` beside the database and runs `steward import` on it; returns the report.
fn import(s: &Steward, file: &str, text: &str) -> String {
    let path = s.db().with_file_name(file);
    std::fs::write(&path, text).expect("write the file");
    let out = s
        .command()
        .arg("import")
        .arg(&path)
        .output()
        .expect("run steward import");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "import {file} failed: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `steward export --format FORMAT`.
fn export(s: &Steward, format: &str) -> String {
    let out = s
        .command()
        .args(["export", "--format", format])
        .output()
        .expect("run steward export");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Each account's name, crm id and domain in the JSON export, by name.
fn outside_ids(s: &Steward) -> Vec<(String, String, String)> {
    let doc: serde_json::Value = serde_json::from_str(&export(s, "json")).expect("JSON");
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_string();
    let mut ids: Vec<_> = doc["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| (text(&a["name"]), text(&a["crm_id"]), text(&a["domain"])))
        .collect();
    ids.sort();
    ids
}

fn ids(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

const SALESFORCE: &str = "\
Account ID,Account Name,ARR__c,Renewal_Date__c,Website,Contact Name,Role
001A,Acme Corp,$120K,3/31/2027,https://www.Acme.com/,Wile E,Champion
001A,Acme Corp,$120K,3/31/2027,https://www.Acme.com/,Road Runner,Economic Buyer
001B,Globex,50k,4/15/2027,globex dot com,,
001A,Acme Inc,10k,4/15/2027,,,
001C,Initech,45000,5/1/2027,initech.io,,
";

#[test]
fn salesforce_and_hubspot_exports_give_crm_ids_and_domains() {
    let s = Steward::new();
    let report = import(&s, "salesforce.csv", SALESFORCE);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines,
        [
            "line 4: domain: \"globex dot com\" contains a space. Example: domain:acme.com or domain:https://www.acme.com (column \"Website\")",
            "line 5: crm id: \"001A\" is already on line 2 for \"Acme Corp\"; a crm id names one account (column \"Account ID\")",
            "committed through line 6",
            "imported 2, updated 0, rejected 2",
        ]
    );
    let hubspot = "Record ID,Company name,Company Domain Name,Website,Annual Recurring Revenue,Contract End Date\n\
                   5501,Hooli,hooli.xyz,https://www.hooli.com,$1.2M,2027-06-30\n";
    assert_eq!(
        import(&s, "hubspot.csv", hubspot).lines().last(),
        Some("imported 1, updated 0, rejected 0")
    );
    assert_eq!(
        outside_ids(&s),
        ids(&[
            ("Acme Corp", "001A", "acme.com"),
            ("Hooli", "5501", "hooli.xyz"),
            ("Initech", "001C", "initech.io"),
        ])
    );
    let run = s.console(
        "/account show \"Acme Corp\"\n/account add Umbrella arr:5k renewal:2027-01-01 crm:5501\n",
    );
    assert_has(
        run.reply(0),
        &[
            "Outside ids: crm 001A, domain acme.com",
            "Wile E",
            "Road Runner",
        ],
    );
    assert!(
        run.reply(1)
            .starts_with("error: crm id \"5501\" already exists. It is the crm id of Hooli"),
        "{}",
        run.reply(1)
    );
}

#[test]
fn re_import_matches_rows_by_crm_id_first_then_by_name() {
    let s = Steward::new();
    import(&s, "salesforce.csv", SALESFORCE);
    let run = s.console(
        "/account set \"Acme Corp\" name:\"Acme Industries\"\n\
         /account add Globex arr:20k renewal:2027-06-30 crm:G-1\n\
         /account add Umbrella arr:5k renewal:2027-01-01\n",
    );
    assert!(!run.stdout.contains("error:"), "{}", run.stdout);
    let again = "\
Account ID,Account Name,ARR__c,Renewal_Date__c
001A,Acme Corp,150k,3/31/2028
G-2,Globex,30k,
U-1,UMBRELLA,6k,
001C,Initech,45000,
";
    let report = import(&s, "again.csv", again);
    assert_eq!(
        report.lines().collect::<Vec<_>>(),
        [
            "line 3: crm id: \"G-2\" is not the crm id of \"Globex\", which this row's name matches: that is \"G-1\"; a crm id names one account (column \"Account ID\")",
            "committed through line 5",
            "imported 0, updated 3, rejected 1",
        ]
    );
    assert_eq!(
        outside_ids(&s),
        ids(&[
            ("Acme Industries", "001A", "acme.com"),
            ("Globex", "G-1", "-"),
            ("Initech", "001C", "initech.io"),
            ("Umbrella", "U-1", "-"),
        ]),
        "the renamed account was found by its crm id, and no \"Acme Corp\" was created"
    );
    let run = s.console(
        "/account show \"Acme Industries\"\n/account show Globex\n/account history Umbrella\n",
    );
    assert_has(run.reply(0), &["ARR: $150,000", "Renewal: 2028-03-31"]);
    assert_has(run.reply(1), &["ARR: $20,000"]);
    assert_has(
        run.reply(2),
        &[
            "`import ",
            "again.csv line 4` — ARR: $5,000 → $6,000; crm id: U-1",
        ],
    );
}

#[test]
fn exports_carry_the_ids_and_import_restores_them() {
    let s = Steward::new();
    import(&s, "salesforce.csv", SALESFORCE);
    let csv = export(&s, "csv");
    let mut rows = csv.lines();
    assert_eq!(
        rows.next(),
        Some("name,arr,renewal,owner,tier,industry,segment,seats,products,crm id,domain,health score,band,stage")
    );
    assert_eq!(
        rows.next(),
        Some("Acme Corp,120000,2027-03-31,,1,,,,,001A,acme.com,,unknown,not started")
    );
    let copy = Steward::new();
    assert_eq!(
        import(&copy, "accounts.csv", &csv).lines().last(),
        Some("imported 2, updated 0, rejected 0")
    );
    assert_eq!(
        export(&copy, "csv"),
        csv,
        "the CSV export reads back the same"
    );
    assert_eq!(
        import(&copy, "accounts.csv", &csv).lines().last(),
        Some("imported 0, updated 2, rejected 0"),
        "and matches by crm id when read again"
    );

    let json = export(&s, "json");
    let restored = Steward::new();
    assert!(import(&restored, "backup.json", &json).contains("imported 2"));
    assert_eq!(outside_ids(&restored), outside_ids(&s));
    let run = restored.console("/account add Initech2 arr:1k renewal:2027-01-01 crm:001C\n");
    assert!(
        run.reply(0).contains("It is the crm id of Initech,"),
        "the restored book knows its crm ids: {}",
        run.reply(0)
    );

    let twice = json.replacen("\"crm_id\": \"001C\"", "\"crm_id\": \"001A\"", 1);
    assert_ne!(twice, json);
    let path = s.db().with_file_name("twice.json");
    std::fs::write(&path, twice).expect("write");
    let out = Steward::new()
        .command()
        .arg("import")
        .arg(&path)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("crm id \"001A\" appears twice"), "{stderr}");
}
