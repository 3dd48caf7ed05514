//! Purpose: prompts about the data flowing in (INGEST.md), all reads — `which write keys do
//! we have` → `/steward apikey list`, `are events coming in` → `/steward ingest status`,
//! `list the core features` → `/steward feature list`. Creating or revoking a key and
//! declaring features stay typed commands (the reader's guard would ask anyway).

use super::Outcome;
use crate::prompt::line::Line;

use super::Reader;

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    if r.names_account() {
        return None;
    }
    let keys = p.any_phrase(&["api key", "api keys", "write key", "write keys"])
        || p.any(&["apikey", "apikeys"]);
    if keys {
        return Some(Outcome::Line(Line::new("steward", "apikey").arg("list")));
    }
    let intake = p.any(&["ingest", "ingestion", "intake"])
        || p.any_phrase(&[
            "events coming in",
            "events arriving",
            "event feed",
            "events feed",
            "data coming in",
            "data flowing",
            "segment events",
        ]);
    if intake {
        return Some(Outcome::Line(Line::new("steward", "ingest").arg("status")));
    }
    if p.any_phrase(&["core features", "core feature"])
        || (p.has("core") && p.any(&["feature", "features"]))
    {
        return Some(Outcome::Line(Line::new("steward", "feature").arg("list")));
    }
    None
}
