//! Purpose: reading Segment's JSON leniently and safely — `null` is absent, ids are strings
//! or numbers, whole numbers come as numbers or numeric strings, times are ISO 8601 with any
//! offset — each failure a typed [`SkipReason`] that echoes at most 40 characters.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use super::skip::SkipReason;

/// At most this many characters of a sender's text are echoed in a reason.
const ECHO_CHARS: usize = 40;

pub(super) fn echo(text: &str) -> String {
    text.chars().take(ECHO_CHARS).collect()
}

/// A field's value; `null` is absent.
pub(super) fn field<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    m.get(key).filter(|v| !v.is_null())
}

pub(super) fn object<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &'static str,
) -> Result<Option<&'a Map<String, Value>>, SkipReason> {
    field(m, key)
        .map(|v| v.as_object().ok_or(wrong(path, "an object")))
        .transpose()
}

/// A non-empty string.
pub(super) fn text<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &'static str,
) -> Result<Option<&'a str>, SkipReason> {
    match field(m, key) {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(wrong(path, "a string")),
    }
}

/// An id: a non-empty string or a number.
pub(super) fn id(
    m: &Map<String, Value>,
    key: &str,
    path: &'static str,
) -> Result<Option<String>, SkipReason> {
    match field(m, key) {
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        _ => text(m, key, path)
            .map(|s| s.map(str::to_owned))
            .map_err(|_| wrong(path, "a string or a number")),
    }
}

pub(super) fn wrong(field: &'static str, expected: &'static str) -> SkipReason {
    SkipReason::WrongType { field, expected }
}

/// A whole number in `range` (given as a JSON number or a numeric string).
pub(super) fn whole(
    v: &Value,
    path: &'static str,
    max: u64,
    range: &'static str,
) -> Result<u64, SkipReason> {
    let out_of_range = |value: String| SkipReason::OutOfRange {
        field: path,
        value,
        range,
    };
    let n = match v {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| wrong(path, "a number"))?,
        _ => return Err(wrong(path, "a number")),
    };
    if n.fract() != 0.0 || !(0.0..=max as f64).contains(&n) {
        return Err(out_of_range(echo(&v.to_string())));
    }
    Ok(n as u64)
}

/// ISO 8601 with any offset (`Z`, `+01:00`, `+0100`, `+01`) and fraction; none is UTC.
pub(super) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%#z"))
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").map(|t| t.and_utc()))
        .ok()
}

pub(super) fn time(
    m: &Map<String, Value>,
    key: &'static str,
) -> Result<Option<DateTime<Utc>>, SkipReason> {
    let Some(s) = text(m, key, key)? else {
        return Ok(None);
    };
    parse_time(s).map(Some).ok_or_else(|| SkipReason::BadTime {
        field: key,
        value: echo(s),
    })
}

/// The size of a value as compact JSON, without building the text.
pub(super) fn compact_len(v: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, v) {
        Ok(()) => count.0,
        Err(_) => usize::MAX,
    }
}
