//! Rows of one account thousands of lines apart: the import lets an account go from memory
//! once its batch is durable (`transfer::merge`), so a later row must read it back and build
//! on it — its stakeholders kept, its crm id still checked, its existing record not mistaken
//! for the book's older copy.

use super::{account, summary, Lab};

/// `n` filler accounts, enough to push an account's first rows several batches back.
fn filler(n: usize) -> String {
    (0..n)
        .map(|i| format!("F{i:05},Filler {i:05},10k,2027-01-01,,,\n"))
        .collect()
}

#[test]
fn a_later_row_builds_on_an_account_written_batches_earlier() {
    let lab = Lab::new();
    let header = "Account ID,Account Name,ARR,Renewal Date,Contact Name,Role,Email\n";
    let before = lab.file(
        "before.csv",
        &format!("{header}001A,Acme Corp,120k,2027-03-31,Wile E,Champion,wile@acme.com\n"),
    );
    lab.import("far.db", &before, &[]);
    let file = lab.file(
        "far.csv",
        &format!(
            "{header}001A,Acme Corp,130k,2027-03-31,Road Runner,Economic Buyer,\n\
             002G,Globex,50k,2027-04-15,Hank Scorpio,Champion,\n\
             {}\
             001A,Acme Corp,140k,2027-03-31,Marvin,User,\n\
             ,Globex,55k,2027-04-15,Frank Grimes,User,\n\
             777,Globex,55k,2027-04-15,,,\n\
             001A,Initech,45k,2027-05-01,,,\n",
            filler(3_500)
        ),
    );
    let report = lab.import("far.db", &file, &[]);
    assert!(
        report.contains("line 3506: crm id: \"777\" is not the crm id of \"Globex\""),
        "{report}"
    );
    assert!(
        report.contains("line 3507: crm id: \"001A\" is already on line 2 for \"Acme Corp\""),
        "{report}"
    );
    assert_eq!(summary(&report), "imported 3501, updated 1, rejected 2");
    let doc = lab.export_json("far.db");
    let acme = account(&doc, "Acme Corp").expect("Acme Corp");
    assert_eq!(acme["arr"], 140_000, "{acme}");
    let people = |a: &serde_json::Value| -> Vec<String> {
        a["stakeholders"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["name"].as_str().map(String::from))
            .collect()
    };
    assert_eq!(people(acme), ["Wile E", "Road Runner", "Marvin"]);
    let globex = account(&doc, "Globex").expect("Globex");
    assert_eq!(globex["arr"], 55_000, "{globex}");
    assert_eq!(people(globex), ["Hank Scorpio", "Frank Grimes"]);
    assert!(account(&doc, "Initech").is_none());
}
