//! Purpose: `steward ingest FILE|-` — Segment-format JSON lines (one message, or one
//! `{"batch":[…]}`, per line) stored with the events API's rules: de-duplication, the time
//! window relative to `--now`, skipped messages counted by reason. For backfilling history
//! and replaying an export; stored in chunks, each one durable commit.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::body::{parse_line, MAX_REQUEST_BYTES};
use super::message::Message;
use crate::domain::tenant::TenantId;
use crate::store::ingest::{Delivery, Receipt};
use crate::store::{Store, StoreError};

/// Messages stored per commit.
const CHUNK: usize = 1_000;
/// At most this many refused lines are described one by one.
const SHOWN_ERRORS: usize = 10;

/// What a replay did, summed over its chunks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub receipt: Receipt,
    /// Lines refused whole (not JSON, over the limit), described for the first few.
    pub bad_lines: Vec<String>,
    pub bad_line_count: usize,
}

impl Summary {
    /// The closing line: `N accepted, M rejected, K unmatched`.
    pub fn last_line(&self) -> String {
        format!(
            "{} accepted, {} rejected, {} unmatched",
            self.receipt.accepted,
            self.receipt.rejected + self.bad_line_count,
            self.receipt.unmatched
        )
    }
}

/// Reads every line of `input` and stores its messages for `tenant` as received at `now`.
pub fn replay(
    store: &Store,
    tenant: &TenantId,
    zone: Tz,
    now: DateTime<Utc>,
    input: impl BufRead,
) -> Result<Summary, StoreError> {
    let mut summary = Summary::default();
    let mut chunk: Vec<Message> = Vec::new();
    let mut rejected: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut lines = Lines { input, number: 0 };
    while let Some(line) = lines.next_line() {
        let number = lines.number;
        let parsed = line
            .map_err(|why| why.to_string())
            .and_then(|bytes| parse_line(&bytes, now).map_err(|e| e.to_string()));
        match parsed {
            Ok(parsed) => {
                for (reason, n) in parsed.skipped_by_reason() {
                    *rejected.entry(reason).or_default() += n;
                }
                chunk.extend(parsed.accepted);
            }
            Err(why) => {
                summary.bad_line_count += 1;
                if summary.bad_lines.len() < SHOWN_ERRORS {
                    summary.bad_lines.push(format!("line {number}: {why}"));
                }
            }
        }
        if chunk.len() >= CHUNK {
            store_chunk(
                store,
                tenant,
                zone,
                now,
                &mut chunk,
                &mut rejected,
                &mut summary,
            )?;
        }
    }
    store_chunk(
        store,
        tenant,
        zone,
        now,
        &mut chunk,
        &mut rejected,
        &mut summary,
    )?;
    Ok(summary)
}

fn store_chunk(
    store: &Store,
    tenant: &TenantId,
    zone: Tz,
    now: DateTime<Utc>,
    chunk: &mut Vec<Message>,
    rejected: &mut BTreeMap<&'static str, usize>,
    summary: &mut Summary,
) -> Result<(), StoreError> {
    if chunk.is_empty() && rejected.is_empty() {
        return Ok(());
    }
    let delivery = Delivery {
        messages: chunk,
        rejected: std::mem::take(rejected),
        received: now,
        zone,
        key: None,
    };
    let receipt = store.ingest(tenant, &delivery)?;
    chunk.clear();
    let total = &mut summary.receipt;
    total.accepted += receipt.accepted;
    total.duplicates += receipt.duplicates;
    total.unmatched += receipt.unmatched;
    total.rejected += receipt.rejected;
    Ok(())
}

/// Why a line was refused before parsing.
#[derive(Debug)]
enum LineError {
    TooLong,
    Unreadable(std::io::Error),
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineError::TooLong => write!(
                f,
                "longer than {MAX_REQUEST_BYTES} bytes (500 KB); split its batch"
            ),
            LineError::Unreadable(e) => write!(f, "could not be read ({e})"),
        }
    }
}

/// Lines of at most [`MAX_REQUEST_BYTES`], numbered from 1; blank lines skipped. A longer
/// line is refused without being held in memory.
struct Lines<R> {
    input: R,
    number: usize,
}

impl<R: BufRead> Lines<R> {
    fn next_line(&mut self) -> Option<Result<Vec<u8>, LineError>> {
        loop {
            let mut line = Vec::new();
            let limit = MAX_REQUEST_BYTES as u64 + 1;
            match (&mut self.input).take(limit).read_until(b'\n', &mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(LineError::Unreadable(e))),
            }
            self.number += 1;
            if line.len() as u64 >= limit && line.last() != Some(&b'\n') {
                // Skip the rest of the long line.
                let mut rest = Vec::new();
                while let Ok(n) = (&mut self.input)
                    .take(64 * 1024)
                    .read_until(b'\n', &mut rest)
                {
                    if n == 0 || rest.last() == Some(&b'\n') {
                        break;
                    }
                    rest.clear();
                }
                return Some(Err(LineError::TooLong));
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Ok(line));
        }
    }
}
