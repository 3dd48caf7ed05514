//! Purpose: where a database is — a sled directory or a PostgreSQL URL — as configured
//! (`--db`, `STEWARD_DB`, `STEWARD_DATABASE_URL`, `database_url`) or given to `steward migrate
//! --from/--to` (`sled:PATH`, `postgres://…`), and opening the store there. A URL may hold a
//! password: it is kept secret, and shown as host, port and database only.

use std::num::NonZeroU32;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use thiserror::Error;

use super::backend::postgres::PostgresBackend;
use super::backend::sled::SledBackend;
use super::{Store, StoreError};

/// A database Steward can open.
pub enum Location {
    /// A sled database in this directory.
    Sled(PathBuf),
    /// A PostgreSQL database (the URL may hold a password).
    Postgres(SecretString),
}

/// A `--from`/`--to` that names no database.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("\"{shown}\" is not a database; give sled:PATH (e.g. sled:./steward.db) or a PostgreSQL URL (e.g. postgres://steward:PASSWORD@db.example.com:5432/steward)")]
pub struct BadLocation {
    /// What was given, cut after its scheme: never a password.
    shown: String,
}

impl Location {
    /// `sled:PATH`, or `postgres://…` / `postgresql://…`.
    pub fn parse(text: &str) -> Result<Location, BadLocation> {
        let text = text.trim();
        if let Some(path) = text.strip_prefix("sled:").filter(|p| !p.is_empty()) {
            return Ok(Location::Sled(PathBuf::from(path)));
        }
        if ["postgres://", "postgresql://"]
            .iter()
            .any(|scheme| text.starts_with(scheme) && text.len() > scheme.len())
        {
            return Ok(Location::Postgres(SecretString::from(text.to_string())));
        }
        let shown: String = match text.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://…"),
            None => text.chars().take(40).collect(),
        };
        Err(BadLocation { shown })
    }

    /// Opens the store there (creating the database, or migrating PostgreSQL's schema); a
    /// sled database with a page cache of `sled_cache_mb` MiB.
    pub fn open(&self, sled_cache_mb: NonZeroU32) -> Result<Store, StoreError> {
        match self {
            Location::Sled(path) => {
                Store::with_backend(Box::new(SledBackend::open_with_cache(path, sled_cache_mb)?))
            }
            Location::Postgres(url) => {
                Store::with_backend(Box::new(PostgresBackend::open(url.expose_secret())?))
            }
        }
    }

    /// The sled directory, when it is one (the key file and backups sit beside it).
    pub fn sled_path(&self) -> Option<&std::path::Path> {
        match self {
            Location::Sled(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sled_paths_and_postgres_urls() {
        assert!(matches!(
            Location::parse("sled:./steward.db"),
            Ok(Location::Sled(p)) if p == std::path::Path::new("./steward.db")
        ));
        for url in ["postgres://u:p@h/db", "postgresql://h:5432/db"] {
            assert!(matches!(Location::parse(url), Ok(Location::Postgres(_))));
        }
        for bad in [
            "",
            "sled:",
            "postgres://",
            "./steward.db",
            "mysql://u:hunter2@h/db",
        ] {
            let error = Location::parse(bad).err().map(|e| e.to_string());
            let error = error.unwrap_or_default();
            assert!(error.contains("sled:PATH"), "{bad}: {error}");
            assert!(
                !error.contains("hunter2"),
                "the password is never shown: {error}"
            );
        }
    }

    proptest! {
        #[test]
        fn hostile_locations_parse_or_are_refused_without_their_secret(text in "\\PC*") {
            match Location::parse(&text) {
                Ok(_) => {}
                Err(error) => {
                    if let Some((_, rest)) = text.trim().split_once("://") {
                        // Nothing after the scheme is nothing to hide (`://` alone).
                        let hidden = rest.is_empty() || rest == "…";
                        prop_assert!(hidden || !error.shown.contains(&format!("://{rest}")), "{}", error.shown);
                    }
                }
            }
        }
    }
}
