//! Purpose: the domain's typed errors. Each `Display` is the message a user sees: what was
//! wrong and an accepted example.

use thiserror::Error;

/// A rule of the domain refused an input or a change. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A value that does not parse or is out of range for its field.
    #[error("{field}: {problem}. Example: {example}")]
    Invalid {
        field: String,
        problem: String,
        example: String,
    },
    /// A name that must be unique already exists.
    #[error("{what} \"{name}\" already exists. {hint}")]
    Duplicate {
        what: &'static str,
        name: String,
        hint: String,
    },
    /// Something named by the user does not exist.
    #[error("{what} \"{name}\" not found.{suggestions}")]
    NotFound {
        what: &'static str,
        name: String,
        /// Already formatted: empty, or " Did you mean: A, B?"
        suggestions: String,
    },
    /// The command needs admin rights the actor does not have.
    #[error("only an admin can {action}. Ask an admin, or see `/steward whoami`.")]
    AdminOnly { action: String },
    /// A rule forbids the change in the current state.
    #[error("{0}")]
    Refused(String),
}

impl DomainError {
    /// Shorthand for [`DomainError::Invalid`].
    pub fn invalid(
        field: impl Into<String>,
        problem: impl Into<String>,
        example: impl Into<String>,
    ) -> Self {
        DomainError::Invalid {
            field: field.into(),
            problem: problem.into(),
            example: example.into(),
        }
    }
}
