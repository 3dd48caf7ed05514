//! Purpose: Steward's Discord REST client (API v10 under `DISCORD_API_URL`), with its own
//! `429` handling.
//!
//! Why not serenity's `Http` for these calls: its rate limiter builds every request for
//! `https://discord.com` and ignores `HttpBuilder::proxy` (serenity 0.12.5
//! `src/http/ratelimiting.rs`, `req.build(.., None)`; upstream issue #1739), and with the
//! limiter off a `429` comes back as an `ErrorResponse` that keeps only `code`, `message` and
//! `errors` (`src/http/error.rs`) — `retry_after` is lost. So Steward sends its few calls
//! itself: a `429` waits the body's `retry_after` (or the `Retry-After` header) and tries
//! again when that wait is short, or hands the wait back to the caller (the scheduler
//! retries the period later); `5xx` and transport failures are retried with backoff only
//! where a retry cannot duplicate anything (create-message carries `enforce_nonce`).
//!
//! Messages with files (pictures) take the same path, as multipart forms ([`super::upload`]).

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::time::Duration;
use thiserror::Error;

use super::upload::{form, Payload, Upload};

/// The API version every path is under.
pub const API_PREFIX: &str = "/api/v10";
/// The wait after a `429` whose `retry_after` is missing or unusable.
pub const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(1);
/// The longest `retry_after` believed; Discord's are seconds, rarely an hour.
pub const LONGEST_RATE_LIMIT_WAIT: Duration = Duration::from_secs(86_400);

/// How failures are retried.
#[derive(Debug, Clone)]
pub struct Retry {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// The longest `retry_after` waited for inline; a longer one is handed back.
    pub longest_wait: Duration,
    /// Wait before the second try after a `5xx` (doubled each time).
    pub backoff: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            longest_wait: Duration::from_secs(30),
            backoff: Duration::from_millis(500),
        }
    }
}

impl Retry {
    /// No waiting between tries (tests).
    pub fn immediate() -> Self {
        Retry {
            attempts: 4,
            longest_wait: Duration::from_secs(30),
            backoff: Duration::ZERO,
        }
    }
}

#[derive(Debug, Error)]
pub enum RestError {
    #[error("rate limited by Discord, retry after {0:?}")]
    RateLimited(Duration),
    #[error("Discord answered {status} (code {code}): {message}")]
    Status {
        status: u16,
        code: i64,
        message: String,
    },
    /// The connection could not be opened: the request never left.
    #[error("could not connect to Discord: {0}")]
    Unsent(String),
    #[error("could not reach Discord: {0}")]
    Transport(String),
    #[error("DISCORD_TOKEN is not set")]
    NoToken,
}

impl RestError {
    /// A server error or a lost connection: the request may or may not have been applied.
    pub fn is_transient(&self) -> bool {
        matches!(self, RestError::Status { status, .. } if *status >= 500)
            || matches!(self, RestError::Transport(_) | RestError::Unsent(_))
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            RestError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Whether a request may be sent again after a `5xx` or a lost connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// Reads, overwrites, and create-message with `enforce_nonce`.
    Safe,
    /// A second try could post twice (webhook follow-ups): only what surely did nothing is
    /// retried — a `429`, or a connection that could not be opened.
    OnlyRateLimits,
}

pub struct Rest {
    client: reqwest::Client,
    base: String,
    token: Option<SecretString>,
    pub retry: Retry,
}

impl Rest {
    pub fn new(api_url: &str, token: Option<SecretString>, retry: Retry) -> Result<Rest, String> {
        let base = api_url.trim_end_matches('/').to_string();
        reqwest::Url::parse(&base).map_err(|e| format!("DISCORD_API_URL is invalid: {e}"))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .user_agent(concat!(
                "DiscordBot (steward, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .build()
            .map_err(|e| format!("cannot build the Discord HTTP client: {e}"))?;
        Ok(Rest {
            client,
            base,
            token,
            retry,
        })
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// A bot-authenticated call; fails with [`RestError::NoToken`] without `DISCORD_TOKEN`.
    pub async fn bot(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        resend: Resend,
    ) -> Result<Value, RestError> {
        self.bot_request(method, path, body.into(), resend).await
    }

    /// A bot-authenticated message with `files` (`attachments` in `body` names them); without
    /// any, plain JSON.
    pub async fn bot_files(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        files: &[Upload],
        resend: Resend,
    ) -> Result<Value, RestError> {
        self.bot_request(method, path, Payload::with_files(body, files), resend)
            .await
    }

    async fn bot_request(
        &self,
        method: Method,
        path: &str,
        payload: Payload<'_>,
        resend: Resend,
    ) -> Result<Value, RestError> {
        if self.token.is_none() {
            return Err(RestError::NoToken);
        }
        self.request(method, path, payload, resend).await
    }

    /// A call under the retry policy. Interaction webhooks (`/webhooks/{app}/{token}`,
    /// `/interactions/{id}/{token}/callback`) need no bot token; it is sent when there is one.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        resend: Resend,
    ) -> Result<Value, RestError> {
        self.request(method, path, body.into(), resend).await
    }

    /// [`Rest::send`] for a message with `files`; without any, plain JSON.
    pub async fn send_files(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        files: &[Upload],
        resend: Resend,
    ) -> Result<Value, RestError> {
        self.request(method, path, Payload::with_files(body, files), resend)
            .await
    }

    /// The one request path: every call, with or without files, retried alike.
    async fn request(
        &self,
        method: Method,
        path: &str,
        payload: Payload<'_>,
        resend: Resend,
    ) -> Result<Value, RestError> {
        let mut attempt = 1;
        loop {
            let error = match self.once(method.clone(), path, payload).await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            if attempt >= self.retry.attempts {
                return Err(error);
            }
            match &error {
                RestError::RateLimited(wait) if *wait <= self.retry.longest_wait => {
                    tracing::info!(?wait, "Discord rate limit; waiting retry_after");
                    tokio::time::sleep(*wait).await;
                }
                e if e.is_transient()
                    && (resend == Resend::Safe || matches!(e, RestError::Unsent(_))) =>
                {
                    tokio::time::sleep(self.retry.backoff * (1 << (attempt - 1).min(5))).await;
                }
                _ => return Err(error),
            }
            attempt += 1;
        }
    }

    /// One request, no retries. A multipart form is built anew for each try: reqwest sends
    /// (and so consumes) it.
    async fn once(
        &self,
        method: Method,
        path: &str,
        payload: Payload<'_>,
    ) -> Result<Value, RestError> {
        let mut request = self
            .client
            .request(method, format!("{}{API_PREFIX}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.header(reqwest::header::AUTHORIZATION, authorization(token)?);
        }
        match payload {
            Payload::Nothing => {}
            Payload::Json(body) => {
                let bytes =
                    serde_json::to_vec(body).map_err(|e| RestError::Transport(e.to_string()))?;
                request = request
                    .header("Content-Type", "application/json")
                    .body(bytes);
            }
            Payload::Files(body, files) => request = request.multipart(form(body, files)?),
        }
        let response = request.send().await.map_err(|e| match e.is_connect() {
            true => RestError::Unsent(e.without_url().to_string()),
            false => RestError::Transport(e.without_url().to_string()),
        })?;
        let status = response.status().as_u16();
        let header_wait = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<f64>().ok());
        let bytes = response
            .bytes()
            .await
            .map_err(|e| RestError::Transport(e.without_url().to_string()))?;
        let value: Value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        match status {
            200..=299 => Ok(value),
            429 => Err(RestError::RateLimited(rate_limit_wait(
                value["retry_after"].as_f64().or(header_wait),
            ))),
            _ => Err(RestError::Status {
                status,
                code: value["code"].as_i64().unwrap_or(0),
                message: value["message"]
                    .as_str()
                    .unwrap_or("no message")
                    .chars()
                    .take(300)
                    .collect(),
            }),
        }
    }
}

/// `Bot {token}`, marked sensitive: `http` then prints it as `Sensitive` in any `Debug` of
/// the request or its headers, and HTTP/2 keeps it out of its header compression table.
fn authorization(token: &SecretString) -> Result<reqwest::header::HeaderValue, RestError> {
    let mut value =
        reqwest::header::HeaderValue::from_str(&format!("Bot {}", token.expose_secret())).map_err(
            |_| RestError::Transport("DISCORD_TOKEN is not a valid header value".into()),
        )?;
    value.set_sensitive(true);
    Ok(value)
}

/// The wait a `429` asks for, in seconds (the body's `retry_after`, else `Retry-After`). A
/// value that is not a finite, non-negative number of seconds — `NaN`, `inf`, `-1`, which a
/// header can carry — gets the default wait: `Duration::from_secs_f64` panics on them, and
/// `NaN.clamp(..)` is still `NaN`.
pub fn rate_limit_wait(secs: Option<f64>) -> Duration {
    secs.filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(DEFAULT_RATE_LIMIT_WAIT, |s| {
            Duration::from_secs_f64(s.min(LONGEST_RATE_LIMIT_WAIT.as_secs_f64()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_retry_after_gets_the_default_wait() {
        for secs in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            -0.5,
            f64::MAX,
        ] {
            let wait = rate_limit_wait(Some(secs));
            assert!(wait <= LONGEST_RATE_LIMIT_WAIT, "{secs}: {wait:?}");
        }
        for secs in [f64::NAN, f64::INFINITY, -1.0] {
            assert_eq!(
                rate_limit_wait(Some(secs)),
                DEFAULT_RATE_LIMIT_WAIT,
                "{secs}"
            );
        }
        assert_eq!(rate_limit_wait(Some(f64::MAX)), LONGEST_RATE_LIMIT_WAIT);
        assert_eq!(rate_limit_wait(None), DEFAULT_RATE_LIMIT_WAIT);
        assert_eq!(rate_limit_wait(Some(0.25)), Duration::from_millis(250));
        assert_eq!(rate_limit_wait(Some(0.0)), Duration::ZERO);
    }

    /// A `429` whose `Retry-After` header says `NaN` (and whose body says nothing) from a
    /// stand-in on 127.0.0.1: the default wait, handed back since it is over `longest_wait`.
    #[tokio::test]
    async fn a_nan_retry_after_header_is_not_a_panic() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let answer = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: NaN\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        let retry = Retry {
            attempts: 2,
            longest_wait: Duration::from_millis(10),
            backoff: Duration::ZERO,
        };
        let rest = Rest::new(&url, Some(SecretString::from("t")), retry).expect("client");
        match rest.bot(Method::GET, "/gateway", None, Resend::Safe).await {
            Err(RestError::RateLimited(wait)) => assert_eq!(wait, DEFAULT_RATE_LIMIT_WAIT),
            other => panic!("expected a rate limit, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_refused_connection_is_reported_as_never_sent() {
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", closed.local_addr().expect("addr"));
        drop(closed);
        let rest = Rest::new(&url, None, Retry::immediate()).expect("client");
        let body = serde_json::json!({"content": "hi"});
        let sent = rest
            .send(
                Method::POST,
                "/webhooks/1/t",
                Some(&body),
                Resend::OnlyRateLimits,
            )
            .await;
        assert!(matches!(sent, Err(RestError::Unsent(_))), "{sent:?}");
    }

    #[test]
    fn the_bot_token_is_a_sensitive_header() {
        let token = SecretString::from("MTA5.secret-bot-token");
        let value = authorization(&token).expect("valid");
        assert!(value.is_sensitive());
        let request = reqwest::Client::new()
            .get("http://127.0.0.1:9/api/v10/gateway")
            .header(reqwest::header::AUTHORIZATION, value)
            .build()
            .expect("request");
        let shown = format!("{request:?} {:?}", request.headers());
        assert!(!shown.contains("secret-bot-token"), "{shown}");
        assert!(authorization(&SecretString::from("bad\ntoken")).is_err());
    }

    #[test]
    fn bad_urls_are_refused_and_trailing_slashes_dropped() {
        assert!(Rest::new("not a url", None, Retry::default()).is_err());
        let rest = Rest::new("http://127.0.0.1:9/", None, Retry::default()).expect("valid");
        assert_eq!(rest.base, "http://127.0.0.1:9");
        assert!(!rest.has_token());
    }

    #[test]
    fn transient_errors() {
        assert!(RestError::Status {
            status: 502,
            code: 0,
            message: String::new()
        }
        .is_transient());
        assert!(RestError::Transport("reset".into()).is_transient());
        assert!(!RestError::Status {
            status: 404,
            code: 10003,
            message: String::new()
        }
        .is_transient());
        assert!(!RestError::RateLimited(Duration::from_secs(1)).is_transient());
    }
}
