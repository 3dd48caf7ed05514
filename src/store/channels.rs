//! Purpose: the metadata of linked customer channels' messages (DECISIONS 28) — id, channel,
//! thread, author, side, time; never the text — each stored once (a retry or re-delivery of
//! the same message id is recognised), read back per account, pruned after 30 days, and
//! forgotten when the channel is unlinked; and which waiting messages were already told.

use chrono::{DateTime, Duration, Utc};

use super::backend::WriteBatch;
use super::record::{decode, encode};
use super::{keys, Store, StoreError};
use crate::domain::conversation::{ChannelMessage, WINDOW_DAYS};
use crate::domain::tenant::TenantId;

impl Store {
    /// Stores a linked channel's message durably; `false` when this message id was stored
    /// before (a retry or a re-delivery), and nothing is written.
    pub fn record_channel_message(
        &self,
        tenant: &TenantId,
        message: &ChannelMessage,
    ) -> Result<bool, StoreError> {
        self.backend.insert_if_absent(
            &keys::channel_message(tenant, &message.channel, &message.id),
            encode(message)?,
        )
    }

    /// The stored messages of `channels`, in no particular order.
    pub fn channel_messages(
        &self,
        tenant: &TenantId,
        channels: &[String],
    ) -> Result<Vec<ChannelMessage>, StoreError> {
        let mut out = Vec::new();
        for channel in channels {
            for (key, bytes) in self
                .backend
                .scan_prefix(&keys::channel_messages(tenant, Some(channel)))?
            {
                out.push(decode(&key, &bytes)?);
            }
        }
        Ok(out)
    }

    /// Every stored message of the tenant's channels, in no particular order.
    pub fn all_channel_messages(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<ChannelMessage>, StoreError> {
        self.backend
            .scan_prefix(&keys::channel_messages(tenant, None))?
            .into_iter()
            .map(|(key, bytes)| decode(&key, &bytes))
            .collect()
    }

    /// Forgets everything kept of `channel`'s messages (unlinking); returns how many.
    pub fn purge_channel(&self, tenant: &TenantId, channel: &str) -> Result<usize, StoreError> {
        let mut batch = WriteBatch::default();
        let mut purged = 0;
        for prefix in [
            keys::channel_messages(tenant, Some(channel)),
            keys::waiting_notes(tenant, channel),
        ] {
            for (key, _) in self.backend.scan_prefix(&prefix)? {
                batch.delete(key);
                purged += 1;
            }
        }
        if purged > 0 {
            self.backend.apply(batch)?;
        }
        Ok(purged)
    }

    /// Forgets messages older than the 30-day window before `now`, except each place's
    /// last message (a question still waiting keeps waiting); returns how many.
    pub fn prune_channel_messages(
        &self,
        tenant: &TenantId,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let before = now - Duration::days(WINDOW_DAYS + 1);
        let mut batch = WriteBatch::default();
        let mut pruned = 0;
        for (key, bytes) in self
            .backend
            .scan_prefix(&keys::channel_messages(tenant, None))?
        {
            let message: ChannelMessage = decode(&key, &bytes)?;
            if message.at < before {
                batch.delete(key);
                pruned += 1;
            }
        }
        if pruned > 0 {
            self.backend.apply(batch)?;
        }
        Ok(pruned)
    }

    /// Notes that *customer waiting* was sent for message `id` of `channel`; `false` when it
    /// had been (it is sent once per message).
    pub fn note_waiting(
        &self,
        tenant: &TenantId,
        channel: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.backend
            .insert_if_absent(&keys::waiting_note(tenant, channel, id), encode(&now)?)
    }

    /// Whether *customer waiting* was sent for message `id` of `channel`.
    pub fn waiting_noted(
        &self,
        tenant: &TenantId,
        channel: &str,
        id: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .backend
            .get(&keys::waiting_note(tenant, channel, id))?
            .is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::conversation::Side;
    use chrono::TimeZone;

    #[test]
    fn stored_once_read_back_and_purged() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("db")).expect("open");
        let tenant = TenantId::parse("slack:T1").expect("valid");
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        let m = |id: &str, channel: &str| ChannelMessage {
            id: id.into(),
            channel: channel.into(),
            thread: None,
            author: "U1".into(),
            side: Side::Customer,
            at,
        };
        assert!(store
            .record_channel_message(&tenant, &m("1", "C1"))
            .expect("stored"));
        assert!(
            !store
                .record_channel_message(&tenant, &m("1", "C1"))
                .expect("stored"),
            "a re-delivery"
        );
        assert!(store
            .record_channel_message(&tenant, &m("2", "C1"))
            .expect("stored"));
        assert!(store
            .record_channel_message(&tenant, &m("1", "C10"))
            .expect("stored"));
        assert_eq!(
            store
                .channel_messages(&tenant, &["C1".into()])
                .expect("read")
                .len(),
            2
        );
        assert!(store.note_waiting(&tenant, "C1", "1", at).expect("noted"));
        assert!(!store.note_waiting(&tenant, "C1", "1", at).expect("noted"));
        assert_eq!(store.purge_channel(&tenant, "C1").expect("purged"), 3);
        assert!(store
            .channel_messages(&tenant, &["C1".into()])
            .expect("read")
            .is_empty());
        assert!(!store.waiting_noted(&tenant, "C1", "1").expect("read"));
        assert_eq!(
            store.all_channel_messages(&tenant).expect("read").len(),
            1,
            "C10 is another channel"
        );
        let later = at + Duration::days(40);
        assert_eq!(
            store
                .prune_channel_messages(&tenant, later)
                .expect("pruned"),
            1
        );
    }
}
