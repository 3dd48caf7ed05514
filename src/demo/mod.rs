//! Purpose: the demo portfolio behind `steward console --demo` — a dozen accounts that show
//! every renewal stage, health band and risk flag, dated relative to `now`, and 90 days of
//! product events for most of them ([`events`]), stored as received events are and followed
//! by the daily recompute, so health from data, indicators and the weekly-users chart show
//! without any setup. Loading it again adds nothing.

mod events;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::app::{Actor, App};
use crate::feed;
use crate::store::ingest::Delivery;
use crate::store::StoreError;

/// One demo account: its name, the commands that build it (`{name}` and `{+N}` — a date N
/// days from today — are filled in), and how many days ago its first health reading was.
struct DemoAccount {
    name: &'static str,
    add: &'static str,
    people: &'static [&'static str],
    /// Health readings: (days ago, signals).
    health: &'static [(i64, &'static str)],
}

const PORTFOLIO: [DemoAccount; 12] = [
    DemoAccount {
        name: "Acme Corp",
        add: "arr:250k renewal:{+200} owner:@jane industry:SaaS segment:enterprise seats:50 products:\"Core, Analytics\"",
        people: &["\"Alice Chen\" role:champion title:CTO sentiment:champion nps:9", "\"Bob Ruiz\" role:economic-buyer title:CFO sentiment:positive", "\"Dana Wu\" role:end-user sentiment:positive"],
        health: &[(20, "usage:88 adoption:4 nps:9 tickets:decreasing roi:95")],
    },
    DemoAccount {
        name: "Globex",
        add: "arr:180k renewal:{+115} owner:@omar industry:manufacturing seats:40",
        people: &["\"Hank Scorpio\" role:economic-buyer title:CEO sentiment:neutral", "\"Mindy Park\" role:champion title:\"VP Ops\" sentiment:positive nps:8", "\"Sam Ode\" role:blocker title:\"IT Director\" sentiment:detractor"],
        health: &[(40, "usage:85 adoption:3 nps:9 tickets:stable roi:92"), (5, "usage:60 nps:6 tickets:increasing roi:80")],
    },
    DemoAccount {
        name: "Initech",
        add: "arr:95k renewal:{+80} owner:@jane industry:\"financial services\" seats:20",
        people: &["\"Bill Lumbergh\" role:economic-buyer sentiment:neutral"],
        health: &[(10, "usage:45 adoption:1 nps:4 tickets:escalated roi:60")],
    },
    DemoAccount {
        name: "Umbrella Health",
        add: "arr:60k renewal:{+55} owner:@priya industry:healthcare seats:25",
        people: &["\"Dr. Ada Moss\" role:champion sentiment:champion nps:10", "\"Ray Kim\" role:economic-buyer sentiment:positive", "\"Lee Fox\" role:end-user"],
        health: &[(3, "usage:92 adoption:5 nps:10 tickets:zero roi:97")],
    },
    DemoAccount {
        name: "Stark Retail",
        add: "arr:40k renewal:{+25} owner:@omar industry:retail seats:30",
        people: &["\"Pepper Potts\" role:champion sentiment:positive", "\"Happy Hogan\" role:economic-buyer sentiment:neutral", "\"Jim Rhodes\" role:influencer"],
        health: &[(15, "usage:70 adoption:2 nps:7 tickets:stable")],
    },
    DemoAccount {
        name: "Wayne Logistics",
        add: "arr:120k renewal:{+5} owner:@jane industry:logistics seats:20",
        people: &["\"Lucius Fox\" role:champion sentiment:champion", "\"Bruce Wayne\" role:economic-buyer sentiment:positive", "\"Alfred P\" role:executive-sponsor sentiment:positive"],
        health: &[(12, "usage:82 adoption:3 nps:8 tickets:decreasing roi:91")],
    },
    DemoAccount {
        name: "Hooli",
        add: "arr:300k renewal:{-4} owner:@priya industry:SaaS seats:60",
        people: &["\"Gavin Belson\" role:economic-buyer sentiment:detractor", "\"Jared Dunn\" role:champion sentiment:positive", "\"Big Head\" role:end-user"],
        health: &[(30, "usage:55 adoption:2 nps:6 tickets:stable roi:75")],
    },
    DemoAccount {
        name: "Soylent Foods",
        add: "arr:30k renewal:{+300} owner:@omar industry:retail",
        people: &[],
        health: &[],
    },
    DemoAccount {
        name: "Cyberdyne Systems",
        add: "arr:210k renewal:{+100} owner:@priya industry:manufacturing seats:40",
        people: &["\"Miles Dyson\" role:champion sentiment:champion", "\"Sarah Connor\" role:blocker influence:high sentiment:detractor", "\"John Ko\" role:economic-buyer sentiment:neutral"],
        health: &[(25, "usage:90 adoption:4 nps:9 tickets:zero roi:93"), (2, "usage:72 adoption:3 nps:8 tickets:stable roi:93")],
    },
    DemoAccount {
        name: "Vandelay Industries",
        add: "arr:15k renewal:{+40} owner:\"Art Vandelay\" industry:manufacturing",
        people: &["\"Kel Varnsen\" role:champion", "\"George C\" role:economic-buyer", "\"Elaine B\" role:end-user"],
        health: &[(8, "nps:8")],
    },
    DemoAccount {
        name: "Pied Piper",
        add: "arr:75k renewal:{+150} owner:@jane industry:SaaS seats:14",
        people: &["\"Richard H\" role:champion sentiment:champion nps:9", "\"Monica Hall\" role:economic-buyer sentiment:positive", "\"Dinesh C\" role:end-user sentiment:positive"],
        health: &[(6, "usage:84 adoption:3 nps:9 tickets:zero roi:92")],
    },
    DemoAccount {
        name: "Massive Dynamic",
        add: "arr:500k renewal:{+118} owner:@omar industry:healthcare seats:80",
        people: &["\"Nina Sharp\" role:economic-buyer sentiment:positive", "\"Walter B\" role:champion sentiment:champion", "\"Astrid F\" role:end-user"],
        health: &[(50, "usage:90 adoption:4 nps:8 tickets:zero roi:92"), (20, "usage:75 adoption:3 nps:7 tickets:stable roi:85")],
    },
];

/// Adds the demo accounts missing from the actor's tenant, with their events, then runs the
/// recompute due at `now`; returns how many accounts were added.
pub fn load(app: &App, actor: &Actor, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let book = app.store.book(&actor.tenant)?;
    let (today, zone) = {
        let book = book.read().unwrap_or_else(|p| p.into_inner());
        (app.today(&book, now), app.timezone_of(&book))
    };
    let mut added = 0;
    for demo in &PORTFOLIO {
        let exists = book
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .by_name(demo.name)
            .is_some();
        if exists {
            continue;
        }
        let oldest = demo.health.first().map_or(0, |(days, _)| *days) + 1;
        let created = now - Duration::days(oldest);
        let add = fill_dates(demo.add, today);
        let mut lines = vec![(created, format!("/account add \"{}\" {add}", demo.name))];
        lines.extend(
            demo.people
                .iter()
                .map(|p| (created, format!("/stakeholder add \"{}\" {p}", demo.name))),
        );
        lines.extend(demo.health.iter().map(|(days, s)| {
            (
                now - Duration::days(*days),
                format!("/health set \"{}\" {s}", demo.name),
            )
        }));
        for (at, line) in lines {
            let reply = app.execute(actor, at, &line);
            if reply.is_error() {
                return Err(StoreError::Corrupt(format!(
                    "demo line `{line}` was refused: {}",
                    crate::render::text::render(&reply)
                )));
            }
        }
        // Received as a backfill with `steward ingest` would be: all at once, now.
        let messages = events::of(demo.name, now, zone);
        if !messages.is_empty() {
            let delivery = Delivery {
                messages: &messages,
                rejected: BTreeMap::new(),
                received: now,
                zone,
                key: None,
            };
            app.store.ingest(&actor.tenant, &delivery)?;
        }
        added += 1;
    }
    if added > 0 {
        feed::recompute_if_due(&app.store, &actor.tenant, zone, now)?;
    }
    Ok(added)
}

/// Replaces `{+N}` / `{-N}` with the date N days from `today`.
fn fill_dates(template: &str, today: chrono::NaiveDate) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let days: i64 = rest[start + 1..end].parse().unwrap_or(0);
        out.push_str(&(today + Duration::days(days)).to_string());
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}
