//! The events API adapter: it will own the Segment-compatible routes (`POST /v1/batch`,
//! `/v1/track` … `/v1/alias`), write-key auth, parsing and limits (INGEST.md). For now it
//! holds the parsing: request bodies and their limits ([`body`]) and one message → a typed
//! fact ([`message`]) or the reason it is skipped ([`skip`]), and an accepted message folded
//! into its account's day rollup (`Message::fold_into`). Pure: the time received is an
//! argument. Field names and limits follow Segment's HTTP Tracking API:
//! <https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/>.

pub mod body;
mod fields;
mod fold;
pub mod message;
pub mod replay;
pub mod request;
pub mod skip;

pub use body::{
    parse_batch, parse_line, parse_single, BodyError, Parsed, Skipped, MAX_BATCH_MESSAGES,
    MAX_REQUEST_BYTES,
};
pub use message::{
    Detail, Fact, Message, MessageId, MessageType, MAX_DAYS_AHEAD, MAX_DAYS_BACK,
    MAX_MESSAGE_BYTES, MAX_MESSAGE_ID_CHARS,
};
pub use skip::SkipReason;

#[cfg(test)]
mod hostile;
#[cfg(test)]
mod tests;
