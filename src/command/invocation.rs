//! Purpose: check a tokenized line against the declared specs — group, subcommand,
//! positionals, `key:value` options, types — and produce an `Invocation` of typed values.

use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::ops::Range;

use super::error::ParseError;
use super::lexer::{tokenize, Token};
use super::spec::{self, GroupSpec, Kind, OptionSpec, SubSpec};
use super::value::{read, Value};
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::person::Person;

/// A command line checked against its spec.
#[derive(Debug)]
pub struct Invocation {
    pub group: &'static GroupSpec,
    pub sub: &'static SubSpec,
    values: BTreeMap<String, Value>,
    /// The values of options that may repeat, in the order given.
    repeated: BTreeMap<String, Vec<Value>>,
    /// Where the line holds a secret (a [`Kind::Secret`] value), and what stands for it.
    hidden: Vec<(Range<usize>, String)>,
}

/// Parses `/group sub args…` (the leading `/` is optional). `today` anchors relative dates.
pub fn parse_invocation(line: &str, today: NaiveDate) -> Result<Invocation, ParseError> {
    let tokens = tokenize(line)?;
    let mut rest = tokens.as_slice();
    let Some((first, tail)) = rest.split_first() else {
        return Err(ParseError::Empty);
    };
    rest = tail;
    let group_name = first.value.trim_start_matches('/').to_lowercase();
    let group = spec::group(&group_name).ok_or_else(|| unknown_group(&group_name))?;
    let Some((second, tail)) = rest.split_first() else {
        return Err(missing_sub(group));
    };
    rest = tail;
    let sub_name = second.value.to_lowercase();
    let sub = group
        .sub(&sub_name)
        .ok_or_else(|| unknown_sub(group, &sub_name))?;
    let (values, repeated, hidden) = match read_args(line, group, sub, rest, today) {
        // What is wrong may be (part of) the secret: say what the command takes instead.
        Err(error) if holds_secret(sub) && !matches!(error, ParseError::Missing { .. }) => {
            return Err(ParseError::Concealed {
                command: format!("/{} {}", group.name, sub.name),
                usage: sub.usage(&group.name),
                example: sub.example().to_string(),
            })
        }
        read => read?,
    };
    Ok(Invocation {
        group,
        sub,
        values,
        repeated,
        hidden,
    })
}

fn holds_secret(sub: &SubSpec) -> bool {
    sub.options.iter().any(|o| o.kind == Kind::Secret)
}

/// Single values by option name, the values of repeated options in order, and where the
/// line holds secrets.
type Args = (
    BTreeMap<String, Value>,
    BTreeMap<String, Vec<Value>>,
    Vec<(Range<usize>, String)>,
);

fn read_args(
    line: &str,
    group: &GroupSpec,
    sub: &SubSpec,
    tokens: &[Token],
    today: NaiveDate,
) -> Result<Args, ParseError> {
    let mut values = BTreeMap::new();
    let mut repeated: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut hidden = Vec::new();
    let first_key = tokens
        .iter()
        .position(|t| t.key.is_some())
        .unwrap_or(tokens.len());
    let (free, keyed) = tokens.split_at(first_key);
    let mut free = free.iter();
    for option in sub.positionals() {
        let raw = if option.kind == Kind::Text {
            let words: Vec<&Token> = free.by_ref().collect();
            match (words.first(), words.last()) {
                (Some(only), _) if words.len() == 1 => Some(only.value.clone()),
                (Some(a), Some(b)) => Some(line[a.start..b.end].to_string()),
                _ => None,
            }
        } else {
            free.next().map(|t| {
                if option.kind == Kind::Secret {
                    hidden.push((t.start..t.end, "[secret]".to_string()));
                }
                t.value.clone()
            })
        };
        match raw {
            Some(raw) => {
                values.insert(option.name.clone(), read(option, &raw, today)?);
            }
            None if option.required => {
                return Err(missing(group, sub, &option.name.to_uppercase()))
            }
            None => {}
        }
    }
    if let Some(extra) = free.next() {
        return Err(extra_arg(group, sub, &extra.value));
    }
    for token in keyed {
        let Some(key) = &token.key else {
            return Err(extra_arg(group, sub, &token.value));
        };
        let option = sub
            .named()
            .find(|o| &o.name == key)
            .ok_or_else(|| unknown_option(group, sub, key))?;
        if option.kind == Kind::Secret {
            hidden.push((token.start..token.end, format!("{key}:[secret]")));
        }
        if option.repeat {
            let value = read(option, &token.value, today)?;
            repeated.entry(key.clone()).or_default().push(value);
            continue;
        }
        if values.contains_key(key) {
            return Err(ParseError::Repeated {
                option: key.clone(),
                example: sub.example().to_string(),
            });
        }
        values.insert(key.clone(), read(option, &token.value, today)?);
    }
    if let Some(missing_option) = sub
        .named()
        .find(|o| o.required && !values.contains_key(&o.name) && !repeated.contains_key(&o.name))
    {
        return Err(missing(group, sub, &format!("{}:", missing_option.name)));
    }
    Ok((values, repeated, hidden))
}

impl Invocation {
    /// `/group sub`, e.g. `/account add`.
    pub fn command(&self) -> String {
        format!("/{} {}", self.group.name, self.sub.name)
    }

    /// `line` (the one parsed) as it may be recorded and shown back: each secret replaced
    /// by `[secret]`.
    pub fn shown(&self, line: &str) -> String {
        let mut shown = line.to_string();
        // From the end, so the earlier ranges still point where they did.
        for (range, stand_in) in self.hidden.iter().rev() {
            if shown.get(range.clone()).is_some() {
                shown.replace_range(range.clone(), stand_in);
            }
        }
        shown
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    fn required<T>(&self, name: &str, value: Option<T>) -> Result<T, ParseError> {
        value.ok_or_else(|| missing(self.group, self.sub, name))
    }

    pub fn text(&self, name: &str) -> Option<String> {
        match self.get(name) {
            Some(Value::Text(t)) => Some(t.clone()),
            _ => None,
        }
    }

    pub fn req_text(&self, name: &str) -> Result<String, ParseError> {
        self.required(name, self.text(name))
    }

    /// Every text value of an option that may repeat, in the order given.
    pub fn texts(&self, name: &str) -> Vec<String> {
        self.repeated
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|v| match v {
                Value::Text(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn integer(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            Some(Value::Integer(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn number(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn req_number(&self, name: &str) -> Result<f64, ParseError> {
        self.required(name, self.number(name))
    }

    pub fn money(&self, name: &str) -> Option<Money> {
        match self.get(name) {
            Some(Value::Money(m)) => Some(*m),
            _ => None,
        }
    }

    pub fn req_money(&self, name: &str) -> Result<Money, ParseError> {
        self.required(name, self.money(name))
    }

    pub fn percent(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Some(Value::Percent(p)) => Some(*p),
            _ => None,
        }
    }

    pub fn date(&self, name: &str) -> Option<NaiveDate> {
        match self.get(name) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }

    pub fn req_date(&self, name: &str) -> Result<NaiveDate, ParseError> {
        self.required(name, self.date(name))
    }

    pub fn days(&self, name: &str) -> Option<u32> {
        match self.get(name) {
            Some(Value::Days(d)) => Some(*d),
            _ => None,
        }
    }

    pub fn req_days(&self, name: &str) -> Result<u32, ParseError> {
        self.required(name, self.days(name))
    }

    pub fn user(&self, name: &str) -> Option<Person> {
        match self.get(name) {
            Some(Value::User(p)) => Some(p.clone()),
            _ => None,
        }
    }

    pub fn req_user(&self, name: &str) -> Result<Person, ParseError> {
        self.required(name, self.user(name))
    }

    /// A choice option read through `parse` (choices are checked against the spec already).
    pub fn choice<T>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ParseError> {
        match self.text(name) {
            None => Ok(None),
            Some(word) => parse(&word).map(Some).ok_or_else(|| {
                ParseError::Value(DomainError::invalid(
                    name,
                    format!("\"{word}\" is not accepted"),
                    self.sub.example(),
                ))
            }),
        }
    }

    /// The page number of a paged list (1 when not given).
    pub fn page(&self) -> usize {
        self.integer("page").map_or(1, |p| p.max(1) as usize)
    }
}

fn names<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// The closest of `candidates` to `given`, if any is close enough to suggest.
pub fn closest<'a>(given: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(given, c), c))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// [`closest`], ignoring case (names the user chose: write keys, core features).
pub fn closest_any_case<'a>(
    given: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let given = given.to_lowercase();
    candidates
        .map(|c| (strsim::jaro_winkler(&given, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn unknown_group(given: &str) -> ParseError {
    let groups = spec::groups();
    ParseError::UnknownGroup {
        given: given.to_string(),
        suggestion: closest(given, groups.iter().map(|g| g.name.as_str()))
            .map(|g| format!(" Did you mean `/{g}`?"))
            .unwrap_or_default(),
        available: groups
            .iter()
            .map(|g| format!("/{}", g.name))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn missing_sub(group: &GroupSpec) -> ParseError {
    ParseError::MissingSubcommand {
        group: group.name.clone(),
        available: names(group.subcommands.iter().map(|s| s.name.as_str())),
        example: group
            .subcommands
            .first()
            .map(|s| s.example().to_string())
            .unwrap_or_default(),
    }
}

fn unknown_sub(group: &GroupSpec, given: &str) -> ParseError {
    let suggested = closest(given, group.subcommands.iter().map(|s| s.name.as_str()));
    ParseError::UnknownSubcommand {
        group: group.name.clone(),
        given: given.to_string(),
        suggestion: suggested
            .map(|s| format!(" Did you mean `{s}`?"))
            .unwrap_or_default(),
        available: names(group.subcommands.iter().map(|s| s.name.as_str())),
        example: suggested
            .and_then(|s| group.sub(s))
            .or(group.subcommands.first())
            .map(|s| s.example().to_string())
            .unwrap_or_default(),
    }
}

fn unknown_option(group: &GroupSpec, sub: &SubSpec, given: &str) -> ParseError {
    let accepted: Vec<&OptionSpec> = sub.named().collect();
    ParseError::UnknownOption {
        command: format!("/{} {}", group.name, sub.name),
        given: given.to_string(),
        suggestion: closest(given, accepted.iter().map(|o| o.name.as_str()))
            .map(|o| format!(" Did you mean `{o}:`?"))
            .unwrap_or_default(),
        accepted: if accepted.is_empty() {
            "none".into()
        } else {
            names(accepted.iter().map(|o| o.name.as_str())).replace(", ", ":, ") + ":"
        },
        example: sub.example().to_string(),
    }
}

fn missing(group: &GroupSpec, sub: &SubSpec, what: &str) -> ParseError {
    ParseError::Missing {
        command: format!("/{} {}", group.name, sub.name),
        what: what.to_string(),
        usage: sub.usage(&group.name),
        example: sub.example().to_string(),
    }
}

fn extra_arg(group: &GroupSpec, sub: &SubSpec, extra: &str) -> ParseError {
    ParseError::Extra {
        command: format!("/{} {}", group.name, sub.name),
        extra: extra.to_string(),
        usage: sub.usage(&group.name),
        example: sub.example().to_string(),
    }
}
