//! Purpose: a stakeholder's e-mail address in the one normal form (trimmed, lower-case) that
//! matching it against the e-mails of product users (INGEST.md, `identify`'s `traits.email`)
//! relies on, with a typed reason when what was typed or imported is not an address.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::error::DomainError;

/// The longest address accepted (RFC 5321's path limit, less the angle brackets).
const MAX_EMAIL: usize = 254;
/// The longest part before the `@` (RFC 5321).
const MAX_LOCAL: usize = 64;
/// The longest part of a domain between two dots (RFC 1035).
const MAX_LABEL: usize = 63;

/// An accepted example, shown with every refusal.
pub const EMAIL_EXAMPLE: &str = "email:jane@acme.com";

/// An e-mail address, trimmed and lower-cased: ` Jane.Doe@ACME.com ` is `jane.doe@acme.com`.
/// Product analytics tools send e-mails in whatever case the sign-up form got, so addresses are
/// compared ignoring case (mail servers that tell `Jane@` from `jane@` are vanishingly rare).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// What is wrong with an e-mail address; each names the input as given.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EmailError {
    #[error("is empty")]
    Empty,
    #[error("\"{0}\" contains a space or a control character")]
    Space(String),
    #[error("\"{0}\" needs exactly one @ between a name and a domain")]
    At(String),
    #[error("\"{0}\" is longer than {MAX_EMAIL} characters")]
    TooLong(String),
    #[error("\"{0}\": the part before the @ is longer than {MAX_LOCAL} characters, or has a dot at its start, its end or twice in a row")]
    Local(String),
    #[error("\"{0}\": the domain after the @ needs a dot and parts of letters, digits and dashes, e.g. acme.com")]
    Domain(String),
}

impl Email {
    /// Reads a typed or imported address; a `mailto:` prefix is dropped.
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let text = input.trim();
        let text = text
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("mailto:"))
            .map_or(text, |_| text[7..].trim_start());
        if text.is_empty() {
            return Err(EmailError::Empty);
        }
        let owned = || input.trim().to_string();
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::Space(owned()));
        }
        if text.chars().count() > MAX_EMAIL {
            return Err(EmailError::TooLong(owned()));
        }
        let lower = text.to_lowercase();
        let Some((local, domain)) = lower.split_once('@').filter(|(_, d)| !d.contains('@')) else {
            return Err(EmailError::At(owned()));
        };
        if local.is_empty() || domain.is_empty() {
            return Err(EmailError::At(owned()));
        }
        let local_ok = local.chars().count() <= MAX_LOCAL
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        if !local_ok {
            return Err(EmailError::Local(owned()));
        }
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.chars().count() <= MAX_LABEL
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if !domain.contains('.') || !domain.split('.').all(label_ok) {
            return Err(EmailError::Domain(owned()));
        }
        Ok(Email(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

impl From<EmailError> for DomainError {
    fn from(error: EmailError) -> Self {
        DomainError::invalid("email", error.to_string(), EMAIL_EXAMPLE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        for (input, expected) in [
            ("jane@acme.com", "jane@acme.com"),
            ("  Jane.Doe@ACME.com ", "jane.doe@acme.com"),
            ("MAILTO:bo+crm@mail.acme.co.uk", "bo+crm@mail.acme.co.uk"),
            ("zoë@bücher.de", "zoë@bücher.de"),
        ] {
            let email = Email::parse(input).expect(input);
            assert_eq!(email.as_str(), expected);
            assert_eq!(email.to_string(), expected);
        }
        assert_eq!(Email::parse("A@B.io"), Email::parse("a@b.io"));
    }

    #[test]
    fn bad_addresses_say_what_is_wrong_with_an_example() {
        for (input, expected) in [
            ("", "email: is empty. Example: email:jane@acme.com"),
            ("mailto:", "email: is empty"),
            (
                "jane doe@acme.com",
                "\"jane doe@acme.com\" contains a space",
            ),
            ("jane\u{7}@acme.com", "a control character"),
            ("jane.acme.com", "needs exactly one @"),
            ("jane@@acme.com", "needs exactly one @"),
            ("a@b@acme.com", "needs exactly one @"),
            ("@acme.com", "needs exactly one @"),
            ("jane@", "needs exactly one @"),
            (".jane@acme.com", "the part before the @"),
            ("ja..ne@acme.com", "the part before the @"),
            ("jane@acme", "the domain after the @ needs a dot"),
            ("jane@acme..com", "the domain after the @"),
            ("jane@-acme.com", "the domain after the @"),
            ("jane@acme_corp.com", "the domain after the @"),
            ("jane@🚀.io", "the domain after the @"),
        ] {
            let error = DomainError::from(Email::parse(input).expect_err(input)).to_string();
            assert!(error.contains(expected), "{input:?}: {error}");
            assert!(error.contains("Example: email:jane@acme.com"), "{error}");
        }
        let long = format!("{}@acme.com", "a".repeat(65));
        assert!(matches!(Email::parse(&long), Err(EmailError::Local(_))));
        let longer = format!("jane@{}.com", "a".repeat(260));
        assert!(matches!(Email::parse(&longer), Err(EmailError::TooLong(_))));
    }

    #[test]
    fn stored_addresses_are_checked_when_read() {
        let email: Email = serde_json::from_str("\"Jane@Acme.com\"").expect("an address");
        assert_eq!(
            serde_json::to_string(&email).expect("writes"),
            "\"jane@acme.com\""
        );
        assert!(serde_json::from_str::<Email>("\"not an address\"").is_err());
    }
}
