//! Purpose: `/digest` text → a typed `DigestCommand`.

use chrono::NaiveTime;
use chrono_tz::Tz;

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::schedule::{parse_time, parse_zone, Days, PostKind};

#[derive(Debug, Clone, PartialEq)]
pub enum DigestCommand {
    Subscribe {
        kind: PostKind,
        days: Option<Days>,
        time: Option<NaiveTime>,
        zone: Option<Tz>,
    },
    Unsubscribe {
        kind: PostKind,
    },
    List,
    Preview {
        kind: PostKind,
    },
}

fn kind(inv: &Invocation) -> Result<PostKind, ParseError> {
    inv.choice("kind", PostKind::parse)?
        .ok_or_else(|| super::undeclared(inv, "kind"))
}

pub fn from_invocation(inv: &Invocation) -> Result<DigestCommand, ParseError> {
    Ok(match inv.sub.name.as_str() {
        "subscribe" => DigestCommand::Subscribe {
            kind: kind(inv)?,
            days: inv.text("day").map(|d| Days::parse(&d)).transpose()?,
            time: inv.text("time").map(|t| parse_time(&t)).transpose()?,
            zone: inv.text("tz").map(|z| parse_zone(&z)).transpose()?,
        },
        "unsubscribe" => DigestCommand::Unsubscribe { kind: kind(inv)? },
        "list" => DigestCommand::List,
        "preview" => DigestCommand::Preview { kind: kind(inv)? },
        other => return Err(super::undeclared(inv, other)),
    })
}
