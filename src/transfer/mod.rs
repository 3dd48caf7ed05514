//! Purpose: bulk transfer in and out of a tenant — `steward import` (CRM CSV exports and
//! Steward's own JSON export) and `steward export` (full JSON backup, or one CSV row per
//! account). DECISIONS 1–3: per-row errors, nothing written from a bad row, and
//! `committed through line N` after each durable flush of 1,000 rows.
//!
//! The import's whole report goes to stdout in file order — each chunk's rejected rows, then
//! its `committed through` line, then the summary — so it reads, and can be kept, as one log;
//! stderr carries only a failure that stops the import.

mod columns;
pub mod copy;
mod csv_import;
mod export;
mod json;
mod merge;
mod row;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::io::{Read, Write};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use thiserror::Error;

use crate::domain::dates::SlashOrder;
use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;
use crate::store::ingest::transfer::IntakeError;
use crate::store::{Store, StoreError};

pub use export::{export, export_to};
pub use json::{ExportDoc, EXPORT_VERSION};

/// Rows per durable flush (DECISIONS 1).
pub const ROWS_PER_FLUSH: usize = 1000;

/// The most page cache (MiB) `steward import` gives sled, whatever `STEWARD_CACHE_MB` says:
/// an import writes each page once and reads few back, and a cache the size of the file only
/// adds to its peak memory (a 100k-row CSV: 255 MB at 256 MiB, 123 MB at 16 MiB, no slower).
pub const IMPORT_CACHE_MB: NonZeroU32 = match NonZeroU32::new(16) {
    Some(mb) => mb,
    None => NonZeroU32::MIN,
};

/// How slash-separated dates in a CSV are read (`--date-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DateFormat {
    /// `M/D/YYYY` (Salesforce and HubSpot in the US)
    #[default]
    Mdy,
    /// `D/M/YYYY`
    Dmy,
}

impl From<DateFormat> for SlashOrder {
    fn from(format: DateFormat) -> Self {
        match format {
            DateFormat::Mdy => SlashOrder::MonthFirst,
            DateFormat::Dmy => SlashOrder::DayFirst,
        }
    }
}

/// What `steward export` writes (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ExportFormat {
    /// Everything needed to rebuild the tenant
    #[default]
    Json,
    /// One row per active account, Steward's own headers
    Csv,
}

/// Why an import or export stopped. Each `Display` is one line for stderr.
#[derive(Debug, Error)]
pub enum TransferError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {what}: {source}")]
    Write {
        what: String,
        source: std::io::Error,
    },
    #[error("{path}: {why}")]
    Headers { path: PathBuf, why: String },
    #[error("{path} is not a readable CSV file: {why}")]
    Csv { path: PathBuf, why: String },
    #[error("{path} is not a Steward JSON export: {why}")]
    Json { path: PathBuf, why: String },
    #[error("{path} cannot be restored: its received data does not fit: {source}")]
    Intake { path: PathBuf, source: IntakeError },
    #[error("{path} was written by a newer Steward (export version {found}, this one reads {EXPORT_VERSION}); upgrade steward")]
    NewerExport { path: PathBuf, found: u32 },
    #[error("tenant {tenant} already holds data; a JSON export restores into an empty tenant — use another --tenant or a new --db (or import the CSV export to merge accounts)")]
    NotEmpty { tenant: TenantId },
    #[error("the import's writer thread stopped unexpectedly; rows after the last `committed through` line were not written")]
    WriterStopped,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Accounts created.
    pub imported: usize,
    /// Existing accounts that valid rows matched (by name, any case).
    pub updated: usize,
    /// Rows rejected.
    pub rejected: usize,
}

/// Who imports what, into which tenant, and when.
pub struct ImportRequest<'a> {
    pub tenant: &'a TenantId,
    pub actor: &'a UserId,
    pub file: &'a Path,
    pub dates: DateFormat,
    pub now: DateTime<Utc>,
    /// The configured time zone, for tenants that set none (dates stakeholders were added).
    pub timezone: Tz,
}

/// Imports a CSV or JSON file (by extension or content, DECISIONS 2), reporting to `out`.
pub fn import(
    store: &Store,
    request: &ImportRequest,
    out: &mut dyn Write,
) -> Result<Summary, TransferError> {
    let summary = if is_json(request.file)? {
        json::import(store, request, out)?
    } else {
        csv_import::import(store, request, out)?
    };
    let line = format!(
        "imported {}, updated {}, rejected {}",
        summary.imported, summary.updated, summary.rejected
    );
    report(out, &line)?;
    Ok(summary)
}

/// `steward import FILE`: imports to stdout.
pub fn run_import(store: &Store, request: &ImportRequest) -> Result<(), TransferError> {
    import(store, request, &mut std::io::stdout().lock()).map(|_| ())
}

/// `steward export`: to `output`, or stdout.
pub fn run_export(
    store: &Store,
    tenant: &TenantId,
    format: ExportFormat,
    output: Option<&Path>,
    now: DateTime<Utc>,
    timezone: Tz,
) -> Result<(), TransferError> {
    match output {
        Some(path) => export_to(store, tenant, format, path, now, timezone),
        None => export(
            store,
            tenant,
            format,
            now,
            timezone,
            &mut std::io::stdout().lock(),
        ),
    }
}

/// A `.json` name, or content whose first visible character is `{`.
fn is_json(path: &Path) -> Result<bool, TransferError> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return Ok(true);
    }
    let read_error = |source| TransferError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(read_error)?;
    let text = head[..n]
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(&head[..n]);
    Ok(text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'))
}

/// Writes one report line and flushes it, so a reader sees each acknowledgement at once.
fn report(out: &mut dyn Write, line: &str) -> Result<(), TransferError> {
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|source| TransferError::Write {
            what: "the import report".into(),
            source,
        })
}
