//! Purpose: the events API adapter (INGEST.md) — the Segment-compatible routes (`POST
//! /v1/batch`, `/v1/track` … `/v1/alias`) with write-key auth and the per-key rate limit
//! ([`routes`]), what a request carries besides messages: Basic auth, gzip ([`request`]),
//! request bodies and their limits ([`body`]), one message → a typed fact ([`message`]) or
//! the reason it is skipped ([`skip`]), an accepted message folded into its account's day
//! rollup (`Message::fold_into`), `steward ingest`'s JSON lines ([`replay`]), and the Zendesk
//! webhook (`POST /ingest/zendesk`, [`zendesk`]), whose ticket changes become the same
//! messages. Parsing is pure: the time received is an argument; the store keeps what it yields. Field names and limits follow Segment's HTTP Tracking API:
//! <https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/>.

pub mod body;
mod fields;
mod fold;
pub mod message;
pub mod replay;
pub mod request;
pub mod routes;
pub mod skip;
pub mod zendesk;

pub use body::{
    parse_batch, parse_line, parse_single, BodyError, Parsed, Skipped, MAX_BATCH_MESSAGES,
    MAX_REQUEST_BYTES,
};
pub use message::{
    Detail, Fact, Message, MessageId, MessageType, Origin, MAX_DAYS_AHEAD, MAX_DAYS_BACK,
    MAX_MESSAGE_BYTES, MAX_MESSAGE_ID_CHARS, ZENDESK_USER,
};
pub use skip::SkipReason;

#[cfg(test)]
mod hostile;
#[cfg(test)]
mod tests;
