//! Purpose: `steward export` — the full JSON document, or one CSV row per active account with
//! Steward's own headers (which `steward import` reads back). Records are read straight from
//! disk, so exporting a large tenant does not build its in-memory book.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::json::ExportView;
use super::{ExportFormat, TransferError};
use crate::domain::health::shown_score;
use crate::domain::money::Money;
use crate::domain::person::Person;
use crate::domain::tenant::TenantId;
use crate::domain::tier::{ArrRanking, TierSource};
use crate::store::Store;

/// Steward's CSV headers, in order.
pub const CSV_HEADERS: [&str; 14] = [
    "name",
    "arr",
    "renewal",
    "owner",
    "tier",
    "industry",
    "segment",
    "seats",
    "products",
    "crm id",
    "domain",
    "health score",
    "band",
    "stage",
];

/// Writes the tenant's export to `out`. `timezone` is the configured default, used when the
/// tenant sets none (it decides which day "today" is for renewal stages).
pub fn export(
    store: &Store,
    tenant: &TenantId,
    format: ExportFormat,
    now: DateTime<Utc>,
    timezone: Tz,
    out: &mut dyn Write,
) -> Result<(), TransferError> {
    let write_error = |e: std::io::Error| TransferError::Write {
        what: "the export".into(),
        source: e,
    };
    let mut out = BufWriter::new(out);
    match format {
        ExportFormat::Json => {
            let (_, written) = store.records_with_trail(tenant, true, |records, trail| {
                serde_json::to_writer_pretty(
                    &mut out,
                    &ExportView::new(tenant, now, records, trail),
                )
            })?;
            written.map_err(|e| write_error(e.into()))?;
            writeln!(out).map_err(write_error)?;
        }
        ExportFormat::Csv => write_csv(store, tenant, now, timezone, &mut out)?,
    }
    out.flush().map_err(write_error)
}

/// Writes the export to `path` through a temporary file renamed into place, so a reader (or
/// a crash) never sees half a backup.
pub fn export_to(
    store: &Store,
    tenant: &TenantId,
    format: ExportFormat,
    path: &Path,
    now: DateTime<Utc>,
    timezone: Tz,
) -> Result<(), TransferError> {
    let write_error = |e: std::io::Error| TransferError::Write {
        what: path.display().to_string(),
        source: e,
    };
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    let mut file = std::fs::File::create(&temporary).map_err(write_error)?;
    export(store, tenant, format, now, timezone, &mut file)?;
    file.sync_all().map_err(write_error)?;
    std::fs::rename(&temporary, path).map_err(write_error)
}

fn write_csv(
    store: &Store,
    tenant: &TenantId,
    now: DateTime<Utc>,
    timezone: Tz,
    out: &mut dyn Write,
) -> Result<(), TransferError> {
    let csv_error = |e: csv::Error| TransferError::Write {
        what: "the export".into(),
        source: e.into(),
    };
    let records = store.records(tenant, false)?;
    let today = now
        .with_timezone(
            &records
                .settings
                .timezone
                .as_deref()
                .and_then(|z| z.parse().ok())
                .unwrap_or(timezone),
        )
        .date_naive();
    let mut accounts: Vec<_> = records.accounts.iter().filter(|a| a.is_active()).collect();
    // The same ranking a book builds, made once: tiers by ARR rank among active accounts.
    let ranking = ArrRanking::new(accounts.iter().map(|a| a.arr));
    accounts.sort_by_cached_key(|a| (a.name.to_lowercase(), a.id));
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CSV_HEADERS).map_err(csv_error)?;
    for account in accounts {
        let (tier, source) = ranking.tier(account.arr, Money(0), account.tier_pin);
        let health = account.health();
        writer
            .write_record([
                account.name.clone(),
                account.arr.0.to_string(),
                account.renewal_date.to_string(),
                match &account.owner {
                    Some(Person::User(id)) => format!("@{id}"),
                    Some(Person::Named(name)) => name.clone(),
                    None => String::new(),
                },
                match source {
                    TierSource::Pinned => format!("{} pinned", tier.number()),
                    _ => tier.number().to_string(),
                },
                account.industry.clone().unwrap_or_default(),
                account.segment.clone().unwrap_or_default(),
                account.seats.map(|s| s.to_string()).unwrap_or_default(),
                account.products.join("; "),
                account.crm_id.as_deref().unwrap_or_default().to_string(),
                account.domain.as_deref().unwrap_or_default().to_string(),
                health
                    .score
                    .map(|s| shown_score(s).to_string())
                    .unwrap_or_default(),
                health.band.word().to_string(),
                account.stage(today).word().to_string(),
            ])
            .map_err(csv_error)?;
    }
    writer.flush().map_err(|e| csv_error(e.into()))
}
