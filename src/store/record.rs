//! Purpose: how records are encoded — JSON inside a versioned envelope, so a later schema
//! can migrate older records on read.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::StoreError;

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct EnvelopeOut<'a, T> {
    v: u32,
    data: &'a T,
}

#[derive(Deserialize)]
struct EnvelopeIn<T> {
    v: u32,
    data: T,
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(&EnvelopeOut {
        v: SCHEMA_VERSION,
        data: value,
    })
    .map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub fn decode<T: DeserializeOwned>(key: &[u8], bytes: &[u8]) -> Result<T, StoreError> {
    let envelope: EnvelopeIn<T> = serde_json::from_slice(bytes).map_err(|e| {
        StoreError::Corrupt(format!("record {}: {e}", String::from_utf8_lossy(key)))
    })?;
    if envelope.v > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { found: envelope.v });
    }
    Ok(envelope.data)
}
