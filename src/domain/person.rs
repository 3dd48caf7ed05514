//! Purpose: people on our side — chat users (by platform user id) and owners known only by a
//! name or e-mail from a CRM export, which `/steward owner` maps to chat users.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A chat user id as the platform gives it (`U024BE7LH`, `80351110224678912`, `local-user`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub String);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An owner or relationship owner: a chat user, or a name not (yet) mapped to one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Person {
    User(UserId),
    Named(String),
}

impl Person {
    /// The chat user, if this person is one.
    pub fn user(&self) -> Option<&UserId> {
        match self {
            Person::User(id) => Some(id),
            Person::Named(_) => None,
        }
    }
}
