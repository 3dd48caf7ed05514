//! Purpose: the Slack Web API as Steward calls it — slack-morphism's client pointed at
//! `SLACK_API_URL`, JSON in and out, its errors reduced to what callers decide on (rate
//! limited, server error, Slack error code, transport), and the retry policy: `429` waits
//! `Retry-After` (when short), `5xx` backs off.
//!
//! Crate behaviours relied on (slack-morphism 2.31.1, DECISIONS 25):
//! `SlackClientHyperConnector::new()` is HTTPS-only (`hyper_tokio/connector.rs`, `new` uses
//! `https_only()`), so an `http://` URL gets `with_connector(HttpConnector)`; the connector
//! joins `{api_url}/{method}` itself (`create_method_uri_path`), so a trailing `/` is trimmed;
//! its rate control is per team, not per channel, so it stays off and `429`s are handled here
//! from `SlackRateLimitError::retry_after`, which it reads from `Retry-After`.

use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use slack_morphism::errors::SlackClientError;
use slack_morphism::hyper_tokio::{SlackClientHyperConnector, SlackClientHyperHttpsConnector};
use slack_morphism::{
    ClientResult, SlackApiToken, SlackApiTokenValue, SlackClient, SlackClientApiCallContext,
    SlackClientHttpConnector,
};
use std::sync::Arc;
use std::time::Duration;

/// Why a call failed. `Display` carries no token, body or header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("rate limited; retry after {0:?}")]
    RateLimited(Duration),
    #[error("Slack answered HTTP {0}")]
    Status(u16),
    #[error("Slack answered error `{0}`")]
    Slack(String),
    #[error("could not reach Slack: {0}")]
    Transport(String),
}

impl ApiError {
    /// Worth trying again: rate limits, server errors, transport failures.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::RateLimited(_) | ApiError::Transport(_) => true,
            ApiError::Status(code) => *code >= 500,
            ApiError::Slack(code) => matches!(
                code.as_str(),
                "ratelimited"
                    | "rate_limited"
                    | "internal_error"
                    | "fatal_error"
                    | "service_unavailable"
                    | "request_timeout"
            ),
        }
    }

    fn from_client(error: SlackClientError) -> ApiError {
        match error {
            SlackClientError::RateLimitError(e) => {
                ApiError::RateLimited(e.retry_after.unwrap_or(Duration::from_secs(1)))
            }
            SlackClientError::HttpError(e) => ApiError::Status(e.status_code.as_u16()),
            SlackClientError::ApiError(e) => ApiError::Slack(e.code),
            SlackClientError::HttpProtocolError(_) => {
                ApiError::Transport("HTTP protocol error".into())
            }
            SlackClientError::ProtocolError(_) => ApiError::Transport("unexpected response".into()),
            _ => ApiError::Transport("connection failed".into()),
        }
    }
}

/// How failed calls are retried within one attempt at a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// Wait before the second try after a server error; doubled each time.
    pub backoff: Duration,
    /// The longest `Retry-After` waited for in place; a longer one is handed back.
    pub max_wait: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(10),
        }
    }
}

impl Retry {
    /// How long to wait before try `attempt + 1` after `error`, or `None` to give up now.
    pub fn wait(&self, attempt: u32, error: &ApiError) -> Option<Duration> {
        if attempt >= self.attempts || !error.is_transient() {
            return None;
        }
        match error {
            ApiError::RateLimited(after) => (*after <= self.max_wait).then_some(*after),
            _ => Some(self.backoff * 2u32.saturating_pow(attempt.saturating_sub(1)).min(64)),
        }
    }
}

/// slack-morphism's client over HTTPS (Slack) or plain HTTP (a local stand-in).
enum Transport {
    Https(SlackClient<SlackClientHyperHttpsConnector>),
    Http(SlackClient<SlackClientHyperConnector<HttpConnector>>),
}

/// The Web API with the bot token.
pub struct Api {
    transport: Transport,
    token: SecretString,
    pub retry: Retry,
}

impl Api {
    pub fn new(api_url: &str, token: SecretString, retry: Retry) -> Result<Api, String> {
        let base = api_url.trim().trim_end_matches('/');
        let transport = if base.starts_with("http://") {
            let connector = SlackClientHyperConnector::with_connector(HttpConnector::new())
                .with_slack_api_url(base);
            Transport::Http(SlackClient::new(connector))
        } else if base.starts_with("https://") {
            let connector = SlackClientHyperConnector::new()
                .map_err(|e| format!("cannot load the TLS root certificates for Slack: {e}"))?
                .with_slack_api_url(base);
            Transport::Https(SlackClient::new(connector))
        } else {
            return Err(format!(
                "SLACK_API_URL must start with https:// or http:// (got \"{base}\")"
            ));
        };
        Ok(Api {
            transport,
            token,
            retry,
        })
    }

    fn token(&self) -> SlackApiToken {
        SlackApiToken::new(SlackApiTokenValue::new(
            self.token.expose_secret().to_string(),
        ))
    }

    /// One `POST {method}` with a JSON body; no retry.
    pub async fn post_once(&self, method: &str, body: &Value) -> Result<Value, ApiError> {
        let token = self.token();
        let result = match &self.transport {
            Transport::Https(client) => post(client, &token, method, body).await,
            Transport::Http(client) => post(client, &token, method, body).await,
        };
        result.map_err(ApiError::from_client)
    }

    /// `POST {method}`, retried by the policy (for calls that are safe to repeat).
    pub async fn post(&self, method: &str, body: &Value) -> Result<Value, ApiError> {
        self.retried(|| self.post_once(method, body)).await
    }

    /// `GET {method}?params`, retried by the policy.
    pub async fn get(&self, method: &str, params: &[(&str, String)]) -> Result<Value, ApiError> {
        let token = self.token();
        self.retried(|| async {
            match &self.transport {
                Transport::Https(client) => get(client, &token, method, params).await,
                Transport::Http(client) => get(client, &token, method, params).await,
            }
            .map_err(ApiError::from_client)
        })
        .await
    }

    /// Posts a message to a `response_url` (no token: the URL is the credential).
    pub async fn respond(&self, response_url: &str, body: &Value) -> Result<(), ApiError> {
        let url = url::Url::parse(response_url)
            .map_err(|_| ApiError::Transport("response_url is not a URL".into()))?;
        self.retried(|| async {
            match &self.transport {
                Transport::Https(client) => post_url(client, url.clone(), body).await,
                Transport::Http(client) => post_url(client, url.clone(), body).await,
            }
            .map_err(ApiError::from_client)
        })
        .await
        .map(drop)
    }

    /// Posts raw bytes to a full URL without the bot token: the step of Slack's external
    /// upload that sends a file's contents to the `upload_url` that
    /// `files.getUploadURLExternal` returned (the URL is the credential). Retried by the policy.
    pub async fn upload_bytes(
        &self,
        upload_url: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<(), ApiError> {
        let url = url::Url::parse(upload_url)
            .map_err(|_| ApiError::Transport("upload_url is not a URL".into()))?;
        self.retried(|| async {
            match &self.transport {
                Transport::Https(client) => {
                    post_url_bytes(client, url.clone(), content_type, bytes).await
                }
                Transport::Http(client) => {
                    post_url_bytes(client, url.clone(), content_type, bytes).await
                }
            }
            .map_err(ApiError::from_client)
        })
        .await
        .map(drop)
    }

    /// `call` until it succeeds or the retry policy gives up.
    async fn retried<F, Fut>(&self, mut call: F) -> Result<Value, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Value, ApiError>>,
    {
        let mut attempt = 1;
        loop {
            match call().await {
                Ok(value) => return Ok(value),
                Err(error) => match self.retry.wait(attempt, &error) {
                    Some(wait) => tokio::time::sleep(wait).await,
                    None => return Err(error),
                },
            }
            attempt += 1;
        }
    }

    /// The Socket Mode listener needs the client itself.
    pub(crate) fn with_client<R>(
        &self,
        https: impl FnOnce(Arc<SlackClient<SlackClientHyperHttpsConnector>>) -> R,
        http: impl FnOnce(Arc<SlackClient<SlackClientHyperConnector<HttpConnector>>>) -> R,
    ) -> R {
        match &self.transport {
            Transport::Https(client) => https(Arc::new(client.clone())),
            Transport::Http(client) => http(Arc::new(client.clone())),
        }
    }
}

async fn post<H>(
    client: &SlackClient<SlackClientHyperConnector<H>>,
    token: &SlackApiToken,
    method: &str,
    body: &Value,
) -> ClientResult<Value>
where
    H: 'static + Send + Sync + Clone + Connect,
{
    let session = client.open_session(token);
    session.http_session_api.http_post(method, body, None).await
}

async fn get<H>(
    client: &SlackClient<SlackClientHyperConnector<H>>,
    token: &SlackApiToken,
    method: &str,
    params: &[(&str, String)],
) -> ClientResult<Value>
where
    H: 'static + Send + Sync + Clone + Connect,
{
    let session = client.open_session(token);
    let params: Vec<(&str, Option<&String>)> = params.iter().map(|(k, v)| (*k, Some(v))).collect();
    session
        .http_session_api
        .http_get(method, &params, None)
        .await
}

/// A POST to a full URL without the bot token (slack-morphism's `post_webhook_message`
/// does the same, `api/webhook.rs`; it marks the URL sensitive so its logs redact it).
async fn post_url<H>(
    client: &SlackClient<SlackClientHyperConnector<H>>,
    url: url::Url,
    body: &Value,
) -> ClientResult<Value>
where
    H: 'static + Send + Sync + Clone + Connect,
{
    let span = tracing::span!(tracing::Level::DEBUG, "Slack response_url");
    let context = SlackClientApiCallContext {
        rate_control_params: None,
        token: None,
        tracing_span: &span,
        is_sensitive_url: true,
    };
    client
        .http_api
        .connector
        .http_post_uri(url, body, context)
        .await
}

/// A binary POST to a full URL without the bot token (slack-morphism's
/// `files_upload_via_url` makes the same call, `api/files.rs`, but with the token; Slack's
/// upload URL needs none, and a token should go nowhere it is not needed). Slack answers the
/// upload with plain text (`OK - 1234`), which the connector reads as an empty success.
async fn post_url_bytes<H>(
    client: &SlackClient<SlackClientHyperConnector<H>>,
    url: url::Url,
    content_type: &str,
    bytes: &[u8],
) -> ClientResult<Value>
where
    H: 'static + Send + Sync + Clone + Connect,
{
    let span = tracing::span!(tracing::Level::DEBUG, "Slack file upload");
    let context = SlackClientApiCallContext {
        rate_control_params: None,
        token: None,
        tracing_span: &span,
        is_sensitive_url: true,
    };
    client
        .http_api
        .connector
        .http_post_uri_binary(url, content_type.to_string(), bytes, context)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_policy() {
        let r = Retry {
            attempts: 3,
            backoff: Duration::from_millis(100),
            max_wait: Duration::from_secs(5),
        };
        assert_eq!(
            r.wait(1, &ApiError::Status(503)),
            Some(Duration::from_millis(100))
        );
        assert_eq!(
            r.wait(2, &ApiError::Status(502)),
            Some(Duration::from_millis(200))
        );
        assert_eq!(r.wait(3, &ApiError::Status(502)), None);
        assert_eq!(r.wait(1, &ApiError::Status(400)), None);
        assert_eq!(
            r.wait(1, &ApiError::Slack("channel_not_found".into())),
            None
        );
        assert_eq!(
            r.wait(1, &ApiError::RateLimited(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            r.wait(1, &ApiError::RateLimited(Duration::from_secs(60))),
            None
        );
    }

    #[test]
    fn api_url_forms() {
        let token = || SecretString::from("xoxb-test");
        assert!(Api::new("http://127.0.0.1:9/api/", token(), Retry::default()).is_ok());
        assert!(Api::new("ftp://example.com", token(), Retry::default()).is_err());
    }
}
