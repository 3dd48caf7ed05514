//! Purpose: which CSV column holds which field. Header names from Salesforce, HubSpot and
//! Steward's own export are matched ignoring case, spaces, underscores, dashes and dots
//! (`Renewal_Date__c` ≡ `renewal date c`). Salesforce's `Annual Revenue` — the customer's own
//! revenue — is never read as ARR (DECISIONS 3). The crm id comes from Salesforce's `Account
//! ID`/`Id` or HubSpot's `Company ID`/`Record ID`, the domain from `Company Domain Name` or
//! `Website` (INGEST.md).

/// A field an import can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Arr,
    Renewal,
    Owner,
    Industry,
    Tier,
    Segment,
    Seats,
    Products,
    Stakeholder,
    Role,
    Title,
    CrmId,
    Domain,
    Email,
}

/// Each field with its accepted headers, preferred first, as shown in messages.
const KNOWN: [(Field, &str, &[&str]); 15] = [
    (
        Field::Name,
        "name",
        &["Account Name", "Company name", "name", "account"],
    ),
    (
        Field::Arr,
        "ARR",
        &["ARR", "ARR__c", "Annual Recurring Revenue"],
    ),
    (
        Field::Renewal,
        "renewal date",
        &[
            "Renewal Date",
            "Renewal_Date__c",
            "Contract End Date",
            "renewal",
        ],
    ),
    (
        Field::Owner,
        "owner",
        &["Account Owner", "Company owner", "owner"],
    ),
    (Field::Industry, "industry", &["Industry"]),
    (Field::Tier, "tier", &["Tier"]),
    (Field::Segment, "segment", &["Segment"]),
    (Field::Seats, "seats", &["Seats"]),
    (Field::Products, "products", &["Products"]),
    (
        Field::Stakeholder,
        "stakeholder",
        &["Stakeholder", "Contact Name"],
    ),
    (
        Field::Role,
        "stakeholder role",
        &["Stakeholder Role", "Role"],
    ),
    (
        Field::Title,
        "stakeholder title",
        &["Stakeholder Title", "Title"],
    ),
    (
        Field::CrmId,
        "crm id",
        &["crm id", "Account ID", "Company ID", "Record ID", "Id"],
    ),
    (
        Field::Domain,
        "domain",
        &["domain", "Company Domain Name", "Website"],
    ),
    (
        Field::Email,
        "stakeholder e-mail",
        &["Stakeholder Email", "Contact Email", "Email"],
    ),
];

/// Columns Steward's own CSV export adds; all three present mark a file as Steward's.
const STEWARD_DERIVED: [&str; 3] = ["healthscore", "band", "stage"];

/// The column of each recognised field in one file.
#[derive(Debug, Clone)]
pub struct Columns {
    index: Vec<(Field, usize)>,
    headers: Vec<String>,
    /// The file is Steward's own CSV export: its `tier` column shows computed tiers, and only
    /// `N pinned` pins one.
    pub steward_own: bool,
}

impl Columns {
    /// Recognises the header row; `Err` says what is missing, what was found and what is
    /// accepted, in one line.
    pub fn recognise(headers: &[String]) -> Result<Columns, String> {
        let normal: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        let mut index = Vec::new();
        for (field, _, aliases) in KNOWN {
            let column = aliases
                .iter()
                .find_map(|alias| normal.iter().position(|h| *h == normalise(alias)));
            if let Some(column) = column {
                index.push((field, column));
            }
        }
        let columns = Columns {
            index,
            headers: headers.to_vec(),
            steward_own: STEWARD_DERIVED
                .iter()
                .all(|d| normal.iter().any(|h| h == d)),
        };
        let missing: Vec<&str> = KNOWN[..3]
            .iter()
            .filter(|(field, _, _)| columns.get(*field).is_none())
            .map(|(_, label, _)| *label)
            .collect();
        if missing.is_empty() {
            return Ok(columns);
        }
        let found = if headers.iter().all(|h| h.trim().is_empty()) {
            "none".to_string()
        } else {
            headers
                .iter()
                .map(|h| format!("\"{h}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let accepted = KNOWN[..3]
            .iter()
            .map(|(_, label, aliases)| format!("{label}: {}", aliases.join(", ")))
            .collect::<Vec<_>>()
            .join("; ");
        let revenue_note = if normal.iter().any(|h| h == "annualrevenue") {
            " (\"Annual Revenue\" is the customer's own revenue and is never read as ARR.)"
        } else {
            ""
        };
        Err(format!(
            "no column for the {}. Headers found: {found}. Accepted — {accepted}.{revenue_note}",
            missing.join(", ")
        ))
    }

    /// The column holding `field`, if the file has one.
    pub fn get(&self, field: Field) -> Option<usize> {
        self.index
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| *c)
    }

    /// The header of `field`'s column as written in the file, for messages.
    pub fn header(&self, field: Field) -> &str {
        self.get(field)
            .and_then(|c| self.headers.get(c))
            .map_or("", |h| h.as_str())
    }
}

/// Lower case without spaces, underscores, dashes, dots or a byte-order mark.
fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recognise(headers: &[&str]) -> Result<Columns, String> {
        Columns::recognise(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn salesforce_headers_and_never_annual_revenue() {
        let c = recognise(&[
            "Account Name",
            "Annual Revenue",
            "ARR__c",
            "Renewal_Date__c",
            "Account Owner",
        ])
        .expect("recognised");
        assert_eq!(c.get(Field::Arr), Some(2));
        assert_eq!(c.get(Field::Renewal), Some(3));
        assert_eq!(c.header(Field::Owner), "Account Owner");
        assert_eq!(c.get(Field::CrmId), None);
        let ids = recognise(&["Id", "Account Name", "ARR", "Renewal Date", "Account ID"])
            .expect("recognised");
        assert_eq!(
            ids.header(Field::CrmId),
            "Account ID",
            "the account's id first"
        );
        assert!(!c.steward_own);
        let err =
            recognise(&["Account Name", "Annual Revenue", "Renewal Date"]).expect_err("no ARR");
        assert!(err.contains("no column for the ARR"), "{err}");
        assert!(err.contains("never read as ARR"), "{err}");
    }

    #[test]
    fn hubspot_and_steward_headers() {
        let c = recognise(&[
            "Company name",
            "annual_recurring_revenue",
            "CONTRACT END DATE",
        ])
        .expect("recognised");
        assert_eq!(
            (c.get(Field::Name), c.get(Field::Arr), c.get(Field::Renewal)),
            (Some(0), Some(1), Some(2))
        );
        let own = [
            "name",
            "arr",
            "renewal",
            "owner",
            "tier",
            "health score",
            "band",
            "stage",
        ];
        assert!(recognise(&own).expect("recognised").steward_own);
        let hubspot = recognise(&[
            "Record ID",
            "Company name",
            "ARR",
            "Renewal Date",
            "Website",
            "Company Domain Name",
        ])
        .expect("recognised");
        assert_eq!(
            (hubspot.get(Field::CrmId), hubspot.get(Field::Domain)),
            (Some(0), Some(5)),
            "the domain column before the website"
        );
        let err = recognise(&["foo"]).expect_err("nothing");
        assert!(err.contains("name, ARR, renewal date"), "{err}");
        assert!(err.contains("\"foo\""), "{err}");
    }
}
