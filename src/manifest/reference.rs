//! The command reference in `README.md`, generated from `commands/` like the manifests, so
//! that the page a newcomer reads lists exactly what the parser accepts.
//!
//! `tests/manifest.rs` fails when the README's block between the two markers differs from
//! [`command_reference`] (`STEWARD_BLESS=1` rewrites it); `steward manifest reference`
//! prints it.

use std::fmt::Write;

use crate::command::spec::{groups, Kind, OptionSpec};

/// The line before the generated block in `README.md`.
pub const START: &str = "<!-- command reference: generated from commands/, do not edit -->";
/// The line after it.
pub const END: &str = "<!-- end of command reference -->";

/// Every command group, each subcommand's usage, what it does, its options and an example,
/// as Markdown.
pub fn command_reference() -> String {
    let mut out = String::new();
    for group in groups() {
        let _ = writeln!(out, "### `/{}` — {}\n", group.name, group.description);
        for sub in &group.subcommands {
            let admin = if sub.admin { " *Admins only.*" } else { "" };
            let _ = writeln!(
                out,
                "- **`{}`** — {}.{admin}",
                sub.usage(&group.name),
                sub.description.trim_end_matches('.')
            );
            for option in &sub.options {
                let _ = writeln!(
                    out,
                    "  - `{}`: {}",
                    option_name(option),
                    option_text(option)
                );
            }
            for example in &sub.examples {
                let _ = writeln!(out, "  - e.g. `{example}`");
            }
        }
        out.push('\n');
    }
    out
}

/// `ACCOUNT` for a positional, `arr:` for a named option.
fn option_name(option: &OptionSpec) -> String {
    if option.positional {
        option.name.to_uppercase()
    } else {
        format!("{}:", option.name)
    }
}

/// The option's description, what it accepts and its bounds.
fn option_text(option: &OptionSpec) -> String {
    let mut text = option.description.trim_end_matches('.').to_string();
    let accepts = match option.kind {
        Kind::Money => Some("money: `50000`, `50k`, `$1.2M`".to_string()),
        Kind::Date => Some("date: `2027-03-31`, `+90d`, `in 90 days`".to_string()),
        Kind::Days => Some("days: `30d`, `2w`".to_string()),
        Kind::Percent => Some("0–100, with or without `%`".to_string()),
        Kind::User => Some("a chat user: `@jane`".to_string()),
        Kind::Choice => Some(format!("one of {}", option.choices.join(", "))),
        Kind::Integer | Kind::Number => match (option.min, option.max) {
            (Some(min), Some(max)) => Some(format!("{min}–{max}")),
            (Some(min), None) => Some(format!("at least {min}")),
            (None, Some(max)) => Some(format!("at most {max}")),
            (None, None) => None,
        },
        Kind::Secret => Some("kept sealed, never shown or recorded".to_string()),
        Kind::String | Kind::Text | Kind::Account => None,
    };
    if let Some(accepts) = accepts {
        let _ = write!(text, " ({accepts})");
    }
    if option.required && !option.positional {
        text.push_str("; required");
    }
    if option.repeat {
        text.push_str("; may be given several times (on Discord: one option, comma-separated)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_and_option_is_listed() {
        let reference = command_reference();
        for group in groups() {
            assert!(reference.contains(&format!("### `/{}`", group.name)));
            for sub in &group.subcommands {
                assert!(
                    reference.contains(&sub.usage(&group.name)),
                    "/{} {} is missing",
                    group.name,
                    sub.name
                );
                for example in &sub.examples {
                    assert!(reference.contains(example), "{example}");
                }
            }
        }
        assert!(reference.contains("value-per-unit:"));
        assert!(reference.contains("/plan swot"));
        assert!(reference.contains("/portfolio winloss"));
    }
}
