//! Purpose: how a replica on PostgreSQL knows another one committed — every write of a tenant's
//! generation is announced (LISTEN/NOTIFY, `store::backend::postgres::watch`), a replica serves
//! the generation from what it heard without asking the database, and `settle` waits until
//! everything committed before it was heard. Skipped, saying why, without
//! `STEWARD_TEST_DATABASE_URL`; each case prints `postgres case:` for `.ci/run`.

#[path = "common/postgres.rs"]
mod postgres;

use steward::domain::tenant::TenantId;
use steward::store::backend::postgres::PostgresBackend;
use steward::store::backend::{Backend, WriteBatch};
use steward::store::keys;

fn database(case: &str) -> Option<String> {
    let url = postgres::fresh_schema_url()?;
    eprintln!("postgres case: {case}");
    Some(url)
}

fn put(backend: &PostgresBackend, key: &[u8], value: &[u8]) {
    let mut batch = WriteBatch::default();
    batch.put(key.to_vec(), value.to_vec());
    backend.apply(batch).expect("write");
}

/// Runs SQL on the test's schema behind the replicas' backs.
fn sql(url: &str, statements: &str) {
    let (url, statements) = (url.to_string(), statements.to_string());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .expect("connect");
            tokio::spawn(connection);
            client.batch_execute(&statements).await.expect("sql");
        });
    })
    .join()
    .expect("sql thread");
}

#[test]
fn a_generation_is_served_from_what_was_announced() {
    let Some(url) = database("announced generations") else {
        return;
    };
    let (a, b) = (
        PostgresBackend::open(&url).expect("open"),
        PostgresBackend::open(&url).expect("open"),
    );
    let key = keys::generation(&TenantId::parse("slack:T1").expect("valid"));
    b.settle().expect("listening");
    assert_eq!(b.get_announced(&key).expect("read"), None);
    put(&a, &key, b"1");
    b.settle().expect("settled");
    assert_eq!(b.get_announced(&key).expect("read"), Some(b"1".to_vec()));

    // Written with the announcing trigger off: B still serves what it heard, from memory,
    // while the database holds the new value — the read cost no round trip.
    sql(&url, "ALTER TABLE kv DISABLE TRIGGER USER");
    put(&a, &key, b"2");
    b.settle().expect("settled");
    assert_eq!(b.get(&key).expect("read"), Some(b"2".to_vec()));
    assert_eq!(b.get_announced(&key).expect("read"), Some(b"1".to_vec()));

    // Announced again: heard; and a deleted generation is heard as gone.
    sql(&url, "ALTER TABLE kv ENABLE TRIGGER USER");
    put(&a, &key, b"3");
    b.settle().expect("settled");
    assert_eq!(b.get_announced(&key).expect("read"), Some(b"3".to_vec()));
    let mut gone = WriteBatch::default();
    gone.delete(key.clone());
    a.apply(gone).expect("delete");
    b.settle().expect("settled");
    assert_eq!(b.get_announced(&key).expect("read"), None);
}

#[test]
fn other_keys_are_not_announced() {
    let Some(url) = database("only generations announced") else {
        return;
    };
    let (a, b) = (
        PostgresBackend::open(&url).expect("open"),
        PostgresBackend::open(&url).expect("open"),
    );
    let tenant = TenantId::parse("slack:T1").expect("valid");
    let intake = keys::intake_generation(&tenant);
    b.settle().expect("listening");
    assert_eq!(b.get_announced(&intake).expect("read"), None);
    put(&a, &intake, b"1");
    b.settle().expect("settled");
    // Not announced, so what B remembered stands: only generation keys may be read this way.
    assert_eq!(b.get_announced(&intake).expect("read"), None);
    assert_eq!(b.get(&intake).expect("read"), Some(b"1".to_vec()));
}
