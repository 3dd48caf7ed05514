//! Purpose: the PostgreSQL backend — Steward's records in one `kv(key bytea primary key,
//! value bytea)` table of a PostgreSQL database that several Steward replicas share, reached
//! with tokio-postgres through a deadpool pool on the backend's own runtime ([`bridge`]).
//! Owns the SQL behind each [`Backend`] primitive, opening (URL, migrations: [`schema`]),
//! readiness, and the scheduler's leadership ([`leader`]).
//!
//! How each primitive maps (the contract is in [`super::Backend`]):
//! - bytea compares bytewise whatever the collation, so a prefix scan is
//!   `key >= prefix AND key < successor(prefix) ORDER BY key` on the primary key's index.
//! - [`Backend::apply`] is one statement (deletes and upserts from arrays: one round trip,
//!   atomic on its own), acknowledged by the server only once its commit record is flushed
//!   (`synchronous_commit` as configured, `on` by default); [`Backend::apply_lazily`] is the
//!   same in a transaction with `SET LOCAL synchronous_commit = off`: atomic, durable within
//!   the WAL writer's delay.
//! - [`Backend::insert_if_absent`] is `INSERT … ON CONFLICT DO NOTHING`: the primary key
//!   decides which of two replicas wins. [`Backend::apply_if`] guards a batch with one such
//!   compare-and-swap in the same transaction.
//! - [`Backend::generate_id`] is a sequence: unique and increasing across sessions.
//! - No commit note: PostgreSQL does not lose a committed transaction on recovery, so
//!   [`Backend::noted_commit`] is `None`, and [`Backend::shared`] is true (other replicas
//!   write too, see `store::fresh`).
//! - [`Backend::get_announced`] answers from what the replica heard on its listening session
//!   ([`watch`]): a trigger announces every write of a tenant's generation with NOTIFY.
//!
//! The URL may hold a password: it is kept only inside the driver's config, and
//! [`Backend::location`] shows host, port and database. `sslmode=require` in it means TLS
//! ([`tls`]).

mod bridge;
mod leader;
mod reads;
pub mod schema;
mod shape;
mod tls;
mod watch;

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{ManagerConfig, Pool, RecyclingMethod};

use super::{Backend, Entry, IdStore, Swap, WriteBatch};
use crate::store::StoreError;
use bridge::Bridge;
use shape::{bounds, location, split, Writes};
use tls::Tls;
use watch::{Known, Watch};

/// The `tracing` target the driver logs under.
pub const LOG_TARGET: &str = "tokio_postgres";
/// The `tracing` target refinery logs each migration under (`steward migrate` says what it
/// applied itself).
pub const MIGRATIONS_LOG_TARGET: &str = "refinery_core";
/// Connections one replica keeps: requests mostly read memory, and a write is one round trip.
const POOL_SIZE: usize = 16;
/// How long connecting, or waiting for a pooled connection, may take before it is an error.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

const WRITE: &str = "WITH gone AS (DELETE FROM kv WHERE key = ANY($1::bytea[])) \
     INSERT INTO kv (key, value) SELECT * FROM unnest($2::bytea[], $3::bytea[]) \
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value";

/// A PostgreSQL database shared by the replicas.
pub struct PostgresBackend {
    bridge: Bridge,
    pool: Pool,
    config: tokio_postgres::Config,
    tls: Tls,
    location: String,
    existed: bool,
    /// The generations other replicas announced ([`watch`]).
    watch: Arc<Watch>,
    /// The dedicated session that holds (or tries for) the leadership lock, and whether it
    /// holds it.
    leader: Arc<leader::Session>,
}

impl PostgresBackend {
    /// Connects to `url` (`postgres://user:password@host:port/database`), applies the
    /// migrations it lacks, and refuses a schema newer than this binary.
    pub fn open(url: &str) -> Result<PostgresBackend, StoreError> {
        let (backend, _) = PostgresBackend::open_migrated(url)?;
        Ok(backend)
    }

    /// [`PostgresBackend::open`], also saying which migrations it applied.
    pub fn open_migrated(url: &str) -> Result<(PostgresBackend, Vec<u32>), StoreError> {
        let (url, root) = tls::split_url(url);
        let mut config: tokio_postgres::Config =
            url.parse().map_err(|_| StoreError::BadDatabaseUrl)?;
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("steward");
        let location = location(&config);
        let bridge = Bridge::start()?;
        let tls = Tls::of(&config, root.as_deref())?;
        let manager = tls.manager(
            config.clone(),
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Backend(Box::new(e)))?;
        let (session, transport) = (config.clone(), tls.clone());
        let migrated = bridge.run(async move {
            let mut client = transport.connect(&session).await?;
            schema::migrate(&mut client).await
        })?;
        // The first migration writes Steward's marker with the schema: a schema that was
        // there before is a database that held Steward's data.
        let existed = migrated.before.is_some();
        let applied = migrated.applied;
        let watch = Arc::new(Watch::default());
        bridge.spawn(watch::listen(watch.clone(), config.clone(), tls.clone()));
        watch.wait_started(CONNECT_TIMEOUT);
        Ok((
            PostgresBackend {
                bridge,
                pool,
                config,
                tls,
                location,
                existed,
                watch,
                leader: Arc::new(leader::Session::default()),
            },
            applied,
        ))
    }

    /// Runs `work` with a pooled connection on the backend's runtime.
    fn with_client<T, F, Fut>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(deadpool_postgres::Object) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<T, StoreError>> + Send,
    {
        let pool = self.pool.clone();
        self.bridge.run(async move {
            let client = pool
                .get()
                .await
                .map_err(|e| StoreError::Backend(Box::new(e)))?;
            work(client).await
        })
    }

    fn write(&self, batch: WriteBatch, lazily: bool) -> Result<(), StoreError> {
        let writes = split(batch);
        self.with_client(move |mut client| async move {
            let tx = client.transaction().await.map_err(pg_error)?;
            if lazily {
                tx.batch_execute("SET LOCAL synchronous_commit = off")
                    .await
                    .map_err(pg_error)?;
            }
            run_writes(&tx, &writes).await?;
            tx.commit().await.map_err(pg_error)
        })
    }
}

/// Runs [`WRITE`] with the batch's arrays on a session or in a transaction.
async fn run_writes(
    client: &impl deadpool_postgres::GenericClient,
    writes: &Writes,
) -> Result<(), StoreError> {
    let statement = client.prepare_cached(WRITE).await.map_err(pg_error)?;
    client
        .execute(&statement, &[&writes.deletes, &writes.keys, &writes.values])
        .await
        .map_err(pg_error)?;
    Ok(())
}

impl Backend for PostgresBackend {
    fn location(&self) -> &str {
        &self.location
    }

    fn existed(&self) -> bool {
        self.existed
    }

    fn shared(&self) -> bool {
        true
    }

    fn message_ids(&self) -> Result<&dyn IdStore, StoreError> {
        Ok(self)
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let key = key.to_vec();
        self.with_client(move |client| async move { reads::get(&client, &key).await })
    }

    fn get_announced(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.watch.known(key) {
            Known::Value(value) => Ok(value),
            Known::Unknown { session } => {
                let value = Backend::get(self, key)?;
                self.watch.remember(key, value.clone(), session);
                Ok(value)
            }
            Known::Deaf => Backend::get(self, key),
        }
    }

    fn settle(&self) -> Result<(), StoreError> {
        let Some(marker) = self.watch.sync_marker() else {
            return Ok(());
        };
        let sent = marker.clone();
        self.with_client(move |client| async move {
            let sql = "SELECT pg_notify('steward_' || md5(current_schema()), $1)";
            client.execute(sql, &[&sent]).await.map_err(pg_error)?;
            Ok(())
        })?;
        match self.watch.wait_for(&marker, CONNECT_TIMEOUT) {
            true => Ok(()),
            false => Err(StoreError::Backend(
                "other replicas' commits were not heard within 10 s".into(),
            )),
        }
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        let (from, to) = bounds(prefix);
        self.with_client(move |client| async move { reads::scan(&client, &from, to).await })
    }

    fn scan_prefix_rev(
        &self,
        prefix: &[u8],
        skip: usize,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        let (from, to) = bounds(prefix);
        let page = (
            i64::try_from(skip).unwrap_or(i64::MAX),
            i64::try_from(limit).unwrap_or(i64::MAX),
        );
        self.with_client(
            move |client| async move { reads::scan_rev(&client, &from, to, page).await },
        )
    }

    fn count_prefix(&self, prefix: &[u8]) -> Result<usize, StoreError> {
        let (from, to) = bounds(prefix);
        self.with_client(move |client| async move { reads::count(&client, &from, to).await })
    }

    fn first_key_from(&self, from: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let from = from.to_vec();
        self.with_client(move |client| async move { reads::first_key(&client, &from).await })
    }

    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let writes = split(batch);
        // One statement: atomic on its own, one round trip.
        self.with_client(move |client| async move { run_writes(&client, &writes).await })
    }

    fn apply_lazily(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.write(batch, true)
    }

    fn apply_if(&self, batch: WriteBatch, swap: Swap) -> Result<bool, StoreError> {
        let writes = split(batch);
        self.with_client(move |mut client| async move {
            let tx = client.transaction().await.map_err(pg_error)?;
            // Under READ COMMITTED an UPDATE waits for a concurrent writer of the row and then
            // re-checks its condition on the row as committed: a compare-and-swap.
            let swapped = match &swap.expected {
                Some(expected) => {
                    let sql = "UPDATE kv SET value = $2 WHERE key = $1 AND value = $3";
                    let statement = tx.prepare_cached(sql).await.map_err(pg_error)?;
                    tx.execute(&statement, &[&swap.key, &swap.new, expected])
                        .await
                        .map_err(pg_error)?
                }
                None => {
                    let sql = "INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING";
                    let statement = tx.prepare_cached(sql).await.map_err(pg_error)?;
                    tx.execute(&statement, &[&swap.key, &swap.new])
                        .await
                        .map_err(pg_error)?
                }
            };
            if swapped != 1 {
                tx.rollback().await.map_err(pg_error)?;
                return Ok(false);
            }
            run_writes(&tx, &writes).await?;
            tx.commit().await.map_err(pg_error)?;
            Ok(true)
        })
    }

    fn insert_if_absent(&self, key: &[u8], value: Vec<u8>) -> Result<bool, StoreError> {
        let key = key.to_vec();
        self.with_client(move |client| async move {
            let sql = "INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING";
            let statement = client.prepare_cached(sql).await.map_err(pg_error)?;
            let inserted = client
                .execute(&statement, &[&key, &value])
                .await
                .map_err(pg_error)?;
            Ok(inserted == 1)
        })
    }

    fn generate_id(&self) -> Result<u64, StoreError> {
        self.with_client(move |client| async move {
            let statement = client
                .prepare_cached("SELECT nextval('steward_ids')")
                .await
                .map_err(pg_error)?;
            let id: i64 = client
                .query_one(&statement, &[])
                .await
                .map_err(pg_error)?
                .get(0);
            Ok(u64::try_from(id).unwrap_or(0))
        })
    }

    fn advance_ids_past(&self, id: u64) -> Result<(), StoreError> {
        let id = i64::try_from(id).unwrap_or(i64::MAX);
        self.with_client(move |client| async move {
            // Never backwards: another replica may have drawn ids past `id` already.
            let sql =
                "SELECT setval('steward_ids', greatest($1, (SELECT last_value FROM steward_ids)))";
            client.query_one(sql, &[&id]).await.map_err(pg_error)?;
            Ok(())
        })
    }

    fn generate_ids(&self, n: usize) -> Result<Vec<u64>, StoreError> {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        self.with_client(move |client| async move {
            let sql = "SELECT nextval('steward_ids') FROM generate_series(1::bigint, $1)";
            let statement = client.prepare_cached(sql).await.map_err(pg_error)?;
            let rows = client.query(&statement, &[&n]).await.map_err(pg_error)?;
            let mut ids: Vec<u64> = rows
                .iter()
                .map(|row| u64::try_from(row.get::<_, i64>(0)).unwrap_or(0))
                .collect();
            ids.sort_unstable();
            Ok(ids)
        })
    }

    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn noted_commit(&self) -> Option<u64> {
        None
    }

    fn note_commit(&self, _commit: u64) {}

    fn try_lead(&self) -> Result<bool, StoreError> {
        let leader = self.leader.clone();
        let (config, tls) = (self.config.clone(), self.tls.clone());
        self.bridge
            .run(async move { leader::try_lead(&leader, &config, &tls).await })
    }

    fn check_ready(&self) -> Result<(), StoreError> {
        self.with_client(|client| async move { schema::check_current(&client).await })
    }
}

/// The driver's error with its causes, which say what went wrong ("error performing TLS
/// handshake: invalid peer certificate: UnknownIssuer"); the driver never puts the password
/// in either.
pub(super) fn pg_error(error: tokio_postgres::Error) -> StoreError {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        let said = inner.to_string();
        if !text.contains(&said) {
            text = format!("{text}: {said}");
        }
        cause = inner.source();
    }
    StoreError::Backend(text.into())
}
