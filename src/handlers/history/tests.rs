//! The history read through the table: every path the audit diff produces for a fully filled
//! account and tenant settings has a label, and the common changes read as people say them.

use serde_json::{json, Value};

use super::fields::{self, Format, Kind};
use super::path;
use super::values::{record, records};
use super::{changes, place};
use crate::domain::account::Account;
use crate::domain::audit::{diff, FieldChange};
use crate::domain::book::Book;
use crate::domain::tenant::{TenantId, TenantSettings};
use crate::render::text::spans;

fn book() -> Book {
    Book::new(TenantId::parse("local").expect("valid"))
}

/// An account with every field and every kind of record filled in. (Its domain and its
/// stakeholder's e-mail have a digit before the dot, so the check for dotted internal paths
/// below does not take them for one.)
fn full_account() -> Value {
    let account: Account = serde_json::from_value(json!({
        "id": 1, "name": "Acme", "arr": 50000, "renewal_date": "2027-03-31",
        "owner": {"user": "U1"}, "crm_id": "001Dn00000ABCdeIAF", "domain": "acme1.com",
        "tier_pin": "1", "industry": "SaaS", "segment": "enterprise",
        "seats": 400, "active_seats": 350, "products": ["Core", "BI"],
        "stakeholders": [{"name": "Jane Doe", "title": "VP Ops", "business_unit": "Ops",
            "email": "jane@acme1.com",
            "role": "champion", "influence": "high", "sentiment": "positive",
            "personal_win": "promotion", "engagement": "weekly", "last_contact": "2026-03-01",
            "owner": {"named": "Omar"}, "key_risk": "may leave", "nps": 9, "departed": true,
            "added_on": "2026-01-01"}],
        "health": [{"at": "2026-03-02T09:00:00Z", "signals": {"usage": 85.0, "adoption": 3,
            "nps": 8, "tickets": "stable", "roi": 75.0}}],
        "renewal": {"followups": [{"on": "2026-03-02", "responded": true}],
            "extended_days": 10, "last_activity": "2026-03-02", "snoozed_until": "2026-03-09"},
        "activities": [{"at": "2026-03-02T09:00:00Z", "by": "U1", "kind": "call",
            "text": "Called them, left a note"}],
        "opportunities": [{"id": 3, "kind": "seat", "value": 20000, "trigger": "EMEA team",
            "owner": {"user": "U2"}, "due": "2026-06-01",
            "status": {"state": "lost", "on": "2026-03-02",
                "reason": {"kind": "price", "text": "cheaper"}},
            "created_on": "2026-02-01",
            "qualification": [{"element": "metrics", "known": true, "note": "hours",
                "on": "2026-02-02"}]}],
        "plan": {
            "goals": [{"id": 1, "text": "Cut costs", "mapping": "automation"}],
            "metrics": [{"id": 1, "name": "Hours", "target": 40.0, "current": 32.0,
                "first": {"value": 10.0, "on": "2026-01-05"}, "measured_on": "2026-03-02",
                "value_per_unit": 3900.0, "better": "higher"}],
            "risks": [{"id": 1, "text": "Budget", "mitigation": "ROI deck"}],
            "actions": [{"id": 1, "text": "Send deck", "owner": {"user": "U1"},
                "due": "2026-03-10", "done": "2026-03-05"}],
            "competitors": [{"id": 1, "name": "Globex", "risk": "high", "edge": "EU hosting",
                "last_seen": "2026-03-01"}],
            "swot": [{"id": 1, "kind": "strength", "text": "Fast support"}],
            "updated_at": "2026-03-02T09:00:00Z"},
        "qbr": {"scheduled": "2026-04-01", "sponsor_confirmed": true, "last_held": "2026-01-01"},
        "save_play": {"cause": "budget", "owner": {"user": "U1"},
            "started": "2026-03-01T09:00:00Z", "done": [["triage", "2026-03-01T10:00:00Z"]],
            "checkins": [{"at": "2026-03-02T09:00:00Z", "note": "on track"}],
            "resolved": {"at": "2026-03-03T09:00:00Z", "by": "U1", "forced_reason": "exec call"}},
        "status": {"state": "churned", "on": "2026-03-04",
            "reason": {"kind": "budget", "text": "cut"}},
        "created_at": "2026-01-01T09:00:00Z", "updated_at": "2026-03-04T09:00:00Z"
    }))
    .expect("a full account");
    serde_json::to_value(account).expect("serialises")
}

fn full_settings() -> Value {
    let settings: TenantSettings = serde_json::from_value(json!({
        "managers": {"U1": "U2"}, "owner_aliases": {"jane doe": "U3"},
        "timezone": "Europe/Berlin", "currency": "EUR", "fiscal_year_start": 4,
        "subscriptions": [{"kind": "weekly", "channel": "C1", "days": 31, "time": "09:00:00",
            "zone": "Europe/Berlin", "since": "2026-03-01T12:00:00Z"}],
        "core_features": [{"name": "Reports", "events": ["Report Created", "Report Shared"]}]
    }))
    .expect("full settings");
    serde_json::to_value(settings).expect("serialises")
}

/// An account as `/account add` creates it.
fn bare_account() -> Value {
    let account: Account = serde_json::from_value(json!({"id": 1, "name": "Acme",
        "arr": 50000, "renewal_date": "2027-03-31", "status": {"state": "active"},
        "created_at": "2026-01-01T09:00:00Z", "updated_at": "2026-01-01T09:00:00Z"}))
    .expect("a bare account");
    serde_json::to_value(account).expect("serialises")
}

/// Every field path (and every field of every record in a value) is in the table.
fn assert_known(change: &FieldChange) {
    let here = place(&change.field);
    let field = here
        .field
        .unwrap_or_else(|| panic!("no label for {:?}", change.field));
    if let Format::Records(kind) = field.format {
        for raw in [&change.before, &change.after] {
            let raw = raw.strip_prefix("+ ").unwrap_or(raw);
            if raw.is_empty() {
                continue;
            }
            let read = records(kind, raw);
            assert!(!read.is_empty(), "{}: cannot read {raw:?}", change.field);
            for r in read {
                for (path, _) in r {
                    assert!(
                        known(kind, &path),
                        "{}: no label for {path:?} in {raw:?}",
                        change.field
                    );
                }
            }
        }
    }
}

fn known(kind: &Kind, field_path: &str) -> bool {
    path::field(kind, &path::steps(field_path)).is_some()
}

fn read(changes_: &[FieldChange]) -> Vec<String> {
    changes(&book(), changes_)
        .iter()
        .map(|l| spans(l))
        .collect()
}

#[test]
fn every_path_the_diff_produces_has_a_label_and_no_internal_path_is_shown() {
    let (full, bare) = (full_account(), bare_account());
    let settings = full_settings();
    let default = serde_json::to_value(TenantSettings::default()).expect("serialises");
    let mut all = Vec::new();
    for (before, after) in [
        (&Value::Null, &full),
        (&bare, &full),
        (&full, &bare),
        (&default, &settings),
        (&settings, &default),
    ] {
        all.extend(diff(before, after));
    }
    for change in &all {
        assert_known(change);
    }
    let shown = read(&all).join("\n");
    let path = regex::Regex::new(r"\b[a-z]+_[a-z_]+\b|\b[a-z_]+\.[a-z_]+\b|=").expect("regex");
    assert!(
        !path.is_match(&shown),
        "internal names in:\n{shown}\n(at {:?})",
        path.find(&shown).map(|m| m.as_str())
    );
}

fn change(field: &str, before: &str, after: &str) -> FieldChange {
    FieldChange {
        field: field.into(),
        before: before.into(),
        after: after.into(),
    }
}

#[test]
fn the_common_changes_read_as_people_say_them() {
    assert_eq!(
        read(&[
            change("arr", "50000", "60000"),
            change("renewal.extended_days", "0", "30"),
            change("status.state", "active", "churned"),
            change("owner.user", "U1", ""),
            change("products", "", "+ BI"),
            change(
                "plan.updated_at",
                "2026-03-01T09:00:00Z",
                "2026-03-02T09:00:00Z"
            ),
            change("outcome", "", "churned (60000 → 0)"),
            change("managers.U1", "", "U2"),
            change("crm_id", "001A", "001B"),
            change("domain", "", "acme.com"),
        ]),
        [
            "ARR: $50,000 → $60,000",
            "renewal extension: none → 30 days",
            "status: active → churned",
            "owner: removed (@U1)",
            "products added: BI",
            "outcome: churned ($60,000 → $0)",
            "manager of @U1: @U2",
            "crm id: 001A → 001B",
            "domain: acme.com",
        ]
    );
}

#[test]
fn records_added_changed_and_removed_read_in_one_line_each() {
    let full = full_account();
    let mut more = full.clone();
    more["stakeholders"].as_array_mut().expect("an array").push(
        json!({"name": "Bob Ruiz", "role": "economic-buyer", "influence": "high",
            "sentiment": "neutral", "added_on": "2026-03-02", "departed": false}),
    );
    more["stakeholders"][0]["sentiment"] = json!("champion");
    more["stakeholders"][0]["email"] = json!("jane.doe@acme1.com");
    more["opportunities"][0]["status"] = json!({"state": "won", "on": "2026-03-09"});
    assert_eq!(
        read(&diff(&full, &more)),
        [
            "expansion #3 status: lost → won",
            "expansion #3 closed on: 2026-03-02 → 2026-03-09",
            "expansion #3 reason: removed (price, note cheaper)",
            "stakeholder Jane Doe e-mail: jane@acme1.com → jane.doe@acme1.com",
            "stakeholder Jane Doe sentiment: positive → champion",
            "stakeholder added: Bob Ruiz (role economic-buyer, influence high, sentiment neutral)",
        ]
    );
    // Removed, its name already redacted; and the first one, which the diff keeps whole.
    assert_eq!(
        read(&[
            change("stakeholders[[removed]]", "added_on=2026-01-01, name=[removed]", ""),
            change(
                "stakeholders",
                "",
                "+ added_on=2026-03-02, departed=false, influence=low, name=Sam Ode, role=blocker, sentiment=neutral"
            ),
            change("renewal.followups", "on=2026-03-02, responded=false, on=2026-03-09, responded=true", ""),
            change("activities", "", "+ at=2026-03-02T09:00:00Z, by=U1, kind=note, text=Sent the deck"),
        ]),
        [
            "stakeholder removed: [removed]",
            "stakeholder added: Sam Ode (role blocker, influence low, sentiment neutral)",
            "2 renewal follow-ups removed",
            "activity added: note, Sent the deck",
        ]
    );
}

#[test]
fn unknown_paths_read_as_words() {
    assert_eq!(
        read(&[
            change("plan.review_cadence", "", "monthly"),
            change("contacts[Jane].last_seen_at", "x", "y")
        ]),
        [
            "plan review cadence: monthly",
            "contacts Jane last seen at: x → y"
        ]
    );
    assert!(record(&fields::STAKEHOLDER, "not a record").is_none());
}
