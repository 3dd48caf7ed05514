//! Purpose: typed option values and how each kind is read from text.

use chrono::NaiveDate;

use super::spec::{Kind, OptionSpec};
use crate::domain::dates::{parse_date, parse_days};
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::person::{Person, UserId};

/// A parsed option value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `string`, `text`, `choice` and `account` values.
    Text(String),
    Integer(i64),
    Number(f64),
    Money(Money),
    Percent(f64),
    Date(NaiveDate),
    Days(u32),
    User(Person),
}

/// Reads `raw` as the option's kind. `today` anchors relative dates.
pub fn read(option: &OptionSpec, raw: &str, today: NaiveDate) -> Result<Value, DomainError> {
    let field = option.name.as_str();
    if raw.trim().is_empty() {
        return Err(DomainError::invalid(field, "is empty", example(option)));
    }
    Ok(match option.kind {
        Kind::String | Kind::Text | Kind::Account | Kind::Secret => {
            Value::Text(raw.trim().to_string())
        }
        Kind::Choice => {
            let lower = raw.trim().to_lowercase();
            if !option.choices.contains(&lower) {
                return Err(DomainError::invalid(
                    field,
                    format!("\"{raw}\" is not one of {}", option.choices.join(", ")),
                    example(option),
                ));
            }
            Value::Text(lower)
        }
        Kind::Integer => {
            let n: i64 = raw.trim().parse().map_err(|_| {
                DomainError::invalid(
                    field,
                    format!("\"{raw}\" is not a whole number"),
                    example(option),
                )
            })?;
            let (min, max) = (
                option.min.unwrap_or(i64::MIN),
                option.max.unwrap_or(i64::MAX),
            );
            if n < min || n > max {
                return Err(DomainError::invalid(
                    field,
                    format!("{n} is outside {}–{}", option.min.unwrap_or(0), max),
                    example(option),
                ));
            }
            Value::Integer(n)
        }
        Kind::Number => {
            let n: f64 = raw
                .trim()
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| {
                    DomainError::invalid(
                        field,
                        format!("\"{raw}\" is not a number"),
                        example(option),
                    )
                })?;
            Value::Number(n)
        }
        Kind::Money => Value::Money(Money::parse(field, raw)?),
        Kind::Percent => Value::Percent(read_percent(field, raw)?),
        Kind::Date => Value::Date(parse_date(field, raw, today)?),
        Kind::Days => Value::Days(parse_days(field, raw)?),
        Kind::User => Value::User(read_user(field, raw)?),
    })
}

/// An accepted example for the option, for error messages.
pub fn example(option: &OptionSpec) -> String {
    let name = &option.name;
    match option.kind {
        Kind::Choice => format!(
            "{name}:{}",
            option
                .choices
                .first()
                .map(String::as_str)
                .unwrap_or_default()
        ),
        Kind::Integer => format!("{name}:{}", option.max.map_or(3, |m| m.min(3))),
        Kind::Number => format!("{name}:40"),
        Kind::Money => format!("{name}:50k"),
        Kind::Percent => format!("{name}:85"),
        Kind::Date => format!("{name}:2027-03-31"),
        Kind::Days => format!("{name}:90d"),
        Kind::User => format!("{name}:@jane"),
        Kind::String | Kind::Text | Kind::Account => format!("{name}:\"Acme Corp\""),
        Kind::Secret => format!("{name}:SECRET"),
    }
}

fn read_percent(field: &str, raw: &str) -> Result<f64, DomainError> {
    let text = raw.trim();
    let number = text.strip_suffix('%').unwrap_or(text).trim();
    let bad = |problem: String| DomainError::invalid(field, problem, format!("{field}:85"));
    let p: f64 = number
        .parse()
        .map_err(|_| bad(format!("\"{raw}\" is not a percentage")))?;
    if !(0.0..=100.0).contains(&p) {
        return Err(bad(format!("{p} is outside 0–100 %")));
    }
    Ok(p)
}

/// Mentions that address many people; never a person.
const MASS_MENTIONS: [&str; 6] = [
    "channel",
    "here",
    "everyone",
    "!channel",
    "!here",
    "!everyone",
];

/// Reads a person: `<@U123|jane>`, `<@U123>`, `<@!123>` (Discord), `@jane`, a bare user id,
/// or a CRM name / e-mail kept as text.
pub fn read_user(field: &str, raw: &str) -> Result<Person, DomainError> {
    let text = raw.trim();
    let id = if let Some(inner) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        let inner = inner.split('|').next().unwrap_or_default();
        match inner.strip_prefix("@!").or_else(|| inner.strip_prefix('@')) {
            Some(id) => Some(id),
            None => {
                return Err(DomainError::invalid(
                    field,
                    format!("\"{raw}\" is not a person"),
                    format!("{field}:@jane"),
                ))
            }
        }
    } else if text.contains(char::is_whitespace) || text.contains('.') && text.contains('@') {
        return Ok(Person::Named(text.to_string()));
    } else {
        Some(text.strip_prefix('@').unwrap_or(text))
    };
    match id {
        Some(id)
            if !id.is_empty()
                && !MASS_MENTIONS.contains(&id.to_lowercase().as_str())
                && is_id(id) =>
        {
            Ok(Person::User(UserId(id.to_string())))
        }
        _ => Err(DomainError::invalid(
            field,
            format!("\"{raw}\" is not a person"),
            format!("{field}:@jane"),
        )),
    }
}

fn is_id(text: &str) -> bool {
    text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users() {
        let user = |s: &str| Person::User(UserId(s.into()));
        assert_eq!(read_user("owner", "<@U123|jane>"), Ok(user("U123")));
        assert_eq!(read_user("owner", "<@U123>"), Ok(user("U123")));
        assert_eq!(
            read_user("owner", "<@!80351110224678912>"),
            Ok(user("80351110224678912"))
        );
        assert_eq!(read_user("owner", "@jane"), Ok(user("jane")));
        assert_eq!(read_user("owner", "local-user"), Ok(user("local-user")));
        assert_eq!(
            read_user("owner", "Jane Doe"),
            Ok(Person::Named("Jane Doe".into()))
        );
        assert_eq!(
            read_user("owner", "jane@acme.com"),
            Ok(Person::Named("jane@acme.com".into()))
        );
        for bad in [
            "@here",
            "@channel",
            "<!everyone>",
            "@everyone",
            "<#C123>",
            "@",
            "a<b",
        ] {
            assert!(read_user("owner", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn percents() {
        assert_eq!(read_percent("usage", "85%"), Ok(85.0));
        assert_eq!(read_percent("usage", "80.5"), Ok(80.5));
        assert!(read_percent("usage", "140").is_err());
        assert!(read_percent("usage", "lots").is_err());
    }
}
