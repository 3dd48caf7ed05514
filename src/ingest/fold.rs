//! Purpose: an accepted message → its account's day rollup: the tenant's calendar day it
//! falls on, and what it adds — activity of its user (track, page, screen; not a help desk's
//! ticket change), a count for its event name (track), a ticket change or a survey score. Identify, group and alias add
//! nothing to a rollup: they link users, set seats and keep e-mails (stored elsewhere).

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::message::{Detail, Fact, Message};
use crate::domain::signals::{DayRollup, Feed, Interner, RollupError};

impl Message {
    /// The calendar day in the tenant's time zone whose rollup this message belongs to.
    pub fn day(&self, zone: Tz) -> NaiveDate {
        self.at.with_timezone(&zone).date_naive()
    }

    /// What this message feeds: activity (track, page, screen), a track event, a ticket
    /// change, a survey answer.
    pub fn feeds(&self) -> Vec<Feed> {
        let mut feeds = Vec::new();
        if self.is_activity() {
            feeds.push(Feed::Activity);
        }
        if let Fact::Track { detail, .. } = &self.fact {
            feeds.push(Feed::Track);
            match detail {
                Detail::Plain => {}
                Detail::Ticket { .. } => feeds.push(Feed::Ticket),
                Detail::Survey(_) => feeds.push(Feed::Survey),
            }
        }
        feeds
    }

    /// Adds this message to `rollup` (the rollup of [`Message::day`] of one account it was
    /// matched to), interning its user and event name in the tenant's tables.
    pub fn fold_into(
        &self,
        rollup: &mut DayRollup,
        users: &mut Interner,
        events: &mut Interner,
    ) -> Result<(), RollupError> {
        if !self.kind.is_activity() {
            return Ok(());
        }
        let user = users.intern(self.actor())?;
        if self.is_activity() {
            rollup.record_activity(user);
        }
        if let Fact::Track { event, detail } = &self.fact {
            rollup.record_event(events.intern(event)?);
            match detail {
                Detail::Plain => {}
                Detail::Ticket { id, change } => rollup.record_ticket(id, *change, self.at),
                Detail::Survey(score) => rollup.record_survey(user, *score, self.at),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{TimeZone, Utc};
    use serde_json::json;

    use super::super::parse_batch;
    use super::*;
    use crate::domain::health::TicketTrend;
    use crate::domain::signals::{nps, tickets, usage, DataSignals, Feature, TicketChange};

    #[test]
    fn a_batch_folds_into_day_rollups_the_signals_read() {
        let received = Utc
            .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
            .single()
            .expect("valid");
        let body = json!({"batch": [
            // 2026-11-22T23:30 UTC is already the 23rd in Berlin.
            {"type": "track", "userId": "u-1", "event": "Report Created", "timestamp": "2026-11-22T23:30:00Z"},
            {"type": "page", "anonymousId": "a-7", "timestamp": "2026-11-20T09:00:00Z"},
            {"type": "screen", "userId": "u-2", "timestamp": "2026-11-23T08:00:00Z"},
            {"type": "track", "userId": "u-1", "event": "Ticket Created", "properties": {"ticketId": 9}, "timestamp": "2026-11-23T08:00:00Z"},
            {"type": "track", "userId": "u-2", "event": "NPS Submitted", "properties": {"score": 9}, "timestamp": "2026-11-23T09:00:00Z"},
            {"type": "track", "userId": "u-1", "event": "NPS Submitted", "properties": {"score": 6}, "timestamp": "2026-11-23T09:00:00Z"},
            {"type": "identify", "userId": "u-3", "traits": {"email": "eve@acme.com"}},
            {"type": "group", "userId": "u-3", "groupId": "acme", "traits": {"seats": 4}},
        ]})
        .to_string();
        let parsed = parse_batch(body.as_bytes(), received).expect("valid");
        assert_eq!(parsed.accepted.len(), 8);
        let zone: Tz = "Europe/Berlin".parse().expect("a zone");
        let (mut users, mut events) = (Interner::default(), Interner::default());
        let mut days: BTreeMap<NaiveDate, DayRollup> = BTreeMap::new();
        for m in &parsed.accepted {
            let day = m.day(zone);
            let rollup = days.entry(day).or_insert_with(|| DayRollup::new(day));
            m.fold_into(rollup, &mut users, &mut events).expect("room");
        }
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid");
        assert_eq!(days.len(), 2);
        let rollups: Vec<DayRollup> = days.into_values().collect();
        // u-1, u-2 and a-7 were active; identify and group add no activity.
        let u = usage(&rollups, d, Some(4));
        assert_eq!(
            (u.value, u.figures.as_str()),
            (
                Some(75.0),
                "3 of 4 seats active in the 7 days to 2026-11-23"
            )
        );
        assert_eq!(users.len(), 3);
        assert_eq!(tickets(&rollups, d).value, Some(TicketTrend::Increasing));
        assert_eq!(nps(&rollups, d).value, Some(8)); // (9 + 6) / 2 = 7.5
        let features = [Feature {
            name: "Reports".into(),
            events: ["Report Created".to_string()].into(),
        }];
        let data = DataSignals::compute(&rollups, d, Some(4), &features, &events);
        assert_eq!(data.adoption.value, Some(1));
        // In UTC the report was made on the 22nd.
        assert_eq!(
            parsed.accepted[0].day(Tz::UTC),
            d.pred_opt().expect("valid")
        );
    }

    #[test]
    fn a_zendesk_ticket_feeds_the_tickets_signal_and_no_ones_activity() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 23, 10, 0, 0)
            .single()
            .expect("valid");
        let d = at.date_naive();
        let ticket = |id: &str, change| {
            let m = Message::zendesk_ticket(
                crate::ingest::MessageId::Content(id.into()),
                id.into(),
                change,
                at,
                vec!["acme".into()],
            );
            assert_eq!(m.feeds(), [Feed::Track, Feed::Ticket]);
            m
        };
        let (mut users, mut events) = (Interner::default(), Interner::default());
        let mut rollup = DayRollup::new(d);
        for m in [
            ticket("1", TicketChange::Created),
            ticket("2", TicketChange::Escalated),
        ] {
            m.fold_into(&mut rollup, &mut users, &mut events)
                .expect("room");
        }
        let rollups = [rollup];
        assert_eq!(tickets(&rollups, d).value, Some(TicketTrend::Escalated));
        let u = usage(&rollups, d, Some(4));
        assert_eq!(u.value, Some(0.0), "{}", u.figures);
    }
}
