//! Purpose: an account's outside ids (INGEST.md "Accounts' outside ids") — its CRM record id
//! and its web domain — read from what people and CRM exports write into the one normal form
//! that every comparison (uniqueness, re-import, events) uses.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Deref;
use thiserror::Error;

use super::error::DomainError;

/// The longest crm id accepted, in characters (Salesforce's are 18, HubSpot's ~11).
pub const MAX_CRM_ID: usize = 100;

/// The longest domain name (RFC 1035), and the longest label between two dots.
const MAX_DOMAIN: usize = 253;
const MAX_LABEL: usize = 63;

/// A CRM record id — Salesforce `Account ID`, HubSpot `Record ID` — trimmed, 1–100
/// characters, no control characters. Compared exactly: Salesforce ids are case-sensitive
/// (`001A` and `001a` are two records).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CrmId(String);

/// What is wrong with a crm id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CrmIdError {
    #[error("is empty")]
    Empty,
    #[error("is {0} characters long; a crm id has at most {MAX_CRM_ID}")]
    TooLong(usize),
    #[error("contains a line break or control character")]
    Control,
}

impl CrmId {
    pub fn parse(input: &str) -> Result<CrmId, CrmIdError> {
        let id = input.trim();
        if id.is_empty() {
            return Err(CrmIdError::Empty);
        }
        if id.chars().any(char::is_control) {
            return Err(CrmIdError::Control);
        }
        let len = id.chars().count();
        if len > MAX_CRM_ID {
            return Err(CrmIdError::TooLong(len));
        }
        Ok(CrmId(id.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A company's web domain: the lower-case host name, without `www.`, a scheme, a port or a
/// path — `https://www.Acme.com/about` is `acme.com`. Letters of any script are kept as
/// typed (lower-cased); emoji, spaces and punctuation other than `-` and `.` are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebDomain(String);

/// What is wrong with a domain; each names the input as given.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WebDomainError {
    #[error("is empty")]
    Empty,
    #[error("\"{0}\" contains a space")]
    Space(String),
    #[error("\"{input}\" contains \"{found}\", which a domain cannot hold")]
    Character { input: String, found: char },
    #[error("\"{0}\" has no dot; a domain has a name and an ending")]
    NoDot(String),
    #[error("\"{0}\" has two dots in a row, or a dot at the start")]
    EmptyLabel(String),
    #[error("\"{input}\": the part \"{label}\" is longer than {MAX_LABEL} characters")]
    LongLabel { input: String, label: String },
    #[error("\"{input}\": the part \"{label}\" starts or ends with a dash")]
    Dash { input: String, label: String },
    #[error("\"{0}\" is longer than {MAX_DOMAIN} characters")]
    TooLong(String),
    #[error("\"{0}\" is an IP address; give the company's domain instead")]
    Address(String),
}

impl WebDomain {
    pub fn parse(input: &str) -> Result<WebDomain, WebDomainError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(WebDomainError::Empty);
        }
        let owned = || text.to_string();
        let host = host_of(text);
        if host.chars().any(char::is_whitespace) {
            return Err(WebDomainError::Space(owned()));
        }
        let lower = host.to_lowercase();
        let mut name = lower.strip_suffix('.').unwrap_or(&lower);
        if let Some(found) = name
            .chars()
            .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '.'))
        {
            return Err(WebDomainError::Character {
                input: owned(),
                found,
            });
        }
        while let Some(rest) = name.strip_prefix("www.").filter(|r| r.contains('.')) {
            name = rest;
        }
        if name.is_empty() {
            return Err(WebDomainError::Empty);
        }
        if !name.contains('.') {
            return Err(WebDomainError::NoDot(owned()));
        }
        if name.chars().count() > MAX_DOMAIN {
            return Err(WebDomainError::TooLong(owned()));
        }
        for label in name.split('.') {
            if label.is_empty() {
                return Err(WebDomainError::EmptyLabel(owned()));
            }
            if label.chars().count() > MAX_LABEL {
                return Err(WebDomainError::LongLabel {
                    input: owned(),
                    label: label.to_string(),
                });
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(WebDomainError::Dash {
                    input: owned(),
                    label: label.to_string(),
                });
            }
        }
        if name
            .rsplit('.')
            .next()
            .is_some_and(|end| end.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(WebDomainError::Address(owned()));
        }
        Ok(WebDomain(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The host part of a URL or of a bare host: no scheme, user, port, path, query or fragment.
fn host_of(text: &str) -> &str {
    let after_scheme = match text.find("://") {
        Some(at)
            if at > 0
                && text[..at]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            &text[at + 3..]
        }
        _ => text.strip_prefix("//").unwrap_or(text),
    };
    let authority = after_scheme
        .split(['/', '?', '#', '\\'])
        .next()
        .unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

macro_rules! string_value {
    ($name:ident, $error:ident) => {
        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;
            fn try_from(text: String) -> Result<Self, $error> {
                $name::parse(&text)
            }
        }
    };
}

string_value!(CrmId, CrmIdError);
string_value!(WebDomain, WebDomainError);

impl From<CrmIdError> for DomainError {
    fn from(error: CrmIdError) -> Self {
        DomainError::invalid("crm", error.to_string(), "crm:001Dn00000ABCdeIAF")
    }
}

impl From<WebDomainError> for DomainError {
    fn from(error: WebDomainError) -> Self {
        DomainError::invalid(
            "domain",
            error.to_string(),
            "domain:acme.com or domain:https://www.acme.com",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn domain(input: &str) -> Result<String, WebDomainError> {
        WebDomain::parse(input).map(String::from)
    }

    #[test]
    fn urls_and_hosts_become_the_bare_lower_case_domain() {
        for (input, expected) in [
            ("acme.com", "acme.com"),
            ("  Acme.COM ", "acme.com"),
            ("https://www.Acme.com/path", "acme.com"),
            ("http://www.acme.com/", "acme.com"),
            ("www.acme.com", "acme.com"),
            ("WWW.www.acme.co.uk.", "acme.co.uk"),
            ("https://acme.com:8443/x?y=1#z", "acme.com"),
            ("acme.com/about us", "acme.com"),
            ("//cdn.acme.io", "cdn.acme.io"),
            ("https://jane:secret@acme.com", "acme.com"),
            ("jane@acme.com", "acme.com"),
            ("shop.acme-corp.de", "shop.acme-corp.de"),
            ("www.com", "www.com"),
            ("Bücher.DE", "bücher.de"),
            ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ] {
            assert_eq!(domain(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn bad_domains_say_what_is_wrong_and_show_an_example() {
        for (input, problem) in [
            ("", "is empty"),
            ("https://", "is empty"),
            ("acme com", "\"acme com\" contains a space"),
            ("https://acme .com/x", "contains a space"),
            ("acme", "\"acme\" has no dot"),
            ("🚀.com", "contains \"🚀\""),
            ("acme😀.com", "contains \"😀\""),
            ("acme_corp.com", "contains \"_\""),
            ("[::1]", "contains \"[\""),
            ("acme..com", "two dots in a row"),
            (".acme.com", "two dots in a row"),
            ("-acme.com", "starts or ends with a dash"),
            ("10.0.0.1", "is an IP address"),
            ("https://192.168.1.1:80/", "is an IP address"),
        ] {
            let error = DomainError::from(WebDomain::parse(input).expect_err(input)).to_string();
            assert!(error.starts_with("domain: "), "{input}: {error}");
            assert!(error.contains(problem), "{input}: {error}");
            assert!(
                error.ends_with("Example: domain:acme.com or domain:https://www.acme.com"),
                "{input}: {error}"
            );
        }
        let long = format!("{}.com", "a".repeat(64));
        assert!(matches!(
            WebDomain::parse(&long),
            Err(WebDomainError::LongLabel { .. })
        ));
        let huge = format!("{}com", "abcdefghi.".repeat(26));
        assert!(matches!(
            WebDomain::parse(&huge),
            Err(WebDomainError::TooLong(_))
        ));
    }

    #[test]
    fn crm_ids_are_trimmed_kept_as_typed_and_bounded() {
        let id = |s: &str| CrmId::parse(s).map(String::from);
        assert_eq!(id(" 001Dn00000ABCdeIAF "), Ok("001Dn00000ABCdeIAF".into()));
        assert_eq!(id("ACME 42"), Ok("ACME 42".into()));
        assert_ne!(id("001a"), id("001A"), "case-sensitive, as Salesforce's");
        assert_eq!(id(&"x".repeat(MAX_CRM_ID)).map(|s| s.len()), Ok(100));
        assert_eq!(id(&"é".repeat(101)), Err(CrmIdError::TooLong(101)));
        assert_eq!(id("   "), Err(CrmIdError::Empty));
        assert_eq!(id("00\n1"), Err(CrmIdError::Control));
        let error = DomainError::from(CrmIdError::Control).to_string();
        assert_eq!(
            error,
            "crm: contains a line break or control character. Example: crm:001Dn00000ABCdeIAF"
        );
    }

    #[test]
    fn stored_values_load_only_when_valid() {
        let loaded: WebDomain = serde_json::from_str("\"acme.com\"").expect("valid");
        assert_eq!(
            serde_json::to_string(&loaded).ok().as_deref(),
            Some("\"acme.com\"")
        );
        assert!(serde_json::from_str::<WebDomain>("\"not a domain\"").is_err());
        assert!(serde_json::from_str::<CrmId>("\"\"").is_err());
        let id: CrmId = serde_json::from_str("\"001A\"").expect("valid");
        assert_eq!(&*id, "001A");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any text: a typed answer, never a panic; an accepted value is in normal form.
        #[test]
        fn hostile_text_never_panics_and_accepted_values_are_normal(text in "\\PC{0,300}|.{0,40}") {
            if let Ok(d) = WebDomain::parse(&text) {
                prop_assert_eq!(WebDomain::parse(d.as_str()), Ok(d.clone()));
                prop_assert!(!d.starts_with("www.") || d.matches('.').count() == 1);
                prop_assert!(d.contains('.') && !d.contains(char::is_whitespace));
            }
            if let Ok(id) = CrmId::parse(&text) {
                prop_assert_eq!(CrmId::parse(id.as_str()), Ok(id.clone()));
                prop_assert!(id.chars().count() <= MAX_CRM_ID);
            }
        }

        /// URLs around a valid host reduce to that host.
        #[test]
        fn urls_reduce_to_their_host(
            labels in prop::collection::vec("[a-z0-9]{1,12}", 1..4),
            end in "[a-z]{2,6}",
            scheme in prop::sample::select(vec!["", "http://", "https://", "HTTPS://WWW."]),
            tail in prop::sample::select(vec!["", "/", ":8080", "/a/b?c=d#e", "."]),
        ) {
            let host = format!("{}.{end}", labels.join("."));
            let parsed = WebDomain::parse(&format!("{scheme}{host}{tail}")).map(String::from);
            let mut expected = host.as_str();
            while let Some(rest) = expected.strip_prefix("www.").filter(|r| r.contains('.')) {
                expected = rest;
            }
            prop_assert_eq!(parsed.as_deref(), Ok(expected));
        }
    }
}
