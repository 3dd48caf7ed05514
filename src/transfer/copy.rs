//! Purpose: `steward migrate --from URL --to URL` — a whole database copied between backends
//! (`sled:PATH`, `postgres://…`) into an empty target, its counts verified, and one line
//! saying what moved. The copying itself is the store's ([`Store::copy_into`]).

use std::num::NonZeroU32;

use crate::store::location::Location;
use crate::store::Store;

/// Opens both databases (sled ones with a page cache of `sled_cache_mb` MiB), copies `from`
/// into `to`, and reports the verified counts.
pub fn run(from: &str, to: &str, sled_cache_mb: NonZeroU32) -> Result<(), String> {
    let source = Location::parse(from).map_err(|e| format!("--from: {e}"))?;
    let target = Location::parse(to).map_err(|e| format!("--to: {e}"))?;
    if let (Location::Sled(a), Location::Sled(b)) = (&source, &target) {
        if a == b {
            return Err("--from and --to name the same database".into());
        }
    }
    let source_store: Store = source
        .open(sled_cache_mb)
        .map_err(|e| format!("--from: {e}"))?;
    let target_store: Store = target
        .open(sled_cache_mb)
        .map_err(|e| format!("--to: {e}"))?;
    let copied = source_store
        .copy_into(&target_store)
        .map_err(|e| e.to_string())?;
    println!(
        "copied {} records of {} tenant{} from {} to {}; counts verified",
        copied.records,
        copied.tenants.len(),
        if copied.tenants.len() == 1 { "" } else { "s" },
        source_store.location(),
        target_store.location()
    );
    if let Some(path) = source.sled_path() {
        let key_file = crate::secrets::key_file_beside(path);
        if key_file.exists() && matches!(target, Location::Postgres(_)) {
            println!(
                "stored secrets are sealed with {}: give every replica its contents as {}",
                key_file.display(),
                crate::secrets::KEY_VAR
            );
        }
    }
    Ok(())
}
