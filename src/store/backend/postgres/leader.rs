//! Purpose: the scheduler's leadership on PostgreSQL — a session of its own that holds a
//! session advisory lock (`pg_try_advisory_lock`), one per schema: the replica holding it runs
//! the scheduler; when its session ends (the replica died, its machine vanished), so does the
//! lock, and another replica takes it at its next try.

use tokio_postgres::Client;

use super::pg_error;
use super::tls::Tls;
use crate::store::StoreError;

/// The leadership lock, one per schema (one deployment per schema).
const LEADER_LOCK: &str = "hashtext('steward leader ' || current_schema())";
/// The server's TCP keepalive probes of the leader's session: idle 5 s, then 3 probes 5 s
/// apart.
const LEADER_KEEPALIVES: &str =
    "SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3";

/// The dedicated session that holds (or tries for) the leadership lock, and whether it holds
/// it.
pub type Session = tokio::sync::Mutex<Option<(Client, bool)>>;

/// Whether this replica leads: once it holds the lock it keeps it while its session lives.
pub async fn try_lead(
    leader: &Session,
    config: &tokio_postgres::Config,
    tls: &Tls,
) -> Result<bool, StoreError> {
    let mut slot = leader.lock().await;
    if let Some((client, held)) = slot.as_ref() {
        // The session is the lock: if it is gone, so is the leadership.
        match client.simple_query("SELECT 1").await {
            Ok(_) if *held => return Ok(true),
            Ok(_) => {}
            Err(_) => *slot = None,
        }
    }
    if slot.is_none() {
        let session = tls.connect(config).await?;
        // A leader whose machine vanishes sends no goodbye: the server probes the idle
        // session and ends it (and the lock) within about 20 s, so another replica leads
        // within 30 s. Ignored on a Unix socket, where none is needed.
        session
            .batch_execute(LEADER_KEEPALIVES)
            .await
            .map_err(pg_error)?;
        *slot = Some((session, false));
    }
    let Some((client, held)) = slot.as_mut() else {
        return Ok(false);
    };
    *held = client
        .query_one(&format!("SELECT pg_try_advisory_lock({LEADER_LOCK})"), &[])
        .await
        .map_err(pg_error)?
        .get(0);
    Ok(*held)
}
