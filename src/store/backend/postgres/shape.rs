//! Purpose: the shapes the PostgreSQL backend gives things — a key prefix as a range of
//! bytea, a batch as the arrays of one statement, and a URL as the place it names (host,
//! port, database; never user or password).

use crate::store::backend::WriteBatch;

/// `postgres://host:port/database`: where the database is, without user or password.
pub fn location(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        Some(tokio_postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let database = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or_default();
    format!("postgres://{host}:{port}/{database}")
}

/// The keys with `prefix` are those from `prefix` (inclusive) to its successor (exclusive):
/// the prefix with trailing 0xff bytes dropped and its last byte incremented; `None` when
/// there is no such key (the prefix is empty or all 0xff).
pub fn bounds(prefix: &[u8]) -> (Vec<u8>, Option<Vec<u8>>) {
    let mut to = prefix.to_vec();
    while let Some(last) = to.pop() {
        if last < 0xff {
            to.push(last + 1);
            return (prefix.to_vec(), Some(to));
        }
    }
    (prefix.to_vec(), None)
}

/// A batch as the arrays of the backend's write statement: keys to delete, and keys and
/// values to upsert.
#[derive(Default)]
pub struct Writes {
    pub deletes: Vec<Vec<u8>>,
    pub keys: Vec<Vec<u8>>,
    pub values: Vec<Vec<u8>>,
}

pub fn split(batch: WriteBatch) -> Writes {
    let mut writes = Writes::default();
    for (key, value) in batch.into_writes() {
        match value {
            Some(value) => {
                writes.keys.push(key);
                writes.values.push(value);
            }
            None => writes.deletes.push(key),
        }
    }
    writes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_scan_ends_at_the_prefix_successor() {
        assert_eq!(bounds(b"ab"), (b"ab".to_vec(), Some(b"ac".to_vec())));
        assert_eq!(bounds(b"a\xff"), (b"a\xff".to_vec(), Some(b"b".to_vec())));
        assert_eq!(bounds(b"\xff\xff"), (b"\xff\xff".to_vec(), None));
        assert_eq!(bounds(b""), (Vec::new(), None));
    }

    #[test]
    fn the_location_never_shows_the_password() {
        let config: tokio_postgres::Config = "postgres://steward:hunter2@db.internal:5433/prod"
            .parse()
            .expect("valid URL");
        let shown = location(&config);
        assert_eq!(shown, "postgres://db.internal:5433/prod");
        assert!(!shown.contains("hunter2"));
    }
}
