//! Purpose: calendar input — ISO dates (`2027-03-31`), relative dates (`+90d`, `in 90 days`),
//! CRM dates (`3/31/2027`, or day-first on request) and day spans (`90d`).

use chrono::{Days, NaiveDate};

use super::error::DomainError;

/// How a slash-separated CRM date is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SlashOrder {
    /// `M/D/YYYY`, the US default of Salesforce and HubSpot exports.
    #[default]
    MonthFirst,
    /// `D/M/YYYY`, chosen with `--date-format dmy`.
    DayFirst,
}

/// Parses a date typed by a user: ISO or relative to `today`.
pub fn parse_date(field: &str, input: &str, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    let text = input.trim();
    let example = format!("{field}:2027-03-31 or {field}:+90d");
    if let Some(days) = relative_days(text) {
        return today.checked_add_days(Days::new(days)).ok_or_else(|| {
            DomainError::invalid(field, format!("\"{input}\" is too far ahead"), &example)
        });
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        let problem = if looks_iso(text) {
            format!("\"{input}\" is not a real calendar date")
        } else {
            format!("\"{input}\" is not a date")
        };
        DomainError::invalid(field, problem, example)
    })
}

/// Parses a date from a CRM export: ISO, or slash-separated in the given order.
pub fn parse_crm_date(
    field: &str,
    input: &str,
    order: SlashOrder,
) -> Result<NaiveDate, DomainError> {
    let text = input.trim();
    let format = match order {
        SlashOrder::MonthFirst => "%m/%d/%Y",
        SlashOrder::DayFirst => "%d/%m/%Y",
    };
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, format))
        .map_err(|_| {
            DomainError::invalid(
                field,
                format!("\"{input}\" is not a date"),
                match order {
                    SlashOrder::MonthFirst => "2027-03-31 or 3/31/2027",
                    SlashOrder::DayFirst => "2027-03-31 or 31/3/2027",
                },
            )
        })
}

/// Parses a span of days: `90d`, `90`, `12w`.
pub fn parse_days(field: &str, input: &str) -> Result<u32, DomainError> {
    let text = input.trim().to_ascii_lowercase();
    let bad = || {
        DomainError::invalid(
            field,
            format!("\"{input}\" is not a number of days"),
            format!("{field}:90d"),
        )
    };
    let (number, unit) = match text.strip_suffix('w') {
        Some(n) => (n, 7),
        None => (text.strip_suffix('d').unwrap_or(&text), 1),
    };
    let n: u32 = number.parse().map_err(|_| bad())?;
    n.checked_mul(unit).filter(|d| *d <= 3650).ok_or_else(bad)
}

fn relative_days(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix('+') {
        return rest.strip_suffix('d').unwrap_or(rest).parse().ok();
    }
    let rest = lower.strip_prefix("in ")?;
    let number = rest
        .strip_suffix(" days")
        .or_else(|| rest.strip_suffix(" day"))?;
    number.trim().parse().ok()
}

fn looks_iso(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn iso_and_relative_dates() {
        let today = day(2026, 1, 1);
        assert_eq!(
            parse_date("renewal", "2027-03-31", today),
            Ok(day(2027, 3, 31))
        );
        assert_eq!(parse_date("renewal", "+90d", today), Ok(day(2026, 4, 1)));
        assert_eq!(
            parse_date("renewal", "in 90 days", today),
            Ok(day(2026, 4, 1))
        );
        assert_eq!(
            parse_date("renewal", "in 1 day", today),
            Ok(day(2026, 1, 2))
        );
    }

    #[test]
    fn impossible_date_is_named() {
        let err = parse_date("renewal", "2027-02-30", day(2026, 1, 1)).expect_err("Feb 30");
        let text = err.to_string();
        assert!(text.contains("not a real calendar date"), "{text}");
        assert!(text.contains("renewal:2027-03-31"), "{text}");
        assert!(parse_date("renewal", "soon", day(2026, 1, 1)).is_err());
    }

    #[test]
    fn crm_dates_in_both_orders() {
        assert_eq!(
            parse_crm_date("d", "3/31/2027", SlashOrder::MonthFirst),
            Ok(day(2027, 3, 31))
        );
        assert_eq!(
            parse_crm_date("d", "31/3/2027", SlashOrder::DayFirst),
            Ok(day(2027, 3, 31))
        );
        assert_eq!(
            parse_crm_date("d", "2027-03-31", SlashOrder::DayFirst),
            Ok(day(2027, 3, 31))
        );
        assert!(parse_crm_date("d", "31/3/2027", SlashOrder::MonthFirst).is_err());
    }

    #[test]
    fn day_spans() {
        assert_eq!(parse_days("within", "90d"), Ok(90));
        assert_eq!(parse_days("within", "90"), Ok(90));
        assert_eq!(parse_days("within", "2w"), Ok(14));
        assert!(parse_days("within", "ninety").is_err());
        assert!(parse_days("within", "-5d").is_err());
    }
}
