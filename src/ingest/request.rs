//! Purpose: what an events API request says besides its messages — the write key from HTTP
//! Basic auth (user name = key, password ignored, as Segment's libraries send it), and the
//! body as sent or gunzipped (`Content-Encoding: gzip`), held to the request limit after
//! decompression so a small gzip bomb cannot grow past it.

use std::borrow::Cow;
use std::io::Read;

use axum::http::{header, HeaderMap};
use base64::Engine;
use flate2::read::MultiGzDecoder;
use secrecy::SecretString;

use super::body::{BodyError, MAX_REQUEST_BYTES};

/// The write key of an `Authorization: Basic base64(key:)` header, if one is given.
pub fn basic_key(headers: &HeaderMap) -> Option<SecretString> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let key = text.split(':').next().unwrap_or_default();
    (!key.is_empty()).then(|| SecretString::from(key.to_string()))
}

/// The body as JSON bytes: gunzipped when `Content-Encoding` says gzip.
pub fn decoded<'a>(headers: &HeaderMap, body: &'a [u8]) -> Result<Cow<'a, [u8]>, BodyError> {
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("" | "identity") => Ok(Cow::Borrowed(body)),
        Some("gzip" | "x-gzip") => gunzip(body).map(Cow::Owned),
        Some(other) => Err(BodyError::UnknownEncoding(other.chars().take(40).collect())),
    }
}

/// Decompresses at most one byte past the limit: enough to know it was exceeded.
fn gunzip(body: &[u8]) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::new();
    MultiGzDecoder::new(body)
        .take(MAX_REQUEST_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| BodyError::BadGzip {
            detail: e.to_string(),
        })?;
    if out.len() > MAX_REQUEST_BYTES {
        return Err(BodyError::TooLarge { bytes: out.len() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use secrecy::ExposeSecret;
    use std::io::Write;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(name, HeaderValue::from_str(value).expect("valid header"));
        }
        h
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(bytes).expect("gzip");
        enc.finish().expect("gzip")
    }

    #[test]
    fn basic_auth_user_name_is_the_key() {
        // Segment's libraries send base64("KEY:"); curl -u KEY:x sends a password too.
        for (value, want) in [
            ("Basic c3R3X2FiYzo=", Some("stw_abc")),
            ("basic c3R3X2FiYzp4", Some("stw_abc")),
            ("Basic Og==", None),
            ("Bearer c3R3X2FiYzo=", None),
            ("Basic ***", None),
        ] {
            let key = basic_key(&headers(&[(header::AUTHORIZATION, value)]));
            assert_eq!(
                key.as_ref()
                    .map(|k| k.expose_secret().to_string())
                    .as_deref(),
                want,
                "{value}"
            );
        }
        assert!(basic_key(&HeaderMap::new()).is_none());
    }

    #[test]
    fn gzip_bodies_are_unpacked_and_held_to_the_limit() {
        let json = br#"{"batch":[]}"#;
        let h = headers(&[(header::CONTENT_ENCODING, "gzip")]);
        assert_eq!(decoded(&h, &gzip(json)).expect("gzip").as_ref(), json);
        assert_eq!(
            decoded(&HeaderMap::new(), json).expect("plain").as_ref(),
            json
        );
        // 600 KB of spaces packs into a few hundred bytes and must still be refused.
        let bomb = gzip(&vec![b' '; 600 * 1024]);
        assert!(bomb.len() < 4096);
        assert_eq!(
            decoded(&h, &bomb).map(|b| b.len()),
            Err(BodyError::TooLarge {
                bytes: MAX_REQUEST_BYTES + 1
            })
        );
        assert!(matches!(decoded(&h, json), Err(BodyError::BadGzip { .. })));
        let br = headers(&[(header::CONTENT_ENCODING, "br")]);
        assert_eq!(
            decoded(&br, json).map(|b| b.len()),
            Err(BodyError::UnknownEncoding("br".into()))
        );
    }
}
