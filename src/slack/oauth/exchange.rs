//! Purpose: `oauth.v2.access` — a code from the redirect, or (token rotation) a refresh
//! token, exchanged for a bot token. The client id and secret go in HTTP Basic auth, the rest
//! form-encoded in the body, never in a URL (which proxies and libraries log). Nothing of a
//! request or an answer is logged; errors carry Slack's error code at most.
//!
//! Called with reqwest rather than slack-morphism: its `oauth2_access` sends the code in the
//! query string with a URL it logs at `debug` (`is_sensitive_url: false`, slack-morphism
//! 2.31.1 `hyper_tokio/connector.rs`), has no refresh grant, and drops `enterprise`,
//! `is_enterprise_install`, `refresh_token` and `expires_in` from the answer.

use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// Why an exchange failed. `Display` carries no token, code or secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    /// The code or refresh token is not (or no longer) good: install again.
    #[error("Slack refused the grant (invalid_grant)")]
    InvalidGrant,
    #[error("Slack answered error `{0}`")]
    Slack(String),
    #[error("could not reach Slack: {0}")]
    Transport(String),
    #[error("Slack's answer is not one Steward understands: {0}")]
    Unexpected(&'static str),
}

/// What Slack granted: the installation's ids and tokens.
#[derive(Debug)]
pub struct Grant {
    pub enterprise_id: Option<String>,
    pub enterprise_name: Option<String>,
    /// `None` for an org-wide Enterprise Grid install.
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub app_id: String,
    pub bot_user_id: String,
    pub scopes: String,
    pub installer: String,
    pub bot_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A Slack id as Steward stores one: 1–32 ASCII capitals and digits (`T0123ABCD`).
pub fn is_slack_id(text: &str) -> bool {
    (1..=32).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The client that talks to `oauth.v2.access`.
pub struct Exchange {
    http: reqwest::Client,
    url: String,
    client_id: String,
    client_secret: SecretString,
}

impl Exchange {
    pub fn new(
        api_url: &str,
        client_id: String,
        client_secret: SecretString,
    ) -> Result<Exchange, String> {
        let url = format!("{}/oauth.v2.access", api_url.trim().trim_end_matches('/'));
        reqwest::Url::parse(&url).map_err(|e| format!("SLACK_API_URL is invalid: {e}"))?;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| format!("cannot build the Slack OAuth client: {e}"))?;
        Ok(Exchange {
            http,
            url,
            client_id,
            client_secret,
        })
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Exchanges the redirect's `code` (sent with the same `redirect_uri` as the authorize
    /// link, as Slack requires).
    pub async fn code(
        &self,
        code: &str,
        redirect_uri: &str,
        now: DateTime<Utc>,
    ) -> Result<Grant, ExchangeError> {
        let form = [("code", code), ("redirect_uri", redirect_uri)];
        grant(self.call(&form).await?, now)
    }

    /// Exchanges a refresh token for a new bot token (and a new refresh token).
    pub async fn refresh(
        &self,
        refresh_token: &SecretString,
        now: DateTime<Utc>,
    ) -> Result<Grant, ExchangeError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ];
        grant(self.call(&form).await?, now)
    }

    async fn call(&self, form: &[(&str, &str)]) -> Result<Value, ExchangeError> {
        let response = self
            .http
            .post(&self.url)
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .form(form)
            .send()
            .await
            // reqwest's error names the URL, which holds no secret here.
            .map_err(|e| ExchangeError::Transport(e.without_url().to_string()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ExchangeError::Transport(e.without_url().to_string()))?;
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|_| ExchangeError::Unexpected("the answer is not JSON"))?;
        if body["ok"] == true {
            return Ok(body);
        }
        match body["error"].as_str() {
            Some("invalid_grant") => Err(ExchangeError::InvalidGrant),
            Some(code) if is_error_code(code) => Err(ExchangeError::Slack(code.to_string())),
            _ if !status.is_success() => Err(ExchangeError::Transport(format!("HTTP {status}"))),
            _ => Err(ExchangeError::Unexpected(
                "ok is not true and no error code",
            )),
        }
    }
}

/// An error code as Slack writes them (`invalid_code`), so nothing else is repeated.
fn is_error_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Reads an `oauth.v2.access` answer: a bot token and ids that look like Slack's, or an error.
pub fn grant(body: Value, now: DateTime<Utc>) -> Result<Grant, ExchangeError> {
    let text = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let id = |v: &Value, what: &'static str| match text(v) {
        Some(id) if is_slack_id(&id) => Ok(Some(id)),
        Some(_) => Err(ExchangeError::Unexpected(what)),
        None => Ok(None),
    };
    if body["token_type"] != "bot" {
        return Err(ExchangeError::Unexpected("the token is not a bot token"));
    }
    let token = text(&body["access_token"])
        .filter(|t| t.starts_with("xoxb-") || t.starts_with("xoxe.xoxb-"))
        .ok_or(ExchangeError::Unexpected("no bot token"))?;
    let enterprise_id = id(&body["enterprise"]["id"], "the enterprise id")?;
    let org_wide = body["is_enterprise_install"] == true;
    let team_id = match org_wide {
        true => None,
        false => Some(
            id(&body["team"]["id"], "the team id")?
                .ok_or(ExchangeError::Unexpected("no team id"))?,
        ),
    };
    if org_wide && enterprise_id.is_none() {
        return Err(ExchangeError::Unexpected(
            "an org-wide install without enterprise id",
        ));
    }
    let refresh_token = text(&body["refresh_token"]).map(SecretString::from);
    let expires_at = body["expires_in"]
        .as_i64()
        .filter(|s| (1..=366 * 86_400).contains(s))
        .map(|s| now + Duration::seconds(s));
    if refresh_token.is_some() != expires_at.is_some() {
        return Err(ExchangeError::Unexpected(
            "a refresh token without expiry, or the reverse",
        ));
    }
    Ok(Grant {
        enterprise_id,
        enterprise_name: text(&body["enterprise"]["name"]),
        team_id,
        team_name: text(&body["team"]["name"]),
        app_id: id(&body["app_id"], "the app id")?.ok_or(ExchangeError::Unexpected("no app id"))?,
        bot_user_id: id(&body["bot_user_id"], "the bot user id")?
            .ok_or(ExchangeError::Unexpected("no bot user id"))?,
        scopes: text(&body["scope"]).unwrap_or_default(),
        installer: id(&body["authed_user"]["id"], "the installer's id")?.unwrap_or_default(),
        bot_token: SecretString::from(token),
        refresh_token,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn answer() -> Value {
        json!({"ok": true, "access_token": "xoxb-1-abc", "token_type": "bot", "scope": "commands,chat:write", "bot_user_id": "UBOT", "app_id": "A1", "team": {"id": "T1", "name": "Acme"}, "enterprise": null, "authed_user": {"id": "U1"}, "is_enterprise_install": false})
    }

    #[test]
    fn workspace_org_wide_and_rotating_grants() {
        let now = Utc::now();
        let g = grant(answer(), now).expect("valid");
        assert_eq!((g.enterprise_id, g.team_id.as_deref()), (None, Some("T1")));
        assert!(g.refresh_token.is_none() && g.expires_at.is_none());
        let mut org = answer();
        org["team"] = Value::Null;
        org["enterprise"] = json!({"id": "E1", "name": "Grid"});
        org["is_enterprise_install"] = json!(true);
        let g = grant(org, now).expect("valid");
        assert_eq!((g.enterprise_id.as_deref(), g.team_id), (Some("E1"), None));
        let mut rotating = answer();
        rotating["access_token"] = json!("xoxe.xoxb-1-abc");
        rotating["refresh_token"] = json!("xoxe-1-def");
        rotating["expires_in"] = json!(43200);
        let g = grant(rotating, now).expect("valid");
        assert_eq!(g.expires_at, Some(now + Duration::hours(12)));
    }

    #[test]
    fn answers_that_are_not_a_bot_grant_are_refused() {
        let now = Utc::now();
        for (key, value) in [
            ("token_type", json!("user")),
            ("access_token", json!("xoxp-user")),
            ("team", json!({"id": "t1/../T2"})),
            ("team", Value::Null),
            ("app_id", Value::Null),
            ("expires_in", json!(3600)),
        ] {
            let mut body = answer();
            body[key] = value;
            assert!(grant(body, now).is_err(), "{key}");
        }
    }

    proptest! {
        #[test]
        fn hostile_answers_never_panic_nor_pass_odd_ids(team in "\\PC*", token in "\\PC*") {
            let mut body = answer();
            body["team"]["id"] = json!(team.clone());
            body["access_token"] = json!(token);
            if let Ok(g) = grant(body, Utc::now()) {
                prop_assert!(g.team_id.as_deref().is_some_and(is_slack_id));
            }
        }
    }
}
