//! Purpose: one Segment Tracking API message (`track`, `identify`, `group`, `page`, `screen`,
//! `alias`) as JSON → a typed [`Message`] with its event time, account ids and fact, or the
//! typed [`SkipReason`] it is skipped for (INGEST.md, "Endpoints" and "Which account").
//!
//! Field names, the `sentAt` clock-skew correction and the limits follow Segment's HTTP
//! Tracking API: <https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/>.
//! A field sent as `null` counts as absent; ids may be strings or numbers.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::fields::{compact_len, echo, field, id, object, text, time, whole};
use super::skip::SkipReason;
use crate::domain::signals::{NpsScore, TicketChange};

/// A message's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType {
    Track,
    Identify,
    Group,
    Page,
    Screen,
    Alias,
}

impl MessageType {
    pub const ALL: [MessageType; 6] = [
        MessageType::Track,
        MessageType::Identify,
        MessageType::Group,
        MessageType::Page,
        MessageType::Screen,
        MessageType::Alias,
    ];

    /// `track` … `alias`, as in `type` and in the route `/v1/track`.
    pub fn name(self) -> &'static str {
        match self {
            MessageType::Track => "track",
            MessageType::Identify => "identify",
            MessageType::Group => "group",
            MessageType::Page => "page",
            MessageType::Screen => "screen",
            MessageType::Alias => "alias",
        }
    }

    /// The type named `word` (any case).
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(word))
    }

    /// track, page and screen count as activity of their user (usage).
    pub fn is_activity(self) -> bool {
        matches!(
            self,
            MessageType::Track | MessageType::Page | MessageType::Screen
        )
    }
}

/// What de-duplicates a message within a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MessageId {
    /// The sender's `messageId` (a string of 1–100 characters).
    Given(String),
    /// SHA-256 (hex) of the type and the message's content without `sentAt` and `writeKey`
    /// (a retry sends the same content with another `sentAt`).
    Content(String),
}

impl MessageId {
    /// The key to store: `id:…` or `sha256:…`, so the two never collide.
    pub fn key(&self) -> String {
        match self {
            MessageId::Given(id) => format!("id:{id}"),
            MessageId::Content(hash) => format!("sha256:{hash}"),
        }
    }
}

/// What a track event says beyond its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    Plain,
    /// `Ticket Created`/`Ticket Escalated`/`Ticket Solved` with `properties.ticketId`.
    Ticket {
        id: String,
        change: TicketChange,
    },
    /// `NPS Submitted`/`Survey Responded` with `properties.score`.
    Survey(NpsScore),
}

/// What a message tells, by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    Track {
        event: String,
        detail: Detail,
    },
    Page {
        name: Option<String>,
    },
    Screen {
        name: Option<String>,
    },
    /// `traits.email`, kept for matching stakeholders.
    Identify {
        email: Option<String>,
    },
    /// `seats` from the traits `seats`, `licenses` or `employees_licensed` (first given).
    Group {
        group_id: String,
        seats: Option<u32>,
    },
    Alias {
        previous_id: Option<String>,
    },
}

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The events API or `steward ingest`: sent on behalf of a user of the product.
    Events,
    /// The Zendesk webhook: a help desk's report about a ticket, no user's activity.
    Zendesk,
}

/// An accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: MessageId,
    pub origin: Origin,
    pub kind: MessageType,
    pub user_id: Option<String>,
    pub anonymous_id: Option<String>,
    /// The event's time, corrected for the sender's clock skew.
    pub at: DateTime<Utc>,
    /// Account ids to match, best first: `groupId` of a group call; `context.groupId`,
    /// `properties.accountId`, `properties.groupId` of track/page/screen; `traits.company.id`,
    /// `traits.groupId`, `context.groupId` of identify.
    pub account_ids: Vec<String>,
    pub fact: Fact,
}

/// The user id of every ticket change the Zendesk webhook reports.
pub const ZENDESK_USER: &str = "zendesk";

impl Message {
    /// The user the event is about: `userId`, else `anonymousId` (one is always there).
    pub fn actor(&self) -> &str {
        self.user_id
            .as_deref()
            .or(self.anonymous_id.as_deref())
            .unwrap_or_default()
    }

    /// Whether the message is activity of its user (the usage signal, "gone quiet"): a
    /// track, page or screen event of the events API. A help desk's ticket change is not:
    /// it feeds the tickets signal only.
    pub fn is_activity(&self) -> bool {
        self.kind.is_activity() && self.origin == Origin::Events
    }

    /// A ticket change the Zendesk webhook reported at `at`: the track event `Ticket
    /// Created`, `Ticket Escalated` or `Ticket Solved` of [`ZENDESK_USER`], exactly as the
    /// events API would carry it, matched by `account_ids` (best first) and de-duplicated by
    /// `id`.
    pub fn zendesk_ticket(
        id: MessageId,
        ticket: String,
        change: TicketChange,
        at: DateTime<Utc>,
        account_ids: Vec<String>,
    ) -> Message {
        let event = TICKETS
            .iter()
            .find(|(_, c)| *c == change)
            .map_or("Ticket Created", |(name, _)| *name);
        Message {
            id,
            origin: Origin::Zendesk,
            kind: MessageType::Track,
            user_id: Some(ZENDESK_USER.to_string()),
            anonymous_id: None,
            at,
            account_ids,
            fact: Fact::Track {
                event: event.to_string(),
                detail: Detail::Ticket { id: ticket, change },
            },
        }
    }
}

/// At most this many bytes per message (compact JSON), as Segment: 32 KB.
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024;
/// A `messageId` longer than this is replaced by the content hash.
pub const MAX_MESSAGE_ID_CHARS: usize = 100;
/// Events dated further back than this are rejected.
pub const MAX_DAYS_BACK: i64 = 400;
/// Events dated further ahead than this are rejected.
pub const MAX_DAYS_AHEAD: i64 = 1;

/// What the body around a message adds: the batch's `sentAt` and `context.groupId`, and
/// when the request arrived.
#[derive(Debug, Clone)]
pub(super) struct Envelope {
    pub sent_at: Option<DateTime<Utc>>,
    pub group_id: Option<String>,
    pub received: DateTime<Utc>,
}

/// One message; `route` is the type of a single-message route (it wins over `type`).
pub(super) fn parse_message(
    value: &Value,
    route: Option<MessageType>,
    envelope: &Envelope,
) -> Result<Message, SkipReason> {
    let m = value.as_object().ok_or(SkipReason::NotAnObject)?;
    let bytes = compact_len(value);
    if bytes > MAX_MESSAGE_BYTES {
        return Err(SkipReason::TooLarge { bytes });
    }
    let kind = match route {
        Some(kind) => kind,
        None => {
            let word = text(m, "type", "type")?.ok_or(SkipReason::MissingType)?;
            MessageType::parse(word).ok_or_else(|| SkipReason::UnknownType(echo(word)))?
        }
    };
    let user_id = id(m, "userId", "userId")?;
    let anonymous_id = id(m, "anonymousId", "anonymousId")?;
    if user_id.is_none() && anonymous_id.is_none() {
        return Err(SkipReason::MissingUser);
    }
    let properties = object(m, "properties", "properties")?;
    let traits = object(m, "traits", "traits")?;
    let context = object(m, "context", "context")?;
    let context_group = match context {
        Some(c) => id(c, "groupId", "context.groupId")?,
        None => None,
    }
    .or_else(|| envelope.group_id.clone());
    let mut account_ids = Vec::new();
    let fact = match kind {
        MessageType::Track | MessageType::Page | MessageType::Screen => {
            account_ids.extend(context_group);
            if let Some(p) = properties {
                account_ids.extend(id(p, "accountId", "properties.accountId")?);
                account_ids.extend(id(p, "groupId", "properties.groupId")?);
            }
            let name = text(m, "name", "name")?.map(str::to_owned);
            match kind {
                MessageType::Page => Fact::Page { name },
                MessageType::Screen => Fact::Screen { name },
                _ => {
                    let event = text(m, "event", "event")?.ok_or(SkipReason::MissingEvent)?;
                    let detail = detail(event, properties)?;
                    Fact::Track {
                        event: event.to_owned(),
                        detail,
                    }
                }
            }
        }
        MessageType::Identify => {
            if let Some(t) = traits {
                if let Some(company) = object(t, "company", "traits.company")? {
                    account_ids.extend(id(company, "id", "traits.company.id")?);
                }
                account_ids.extend(id(t, "groupId", "traits.groupId")?);
            }
            account_ids.extend(context_group);
            let email = match traits {
                Some(t) => text(t, "email", "traits.email")?.map(str::to_owned),
                None => None,
            };
            Fact::Identify { email }
        }
        MessageType::Group => {
            let group_id = id(m, "groupId", "groupId")?.ok_or(SkipReason::MissingGroupId)?;
            account_ids.push(group_id.clone());
            Fact::Group {
                group_id,
                seats: traits.map(seats).transpose()?.flatten(),
            }
        }
        MessageType::Alias => Fact::Alias {
            previous_id: id(m, "previousId", "previousId")?,
        },
    };
    Ok(Message {
        id: message_id(m, kind),
        origin: Origin::Events,
        kind,
        user_id,
        anonymous_id,
        at: event_time(m, envelope)?,
        account_ids,
        fact,
    })
}

fn seats(traits: &Map<String, Value>) -> Result<Option<u32>, SkipReason> {
    const KEYS: [(&str, &str); 3] = [
        ("seats", "traits.seats"),
        ("licenses", "traits.licenses"),
        ("employees_licensed", "traits.employees_licensed"),
    ];
    for (key, path) in KEYS {
        if let Some(v) = field(traits, key) {
            let n = whole(v, path, u64::from(u32::MAX), "0 or more seats")?;
            return Ok(u32::try_from(n).ok());
        }
    }
    Ok(None)
}

const TICKETS: [(&str, TicketChange); 3] = [
    ("Ticket Created", TicketChange::Created),
    ("Ticket Escalated", TicketChange::Escalated),
    ("Ticket Solved", TicketChange::Solved),
];
const SURVEYS: [&str; 2] = ["NPS Submitted", "Survey Responded"];

fn detail(event: &str, properties: Option<&Map<String, Value>>) -> Result<Detail, SkipReason> {
    let empty = Map::new();
    let p = properties.unwrap_or(&empty);
    if let Some(&(name, change)) = TICKETS.iter().find(|(n, _)| n.eq_ignore_ascii_case(event)) {
        let id = id(p, "ticketId", "properties.ticketId")?;
        let id = id.ok_or(SkipReason::MissingTicketId { event: name })?;
        return Ok(Detail::Ticket { id, change });
    }
    if let Some(&name) = SURVEYS.iter().find(|n| n.eq_ignore_ascii_case(event)) {
        let v = field(p, "score").ok_or(SkipReason::MissingScore { event: name })?;
        let n = whole(v, "properties.score", 10, "0–10")?;
        let score = u8::try_from(n).ok().and_then(NpsScore::new);
        return score
            .map(Detail::Survey)
            .ok_or(SkipReason::MissingScore { event: name });
    }
    Ok(Detail::Plain)
}

/// `timestamp`, corrected as Segment does when `sentAt` (the message's, else the batch's) is
/// there: `received - (sentAt - timestamp)`; without `timestamp`, the time received.
fn event_time(m: &Map<String, Value>, envelope: &Envelope) -> Result<DateTime<Utc>, SkipReason> {
    let received = envelope.received;
    let timestamp = time(m, "timestamp")?;
    let sent_at = time(m, "sentAt")?.or(envelope.sent_at);
    let at = match (timestamp, sent_at) {
        (None, _) => Some(received),
        (Some(t), None) => Some(t),
        (Some(t), Some(sent)) => received.checked_sub_signed(sent.signed_duration_since(t)),
    };
    let earliest = received.checked_sub_signed(Duration::days(MAX_DAYS_BACK));
    let latest = received.checked_add_signed(Duration::days(MAX_DAYS_AHEAD));
    match (at, earliest, latest) {
        (Some(at), Some(earliest), Some(latest)) if at >= earliest && at <= latest => Ok(at),
        (at, ..) => Err(SkipReason::OutOfWindow {
            at: at.map_or_else(|| "beyond the calendar".into(), |t| t.to_rfc3339()),
            received,
        }),
    }
}

fn message_id(m: &Map<String, Value>, kind: MessageType) -> MessageId {
    if let Some(Value::String(id)) = field(m, "messageId") {
        if !id.is_empty() && id.chars().count() <= MAX_MESSAGE_ID_CHARS {
            return MessageId::Given(id.clone());
        }
    }
    let mut content = m.clone();
    content.remove("sentAt");
    content.remove("writeKey");
    let mut hash = Sha256::new();
    hash.update(kind.name().as_bytes());
    // Serialising a `Value` to a hasher cannot fail; should it, the hash is of the type alone.
    let _ = serde_json::to_writer(HashWriter(&mut hash), &content);
    MessageId::Content(hex::encode(hash.finalize()))
}

struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
