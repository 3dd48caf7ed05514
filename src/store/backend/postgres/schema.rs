//! Purpose: the PostgreSQL schema's versions — the versioned SQL migrations beside this file
//! (`migrations/V<n>__<name>.sql`, embedded at build time and applied with refinery), applied
//! at every start and by `steward migrate`, and the check that the database is not newer than
//! this binary. Replicas starting together migrate one at a time (a session advisory lock),
//! and a replica finding a schema newer than it knows refuses to start (rolling upgrades go
//! forward: the newer replicas migrate, the older ones stop being ready).

use tokio_postgres::Client;

use super::pg_error;
use crate::store::StoreError;

refinery::embed_migrations!("src/store/backend/postgres/migrations");

/// refinery's table of applied migrations (its default name), in the connection's schema.
const HISTORY: &str = "refinery_schema_history";

/// The newest schema version this binary knows.
pub fn known_version() -> u32 {
    migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| u32::try_from(m.version()).unwrap_or(0))
        .max()
        .unwrap_or(0)
}

/// The newest migration applied to the database (`None`: none yet).
pub async fn applied_version(client: &Client) -> Result<Option<u32>, StoreError> {
    let exists: bool = client
        .query_one(&format!("SELECT to_regclass('{HISTORY}') IS NOT NULL"), &[])
        .await
        .map_err(pg_error)?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let version: Option<i32> = client
        .query_one(&format!("SELECT max(version) FROM {HISTORY}"), &[])
        .await
        .map_err(pg_error)?
        .get(0);
    Ok(version.map(|v| u32::try_from(v).unwrap_or(0)))
}

/// Refuses a database migrated past what this binary knows.
pub fn check_not_newer(applied: Option<u32>) -> Result<(), StoreError> {
    match applied {
        Some(found) if found > known_version() => Err(StoreError::NewerSchema { found }),
        _ => Ok(()),
    }
}

/// What [`migrate`] found and did.
pub struct Migrated {
    /// The schema's version before (`None`: a database Steward never used).
    pub before: Option<u32>,
    /// The versions applied now.
    pub applied: Vec<u32>,
}

/// Applies the migrations the database lacks, one replica at a time. A database newer than
/// this binary is refused before anything runs.
pub async fn migrate(client: &mut Client) -> Result<Migrated, StoreError> {
    // Keyed by schema, so deployments in different schemas of one database do not wait on
    // each other (the tests run that way).
    let lock = "hashtext('steward migrate ' || current_schema())";
    client
        .batch_execute(&format!("SELECT pg_advisory_lock({lock})"))
        .await
        .map_err(pg_error)?;
    let result = migrate_locked(client).await;
    let unlocked = client
        .batch_execute(&format!("SELECT pg_advisory_unlock({lock})"))
        .await
        .map_err(pg_error);
    let applied = result?;
    unlocked?;
    Ok(applied)
}

async fn migrate_locked(client: &mut Client) -> Result<Migrated, StoreError> {
    let before = applied_version(client).await?;
    check_not_newer(before)?;
    let report = migrations::runner()
        .set_abort_missing(true)
        .run_async(client)
        .await
        .map_err(|e| StoreError::Backend(Box::new(e)))?;
    let applied = report
        .applied_migrations()
        .iter()
        .map(|m| u32::try_from(m.version()).unwrap_or(0))
        .collect();
    Ok(Migrated { before, applied })
}

/// Ready to serve: reachable (the query ran), and migrated exactly to what this binary knows.
pub async fn check_current(client: &Client) -> Result<(), StoreError> {
    let applied = applied_version(client).await?;
    check_not_newer(applied)?;
    let known = known_version();
    match applied {
        Some(version) if version == known => Ok(()),
        found => Err(StoreError::Backend(
            format!(
                "the database's schema is at version {} and this steward needs {known}; run `steward migrate`",
                found.unwrap_or(0)
            )
            .into(),
        )),
    }
}
