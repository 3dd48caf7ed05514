//! Purpose: customer channels (DECISIONS 28–29) — the metadata Steward keeps of a linked
//! channel's messages (never their text), business hours, and the signals read from them:
//! last customer message, last team reply, who is waiting for a reply, first-response times.
//! Pure: time comes in as an argument.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use super::error::DomainError;
use super::schedule::{parse_time, Days};

/// Who wrote a message in a customer channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    Customer,
    Team,
}

/// One message of a linked channel, as stored: metadata only, never the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelMessage {
    /// The platform's message id (Slack `ts`, Discord snowflake).
    pub id: String,
    pub channel: String,
    /// The thread it was posted in (its root message's id), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    /// The author's chat user id.
    pub author: String,
    pub side: Side,
    pub at: DateTime<Utc>,
}

/// Business hours: weekdays and a daily window in the tenant's time zone (DECISIONS 29).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusinessHours {
    pub days: Days,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for BusinessHours {
    /// Monday–Friday 09:00–17:00.
    fn default() -> Self {
        BusinessHours {
            days: Days::WEEKDAYS,
            start: NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
            end: NaiveTime::from_hms_opt(17, 0, 0).expect("valid"),
        }
    }
}

/// How long a customer may wait for a team reply before *customer waiting* fires.
pub const WAITING_AFTER_BUSINESS_HOURS: i64 = 4;
/// Response times and message counts look back this many days.
pub const WINDOW_DAYS: i64 = 30;
/// Days are summed at most this far (a message older than this has waited "very long").
const MAX_SPAN_DAYS: i64 = 400;

impl BusinessHours {
    /// `mon-fri 08:00-18:00` (days as `/steward subscribe` takes them, DECISIONS 7).
    pub fn parse(days: &str, window: &str) -> Result<Self, DomainError> {
        let bad = || {
            DomainError::invalid(
                "hours",
                format!("\"{window}\" is not a window of the day"),
                "/steward hours mon-fri 08:00-18:00",
            )
        };
        let days = Days::parse(days)?;
        let (start, end) = window.split_once('-').ok_or_else(bad)?;
        let (start, end) = (parse_time(start)?, parse_time(end)?);
        if start >= end {
            return Err(DomainError::invalid(
                "hours",
                format!("{window} ends before it starts"),
                "/steward hours mon-fri 08:00-18:00",
            ));
        }
        Ok(BusinessHours { days, start, end })
    }

    /// Reads what [`BusinessHours::describe`] wrote; the default when absent or unreadable.
    pub fn from_setting(setting: Option<&str>) -> Self {
        setting
            .and_then(|s| s.split_once(' '))
            .and_then(|(days, window)| BusinessHours::parse(days, window).ok())
            .unwrap_or_default()
    }

    /// `mon-fri 09:00-17:00`.
    pub fn describe(&self) -> String {
        format!(
            "{} {}-{}",
            self.days.describe(),
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }

    /// The business window of local day `date` in UTC, if `date` is a business day. A time
    /// skipped by a DST change moves to the first valid minute after it; one that occurs
    /// twice counts from its first occurrence.
    fn window(&self, date: NaiveDate, zone: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.days.contains(date.weekday()) {
            return None;
        }
        let at = |time: NaiveTime| {
            let local = date.and_time(time);
            (0..=180).find_map(|minutes| {
                match zone.from_local_datetime(&(local + Duration::minutes(minutes))) {
                    LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
                    LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
                    LocalResult::None => None,
                }
            })
        };
        let (start, end) = (at(self.start)?, at(self.end)?);
        (start < end).then_some((start, end))
    }

    /// Business time from `from` to `to` (zero when `to` is not after `from`).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>, zone: Tz) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        let first = from.with_timezone(&zone).date_naive();
        let last = to.with_timezone(&zone).date_naive();
        let last = last.min(first + Duration::days(MAX_SPAN_DAYS));
        let mut total = Duration::zero();
        let mut day = first;
        while day <= last {
            if let Some((start, end)) = self.window(day, zone) {
                let (a, b) = (start.max(from), end.min(to));
                if b > a {
                    total += b - a;
                }
            }
            day += Duration::days(1);
        }
        total
    }

    /// The instant `from` plus `business` business time, if within [`MAX_SPAN_DAYS`].
    pub fn after(
        &self,
        from: DateTime<Utc>,
        business: Duration,
        zone: Tz,
    ) -> Option<DateTime<Utc>> {
        let mut left = business;
        let mut day = from.with_timezone(&zone).date_naive();
        for _ in 0..=MAX_SPAN_DAYS {
            if let Some((start, end)) = self.window(day, zone) {
                let a = start.max(from);
                if end > a {
                    if end - a >= left {
                        return Some(a + left);
                    }
                    left -= end - a;
                }
            }
            day += Duration::days(1);
        }
        None
    }
}

/// A customer message (or thread) still without a team reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// The first unanswered customer message.
    pub message: ChannelMessage,
    /// Business time it has waited until `now`.
    pub waited: Duration,
}

/// What an account's customer channels say, at `now`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelSignals {
    pub last_customer: Option<DateTime<Utc>>,
    pub last_team: Option<DateTime<Utc>>,
    /// Customer messages of the last 30 days.
    pub customer_messages: usize,
    /// Median business time to the first team reply, over customer messages of the last 30
    /// days that got one.
    pub median_first_response: Option<Duration>,
    /// Unanswered customer messages and threads, oldest first.
    pub waiting: Vec<Waiting>,
}

impl ChannelSignals {
    /// Unanswered for more than 4 business hours: *customer waiting*.
    pub fn overdue(&self) -> impl Iterator<Item = &Waiting> {
        self.waiting
            .iter()
            .filter(|w| w.waited > Duration::hours(WAITING_AFTER_BUSINESS_HOURS))
    }
}

/// Where an answer to a message counts: its thread, or the channel's top level.
type Place = (String, Option<String>);

/// Reads the messages of an account's channels (any order) at `now`. A team message at the
/// top level answers the channel's waiting top-level customer messages; one in a thread
/// answers the thread, and its root when the root is waiting. Each run of unanswered
/// customer messages in one place is one wait, from its first message.
pub fn signals(
    messages: &[ChannelMessage],
    now: DateTime<Utc>,
    hours: &BusinessHours,
    zone: Tz,
) -> ChannelSignals {
    let mut sorted: Vec<&ChannelMessage> = messages.iter().filter(|m| m.at <= now).collect();
    sorted.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    let since = now - Duration::days(WINDOW_DAYS);
    let mut out = ChannelSignals::default();
    // The first unanswered customer message of each place, and the top-level ids in it.
    let mut open: BTreeMap<Place, (&ChannelMessage, BTreeSet<&str>)> = BTreeMap::new();
    let mut responses: Vec<Duration> = Vec::new();
    for m in sorted {
        let place: Place = (m.channel.clone(), m.thread.clone());
        match m.side {
            Side::Customer => {
                out.last_customer = Some(m.at);
                if m.at >= since {
                    out.customer_messages += 1;
                }
                let entry = open.entry(place).or_insert((m, BTreeSet::new()));
                if m.thread.is_none() {
                    entry.1.insert(m.id.as_str());
                }
            }
            Side::Team => {
                out.last_team = Some(m.at);
                let mut answered = vec![place.clone()];
                if let Some(root) = &m.thread {
                    let top: Place = (m.channel.clone(), None);
                    if open
                        .get(&top)
                        .is_some_and(|(_, ids)| ids.contains(root.as_str()))
                    {
                        answered.push(top);
                    }
                }
                for place in answered {
                    if let Some((first, _)) = open.remove(&place) {
                        if first.at >= since {
                            responses.push(hours.between(first.at, m.at, zone));
                        }
                    }
                }
            }
        }
    }
    responses.sort();
    out.median_first_response = median(&responses);
    let mut waiting: Vec<Waiting> = open
        .into_values()
        .map(|(first, _)| Waiting {
            message: first.clone(),
            waited: hours.between(first.at, now, zone),
        })
        .collect();
    waiting.sort_by_key(|w| w.message.at);
    out.waiting = waiting;
    out
}

/// The median of sorted durations (the mean of the middle two for an even count).
fn median(sorted: &[Duration]) -> Option<Duration> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

/// `3 h`, `45 min`, `2 d` — how long ago or how long, in a word.
pub fn short_span(span: Duration) -> String {
    let minutes = span.num_minutes().max(0);
    match minutes {
        m if m < 60 => format!("{m} min"),
        m if m < 48 * 60 => format!("{} h", m / 60),
        m => format!("{} d", m / (24 * 60)),
    }
}

/// A business duration: `2 h 30 min`, `45 min`.
pub fn business_span(span: Duration) -> String {
    let minutes = span.num_minutes().max(0);
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} business h"),
        (h, m) => format!("{h} business h {m} min"),
    }
}

/// The `/account show` line: `last message 3 h ago, waiting for a reply`.
pub fn show_line(signals: &ChannelSignals, now: DateTime<Utc>) -> String {
    let mut parts = Vec::new();
    match signals.last_customer {
        Some(at) => parts.push(format!("last message {} ago", short_span(now - at))),
        None => parts.push("no customer message yet".into()),
    }
    if let Some(w) = signals.waiting.first() {
        parts.push(format!(
            "waiting for a reply ({} business h)",
            w.waited.num_hours()
        ));
    } else if signals.last_customer.is_some() {
        parts.push("answered".into());
    }
    if let Some(median) = signals.median_first_response {
        parts.push(format!("median first response {}", business_span(median)));
    }
    parts.push(format!(
        "{} customer messages in 30 days",
        signals.customer_messages
    ));
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid")
    }

    fn msg(id: &str, thread: Option<&str>, side: Side, at: DateTime<Utc>) -> ChannelMessage {
        ChannelMessage {
            id: id.into(),
            channel: "C1".into(),
            thread: thread.map(str::to_string),
            author: match side {
                Side::Customer => "UC".into(),
                Side::Team => "UT".into(),
            },
            side,
            at,
        }
    }

    const UTC: Tz = chrono_tz::UTC;

    #[test]
    fn business_time_within_a_day_across_nights_and_weekends() {
        let h = BusinessHours::default();
        // Monday 2026-03-02.
        assert_eq!(
            h.between(utc(2026, 3, 2, 10, 0), utc(2026, 3, 2, 12, 30), UTC),
            Duration::minutes(150)
        );
        // Before opening and after closing count nothing.
        assert_eq!(
            h.between(utc(2026, 3, 2, 6, 0), utc(2026, 3, 2, 9, 0), UTC),
            Duration::zero()
        );
        assert_eq!(
            h.between(utc(2026, 3, 2, 17, 0), utc(2026, 3, 3, 9, 0), UTC),
            Duration::zero()
        );
        // Friday 16:00 to Monday 11:00: 1 h on Friday, 2 h on Monday.
        assert_eq!(
            h.between(utc(2026, 3, 6, 16, 0), utc(2026, 3, 9, 11, 0), UTC),
            Duration::hours(3)
        );
        // A message on Saturday waits from Monday 09:00.
        assert_eq!(
            h.between(utc(2026, 3, 7, 12, 0), utc(2026, 3, 9, 13, 0), UTC),
            Duration::hours(4)
        );
        // Backwards is zero.
        assert_eq!(
            h.between(utc(2026, 3, 3, 12, 0), utc(2026, 3, 2, 12, 0), UTC),
            Duration::zero()
        );
        // A full week is five days of eight hours.
        assert_eq!(
            h.between(utc(2026, 3, 2, 0, 0), utc(2026, 3, 9, 0, 0), UTC),
            Duration::hours(40)
        );
    }

    #[test]
    fn four_business_hours_after_a_late_message_falls_the_next_morning() {
        let h = BusinessHours::default();
        // Monday 15:00 + 4 h: 2 h on Monday, 2 h on Tuesday → Tuesday 11:00.
        assert_eq!(
            h.after(utc(2026, 3, 2, 15, 0), Duration::hours(4), UTC),
            Some(utc(2026, 3, 3, 11, 0))
        );
        // Friday 16:00 + 4 h → Monday 12:00.
        assert_eq!(
            h.after(utc(2026, 3, 6, 16, 0), Duration::hours(4), UTC),
            Some(utc(2026, 3, 9, 12, 0))
        );
        // Sunday night → Monday 13:00.
        assert_eq!(
            h.after(utc(2026, 3, 8, 23, 0), Duration::hours(4), UTC),
            Some(utc(2026, 3, 9, 13, 0))
        );
    }

    #[test]
    fn business_hours_follow_the_tenant_time_zone() {
        let h = BusinessHours::default();
        let ny: Tz = "America/New_York".parse().expect("zone");
        // 2026-03-02 is in EST (UTC-5): 09:00 local is 14:00 UTC.
        assert_eq!(
            h.between(utc(2026, 3, 2, 13, 0), utc(2026, 3, 2, 15, 0), ny),
            Duration::hours(1)
        );
        let tokyo: Tz = "Asia/Tokyo".parse().expect("zone");
        // Monday 09:00–17:00 JST is Monday 00:00–08:00 UTC; Sunday 23:00 UTC is Monday 08:00 JST.
        assert_eq!(
            h.between(utc(2026, 3, 1, 23, 0), utc(2026, 3, 2, 1, 0), tokyo),
            Duration::hours(1)
        );
    }

    #[test]
    fn dst_changes_keep_the_local_window() {
        let h = BusinessHours::default();
        let ny: Tz = "America/New_York".parse().expect("zone");
        // Sunday 2026-03-08 clocks go forward. Friday 6th 09:00 EST = 14:00 UTC; Monday 9th
        // 09:00 EDT = 13:00 UTC. Friday 16:00 EST → Monday 10:00 EDT: 1 h + 1 h.
        assert_eq!(
            h.between(utc(2026, 3, 6, 21, 0), utc(2026, 3, 9, 14, 0), ny),
            Duration::hours(2)
        );
        assert_eq!(
            h.after(utc(2026, 3, 6, 21, 0), Duration::hours(4), ny),
            Some(utc(2026, 3, 9, 16, 0))
        );
        // A window that contains the change: hours from 00:00 to 04:00 on the Sunday the
        // clocks go forward at 02:00 last 3 h.
        let night = BusinessHours::parse("sun", "00:00-04:00").expect("valid");
        assert_eq!(
            night.between(utc(2026, 3, 8, 0, 0), utc(2026, 3, 9, 0, 0), ny),
            Duration::hours(3)
        );
        // …and 5 h when they go back (2026-11-01).
        assert_eq!(
            night.between(utc(2026, 11, 1, 0, 0), utc(2026, 11, 2, 0, 0), ny),
            Duration::hours(5)
        );
        let berlin: Tz = "Europe/Berlin".parse().expect("zone");
        // 2026-03-29 Berlin goes to CEST on a Sunday: Friday 27th 16:00 CET (15:00 UTC) to
        // Monday 30th 10:00 CEST (08:00 UTC) is 2 business hours.
        assert_eq!(
            h.between(utc(2026, 3, 27, 15, 0), utc(2026, 3, 30, 8, 0), berlin),
            Duration::hours(2)
        );
    }

    #[test]
    fn hours_parse_and_describe() {
        let h = BusinessHours::parse("mon-fri", "08:00-18:00").expect("valid");
        assert_eq!(h.describe(), "mon-fri 08:00-18:00");
        assert_eq!(BusinessHours::from_setting(Some("mon-fri 08:00-18:00")), h);
        assert_eq!(
            BusinessHours::from_setting(None).describe(),
            "mon-fri 09:00-17:00"
        );
        assert!(BusinessHours::parse("mon-fri", "18:00-08:00").is_err());
        assert!(BusinessHours::parse("mon-fri", "9-5").is_err());
        assert!(BusinessHours::parse("someday", "09:00-17:00").is_err());
        let sat = BusinessHours::parse("sat,sun", "10:00-12:00").expect("valid");
        assert_eq!(
            sat.between(utc(2026, 3, 2, 0, 0), utc(2026, 3, 9, 0, 0), UTC),
            Duration::hours(4)
        );
    }

    #[test]
    fn a_customer_message_waits_until_the_first_team_reply() {
        let h = BusinessHours::default();
        let asked = utc(2026, 3, 2, 10, 0);
        let messages = vec![
            msg("1", None, Side::Customer, asked),
            msg("2", None, Side::Customer, utc(2026, 3, 2, 10, 5)),
        ];
        let s = signals(&messages, utc(2026, 3, 2, 14, 0), &h, UTC);
        assert_eq!(s.waiting.len(), 1, "one run of messages is one wait");
        assert_eq!(s.waiting[0].message.id, "1");
        assert_eq!(s.overdue().count(), 0, "exactly 4 h is not more than 4 h");
        let later = signals(&messages, utc(2026, 3, 2, 14, 1), &h, UTC);
        assert_eq!(later.overdue().count(), 1);
        assert_eq!(later.customer_messages, 2);
        // A team reply in the thread of the first message answers it.
        let mut answered = messages.clone();
        answered.push(msg("3", Some("1"), Side::Team, utc(2026, 3, 2, 15, 0)));
        let s = signals(&answered, utc(2026, 3, 3, 15, 0), &h, UTC);
        assert!(s.waiting.is_empty(), "{s:?}");
        assert_eq!(s.median_first_response, Some(Duration::hours(5)));
        assert_eq!(s.last_team, Some(utc(2026, 3, 2, 15, 0)));
        assert_eq!(s.last_customer, Some(utc(2026, 3, 2, 10, 5)));
    }

    #[test]
    fn threads_wait_on_their_own_and_a_top_level_reply_does_not_answer_a_thread() {
        let h = BusinessHours::default();
        let messages = vec![
            msg("1", None, Side::Team, utc(2026, 3, 2, 9, 0)),
            msg("2", Some("1"), Side::Customer, utc(2026, 3, 2, 9, 30)),
            msg("3", None, Side::Team, utc(2026, 3, 2, 10, 0)),
        ];
        let s = signals(&messages, utc(2026, 3, 2, 16, 0), &h, UTC);
        assert_eq!(s.waiting.len(), 1);
        assert_eq!(s.waiting[0].message.thread.as_deref(), Some("1"));
        assert_eq!(s.overdue().count(), 1);
        let mut replied = messages.clone();
        replied.push(msg("4", Some("1"), Side::Team, utc(2026, 3, 2, 16, 30)));
        let s = signals(&replied, utc(2026, 3, 2, 17, 0), &h, UTC);
        assert!(s.waiting.is_empty());
        assert_eq!(s.median_first_response, Some(Duration::hours(7)));
    }

    #[test]
    fn median_first_response_over_thirty_days() {
        let h = BusinessHours::default();
        let mut messages = Vec::new();
        // Three answered questions (1 h, 2 h, 6 h) this month; one from 40 days ago (answered
        // in 8 h) does not count.
        for (i, (day, wait)) in [(2u32, 1i64), (3, 2), (4, 6)].into_iter().enumerate() {
            let asked = utc(2026, 3, day, 9, 0);
            messages.push(msg(&format!("q{i}"), None, Side::Customer, asked));
            messages.push(msg(
                &format!("a{i}"),
                None,
                Side::Team,
                asked + Duration::hours(wait),
            ));
        }
        messages.push(msg("old", None, Side::Customer, utc(2026, 1, 20, 9, 0)));
        messages.push(msg("oldr", None, Side::Team, utc(2026, 1, 21, 9, 0)));
        let s = signals(&messages, utc(2026, 3, 5, 9, 0), &h, UTC);
        assert_eq!(s.median_first_response, Some(Duration::hours(2)));
        assert_eq!(s.customer_messages, 3);
        assert_eq!(
            median(&[Duration::hours(1), Duration::hours(3)]),
            Some(Duration::hours(2))
        );
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn the_show_line() {
        let h = BusinessHours::default();
        let now = utc(2026, 3, 2, 15, 0);
        let s = signals(
            &[msg("1", None, Side::Customer, utc(2026, 3, 2, 12, 0))],
            now,
            &h,
            UTC,
        );
        assert_eq!(
            show_line(&s, now),
            "last message 3 h ago, waiting for a reply (3 business h), 1 customer messages in 30 days"
        );
    }
}
