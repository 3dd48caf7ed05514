//! Purpose: the audit trail — who changed what, when, before → after — the field-level
//! diff that produces it from any two versions of a record, and the redaction of a removed
//! person's name from it.

use chrono::{DateTime, Utc};
use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::account::{Account, AccountId};
use super::book::Change;
use super::outcome::OutcomeEvent;
use super::person::UserId;
use super::tenant::TenantSettings;

/// One field that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Dotted path, e.g. `arr` or `stakeholders[Jane Doe].sentiment`.
    pub field: String,
    /// Rendered value before; empty when the field did not exist.
    pub before: String,
    pub after: String,
}

/// One change to the book, as recorded in the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: UserId,
    /// The command as it was understood, e.g. `/account set Acme arr:60k`.
    pub command: String,
    /// The account changed; `None` for tenant-wide changes (settings).
    pub account: Option<AccountId>,
    pub account_name: String,
    pub changes: Vec<FieldChange>,
}

/// One step that takes a change back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Revert {
    /// Put the account back as it was.
    Restore(Box<Account>),
    /// Remove an account the change created.
    Delete(AccountId),
    Settings(Box<TenantSettings>),
    /// Drop an outcome event the change recorded.
    DropOutcome(OutcomeEvent),
    /// Record again an outcome event the change dropped.
    AddOutcome(OutcomeEvent),
    /// Nothing: the change made or revoked the write key `name`. Undo refuses such a change —
    /// a revoked key stays revoked, and a new one is taken back by revoking it.
    KeepWriteKey {
        name: String,
    },
    /// Nothing: the change set the Zendesk secret. Undo refuses it (the secret before is
    /// gone from Zendesk too); setting it again is the way back.
    KeepZendeskSecret,
}

impl Revert {
    /// The step that takes `change` back, given the state before it.
    pub fn of(
        change: &Change,
        before_account: Option<&Account>,
        before_settings: &TenantSettings,
    ) -> Revert {
        match change {
            Change::PutAccount(a) => match before_account {
                Some(old) => Revert::Restore(Box::new(old.clone())),
                None => Revert::Delete(a.id),
            },
            Change::RemoveAccount(id) => match before_account {
                Some(old) => Revert::Restore(Box::new(old.clone())),
                None => Revert::Delete(*id),
            },
            Change::PutSettings(_) => Revert::Settings(Box::new(before_settings.clone())),
            Change::AddOutcome(e) => Revert::DropOutcome(e.clone()),
            Change::RemoveOutcome(e) => Revert::AddOutcome(e.clone()),
            Change::PutWriteKey(record) => Revert::KeepWriteKey {
                name: record.name.clone(),
            },
            Change::RevokeWriteKey(name) => Revert::KeepWriteKey { name: name.clone() },
            Change::PutZendeskSecret(_) => Revert::KeepZendeskSecret,
        }
    }

    /// The change that takes this step; `None` for a step that changes nothing.
    pub fn into_change(self) -> Option<Change> {
        Some(match self {
            Revert::Restore(a) => Change::PutAccount(a),
            Revert::Delete(id) => Change::RemoveAccount(id),
            Revert::Settings(s) => Change::PutSettings(*s),
            Revert::DropOutcome(e) => Change::RemoveOutcome(e),
            Revert::AddOutcome(e) => Change::AddOutcome(e),
            Revert::KeepWriteKey { .. } | Revert::KeepZendeskSecret => return None,
        })
    }
}

/// How to take back an actor's last change (`/steward undo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndoPlan {
    pub command: String,
    pub at: DateTime<Utc>,
    /// Applied in order (the reverse of the change's order). Empty once purged.
    pub steps: Vec<Revert>,
}

/// How long a change can be undone. A plan holds whole records — a removed stakeholder's
/// included — so once the window closes it is purged down to its date.
pub const UNDO_HOURS: i64 = 24;

impl UndoPlan {
    /// The instant undo stops being offered.
    pub fn until(&self) -> DateTime<Utc> {
        self.at + chrono::Duration::hours(UNDO_HOURS)
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.until()
    }

    /// What is kept of a plan that can no longer be applied: when its change was made, so
    /// undo can say why not — no command line, no records.
    pub fn purged(&self) -> UndoPlan {
        UndoPlan {
            command: String::new(),
            at: self.at,
            steps: Vec::new(),
        }
    }

    /// Whether the plan was purged (every stored change has at least one step).
    pub fn is_purged(&self) -> bool {
        self.steps.is_empty()
    }

    /// Whether applying the plan would restore or delete `account`.
    pub fn touches(&self, account: AccountId) -> bool {
        self.steps.iter().any(|step| match step {
            Revert::Restore(a) => a.id == account,
            Revert::Delete(id) => *id == account,
            _ => false,
        })
    }
}

/// Fields whose changes are bookkeeping, not news (`signal_sources` changes with the health
/// reading it explains; `indicators` are posted to the owner as they fire).
const IGNORED: [&str; 5] = [
    "updated_at",
    "created_at",
    "id",
    "signal_sources",
    "indicators",
];

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.values().all(is_empty),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// Field-level differences between two JSON renderings of a record. Arrays of objects that
/// carry a `name` are matched by name, so a change to one stakeholder names that person;
/// other arrays that only grew are shown as what was added.
pub fn diff(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    out
}

fn walk(path: &str, before: &Value, after: &Value, out: &mut Vec<FieldChange>) {
    if before == after || IGNORED.contains(&path) {
        return;
    }
    match (before, after) {
        // A new record: list what it was created with, leaving out empty fields.
        (Value::Null, Value::Object(a)) => {
            for (key, value) in a {
                if !is_empty(value) {
                    walk(&join(path, key), &Value::Null, value, out);
                }
            }
        }
        (Value::Object(b), Value::Object(a)) => {
            let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for key in keys {
                let child = join(path, key);
                // Records leave out empty fields: one missing is the other side's empty kind.
                let (before, after) = match (b.get(key), a.get(key)) {
                    (Some(b), Some(a)) => (b, a),
                    (Some(b), None) => (b, left_out(b)),
                    (None, Some(a)) => (left_out(a), a),
                    (None, None) => continue,
                };
                walk(&child, before, after, out);
            }
        }
        (Value::Array(b), Value::Array(a)) if by_name(b) && by_name(a) => {
            let name_of = |v: &Value| {
                v.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            for item in b {
                let name = name_of(item);
                let other = a
                    .iter()
                    .find(|x| name_of(x) == name)
                    .unwrap_or(&Value::Null);
                walk(&format!("{path}[{name}]"), item, other, out);
            }
            for item in a
                .iter()
                .filter(|x| !b.iter().any(|y| name_of(y) == name_of(x)))
            {
                walk(
                    &format!("{path}[{}]", name_of(item)),
                    &Value::Null,
                    item,
                    out,
                );
            }
        }
        (Value::Array(b), Value::Array(a)) if a.len() > b.len() && a.starts_with(b) => {
            for item in &a[b.len()..] {
                out.push(FieldChange {
                    field: path.to_string(),
                    before: String::new(),
                    after: format!("+ {}", show(item)),
                });
            }
        }
        _ => out.push(FieldChange {
            field: path.to_string(),
            before: show(before),
            after: show(after),
        }),
    }
}

/// What a record that leaves out an empty field of `present`'s kind held there: records
/// leave out empty lists, absent options and false flags, never a plain number or text.
fn left_out(present: &Value) -> &'static Value {
    static NO_FIELDS: std::sync::LazyLock<Value> =
        std::sync::LazyLock::new(|| Value::Object(serde_json::Map::new()));
    static NO_ITEMS: Value = Value::Array(Vec::new());
    static FALSE: Value = Value::Bool(false);
    static NULL: Value = Value::Null;
    match present {
        Value::Object(_) => &NO_FIELDS,
        Value::Array(_) => &NO_ITEMS,
        Value::Bool(_) => &FALSE,
        _ => &NULL,
    }
}

fn by_name(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|v| v.get("name").is_some_and(Value::is_string))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// What a removed person's name becomes in the audit trail.
const REMOVED: &str = "[removed]";

/// A removed person's name to take out of the audit trail (DECISIONS 18): every occurrence
/// of the whole name — any letter case, any spacing between its words, never inside another
/// word — becomes `[removed]`. The characters around a match are looked at, not consumed, so
/// `Tom Tom` loses both.
pub struct Redaction {
    /// `None` for a name with no words: nothing to remove.
    name: Option<Regex>,
}

impl Redaction {
    pub fn new(name: &str) -> Result<Redaction, regex::Error> {
        let words: Vec<String> = name.split_whitespace().map(regex::escape).collect();
        let name = match words.is_empty() {
            true => None,
            false => Some(Regex::new(&format!("(?i){}", words.join(r"\s+")))?),
        };
        Ok(Redaction { name })
    }

    /// `text` with every whole-name occurrence replaced.
    pub fn apply(&self, text: &str) -> String {
        let Some(name) = &self.name else {
            return text.to_string();
        };
        let apart = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        let (mut out, mut copied, mut from) = (String::new(), 0, 0);
        while let Some(m) = name.find_at(text, from) {
            let whole = apart(text[..m.start()].chars().next_back())
                && apart(text[m.end()..].chars().next());
            if whole {
                out.push_str(&text[copied..m.start()]);
                out.push_str(REMOVED);
                (copied, from) = (m.end(), m.end());
            } else {
                // Inside another word: look again from the next character.
                from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
            }
        }
        out.push_str(&text[copied..]);
        out
    }

    /// Redacts one entry: its command and every change. True when anything changed.
    pub fn entry(&self, entry: &mut AuditEntry) -> bool {
        let mut changed = false;
        let mut redact = |text: &mut String| {
            let redacted = self.apply(text);
            if redacted != *text {
                *text = redacted;
                changed = true;
            }
        };
        redact(&mut entry.command);
        for change in &mut entry.changes {
            redact(&mut change.field);
            redact(&mut change.before);
            redact(&mut change.after);
        }
        changed
    }
}

/// A compact human rendering of a JSON value.
fn show(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}={}", show(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalar_and_nested_changes() {
        let before = json!({"arr": 50000, "owner": {"user": "U1"}, "updated_at": "x"});
        let after = json!({"arr": 60000, "owner": {"user": "U2"}, "updated_at": "y"});
        let changes = diff(&before, &after);
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "arr".into(),
                    before: "50000".into(),
                    after: "60000".into()
                },
                FieldChange {
                    field: "owner.user".into(),
                    before: "U1".into(),
                    after: "U2".into()
                },
            ]
        );
    }

    #[test]
    fn named_items_are_matched_by_name() {
        let before = json!({"stakeholders": [{"name": "Jane", "sentiment": "neutral"}, {"name": "Bob", "sentiment": "positive"}]});
        let after = json!({"stakeholders": [{"name": "Bob", "sentiment": "positive"}, {"name": "Jane", "sentiment": "champion"}]});
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "stakeholders[Jane].sentiment");
        assert_eq!(
            (changes[0].before.as_str(), changes[0].after.as_str()),
            ("neutral", "champion")
        );
    }

    #[test]
    fn a_new_record_lists_its_non_empty_fields() {
        let after = json!({"name": "Acme", "arr": 5, "products": [], "owner": null, "id": 1});
        let fields: Vec<_> = diff(&Value::Null, &after)
            .into_iter()
            .map(|c| (c.field, c.after))
            .collect();
        assert_eq!(
            fields,
            [
                ("arr".to_string(), "5".to_string()),
                ("name".into(), "Acme".into())
            ]
        );
    }

    #[test]
    fn an_undo_plan_lasts_a_day_then_keeps_only_its_date() {
        let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
            .expect("valid")
            .with_timezone(&Utc);
        let plan = UndoPlan {
            command: "/stakeholder remove Acme \"Jane Doe\"".into(),
            at,
            steps: vec![Revert::Delete(AccountId(7))],
        };
        assert!(plan.touches(AccountId(7)) && !plan.touches(AccountId(8)));
        assert_eq!(plan.until().to_rfc3339(), "2026-03-03T09:00:00+00:00");
        assert!(!plan.is_expired(plan.until() - chrono::Duration::seconds(1)));
        assert!(plan.is_expired(plan.until()));
        let purged = plan.purged();
        assert!(purged.is_purged() && !plan.is_purged());
        assert_eq!((purged.command.as_str(), purged.at), ("", at));
        assert!(!purged.touches(AccountId(7)));
    }

    #[test]
    fn redaction_replaces_every_whole_name_and_nothing_else() {
        for (name, text, expected) in [
            ("Tom", "Tom Tom", "[removed] [removed]"),
            ("Tom Tom", "Tom Tom Tom Tom", "[removed] [removed]"),
            ("Tom", "tom,TOM;Tom.", "[removed],[removed];[removed]."),
            ("Tom", "Tomas and Atom", "Tomas and Atom"),
            ("Tom", "Tomas, Tom", "Tomas, [removed]"),
            (
                "Al",
                "Al's deal with Alice Walker",
                "[removed]'s deal with Alice Walker",
            ),
            ("Sam Ode", "SAM  ODE may leave", "[removed] may leave"),
            ("Sam Ode", "Sam Odell", "Sam Odell"),
            ("Zoë", "zoë/ZOË", "[removed]/[removed]"),
            (
                "Jane",
                "stakeholders[Jane].sentiment",
                "stakeholders[[removed]].sentiment",
            ),
            ("A.B", "AxB A.B", "AxB [removed]"),
            ("   ", "Tom", "Tom"),
        ] {
            let redaction = Redaction::new(name).expect("a name");
            assert_eq!(redaction.apply(text), expected, "{name} in {text}");
        }
    }

    #[test]
    fn appended_items_show_what_was_added() {
        let before = json!({"notes": [1]});
        let after = json!({"notes": [1, {"text": "called"}]});
        let changes = diff(&before, &after);
        assert_eq!(changes[0].after, "+ text=called");
        assert!(diff(&before, &before).is_empty());
    }
}
