//! Purpose: what one account did on one day, kept small — active users, per-event counts,
//! ticket changes and survey answers — and the per-tenant tables that turn user ids and event
//! names into small numbers ([`Interner`]).
//!
//! Size (INGEST.md's goal: ≤ 300 bytes per account-day at 50 active users): user ids and
//! event names are interned once per tenant as `u32` indexes; a day stores the sorted indexes
//! and [`DayRollup::encode`] writes them as LEB128 varints of their *differences*, so 50 users
//! cost 50–100 bytes and each event name with its count 2–4 bytes. Tickets and survey answers
//! are rare and stored in full.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A change of a support ticket, from a `Ticket Created`/`Ticket Escalated`/`Ticket Solved`
/// event or the Zendesk webhook. Ordered so that the same ticket changed twice in the same
/// second settles on the later stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TicketChange {
    /// Opened (or re-opened).
    Created,
    /// Opened and escalated.
    Escalated,
    Solved,
}

impl TicketChange {
    fn code(self) -> u8 {
        match self {
            TicketChange::Created => 0,
            TicketChange::Escalated => 1,
            TicketChange::Solved => 2,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(TicketChange::Created),
            1 => Some(TicketChange::Escalated),
            2 => Some(TicketChange::Solved),
            _ => None,
        }
    }
}

/// A survey or NPS score, 0–10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NpsScore(u8);

impl NpsScore {
    /// `None` outside 0–10.
    pub fn new(score: u8) -> Option<Self> {
        (score <= 10).then_some(NpsScore(score))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// Why a rollup or a table refused a change, or stored bytes did not decode.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RollupError {
    #[error(
        "the tenant's table already holds {} names; no more can be added",
        u32::MAX
    )]
    TableFull,
    #[error("stored rollup is unreadable: {0} (expected bytes written by DayRollup::encode)")]
    Corrupt(&'static str),
}

/// A per-tenant table of names (user ids, event names) ↔ `u32` indexes. Stored as the list
/// of names in index order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<String>", into = "Vec<String>")]
pub struct Interner {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl From<Vec<String>> for Interner {
    fn from(names: Vec<String>) -> Self {
        let mut index = HashMap::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            if let Ok(i) = u32::try_from(i) {
                index.entry(name.clone()).or_insert(i);
            }
        }
        Interner { names, index }
    }
}

impl From<Interner> for Vec<String> {
    fn from(table: Interner) -> Self {
        table.names
    }
}

impl Interner {
    /// The index of `name`, added when new.
    pub fn intern(&mut self, name: &str) -> Result<u32, RollupError> {
        if let Some(&i) = self.index.get(name) {
            return Ok(i);
        }
        let i = u32::try_from(self.names.len()).map_err(|_| RollupError::TableFull)?;
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        Ok(i)
    }

    /// The index of a known name.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// The name of an index.
    pub fn name(&self, i: u32) -> Option<&str> {
        self.names.get(i as usize).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One account's day: the day is the tenant's calendar day the caller filed the events under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRollup {
    pub day: NaiveDate,
    /// Users (tenant user-table indexes) with a track, page or screen event, ascending:
    /// a sorted vector decodes without a node per user (the daily recompute reads 90 days
    /// of every account).
    active: Vec<u32>,
    /// Track events by event name (tenant event-table index) → count, ascending by name.
    events: Vec<(u32, u32)>,
    /// Ticket id → its last change of the day and when (Unix seconds).
    tickets: BTreeMap<String, (i64, TicketChange)>,
    /// Respondent (user index) → the last score of the day and when (Unix seconds).
    surveys: BTreeMap<u32, (i64, NpsScore)>,
}

impl DayRollup {
    pub fn new(day: NaiveDate) -> Self {
        DayRollup {
            day,
            active: Vec::new(),
            events: Vec::new(),
            tickets: BTreeMap::new(),
            surveys: BTreeMap::new(),
        }
    }

    /// A track, page or screen event of `user`.
    pub fn record_activity(&mut self, user: u32) {
        if let Err(at) = self.active.binary_search(&user) {
            self.active.insert(at, user);
        }
    }

    /// One more track event named `event`.
    pub fn record_event(&mut self, event: u32) {
        match self.events.binary_search_by_key(&event, |&(e, _)| e) {
            Ok(at) => self.events[at].1 = self.events[at].1.saturating_add(1),
            Err(at) => self.events.insert(at, (event, 1)),
        }
    }

    /// A ticket change at `at`; of several the same day, the latest in event time stays,
    /// whatever order they arrived in.
    pub fn record_ticket(&mut self, ticket: &str, change: TicketChange, at: DateTime<Utc>) {
        let new = (at.timestamp(), change);
        match self.tickets.get_mut(ticket) {
            Some(old) if *old >= new => {}
            Some(old) => *old = new,
            None => {
                self.tickets.insert(ticket.to_owned(), new);
            }
        }
    }

    /// A survey answer of `respondent` at `at`; the latest of the day stays.
    pub fn record_survey(&mut self, respondent: u32, score: NpsScore, at: DateTime<Utc>) {
        let new = (at.timestamp(), score);
        let old = self.surveys.entry(respondent).or_insert(new);
        if new > *old {
            *old = new;
        }
    }

    pub fn active_users(&self) -> impl Iterator<Item = u32> + '_ {
        self.active.iter().copied()
    }

    /// Whether `user` had a track, page or screen event that day.
    pub fn is_active(&self, user: u32) -> bool {
        self.active.binary_search(&user).is_ok()
    }

    /// Each event name (event-table index) the day had, with its count.
    pub fn event_counts(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.events.iter().copied()
    }

    /// How many `event` events the day had.
    pub fn event_count(&self, event: u32) -> u32 {
        self.events
            .binary_search_by_key(&event, |&(e, _)| e)
            .map_or(0, |at| self.events[at].1)
    }

    /// Ticket id, (when in Unix seconds, last change of the day).
    pub fn ticket_changes(&self) -> impl Iterator<Item = (&str, i64, TicketChange)> + '_ {
        self.tickets
            .iter()
            .map(|(id, &(at, c))| (id.as_str(), at, c))
    }

    /// Respondent, (when in Unix seconds, latest score of the day).
    pub fn survey_answers(&self) -> impl Iterator<Item = (u32, i64, NpsScore)> + '_ {
        self.surveys.iter().map(|(&u, &(at, s))| (u, at, s))
    }

    /// The compact bytes to store (see the module doc for the layout's size).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![FORMAT];
        put_signed(&mut out, i64::from(self.day.num_days_from_ce()));
        put_sorted(&mut out, self.active.iter().copied());
        put_sorted(&mut out, self.events.iter().map(|&(e, _)| e));
        for &(_, count) in &self.events {
            put(&mut out, u64::from(count));
        }
        put(&mut out, self.tickets.len() as u64);
        for (id, &(at, change)) in &self.tickets {
            put(&mut out, id.len() as u64);
            out.extend_from_slice(id.as_bytes());
            out.push(change.code());
            put_signed(&mut out, at);
        }
        put(&mut out, self.surveys.len() as u64);
        for (&user, &(at, score)) in &self.surveys {
            put(&mut out, u64::from(user));
            out.push(score.get());
            put_signed(&mut out, at);
        }
        out
    }

    /// Reads bytes written by [`DayRollup::encode`]; anything else is [`RollupError::Corrupt`].
    pub fn decode(bytes: &[u8]) -> Result<Self, RollupError> {
        let mut r = Reader { bytes, at: 0 };
        if r.byte()? != FORMAT {
            return Err(RollupError::Corrupt("unknown format version"));
        }
        let days = i32::try_from(r.signed()?).map_err(|_| RollupError::Corrupt("bad day"))?;
        let day =
            NaiveDate::from_num_days_from_ce_opt(days).ok_or(RollupError::Corrupt("bad day"))?;
        let mut rollup = DayRollup::new(day);
        rollup.active = r.sorted()?;
        for event in r.sorted()? {
            let count =
                u32::try_from(r.varint()?).map_err(|_| RollupError::Corrupt("bad count"))?;
            rollup.events.push((event, count));
        }
        for _ in 0..r.varint()? {
            let len =
                usize::try_from(r.varint()?).map_err(|_| RollupError::Corrupt("bad length"))?;
            let id = std::str::from_utf8(r.take(len)?)
                .map_err(|_| RollupError::Corrupt("ticket id is not UTF-8"))?
                .to_owned();
            let change = TicketChange::from_code(r.byte()?)
                .ok_or(RollupError::Corrupt("bad ticket change"))?;
            rollup.tickets.insert(id, (r.signed()?, change));
        }
        for _ in 0..r.varint()? {
            let user = u32::try_from(r.varint()?).map_err(|_| RollupError::Corrupt("bad user"))?;
            let score =
                NpsScore::new(r.byte()?).ok_or(RollupError::Corrupt("score outside 0–10"))?;
            rollup.surveys.insert(user, (r.signed()?, score));
        }
        if r.at != bytes.len() {
            return Err(RollupError::Corrupt("trailing bytes"));
        }
        Ok(rollup)
    }
}

/// The first byte of [`DayRollup::encode`]'s output.
const FORMAT: u8 = 1;

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_signed(out: &mut Vec<u8>, v: i64) {
    put(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// A count, then the first value and the differences between neighbours.
fn put_sorted(out: &mut Vec<u8>, values: impl ExactSizeIterator<Item = u32>) {
    put(out, values.len() as u64);
    let mut previous = 0;
    for v in values {
        put(out, u64::from(v - previous));
        previous = v;
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, RollupError> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or(RollupError::Corrupt("truncated"))?;
        self.at += 1;
        Ok(b)
    }

    fn take(&mut self, len: usize) -> Result<&[u8], RollupError> {
        let end = self.at.checked_add(len).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or(RollupError::Corrupt("truncated"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn varint(&mut self) -> Result<u64, RollupError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(RollupError::Corrupt("overlong number"))
    }

    fn signed(&mut self) -> Result<i64, RollupError> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn sorted(&mut self) -> Result<Vec<u32>, RollupError> {
        let count = self.varint()?;
        // Each value takes at least a byte: a count past what is left is corrupt, not memory.
        let left = (self.bytes.len() - self.at) as u64;
        let mut values = Vec::with_capacity(usize::try_from(count.min(left)).unwrap_or(0));
        let mut current = 0u32;
        for i in 0..count {
            let delta =
                u32::try_from(self.varint()?).map_err(|_| RollupError::Corrupt("bad index"))?;
            if i > 0 && delta == 0 {
                return Err(RollupError::Corrupt("repeated index"));
            }
            current = current
                .checked_add(delta)
                .ok_or(RollupError::Corrupt("bad index"))?;
            values.push(current);
        }
        Ok(values)
    }
}
