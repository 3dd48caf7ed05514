//! Purpose: the install flow's routes. `GET /slack/install` hands out a `state` — 32 random
//! bytes, stored by their SHA-256 for [`super::STATE_LIFETIME`] — in the authorize link and
//! in a cookie (HttpOnly, SameSite=Lax, Secure behind https), so the redirect is accepted
//! only in the browser that began it. `GET /slack/oauth_redirect` takes the state (once),
//! checks the cookie, exchanges the code and stores the installation. Anything wrong shows
//! the error page and stores nothing.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;

use super::{pages, OAuth};
use crate::slack::Slack;
use crate::store::installs::StateRefusal;

/// The cookie that binds a `state` to the browser.
pub const COOKIE: &str = "steward_slack_state";
/// More `state`s waiting than this (a flood of page loads) and the page asks to wait.
const MAX_WAITING_STATES: usize = 10_000;

/// The routes, when the flow is configured.
pub fn router(slack: Arc<Slack>) -> Router {
    Router::new()
        .route("/slack/install", get(install))
        .route("/slack/oauth_redirect", get(redirect))
        .with_state(slack)
}

fn digest(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

fn oauth(slack: &Slack) -> Option<&OAuth> {
    slack.oauth.as_deref()
}

async fn install(State(slack): State<Arc<Slack>>) -> Response {
    let Some(oauth) = oauth(&slack) else {
        return pages::error(
            StatusCode::NOT_FOUND,
            "The Add to Slack flow is not configured on this server.",
        );
    };
    let now = slack.now();
    let store = &slack.app.store;
    if let Err(error) = store.prune_oauth_states(now - super::STATE_LIFETIME) {
        tracing::warn!(%error, "could not prune expired OAuth states");
    }
    if store.oauth_states_waiting().unwrap_or(usize::MAX) >= MAX_WAITING_STATES {
        return pages::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many installs are under way right now. Please try again in a few minutes.",
        );
    }
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        return pages::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server could not make a secure link. Please try again.",
        );
    }
    let state = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    if let Err(error) = store.put_oauth_state(&digest(&state), now) {
        tracing::error!(%error, "could not store an OAuth state");
        return pages::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server could not start the install. Please try again.",
        );
    }
    let mut response = pages::install(&oauth.authorize_link(&state));
    let lifetime = super::STATE_LIFETIME.num_seconds();
    let secure = if oauth.is_https() { "; Secure" } else { "" };
    let cookie = format!(
        "{COOKIE}={state}; Path=/slack/; Max-Age={lifetime}; HttpOnly; SameSite=Lax{secure}"
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The `state` cookie the browser sent, if any.
fn cookie_state(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The error page, with the state cookie cleared.
fn refused(oauth: &OAuth, status: StatusCode, what: &str) -> Response {
    let mut response = pages::error(status, what);
    clear_cookie(oauth, &mut response);
    response
}

fn clear_cookie(oauth: &OAuth, response: &mut Response) {
    let secure = if oauth.is_https() { "; Secure" } else { "" };
    let cookie = format!("{COOKIE}=; Path=/slack/; Max-Age=0; HttpOnly; SameSite=Lax{secure}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
}

async fn redirect(
    State(slack): State<Arc<Slack>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(oauth) = oauth(&slack) else {
        return pages::error(
            StatusCode::NOT_FOUND,
            "The Add to Slack flow is not configured on this server.",
        );
    };
    let query = query.unwrap_or_default();
    let field = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty() && v.len() <= 512)
    };
    let (state, code, denied) = (field("state"), field("code"), field("error").is_some());
    let Some(state) = state else {
        return refused(
            oauth,
            StatusCode::BAD_REQUEST,
            "This link has no install request in it: it did not come from the install page.",
        );
    };
    let bound = cookie_state(&headers)
        .is_some_and(|cookie| bool::from(cookie.as_bytes().ct_eq(state.as_bytes())));
    let now = slack.now();
    let taken = slack
        .app
        .store
        .take_oauth_state(&digest(&state), now - super::STATE_LIFETIME);
    match taken {
        Err(error) => {
            tracing::error!(%error, "could not read an OAuth state");
            return refused(
                oauth,
                StatusCode::INTERNAL_SERVER_ERROR,
                "The server could not check this install request. Please start again.",
            );
        }
        Ok(Err(StateRefusal::Expired)) => {
            return refused(
                oauth,
                StatusCode::BAD_REQUEST,
                "This install request is older than 10 minutes. Please start again.",
            );
        }
        Ok(Err(StateRefusal::Unknown | StateRefusal::Replayed)) => {
            return refused(
                oauth,
                StatusCode::BAD_REQUEST,
                "This install request is unknown or was used already. Please start again.",
            );
        }
        Ok(Ok(())) => {}
    }
    if !bound {
        return refused(oauth, StatusCode::BAD_REQUEST, "This install was started in another browser (or its cookie was blocked). Please start again here.");
    }
    if denied {
        return refused(
            oauth,
            StatusCode::OK,
            "The install was cancelled in Slack: nothing was installed.",
        );
    }
    let Some(code) = code else {
        return refused(
            oauth,
            StatusCode::BAD_REQUEST,
            "Slack sent no authorization code. Please start again.",
        );
    };
    let grant = match oauth.exchange.code(&code, &oauth.redirect_uri(), now).await {
        Ok(grant) => grant,
        Err(error) => {
            tracing::warn!(%error, "oauth.v2.access refused the code");
            return refused(oauth, StatusCode::BAD_GATEWAY, "Slack did not accept this install (the code may have expired). Please start again.");
        }
    };
    // One durable write, rare enough to make on this thread.
    let install = match oauth.install(&slack.app.store, grant, now) {
        Ok(install) => install,
        Err(error) => {
            tracing::error!(%error, "could not store a Slack installation");
            return refused(
                oauth,
                StatusCode::INTERNAL_SERVER_ERROR,
                "The server could not store this install. Please start again.",
            );
        }
    };
    tracing::info!(installation = %install.owner(), "Steward installed");
    let place = install
        .team_name
        .clone()
        .or(install.enterprise_name.clone())
        .unwrap_or_else(|| "your workspace".into());
    let team = install
        .team_id
        .clone()
        .or(install.enterprise_id.clone())
        .unwrap_or_default();
    let open = format!(
        "https://slack.com/app_redirect?app={}&team={team}",
        install.app_id
    );
    let mut response = pages::installed(&place, &open);
    clear_cookie(oauth, &mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cookies(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(header::COOKIE, value);
        }
        headers
    }

    #[test]
    fn the_state_cookie_is_found_by_its_exact_name() {
        let found = |v: &str| cookie_state(&cookies(v));
        assert_eq!(
            found("a=1; steward_slack_state=abc; b=2").as_deref(),
            Some("abc")
        );
        assert_eq!(found("xsteward_slack_state=abc"), None);
        assert_eq!(found("steward_slack_statex=abc"), None);
        assert_eq!(found(""), None);
    }

    proptest! {
        #[test]
        fn hostile_cookie_headers_never_panic(value in "\\PC*") {
            let found = cookie_state(&cookies(&value));
            prop_assert!(found.is_none() || value.contains(COOKIE));
        }
    }
}
