//! Purpose: the declared command model — `commands/<group>.toml` read into typed specs. The
//! parser, help, and both chat manifests are generated from these.

use serde::Deserialize;
use std::sync::LazyLock;

/// The command files, one per group, in the order help lists them.
const FILES: [(&str, &str); 11] = [
    ("account", include_str!("../../commands/account.toml")),
    (
        "stakeholder",
        include_str!("../../commands/stakeholder.toml"),
    ),
    ("health", include_str!("../../commands/health.toml")),
    ("renewal", include_str!("../../commands/renewal.toml")),
    ("expansion", include_str!("../../commands/expansion.toml")),
    ("qbr", include_str!("../../commands/qbr.toml")),
    ("plan", include_str!("../../commands/plan.toml")),
    ("atrisk", include_str!("../../commands/atrisk.toml")),
    ("portfolio", include_str!("../../commands/portfolio.toml")),
    ("digest", include_str!("../../commands/digest.toml")),
    ("steward", include_str!("../../commands/steward.toml")),
];

static GROUPS: LazyLock<Vec<GroupSpec>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(file, text)| {
            toml::from_str(text).unwrap_or_else(|e| panic!("commands/{file}.toml is invalid: {e}"))
        })
        .collect()
});

/// Every command group, as declared.
pub fn groups() -> &'static [GroupSpec] {
    &GROUPS
}

/// A group by name.
pub fn group(name: &str) -> Option<&'static GroupSpec> {
    groups().iter().find(|g| g.name == name)
}

/// One command group: `/account`, `/renewal`, …
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    pub name: String,
    pub description: String,
    #[serde(rename = "subcommand")]
    pub subcommands: Vec<SubSpec>,
}

impl GroupSpec {
    pub fn sub(&self, name: &str) -> Option<&SubSpec> {
        self.subcommands.iter().find(|s| s.name == name)
    }
}

/// One subcommand: `/account add`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubSpec {
    pub name: String,
    pub description: String,
    /// Only admins may run it.
    #[serde(default)]
    pub admin: bool,
    pub examples: Vec<String>,
    pub options: Vec<OptionSpec>,
}

impl SubSpec {
    pub fn positionals(&self) -> impl Iterator<Item = &OptionSpec> {
        self.options.iter().filter(|o| o.positional)
    }

    pub fn named(&self) -> impl Iterator<Item = &OptionSpec> {
        self.options.iter().filter(|o| !o.positional)
    }

    pub fn option(&self, name: &str) -> Option<&OptionSpec> {
        self.options.iter().find(|o| o.name == name)
    }

    /// The first example, used in error messages.
    pub fn example(&self) -> &str {
        self.examples
            .first()
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// `add NAME arr:MONEY renewal:DATE [owner:USER]`.
    pub fn usage(&self, group: &str) -> String {
        let mut parts = vec![format!("/{group} {}", self.name)];
        for o in &self.options {
            let shown = if o.positional {
                o.name.to_uppercase()
            } else {
                let more = if o.repeat { "…" } else { "" };
                format!("{}:{}{more}", o.name, o.kind.placeholder(&o.choices))
            };
            parts.push(if o.required {
                shown
            } else {
                format!("[{shown}]")
            });
        }
        parts.join(" ")
    }
}

/// One option of a subcommand; positional ones are given in declaration order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    pub name: String,
    pub kind: Kind,
    pub description: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub positional: bool,
    /// A named option that may be given several times (`event:A event:B`); the values are
    /// kept in order. On Discord, which has no repeated options, it is one text option whose
    /// comma-separated items become one `key:value` each (see `discord::line`).
    #[serde(default)]
    pub repeat: bool,
    #[serde(default)]
    pub choices: Vec<String>,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// The type of an option's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One word or a quoted phrase.
    String,
    /// The rest of the line up to the first `key:value` (DECISIONS 10).
    Text,
    Integer,
    /// A decimal number, e.g. a metric's target.
    Number,
    /// `50k`, `$1.2M`, `1,200,000`.
    Money,
    /// 0–100, with or without `%`.
    Percent,
    /// `2027-03-31`, `+90d`, `in 90 days`.
    Date,
    /// `90d`, `2w`.
    Days,
    /// A chat user: `@jane`, `<@U123>`, or a CRM name.
    User,
    /// One of `choices`.
    Choice,
    /// An account name (autocompleted on Discord).
    Account,
    /// One word or a quoted phrase that is a secret (a signing secret): never repeated in an
    /// error, and `[secret]` stands for it in the line the audit trail records.
    Secret,
}

impl Kind {
    pub fn placeholder(self, choices: &[String]) -> String {
        match self {
            Kind::String | Kind::Text => "TEXT".into(),
            Kind::Integer | Kind::Number => "N".into(),
            Kind::Money => "MONEY".into(),
            Kind::Percent => "PERCENT".into(),
            Kind::Date => "DATE".into(),
            Kind::Days => "DAYS".into(),
            Kind::User => "USER".into(),
            Kind::Choice => choices.join("|"),
            Kind::Account => "ACCOUNT".into(),
            Kind::Secret => "SECRET".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_and_is_named_after_its_group() {
        for (file, _) in FILES {
            assert!(
                group(file).is_some(),
                "commands/{file}.toml must declare name = \"{file}\""
            );
        }
    }

    #[test]
    fn declarations_are_coherent() {
        for g in groups() {
            for s in &g.subcommands {
                let here = format!("/{} {}", g.name, s.name);
                assert!(!s.examples.is_empty(), "{here} needs an example");
                let positionals: Vec<_> = s.positionals().collect();
                if let Some(i) = positionals.iter().position(|o| o.kind == Kind::Text) {
                    assert_eq!(
                        i,
                        positionals.len() - 1,
                        "{here}: a text positional must be last"
                    );
                }
                let first_optional = positionals
                    .iter()
                    .position(|o| !o.required)
                    .unwrap_or(positionals.len());
                assert!(
                    positionals[first_optional..].iter().all(|o| !o.required),
                    "{here}: required after optional"
                );
                for o in &s.options {
                    assert_eq!(
                        o.kind == Kind::Choice,
                        !o.choices.is_empty(),
                        "{here} {}: choices iff choice",
                        o.name
                    );
                    assert!(
                        !(o.repeat && o.positional),
                        "{here} {}: only a named option repeats",
                        o.name
                    );
                }
                let mut names: Vec<_> = s.options.iter().map(|o| &o.name).collect();
                names.sort();
                names.dedup();
                assert_eq!(names.len(), s.options.len(), "{here}: duplicate option");
            }
        }
    }

    #[test]
    fn usage_lines() {
        let add = group("account")
            .and_then(|g| g.sub("add"))
            .expect("declared");
        assert!(add
            .usage("account")
            .starts_with("/account add NAME arr:MONEY renewal:DATE [owner:USER]"));
        let feature = group("steward")
            .and_then(|g| g.sub("feature"))
            .expect("declared");
        assert!(
            feature.usage("steward").contains("[event:TEXT…]"),
            "{}",
            feature.usage("steward")
        );
    }
}
