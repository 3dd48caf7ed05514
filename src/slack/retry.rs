//! Purpose: what a failed Slack Web API call means, and whether it is sent again. Every call
//! has a timeout. A `429` (Slack refused it: "your app is being rate limited", with
//! `Retry-After` seconds, docs.slack.dev/apis/web-api/rate-limits) and a connection that
//! could not be opened surely did nothing, so any call is sent again after the wait. A `5xx`,
//! a connection lost mid-way or a timeout may have been acted on by Slack: only calls that are
//! safe to repeat (reads, overwrites) are sent again then — a message is never posted twice.

use slack_morphism::errors::SlackClientError;
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
    /// The connection could not be opened: the request never left.
    #[error("could not connect to Slack: {0}")]
    Unsent(String),
    /// Lost after the request may have been sent.
    #[error("could not reach Slack: {0}")]
    Transport(String),
    #[error("Slack did not answer within {0:?}")]
    Timeout(Duration),
}

/// Slack error codes that mean the call was refused for its rate.
const RATE_LIMITED_CODES: [&str; 2] = ["ratelimited", "rate_limited"];

impl ApiError {
    /// Worth trying again: rate limits, server errors, transport failures, timeouts.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::RateLimited(_)
            | ApiError::Unsent(_)
            | ApiError::Transport(_)
            | ApiError::Timeout(_) => true,
            ApiError::Status(code) => *code >= 500,
            ApiError::Slack(code) => {
                RATE_LIMITED_CODES.contains(&code.as_str())
                    || matches!(
                        code.as_str(),
                        "internal_error"
                            | "fatal_error"
                            | "service_unavailable"
                            | "request_timeout"
                    )
            }
        }
    }

    /// Slack surely did nothing with the call: it refused it for its rate, or it never left.
    pub fn surely_unsent(&self) -> bool {
        match self {
            ApiError::RateLimited(_) | ApiError::Unsent(_) => true,
            ApiError::Slack(code) => RATE_LIMITED_CODES.contains(&code.as_str()),
            _ => false,
        }
    }

    pub(super) fn from_client(error: SlackClientError) -> ApiError {
        match error {
            SlackClientError::RateLimitError(e) => {
                ApiError::RateLimited(e.retry_after.unwrap_or(Duration::from_secs(1)))
            }
            SlackClientError::HttpError(e) => ApiError::Status(e.status_code.as_u16()),
            SlackClientError::ApiError(e) => ApiError::Slack(e.code),
            // slack-morphism keeps hyper-util's error as the cause (`hyper_errors.rs`), and
            // hyper-util says whether it failed while connecting (`Error::is_connect`).
            SlackClientError::HttpProtocolError(e) => {
                let connecting = e
                    .cause
                    .as_ref()
                    .and_then(|c| c.downcast_ref::<hyper_util::client::legacy::Error>())
                    .is_some_and(hyper_util::client::legacy::Error::is_connect);
                match connecting {
                    true => ApiError::Unsent("connection refused or unreachable".into()),
                    false => ApiError::Transport("HTTP protocol error".into()),
                }
            }
            SlackClientError::ProtocolError(_) => ApiError::Transport("unexpected response".into()),
            _ => ApiError::Transport("connection failed".into()),
        }
    }
}

/// Whether a call may be sent again after a failure that may have been acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// Reads and overwrites (`users.info`, `views.publish`, `conversations.open`, …).
    Safe,
    /// Calls that could act twice (`chat.postMessage`, `response_url`, sharing a file): sent
    /// again only when surely not acted on.
    OnlyUnsent,
}

/// How calls are bounded and retried within one attempt at a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// Wait before the second try after a server error; doubled each time.
    pub backoff: Duration,
    /// The longest `Retry-After` waited for in place; a longer one is handed back.
    pub max_wait: Duration,
    /// The longest one call may take, answer included.
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(10),
            timeout: Duration::from_secs(10),
        }
    }
}

impl Retry {
    /// How long to wait before try `attempt + 1` after `error`, or `None` to give up now.
    pub fn wait(&self, attempt: u32, error: &ApiError, resend: Resend) -> Option<Duration> {
        if attempt >= self.attempts || !error.is_transient() {
            return None;
        }
        if resend == Resend::OnlyUnsent && !error.surely_unsent() {
            return None;
        }
        match error {
            ApiError::RateLimited(after) => (*after <= self.max_wait).then_some(*after),
            _ => Some(self.backoff * 2u32.saturating_pow(attempt.saturating_sub(1)).min(64)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Retry {
        Retry {
            attempts: 3,
            backoff: Duration::from_millis(100),
            max_wait: Duration::from_secs(5),
            timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn safe_calls_retry_what_is_transient() {
        let r = policy();
        let safe = Resend::Safe;
        assert_eq!(
            r.wait(1, &ApiError::Status(503), safe),
            Some(Duration::from_millis(100))
        );
        assert_eq!(
            r.wait(2, &ApiError::Status(502), safe),
            Some(Duration::from_millis(200))
        );
        assert_eq!(r.wait(3, &ApiError::Status(502), safe), None);
        assert_eq!(r.wait(1, &ApiError::Status(400), safe), None);
        let missing = ApiError::Slack("channel_not_found".into());
        assert_eq!(r.wait(1, &missing, safe), None);
        let timeout = ApiError::Timeout(Duration::from_secs(1));
        assert_eq!(r.wait(1, &timeout, safe), Some(Duration::from_millis(100)));
        assert_eq!(
            r.wait(1, &ApiError::RateLimited(Duration::from_secs(2)), safe),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            r.wait(1, &ApiError::RateLimited(Duration::from_secs(60)), safe),
            None
        );
    }

    #[test]
    fn posts_retry_only_what_surely_did_not_arrive() {
        let r = policy();
        let once = Resend::OnlyUnsent;
        for maybe_posted in [
            ApiError::Status(500),
            ApiError::Timeout(Duration::from_secs(1)),
            ApiError::Transport("reset".into()),
            ApiError::Slack("internal_error".into()),
        ] {
            assert_eq!(r.wait(1, &maybe_posted, once), None, "{maybe_posted:?}");
        }
        assert_eq!(
            r.wait(1, &ApiError::RateLimited(Duration::from_secs(1)), once),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            r.wait(1, &ApiError::Unsent("refused".into()), once),
            Some(Duration::from_millis(100))
        );
        assert_eq!(
            r.wait(1, &ApiError::Slack("ratelimited".into()), once),
            Some(Duration::from_millis(100))
        );
    }
}
