//! Purpose: the one table from the field paths the audit diff records (`arr`,
//! `renewal.extended_days`, `stakeholders[Jane Doe].sentiment`, `managers.U1`) to the label a
//! user knows and the way its value reads — accounts, their records (stakeholders, metrics,
//! opportunities…), tenant settings, and the store's own `account` / `outcome` / `write_key`
//! entries.

/// How a stored value reads (see [`super::values`]).
#[derive(Debug, Clone, Copy)]
pub enum Format {
    Text,
    /// Whole currency units: `$50,000`.
    Money,
    /// A value per unit, cents kept: `$12.50`.
    PerUnit,
    /// `2026-03-02`.
    Date,
    /// `2026-03-02 09:00 UTC`.
    Instant,
    /// Extension days: `none`, `1 day`, `30 days`.
    Days,
    /// `1,000`, `6.5`.
    Number,
    Percent,
    YesNo,
    /// A chat user id, shown as a mention.
    User,
    /// A pinned tier: `Tier 1`.
    Tier,
    /// The fiscal year's first month.
    Month,
    /// A subscription's days: `mon-fri`.
    Weekdays,
    /// A time of day: `09:00`.
    Time,
    /// What the store records for an outcome: `churned ($60,000 → $0)`.
    Outcome,
    /// Save-play milestones with when each was done.
    Milestones,
    /// An array of records: changes inside one are labelled with it, and a record added or
    /// removed whole reads as one line.
    Records(&'static Kind),
    /// A nested object (a person, a reason, the save play): its fields' labels follow this
    /// one's, and the object set or cleared whole reads in one line.
    Object(&'static Kind),
    /// Bookkeeping that moves with every edit: not shown.
    Hidden,
}

/// One field: its path (dotted; `*` stands for any map key, which `{}` in the label shows,
/// or `{@}` as a mention), its label and its format. `brief` fields are the ones a record's
/// one-line summary shows.
#[derive(Debug)]
pub struct Field {
    pub path: &'static str,
    pub label: &'static str,
    pub format: Format,
    pub brief: bool,
}

/// How the records of an array are told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// By `name` (the audit diff matches these by name: `stakeholders[Jane Doe]`).
    Name,
    /// By `id`, shown after this prefix: `g1`, `#3`.
    Id(&'static str),
    /// By position.
    Position,
}

/// A kind of record inside an account or the settings.
#[derive(Debug)]
pub struct Kind {
    pub noun: &'static str,
    pub key: Key,
    pub fields: &'static [Field],
}

/// A field shown in its record's summary.
const fn f(path: &'static str, label: &'static str, format: Format) -> Field {
    Field {
        path,
        label,
        format,
        brief: true,
    }
}

/// A field shown only when it changes on its own (ids, dates of record, bookkeeping).
const fn q(path: &'static str, label: &'static str, format: Format) -> Field {
    Field {
        path,
        label,
        format,
        brief: false,
    }
}

use Format::*;

/// An owner: a chat user or a name.
static PERSON: Kind = Kind {
    noun: "person",
    key: Key::Position,
    fields: &[f("user", "", User), f("named", "", Text)],
};

/// Why an outcome happened; plain text in records from before reasons had kinds.
static REASON: Kind = Kind {
    noun: "reason",
    key: Key::Position,
    fields: &[f("kind", "", Text), f("text", "note", Text)],
};

pub static STAKEHOLDER: Kind = Kind {
    noun: "stakeholder",
    key: Key::Name,
    fields: &[
        q("name", "name", Text),
        f("role", "role", Text),
        f("influence", "influence", Text),
        f("sentiment", "sentiment", Text),
        f("title", "title", Text),
        f("business_unit", "business unit", Text),
        f("email", "e-mail", Text),
        f("personal_win", "personal win", Text),
        f("engagement", "engagement", Text),
        f("key_risk", "key risk", Text),
        f("nps", "NPS", Number),
        f("owner", "relationship owner", Object(&PERSON)),
        f("slack_user", "Slack user", User),
        f("discord_user", "Discord user", User),
        q("last_contact", "last contact", Date),
        q("departed", "departed", YesNo),
        q("added_on", "added", Date),
    ],
};

static READING: Kind = Kind {
    noun: "health reading",
    key: Key::Position,
    fields: &[
        q("at", "at", Instant),
        f("signals.usage", "usage", Percent),
        f("signals.adoption", "adoption", Number),
        f("signals.nps", "NPS", Number),
        f("signals.tickets", "tickets", Text),
        f("signals.roi", "ROI", Percent),
    ],
};

static FOLLOWUP: Kind = Kind {
    noun: "renewal follow-up",
    key: Key::Position,
    fields: &[f("on", "", Date), f("responded", "answered", YesNo)],
};

static ACTIVITY: Kind = Kind {
    noun: "activity",
    key: Key::Position,
    fields: &[
        f("kind", "", Text),
        f("text", "", Text),
        q("at", "at", Instant),
        q("by", "by", User),
        q("source.author", "message by", Text),
        q("source.permalink", "message", Text),
    ],
};

/// What an opportunity indicator recorded when it fired.
static EXPANSION_SIGNAL: Kind = Kind {
    noun: "expansion signal",
    key: Key::Position,
    fields: &[
        f("indicator", "", Text),
        q("cause", "cause", Text),
        f("on", "on", Date),
        f("figures", "", Text),
    ],
};

static MEDDIC: Kind = Kind {
    noun: "MEDDIC element",
    key: Key::Position,
    fields: &[
        f("element", "", Text),
        f("known", "known", YesNo),
        f("note", "note", Text),
        q("on", "on", Date),
    ],
};

static OPPORTUNITY: Kind = Kind {
    noun: "expansion",
    key: Key::Id("#"),
    fields: &[
        q("id", "id", Number),
        f("kind", "type", Text),
        f("value", "value", Money),
        f("trigger", "trigger", Text),
        f("owner", "owner", Object(&PERSON)),
        f("due", "target date", Date),
        f("status.state", "status", Text),
        q("status.on", "closed on", Date),
        q("status.reason", "reason", Object(&REASON)),
        q("created_on", "created", Date),
        q("qualification", "MEDDIC", Records(&MEDDIC)),
    ],
};

static GOAL: Kind = Kind {
    noun: "goal",
    key: Key::Id("g"),
    fields: &[
        q("id", "id", Number),
        f("text", "", Text),
        f("mapping", "how we map", Text),
    ],
};

static METRIC: Kind = Kind {
    noun: "success metric",
    key: Key::Name,
    fields: &[
        q("id", "id", Number),
        q("name", "name", Text),
        f("target", "target", Number),
        f("current", "current", Number),
        f("better", "better", Text),
        f("value_per_unit", "value per unit", PerUnit),
        q("first.value", "baseline", Number),
        q("first.on", "baseline date", Date),
        q("measured_on", "measured", Date),
    ],
};

static RISK: Kind = Kind {
    noun: "risk",
    key: Key::Id("r"),
    fields: &[
        q("id", "id", Number),
        f("text", "", Text),
        f("mitigation", "mitigation", Text),
    ],
};

static ACTION: Kind = Kind {
    noun: "action",
    key: Key::Id(""),
    fields: &[
        q("id", "id", Number),
        f("text", "", Text),
        f("owner", "owner", Object(&PERSON)),
        f("due", "due", Date),
        f("done", "done", Date),
    ],
};

static COMPETITOR: Kind = Kind {
    noun: "competitor",
    key: Key::Name,
    fields: &[
        q("id", "id", Number),
        q("name", "name", Text),
        f("risk", "risk", Text),
        f("edge", "our edge", Text),
        q("last_seen", "last seen", Date),
    ],
};

static SWOT: Kind = Kind {
    noun: "SWOT item",
    key: Key::Id("s"),
    fields: &[
        q("id", "id", Number),
        f("kind", "", Text),
        f("text", "", Text),
    ],
};

static SAVE_PLAY: Kind = Kind {
    noun: "save play",
    key: Key::Position,
    fields: &[
        f("cause", "root cause", Text),
        f("owner", "owner", Object(&PERSON)),
        f("started", "started", Instant),
        f("done", "milestones done", Milestones),
        f("checkins", "check-in", Records(&CHECKIN)),
        f("resolved", "resolved", Object(&RESOLUTION)),
    ],
};

static RESOLUTION: Kind = Kind {
    noun: "resolution",
    key: Key::Position,
    fields: &[
        f("at", "", Instant),
        f("by", "by", User),
        f("forced_reason", "by force because", Text),
    ],
};

static CHECKIN: Kind = Kind {
    noun: "save play check-in",
    key: Key::Position,
    fields: &[f("note", "", Text), q("at", "at", Instant)],
};

static SUBSCRIPTION: Kind = Kind {
    noun: "subscription",
    key: Key::Position,
    fields: &[
        f("kind", "", Text),
        f("channel", "channel", Text),
        f("days", "days", Weekdays),
        f("time", "at", Time),
        f("zone", "time zone", Text),
        q("since", "since", Instant),
    ],
};

static FEATURE: Kind = Kind {
    noun: "core feature",
    key: Key::Name,
    fields: &[q("name", "name", Text), f("events", "events", Text)],
};

/// An account's fields, the tenant settings' and the store's own entries: every path the
/// audit trail holds starts in here.
pub static TOP: Kind = Kind {
    noun: "",
    key: Key::Position,
    fields: &[
        // The account.
        f("name", "name", Text),
        f("arr", "ARR", Money),
        f("renewal_date", "renewal date", Date),
        f("owner", "owner", Object(&PERSON)),
        f("crm_id", "crm id", Text),
        f("domain", "domain", Text),
        f("tier_pin", "pinned tier", Tier),
        f("industry", "industry", Text),
        f("segment", "segment", Text),
        f("seats", "seats", Number),
        f("active_seats", "active seats", Number),
        f("products", "products", Text),
        f("stakeholders", "stakeholder", Records(&STAKEHOLDER)),
        f("health", "health reading", Records(&READING)),
        f("renewal.followups", "renewal follow-up", Records(&FOLLOWUP)),
        f("renewal.extended_days", "renewal extension", Days),
        f("renewal.last_activity", "last renewal activity", Date),
        f(
            "renewal.snoozed_until",
            "renewal reminders muted until",
            Date,
        ),
        f("activities", "activity", Records(&ACTIVITY)),
        f("channels", "customer channels", Text),
        f("opportunities", "expansion", Records(&OPPORTUNITY)),
        f(
            "expansion_signals",
            "expansion signal",
            Records(&EXPANSION_SIGNAL),
        ),
        f(
            "indicators_snoozed_until",
            "indicator messages snoozed until",
            Date,
        ),
        f("plan.goals", "goal", Records(&GOAL)),
        f("plan.metrics", "success metric", Records(&METRIC)),
        f("plan.risks", "risk", Records(&RISK)),
        f("plan.actions", "action", Records(&ACTION)),
        f("plan.competitors", "competitor", Records(&COMPETITOR)),
        f("plan.swot", "SWOT item", Records(&SWOT)),
        q("plan.updated_at", "plan updated", Hidden),
        f("qbr.scheduled", "QBR scheduled for", Date),
        f("qbr.sponsor_confirmed", "QBR sponsor confirmed", YesNo),
        f("qbr.last_held", "last QBR", Date),
        f("save_play", "save play", Object(&SAVE_PLAY)),
        f("status.state", "status", Text),
        f("status.on", "churned on", Date),
        f("status.reason", "churn reason", Object(&REASON)),
        // What the store records itself.
        f("account", "account", Text),
        f("outcome", "outcome", Outcome),
        // A write key by name and prefix (`prod (stw_AbCd…)`): never the key or its digest.
        f("write_key", "write key", Text),
        // `set`: never the secret, sealed or not.
        f("zendesk_secret", "Zendesk secret", Text),
        // Tenant settings.
        f("managers.*", "manager of {@}", User),
        f("owner_aliases.*", "owner alias {}", User),
        f("timezone", "time zone", Text),
        f("currency", "currency", Text),
        f("fiscal_year_start", "fiscal year starts in", Month),
        f("subscriptions", "subscription", Records(&SUBSCRIPTION)),
        f("core_features", "core feature", Records(&FEATURE)),
        f("muted_indicators", "muted indicators", Text),
        f("business_hours", "business hours", Text),
    ],
};

#[cfg(test)]
mod tests {
    use super::super::path::{field, steps};
    use super::*;

    #[test]
    fn every_record_kind_is_reachable_and_keyed_kinds_have_their_key_field() {
        for field in TOP.fields {
            if let Format::Records(kind) = field.format {
                let key = match kind.key {
                    Key::Name => Some("name"),
                    Key::Id(_) => Some("id"),
                    Key::Position => None,
                };
                if let Some(key) = key {
                    assert!(
                        kind.fields.iter().any(|f| f.path == key),
                        "{} has no {key}",
                        kind.noun
                    );
                }
            }
        }
        let found = field(&TOP, &steps("managers.U1")).map(|(f, n, key)| (f.label, n, key));
        assert_eq!(found, Some(("manager of {@}", 2, Some("U1".to_string()))));
        assert!(field(&TOP, &steps("renewal.nope")).is_none());
    }
}
