//! Purpose: PostgreSQL for the tests — a fresh schema of the server named by
//! `STEWARD_TEST_DATABASE_URL` (`.ci/run` starts a throwaway one), so every test has an empty
//! database of its own and tests run in parallel. Unset, the PostgreSQL tests are skipped,
//! saying why once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;

/// The variable naming the test server (`postgres://user@host:port/database`).
pub const URL_VAR: &str = "STEWARD_TEST_DATABASE_URL";

fn base_url() -> String {
    std::env::var(URL_VAR).unwrap_or_default()
}

/// The URL of a new, empty schema on the test server (the connection's `search_path`), or
/// `None` when no server is configured.
pub fn fresh_schema_url() -> Option<String> {
    let Some(base) = std::env::var(URL_VAR).ok().filter(|v| !v.is_empty()) else {
        static SAID: Once = Once::new();
        SAID.call_once(|| {
            eprintln!("PostgreSQL tests skipped: {URL_VAR} is unset (.ci/run sets it; see README, Running more than one replica)");
        });
        return None;
    };
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let schema = format!(
        "test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default()
    );
    let create = format!("CREATE SCHEMA {schema}");
    // On a thread of its own: the caller may be inside a runtime (an async test).
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the test's set-up");
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&base_url(), tokio_postgres::NoTls)
                .await
                .expect("connect to the test PostgreSQL server");
            tokio::spawn(connection);
            client
                .batch_execute(&create)
                .await
                .expect("create the test's schema");
        });
    })
    .join()
    .expect("the schema is made");
    let joiner = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{joiner}options=-csearch_path%3D{schema}"))
}
