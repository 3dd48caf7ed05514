//! Purpose: the Slack Web API as Steward calls it — slack-morphism's client pointed at
//! `SLACK_API_URL`, JSON in and out, every call bounded by a timeout (slack-morphism's client
//! has none of its own: `hyper_tokio/connector.rs` awaits hyper's `request` as is), its errors
//! reduced to what callers decide on and retried by the policy of [`super::retry`]: `429`
//! waits `Retry-After` (when short), `5xx` backs off, and a call that could act twice is sent
//! again only when it surely did not arrive.
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
use slack_morphism::hyper_tokio::{SlackClientHyperConnector, SlackClientHyperHttpsConnector};
use slack_morphism::{
    ClientResult, SlackApiToken, SlackApiTokenValue, SlackClient, SlackClientApiCallContext,
    SlackClientHttpConnector,
};
use std::future::Future;
use std::sync::Arc;
use tokio::time::Instant;

pub use super::retry::{ApiError, Resend, Retry};

/// slack-morphism's client over HTTPS (Slack) or plain HTTP (a local stand-in).
enum Transport {
    Https(SlackClient<SlackClientHyperHttpsConnector>),
    Http(SlackClient<SlackClientHyperConnector<HttpConnector>>),
}

/// The Web API with one workspace's bot token. Cloning shares the connection pool.
#[derive(Clone)]
pub struct Api {
    transport: Arc<Transport>,
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
            transport: Arc::new(transport),
            token,
            retry,
        })
    }

    /// The same client (connections, retry policy) with another workspace's bot token.
    pub fn with_token(&self, token: SecretString) -> Api {
        Api {
            transport: self.transport.clone(),
            token,
            retry: self.retry,
        }
    }

    fn token(&self) -> SlackApiToken {
        SlackApiToken::new(SlackApiTokenValue::new(
            self.token.expose_secret().to_string(),
        ))
    }

    /// One `POST {method}` with a JSON body, within the timeout; no retry.
    pub async fn post_once(&self, method: &str, body: &Value) -> Result<Value, ApiError> {
        self.post_within(method, body, self.retry.timeout).await
    }

    async fn post_within(
        &self,
        method: &str,
        body: &Value,
        limit: std::time::Duration,
    ) -> Result<Value, ApiError> {
        let token = self.token();
        bounded(limit, async {
            match self.transport.as_ref() {
                Transport::Https(client) => post(client, &token, method, body).await,
                Transport::Http(client) => post(client, &token, method, body).await,
            }
        })
        .await
    }

    /// `POST {method}`, retried by the policy; `resend` says whether the call may be sent
    /// again after a failure that Slack may have acted on.
    pub async fn post(
        &self,
        method: &str,
        body: &Value,
        resend: Resend,
    ) -> Result<Value, ApiError> {
        self.retried(resend, None, || self.post_once(method, body))
            .await
    }

    /// `POST {method}` that is only of use before `deadline` (`views.open`: its `trigger_id`
    /// expires 3 s after the user's action): a try is cut at the deadline, and a wait that
    /// would end after it is not waited. Sent again only when surely not acted on.
    pub async fn post_before(
        &self,
        method: &str,
        body: &Value,
        deadline: Instant,
    ) -> Result<Value, ApiError> {
        self.retried(Resend::OnlyUnsent, Some(deadline), || {
            let left = deadline.saturating_duration_since(Instant::now());
            self.post_within(method, body, left.min(self.retry.timeout))
        })
        .await
    }

    /// `GET {method}?params`, retried by the policy (reads are safe to repeat).
    pub async fn get(&self, method: &str, params: &[(&str, String)]) -> Result<Value, ApiError> {
        let token = self.token();
        self.retried(Resend::Safe, None, || {
            bounded(self.retry.timeout, async {
                match self.transport.as_ref() {
                    Transport::Https(client) => get(client, &token, method, params).await,
                    Transport::Http(client) => get(client, &token, method, params).await,
                }
            })
        })
        .await
    }

    /// Posts a message to a `response_url` (no token: the URL is the credential). Each use
    /// posts a message, so it is sent again only when surely not acted on.
    pub async fn respond(&self, response_url: &str, body: &Value) -> Result<(), ApiError> {
        let url = url::Url::parse(response_url)
            .map_err(|_| ApiError::Transport("response_url is not a URL".into()))?;
        self.retried(Resend::OnlyUnsent, None, || {
            bounded(self.retry.timeout, async {
                match self.transport.as_ref() {
                    Transport::Https(client) => post_url(client, url.clone(), body).await,
                    Transport::Http(client) => post_url(client, url.clone(), body).await,
                }
            })
        })
        .await
        .map(drop)
    }

    /// Posts raw bytes to a full URL without the bot token: the step of Slack's external
    /// upload that sends a file's contents to the `upload_url` that
    /// `files.getUploadURLExternal` returned (the URL is the credential). Retried by the
    /// policy: sending the same bytes for the same file again shares nothing.
    pub async fn upload_bytes(
        &self,
        upload_url: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<(), ApiError> {
        let url = url::Url::parse(upload_url)
            .map_err(|_| ApiError::Transport("upload_url is not a URL".into()))?;
        self.retried(Resend::Safe, None, || {
            bounded(self.retry.timeout, async {
                match self.transport.as_ref() {
                    Transport::Https(client) => {
                        post_url_bytes(client, url.clone(), content_type, bytes).await
                    }
                    Transport::Http(client) => {
                        post_url_bytes(client, url.clone(), content_type, bytes).await
                    }
                }
            })
        })
        .await
        .map(drop)
    }

    /// `call` until it succeeds or the retry policy gives up (or a wait would pass
    /// `deadline`).
    async fn retried<F, Fut>(
        &self,
        resend: Resend,
        deadline: Option<Instant>,
        mut call: F,
    ) -> Result<Value, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Value, ApiError>>,
    {
        let mut attempt = 1;
        loop {
            let error = match call().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let Some(wait) = self.retry.wait(attempt, &error, resend) else {
                return Err(error);
            };
            if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                return Err(error);
            }
            tracing::debug!(?wait, %error, attempt, "Slack call failed; trying again");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// The Socket Mode listener needs the client itself.
    pub(crate) fn with_client<R>(
        &self,
        https: impl FnOnce(Arc<SlackClient<SlackClientHyperHttpsConnector>>) -> R,
        http: impl FnOnce(Arc<SlackClient<SlackClientHyperConnector<HttpConnector>>>) -> R,
    ) -> R {
        match self.transport.as_ref() {
            Transport::Https(client) => https(Arc::new(client.clone())),
            Transport::Http(client) => http(Arc::new(client.clone())),
        }
    }
}

/// `call` within `limit`, its error reduced to an [`ApiError`].
async fn bounded(
    limit: std::time::Duration,
    call: impl Future<Output = ClientResult<Value>>,
) -> Result<Value, ApiError> {
    match tokio::time::timeout(limit, call).await {
        Ok(result) => result.map_err(ApiError::from_client),
        Err(_) => Err(ApiError::Timeout(limit)),
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
    fn api_url_forms() {
        let token = || SecretString::from("xoxb-test");
        assert!(Api::new("http://127.0.0.1:9/api/", token(), Retry::default()).is_ok());
        assert!(Api::new("ftp://example.com", token(), Retry::default()).is_err());
    }
}
