//! Purpose: `/steward feature` through the app — core features with the events that prove them,
//! kept per tenant in the settings (where the adoption signal reads them), errors that say
//! what to type, undo like any setting, for admins only.

use std::collections::BTreeSet;

use steward::command::quote;
use steward::domain::signals::Feature;
use steward::domain::tenant::TenantId;

use super::Lab;

fn features(lab: &Lab, tenant: &str) -> Vec<Feature> {
    let tenant = TenantId::parse(tenant).expect("valid tenant");
    lab.app
        .store
        .settings(&tenant)
        .expect("settings")
        .core_features
}

fn feature(name: &str, events: &[&str]) -> Feature {
    Feature {
        name: name.into(),
        events: events
            .iter()
            .map(|e| e.to_string())
            .collect::<BTreeSet<_>>(),
    }
}

#[test]
fn features_are_added_listed_and_removed_per_tenant() {
    let lab = Lab::new();
    let added =
        lab.ask("/steward feature add Reports event:\"Report Created\" event:\"Report Shared\"");
    assert_eq!(
        added,
        "Core feature Reports added: `Report Created` or `Report Shared` in the last 30 days counts it as used.\nAdoption now counts 1 core feature."
    );
    let export = lab.ask(&format!(
        "/steward feature add {} event:Exported",
        quote("“Big Export” 📦")
    ));
    assert!(
        export.starts_with("Core feature “Big Export” 📦 added"),
        "{export}"
    );
    let expected = vec![
        feature("Reports", &["Report Created", "Report Shared"]),
        feature("“Big Export” 📦", &["Exported"]),
    ];
    assert_eq!(features(&lab, "local"), expected);
    assert!(features(&lab, "acme-team").is_empty());
    assert_eq!(
        lab.ask("/steward feature list"),
        "Core features (2) — used when one of their events arrived in the last 30 days:\n- Reports — `Report Created` or `Report Shared`\n- “Big Export” 📦 — `Exported`"
    );
    let lab = lab.reopen();
    assert_eq!(features(&lab, "local"), expected);
    let removed = lab.ask("/steward feature remove REPORTS");
    assert_eq!(
        removed,
        "Core feature Reports removed; adoption now counts 1."
    );
    assert_eq!(features(&lab, "local"), expected[1..]);
    // A setting like the others: undo brings it back.
    assert!(lab
        .ask("/steward undo")
        .starts_with("Undid your `/steward feature remove REPORTS`"));
    assert_eq!(features(&lab, "local"), expected);
    assert!(lab
        .ask_as("acme-team", "local-user", "/steward feature list")
        .starts_with("No core features yet; the adoption signal counts them."));
}

#[test]
fn mistakes_are_refused_with_what_to_type() {
    let lab = Lab::new();
    lab.ask("/steward feature add Reports event:\"Report Created\"");
    for (line, expected) in [
        (
            "/steward feature add Dashboards",
            "error: `/steward feature add` needs at least one event: (the event names that prove the feature is used). Usage: /steward feature add NAME event:EVENT [event:EVENT…]. Example: /steward feature add Reports event:\"Report Created\" event:\"Report Shared\"",
        ),
        (
            "/steward feature add reports event:x",
            "error: core feature \"Reports\" already exists. Pick another name, or remove it first with `/steward feature remove \"Reports\"`. Example:",
        ),
        (
            "/steward feature remove Reprts",
            "error: core feature \"Reprts\" not found. Did you mean Reports? Example: /steward feature remove \"Reports\"",
        ),
        (
            "/steward feature remove Zebra",
            "error: core feature \"Zebra\" not found. See them with `/steward feature list`.",
        ),
        ("/steward feature list event:x", "error: `/steward feature list` got more than it takes: `event:`"),
    ] {
        let answer = lab.ask(line);
        assert!(answer.starts_with(expected), "{line}:\n{answer}");
    }
    let long = format!("/steward feature add Long event:{}", "e".repeat(201));
    assert!(lab
        .ask(&long)
        .starts_with("error: event: has 1–200 characters, not 201."));
    assert_eq!(
        features(&lab, "local"),
        [feature("Reports", &["Report Created"])]
    );
}

#[test]
fn only_admins_declare_features() {
    let lab = Lab::with_admins(Some("boss"));
    let refused = lab.ask("/steward feature add Reports event:x");
    assert!(
        refused.starts_with("error: only an admin can use `/steward feature`"),
        "{refused}"
    );
    assert!(lab
        .ask("/steward feature list")
        .starts_with("error: only an admin"));
    assert!(!lab
        .ask_as("local", "boss", "/steward feature add Reports event:x")
        .starts_with("error:"));
}
