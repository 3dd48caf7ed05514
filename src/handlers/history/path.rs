//! Purpose: reading a field path of the audit trail — `stakeholders[Jane Doe].owner.user` —
//! into steps, and finding the field of the table ([`super::fields`]) that steps name.

use super::fields::{Field, Kind};

/// One step of a field path: a name, and the record it picks when one is named
/// (`stakeholders[Jane Doe]` → `stakeholders`, `Jane Doe`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    pub item: Option<String>,
}

/// Splits a field path into steps. A record's name may hold dots and brackets: it ends at
/// the `]` that ends the path or is followed by `.` (`stakeholders[[removed]].role`).
pub fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    let mut rest = path;
    loop {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let mut step = Step {
            name: rest[..end].to_string(),
            item: None,
        };
        rest = &rest[end..];
        if let Some(inner) = rest.strip_prefix('[') {
            let close = inner
                .match_indices(']')
                .map(|(i, _)| i)
                .find(|&i| inner[i + 1..].is_empty() || inner[i + 1..].starts_with('.'));
            match close {
                Some(i) => {
                    step.item = Some(inner[..i].to_string());
                    rest = &inner[i + 1..];
                }
                // Not a record name: keep the rest as it is.
                None => {
                    step.name.push_str(rest);
                    rest = "";
                }
            }
        }
        out.push(step);
        match rest.strip_prefix('.') {
            Some(next) => rest = next,
            None => return out,
        }
    }
}

/// The field of `kind` that `steps` name — the longest that matches: `status.reason.kind`
/// before `status.reason` — with the number of steps it took and the map key `*` stood for.
pub fn field<'k>(kind: &'k Kind, steps: &[Step]) -> Option<(&'k Field, usize, Option<String>)> {
    let matches = kind.fields.iter().filter_map(|field| {
        let parts: Vec<&str> = field.path.split('.').collect();
        let taken = steps.get(..parts.len())?;
        let mut key = None;
        for (part, step) in parts.iter().zip(taken) {
            if *part == "*" {
                key = Some(step.name.clone());
            } else if *part != step.name {
                return None;
            }
        }
        // Only the last step may pick a record, and only of an array of records.
        let picks = taken[..taken.len() - 1].iter().any(|s| s.item.is_some());
        (!picks).then_some((field, parts.len(), key))
    });
    matches.max_by_key(|(_, taken, _)| *taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(path: &str) -> Vec<(String, Option<String>)> {
        steps(path).into_iter().map(|s| (s.name, s.item)).collect()
    }

    #[test]
    fn paths_split_into_steps_and_records() {
        let step = |n: &str, i: Option<&str>| (n.to_string(), i.map(str::to_string));
        assert_eq!(names("arr"), [step("arr", None)]);
        assert_eq!(
            names("renewal.extended_days"),
            [step("renewal", None), step("extended_days", None)]
        );
        assert_eq!(
            names("stakeholders[Jane Doe].owner.user"),
            [
                step("stakeholders", Some("Jane Doe")),
                step("owner", None),
                step("user", None)
            ]
        );
        assert_eq!(
            names("stakeholders[[removed]].role"),
            [step("stakeholders", Some("[removed]")), step("role", None)]
        );
        assert_eq!(
            names("plan.metrics[Hours. saved]"),
            [step("plan", None), step("metrics", Some("Hours. saved"))]
        );
    }
}
