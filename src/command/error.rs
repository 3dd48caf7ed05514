//! Purpose: what can be wrong with a command line. Each `Display` is the user's answer:
//! what was wrong and an accepted example.

use thiserror::Error;

use crate::domain::error::DomainError;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("type a command, e.g. `/account list`, or see `/steward help`.")]
    Empty,
    #[error("the line is {len} characters long; the limit is 4000. Shorten it, e.g. put long notes in several `/account log` entries. Example: /account log \"Acme Corp\" Called the CFO about the renewal")]
    TooLong { len: usize },
    #[error("the line contains a control character (U+{code:04X}); remove it. Example: /account show \"Acme Corp\"")]
    ControlCharacter { code: u32 },
    #[error(
        "a quote is not closed. Quote names with spaces. Example: /account show \"Acme Corp\""
    )]
    UnbalancedQuote,
    #[error("unknown command `/{given}`.{suggestion} Commands: {available}. See `/steward help`.")]
    UnknownGroup {
        given: String,
        /// Already formatted: empty or " Did you mean `/account`?"
        suggestion: String,
        available: String,
    },
    #[error("`/{group}` needs a subcommand: {available}. Example: {example}")]
    MissingSubcommand {
        group: String,
        available: String,
        example: String,
    },
    #[error("`/{group}` has no subcommand `{given}`.{suggestion} Subcommands: {available}. Example: {example}")]
    UnknownSubcommand {
        group: String,
        given: String,
        suggestion: String,
        available: String,
        example: String,
    },
    #[error(
        "`{command}` has no option `{given}:`.{suggestion} Options: {accepted}. Example: {example}"
    )]
    UnknownOption {
        command: String,
        given: String,
        suggestion: String,
        accepted: String,
        example: String,
    },
    #[error("`{command}` needs {what}. Usage: {usage}. Example: {example}")]
    Missing {
        command: String,
        /// `arr:` or `NAME`.
        what: String,
        usage: String,
        example: String,
    },
    #[error("`{option}:` is given twice; give it once. Example: {example}")]
    Repeated { option: String, example: String },
    #[error("`{command}` got more than it takes: `{extra}`. Quote names with spaces. Usage: {usage}. Example: {example}")]
    Extra {
        command: String,
        extra: String,
        usage: String,
        example: String,
    },
    /// Anything wrong with a line that holds a secret: nothing of what was typed is repeated.
    #[error("`{command}` takes the secret as one word (quote it if it holds a space or a colon); what you typed is not repeated here, as it may hold the secret. Usage: {usage}. Example: {example}")]
    Concealed {
        command: String,
        usage: String,
        example: String,
    },
    #[error("{0}")]
    Value(#[from] DomainError),
}
