//! Purpose: the PostgreSQL backend's reads — one statement each on a pooled session: a record
//! by key, a prefix's records in key order or reversed by pages, how many, and the first key
//! from a point. bytea compares bytewise whatever the collation, so a prefix is the range
//! `[prefix, successor(prefix))` on the primary key's index (`shape::bounds`).

use deadpool_postgres::Object;

use super::pg_error;
use crate::store::backend::Entry;
use crate::store::StoreError;

pub async fn get(client: &Object, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    let statement = client
        .prepare_cached("SELECT value FROM kv WHERE key = $1")
        .await
        .map_err(pg_error)?;
    let row = client
        .query_opt(&statement, &[&key])
        .await
        .map_err(pg_error)?;
    Ok(row.map(|row| row.get(0)))
}

/// Every record from `from` up to `to` (none: to the end), in key order.
pub async fn scan(
    client: &Object,
    from: &[u8],
    to: Option<Vec<u8>>,
) -> Result<Vec<Entry>, StoreError> {
    let rows = match &to {
        Some(to) => {
            let sql = "SELECT key, value FROM kv WHERE key >= $1 AND key < $2 ORDER BY key";
            let statement = client.prepare_cached(sql).await.map_err(pg_error)?;
            client.query(&statement, &[&from, to]).await
        }
        None => {
            let sql = "SELECT key, value FROM kv WHERE key >= $1 ORDER BY key";
            let statement = client.prepare_cached(sql).await.map_err(pg_error)?;
            client.query(&statement, &[&from]).await
        }
    }
    .map_err(pg_error)?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// The records of that range in reverse key order, `(skip, limit)`.
pub async fn scan_rev(
    client: &Object,
    from: &[u8],
    to: Option<Vec<u8>>,
    (skip, limit): (i64, i64),
) -> Result<Vec<Entry>, StoreError> {
    let to = to.unwrap_or_default();
    // An empty upper bound stands for "none" (no key sorts below the empty string).
    let sql = "SELECT key, value FROM kv WHERE key >= $1 AND (key < $2 OR $2 = ''::bytea) \
               ORDER BY key DESC OFFSET $3 LIMIT $4";
    let statement = client.prepare_cached(sql).await.map_err(pg_error)?;
    let rows = client
        .query(&statement, &[&from, &to, &skip, &limit])
        .await
        .map_err(pg_error)?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub async fn count(client: &Object, from: &[u8], to: Option<Vec<u8>>) -> Result<usize, StoreError> {
    let to = to.unwrap_or_default();
    let sql = "SELECT count(*) FROM kv WHERE key >= $1 AND (key < $2 OR $2 = ''::bytea)";
    let statement = client.prepare_cached(sql).await.map_err(pg_error)?;
    let count: i64 = client
        .query_one(&statement, &[&from, &to])
        .await
        .map_err(pg_error)?
        .get(0);
    Ok(usize::try_from(count).unwrap_or(0))
}

pub async fn first_key(client: &Object, from: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    let sql = "SELECT key FROM kv WHERE key >= $1 ORDER BY key LIMIT 1";
    let statement = client.prepare_cached(sql).await.map_err(pg_error)?;
    let row = client
        .query_opt(&statement, &[&from])
        .await
        .map_err(pg_error)?;
    Ok(row.map(|row| row.get(0)))
}
