//! Purpose: the tenants' generations as other replicas commit them, known without asking the
//! database — one session per replica that LISTENs on its schema's channel (migration V2's
//! trigger announces every write of a generation key), and the values it heard, which
//! [`Backend::get_announced`](super::super::Backend::get_announced) serves from memory.
//!
//! A value is served only while the session that heard it lives: when it ends (the server
//! restarted, the network broke) what it heard is forgotten and reads go to the database until
//! a new session listens again, so a lost notification can never leave a stale value standing.
//! A value read through is remembered only if no announcement of that key came first, and only
//! for the session it was read under (announcements are delivered in commit order, so the last
//! one heard is the stored value).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::pg_error;
use super::tls::Tls;
use crate::store::StoreError;

/// How long a replica waits before listening again after its session ended.
const RETRY: Duration = Duration::from_secs(1);
/// TCP keepalive of the listening session: a vanished server or network is noticed within
/// about 20 s, and reads go through meanwhile only if the session ends; commits stay guarded
/// by their compare-and-swap whatever this replica heard.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(5);

/// What a replica heard on its listening session.
#[derive(Default)]
pub struct Watch {
    heard: Mutex<Heard>,
    /// Signalled when a session starts or ends, or a sync marker is heard.
    synced: Condvar,
}

#[derive(Default)]
struct Heard {
    /// The listening session's number, `None` while no session listens.
    session: Option<u64>,
    sessions: u64,
    values: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// Sync markers sent and not heard yet ([`Watch::sync_marker`]).
    awaited: HashSet<String>,
    markers: u64,
    /// Whether the first session was tried (listening or failed).
    tried: bool,
}

/// What the watch knows of a key.
pub enum Known {
    /// Its value as last announced or read.
    Value(Option<Vec<u8>>),
    /// Nothing yet: read it, then [`Watch::remember`] it under this session.
    Unknown { session: u64 },
    /// No session listens: read it, and do not remember it.
    Deaf,
}

impl Watch {
    fn heard(&self) -> std::sync::MutexGuard<'_, Heard> {
        self.heard.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn known(&self, key: &[u8]) -> Known {
        let heard = self.heard();
        match (heard.session, heard.values.get(key)) {
            (None, _) => Known::Deaf,
            (Some(_), Some(value)) => Known::Value(value.clone()),
            (Some(session), None) => Known::Unknown { session },
        }
    }

    /// Keeps `value`, read from the database under `session`, unless an announcement of the
    /// key came meanwhile or the session ended.
    pub fn remember(&self, key: &[u8], value: Option<Vec<u8>>, session: u64) {
        let mut heard = self.heard();
        if heard.session == Some(session) {
            heard.values.entry(key.to_vec()).or_insert(value);
        }
    }

    /// A marker to announce on the channel (`None` while no session listens: reads go
    /// through then, and there is nothing to wait for). Announcements are delivered in
    /// commit order, so once it is heard, so is every commit made before it was sent.
    pub fn sync_marker(&self) -> Option<String> {
        let mut heard = self.heard();
        heard.session?;
        heard.markers += 1;
        let marker = format!("sync {:x}-{}", std::process::id(), heard.markers);
        heard.awaited.insert(marker.clone());
        Some(marker)
    }

    /// Waits until the first session listens or failed to, at most `limit`: a replica that
    /// starts serving has heard every commit from then on, or knows it reads through.
    pub fn wait_started(&self, limit: Duration) {
        let heard = self.heard();
        let _started = self
            .synced
            .wait_timeout_while(heard, limit, |h| !h.tried)
            .unwrap_or_else(|p| p.into_inner());
    }

    /// Waits until `marker` was heard or the session ended (`true`), or `limit` passed.
    pub fn wait_for(&self, marker: &str, limit: Duration) -> bool {
        let heard = self.heard();
        let (mut heard, _) = self
            .synced
            .wait_timeout_while(heard, limit, |h| {
                h.session.is_some() && h.awaited.contains(marker)
            })
            .unwrap_or_else(|p| p.into_inner());
        !heard.awaited.remove(marker) || heard.session.is_none()
    }

    fn listening(&self) {
        let mut heard = self.heard();
        heard.sessions += 1;
        heard.session = Some(heard.sessions);
        heard.values.clear();
        heard.tried = true;
        self.synced.notify_all();
    }

    fn deaf(&self) {
        let mut heard = self.heard();
        heard.session = None;
        heard.values.clear();
        heard.awaited.clear();
        heard.tried = true;
        self.synced.notify_all();
    }

    /// Takes in one announcement: `<key hex>` (deleted), `<key hex> <value hex>`, or a sync
    /// marker.
    fn announced(&self, payload: &str) {
        if payload.starts_with("sync ") {
            // Another replica's markers are not awaited here.
            if self.heard().awaited.remove(payload) {
                self.synced.notify_all();
            }
            return;
        }
        let mut parts = payload.split(' ');
        let key = parts.next().and_then(|k| hex::decode(k).ok());
        let value = parts.next().map(hex::decode);
        match (key, value) {
            (Some(key), None) => {
                self.heard().values.insert(key, None);
            }
            (Some(key), Some(Ok(value))) => {
                self.heard().values.insert(key, Some(value));
            }
            _ => tracing::warn!(
                payload,
                "an announcement that is not a key and value in hex"
            ),
        }
    }
}

/// Listens for announcements as long as the runtime runs, again after every lost session.
pub async fn listen(watch: Arc<Watch>, mut config: tokio_postgres::Config, tls: Tls) {
    config.keepalives_idle(KEEPALIVE_IDLE);
    loop {
        if let Err(error) = session(&watch, &config, &tls).await {
            tracing::warn!(%error, "not listening for other replicas' commits; reading through");
        }
        watch.deaf();
        tokio::time::sleep(RETRY).await;
    }
}

/// One listening session, until it ends.
async fn session(
    watch: &Watch,
    config: &tokio_postgres::Config,
    tls: &Tls,
) -> Result<(), StoreError> {
    let (client, mut heard) = tls.connect_listening(config).await?;
    let channel: String = client
        .query_one("SELECT 'steward_' || md5(current_schema())", &[])
        .await
        .map_err(pg_error)?
        .get(0);
    client
        .batch_execute(&format!("LISTEN \"{channel}\""))
        .await
        .map_err(pg_error)?;
    watch.listening();
    while let Some(notification) = heard.recv().await {
        watch.announced(notification.payload());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value(watch: &Watch, key: &[u8]) -> Option<Option<Vec<u8>>> {
        match watch.known(key) {
            Known::Value(value) => Some(value),
            _ => None,
        }
    }

    #[test]
    fn a_read_is_remembered_only_under_its_session_and_never_over_an_announcement() {
        let watch = Watch::default();
        assert!(matches!(watch.known(b"k"), Known::Deaf));
        watch.listening();
        let Known::Unknown { session } = watch.known(b"k") else {
            panic!("a listening watch that heard nothing says so");
        };
        // An announcement lands between the read and remembering it: it wins.
        watch.announced(&format!("{} {}", hex::encode(b"k"), hex::encode(b"2")));
        watch.remember(b"k", Some(b"1".to_vec()), session);
        assert_eq!(value(&watch, b"k"), Some(Some(b"2".to_vec())));
        watch.announced(&hex::encode(b"k"));
        assert_eq!(value(&watch, b"k"), Some(None));
        // A read made under a session that has since ended is not kept.
        let Known::Unknown { session } = watch.known(b"j") else {
            panic!("unknown");
        };
        watch.deaf();
        watch.listening();
        watch.remember(b"j", Some(b"old".to_vec()), session);
        assert!(matches!(watch.known(b"j"), Known::Unknown { .. }));
        assert!(
            matches!(watch.known(b"k"), Known::Unknown { .. }),
            "a new session forgets"
        );
    }

    proptest! {
        #[test]
        fn hostile_announcements_change_nothing_or_one_key(payload in "\\PC{0,64}") {
            let watch = Watch::default();
            watch.listening();
            watch.announced(&payload);
            prop_assert!(watch.heard().values.len() <= 1);
        }
    }
}
