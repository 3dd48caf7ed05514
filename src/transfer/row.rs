//! Purpose: one CSV row read into typed values — money, CRM dates, owner, tier, seats,
//! products, crm id and domain, an optional stakeholder with their e-mail — before anything is
//! written. A bad cell rejects the whole row with the field, what was wrong, an accepted
//! example and the column.

use chrono::{Datelike, NaiveDate};
use csv::StringRecord;

use super::columns::{Columns, Field};
use crate::command::value::read_user;
use crate::domain::dates::{parse_crm_date, SlashOrder};
use crate::domain::email::Email;
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::outside_id::{CrmId, WebDomain};
use crate::domain::person::Person;
use crate::domain::stakeholder::Role;
use crate::domain::tier::Tier;

/// Longest account or stakeholder name accepted.
const MAX_NAME: usize = 200;

/// A valid row. `None` (or an empty cell) leaves the account's value as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub arr: Option<Money>,
    pub renewal: Option<NaiveDate>,
    pub owner: Option<Person>,
    pub industry: Option<String>,
    /// A tier to pin.
    pub tier: Option<Tier>,
    pub segment: Option<String>,
    pub seats: Option<u32>,
    pub products: Option<Vec<String>>,
    pub crm_id: Option<CrmId>,
    /// A website's URL is read as its domain.
    pub domain: Option<WebDomain>,
    pub contact: Option<Contact>,
}

/// The row's stakeholder.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub name: String,
    pub role: Option<Role>,
    pub title: Option<String>,
    pub email: Option<Email>,
}

/// Reads a record; `Err` is the row's reason, e.g.
/// `arr: "fifty" is not an amount. Example: arr:50k, … (column "ARR")`.
pub fn parse(record: &StringRecord, columns: &Columns, order: SlashOrder) -> Result<Row, String> {
    let cell = |field| {
        columns
            .get(field)
            .and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let at = |field, error: DomainError| format!("{error} (column \"{}\")", columns.header(field));
    let read = |field, name: &str| -> Result<Option<String>, String> {
        cell(field)
            .map(|v| text(name, v, MAX_NAME).map_err(|e| at(field, e)))
            .transpose()
    };
    let name = read(Field::Name, "name")?.ok_or_else(|| {
        at(
            Field::Name,
            DomainError::invalid("name", "is empty", "Acme Corp"),
        )
    })?;
    let contact = match read(Field::Stakeholder, "stakeholder")? {
        Some(name) => Some(Contact {
            name,
            role: cell(Field::Role)
                .map(|r| role(r).map_err(|e| at(Field::Role, e)))
                .transpose()?,
            title: read(Field::Title, "stakeholder title")?,
            email: cell(Field::Email)
                .map(|v| Email::parse(v).map_err(|e| at(Field::Email, e.into())))
                .transpose()?,
        }),
        None => None,
    };
    Ok(Row {
        name,
        arr: cell(Field::Arr)
            .map(|v| Money::parse("arr", v).map_err(|e| at(Field::Arr, e)))
            .transpose()?,
        renewal: cell(Field::Renewal)
            .map(|v| date(v, order).map_err(|e| at(Field::Renewal, e)))
            .transpose()?,
        owner: cell(Field::Owner)
            .map(|v| read_user("owner", v).map_err(|e| at(Field::Owner, e)))
            .transpose()?,
        industry: read(Field::Industry, "industry")?,
        tier: cell(Field::Tier)
            .map(|v| tier(v, columns.steward_own).map_err(|e| at(Field::Tier, e)))
            .transpose()?
            .flatten(),
        segment: read(Field::Segment, "segment")?,
        seats: cell(Field::Seats)
            .map(|v| seats(v).map_err(|e| at(Field::Seats, e)))
            .transpose()?,
        products: read(Field::Products, "products")?.map(|v| products(&v)),
        crm_id: cell(Field::CrmId)
            .map(|v| CrmId::parse(v).map_err(|e| at(Field::CrmId, e.into())))
            .transpose()?,
        domain: cell(Field::Domain)
            .map(|v| WebDomain::parse(v).map_err(|e| at(Field::Domain, e.into())))
            .transpose()?,
        contact,
    })
}

/// Free text: no control characters, at most `max` characters.
fn text(field: &str, value: &str, max: usize) -> Result<String, DomainError> {
    if value.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "contains a line break or control character",
            "Acme Corp",
        ));
    }
    if value.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("is longer than {max} characters"),
            "Acme Corp",
        ));
    }
    Ok(value.to_string())
}

/// A CRM date with a four-digit year (chrono would read `3/31/27` as the year 27).
fn date(value: &str, order: SlashOrder) -> Result<NaiveDate, DomainError> {
    let date = parse_crm_date("renewal", value, order)?;
    if date.year() < 1900 {
        let example = match order {
            SlashOrder::MonthFirst => "2027-03-31 or 3/31/2027",
            SlashOrder::DayFirst => "2027-03-31 or 31/3/2027",
        };
        return Err(DomainError::invalid(
            "renewal",
            format!("\"{value}\" needs a four-digit year"),
            example,
        ));
    }
    Ok(date)
}

/// `1`, `Tier 1`, `T1`; `1 pinned` (Steward's export marks hand-set tiers so). In Steward's
/// own export a plain number is the computed tier and pins nothing (`Ok(None)`).
fn tier(value: &str, steward_own: bool) -> Result<Option<Tier>, DomainError> {
    let lower = value.to_lowercase().replace(['(', ')'], "");
    let (number, pinned) = match lower.trim().strip_suffix("pinned") {
        Some(rest) => (rest.trim(), true),
        None => (lower.trim(), false),
    };
    let number = number
        .strip_prefix("tier")
        .or_else(|| number.strip_prefix('t'))
        .unwrap_or(number)
        .trim();
    let tier = number
        .parse()
        .ok()
        .and_then(Tier::from_number)
        .ok_or_else(|| {
            DomainError::invalid(
                "tier",
                format!("\"{value}\" is not 1, 2 or 3"),
                "1 or Tier 2",
            )
        })?;
    Ok((pinned || !steward_own).then_some(tier))
}

fn seats(value: &str) -> Result<u32, DomainError> {
    value.replace(',', "").parse().map_err(|_| {
        DomainError::invalid(
            "seats",
            format!("\"{value}\" is not a whole number of seats"),
            "250",
        )
    })
}

/// `A; B` (HubSpot multi-select) or `A, B`.
fn products(value: &str) -> Vec<String> {
    let separator = if value.contains(';') { ';' } else { ',' };
    value
        .split(separator)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Steward's role names, their spaced forms, and common CRM contact roles.
fn role(value: &str) -> Result<Role, DomainError> {
    let key: String = value
        .trim()
        .to_lowercase()
        .split([' ', '_', '-'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let role = Role::parse(&key).or(match key.as_str() {
        "economic-decision-maker" | "budget-holder" => Some(Role::EconomicBuyer),
        "sponsor" | "executive" => Some(Role::ExecutiveSponsor),
        "business-user" | "user" => Some(Role::EndUser),
        "technical-buyer" | "evaluator" | "other" => Some(Role::Influencer),
        _ => None,
    });
    role.ok_or_else(|| {
        DomainError::invalid(
            "stakeholder role",
            format!("\"{value}\" is not one of {}", Role::NAMES.join(", ")),
            "champion",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(headers: &[&str]) -> Columns {
        Columns::recognise(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>())
            .expect("headers")
    }

    fn row(headers: &[&str], cells: &[&str]) -> Result<Row, String> {
        parse(
            &StringRecord::from(cells.to_vec()),
            &columns(headers),
            SlashOrder::MonthFirst,
        )
    }

    #[test]
    fn reads_a_salesforce_row() {
        let h = [
            "Account Name",
            "Annual Revenue",
            "ARR",
            "Renewal Date",
            "Account Owner",
            "Contact Name",
            "Role",
        ];
        let r = row(
            &h,
            &[
                "Acme",
                "9000000",
                "$50K",
                "3/31/2027",
                "Jane Doe",
                "Bo",
                "Economic Buyer",
            ],
        )
        .expect("valid");
        assert_eq!(r.arr, Some(Money(50_000)));
        assert_eq!(r.renewal, NaiveDate::from_ymd_opt(2027, 3, 31));
        assert_eq!(r.owner, Some(Person::Named("Jane Doe".into())));
        assert_eq!(r.contact.and_then(|c| c.role), Some(Role::EconomicBuyer));
        assert_eq!((r.crm_id, r.domain), (None, None));
    }

    #[test]
    fn reads_crm_ids_and_reduces_websites_to_their_domain() {
        let h = [
            "Record ID",
            "Company name",
            "ARR",
            "Renewal Date",
            "Website",
        ];
        let r = row(
            &h,
            &["9876", "Globex", "5k", "", "https://www.Globex.com/en/"],
        )
        .expect("valid");
        assert_eq!(r.crm_id.as_deref(), Some("9876"));
        assert_eq!(r.domain.as_deref(), Some("globex.com"));
        let err = row(&h, &["9876", "Globex", "", "", "globex dot com"]).expect_err("bad domain");
        assert!(
            err.starts_with(
                "domain: \"globex dot com\" contains a space. Example: domain:acme.com"
            ) && err.ends_with("(column \"Website\")"),
            "{err}"
        );
        let long = "7".repeat(101);
        let err = row(&h, &[&long, "Globex", "", "", ""]).expect_err("long id");
        assert!(
            err.contains("at most 100") && err.ends_with("(column \"Record ID\")"),
            "{err}"
        );
    }

    #[test]
    fn rejects_with_field_example_and_column() {
        let h = ["name", "ARR__c", "Renewal_Date__c", "seats", "tier"];
        for (cells, expected) in [
            (
                ["Acme", "fifty", "2027-03-31", "", ""],
                "arr: \"fifty\" is not an amount",
            ),
            (["Acme", "-5000", "2027-03-31", "", ""], "is negative"),
            (
                ["Acme", "5k", "2027-02-30", "", ""],
                "(column \"Renewal_Date__c\")",
            ),
            (["Acme", "5k", "3/31/27", "", ""], "four-digit year"),
            (["", "5k", "2027-03-31", "", ""], "name: is empty"),
            (["Acme", "5k", "2027-03-31", "ten", ""], "seats: \"ten\""),
            (
                ["Acme", "5k", "2027-03-31", "", "gold"],
                "tier: \"gold\" is not 1, 2 or 3",
            ),
        ] {
            let err = row(&h, &cells).expect_err(expected);
            assert!(err.contains(expected) && err.contains("Example:"), "{err}");
        }
    }

    #[test]
    fn a_contact_s_email_is_read_with_the_contact() {
        let h = [
            "Account Name",
            "ARR",
            "Renewal Date",
            "Contact Name",
            "Email",
        ];
        let r = row(&h, &["Acme", "5k", "2027-03-31", "Bo", " Bo@Acme.com"]).expect("valid");
        let email = r.contact.and_then(|c| c.email).map(|e| e.to_string());
        assert_eq!(email.as_deref(), Some("bo@acme.com"));
        let no_contact = row(&h, &["Acme", "5k", "2027-03-31", "", "x@acme.com"]).expect("valid");
        assert_eq!(no_contact.contact, None, "an e-mail alone adds nobody");
        let err = row(&h, &["Acme", "5k", "2027-03-31", "Bo", "bo at acme"]).expect_err("bad");
        assert_eq!(
            err,
            "email: \"bo at acme\" contains a space or a control character. \
             Example: email:jane@acme.com (column \"Email\")"
        );
    }

    #[test]
    fn tiers_pin_except_computed_ones_in_stewards_export() {
        assert_eq!(tier("Tier 2", false), Ok(Some(Tier::Two)));
        assert_eq!(tier("2", true), Ok(None));
        assert_eq!(tier("2 pinned", true), Ok(Some(Tier::Two)));
        assert_eq!(products("A; B, C"), ["A", "B, C"]);
        assert_eq!(products("A, B"), ["A", "B"]);
    }
}
