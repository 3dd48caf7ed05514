//! Purpose: the Zendesk webhook on `serve`'s listener (INGEST.md, "Zendesk webhook") —
//! `POST /ingest/zendesk?tenant=TENANT`, which a Zendesk trigger calls with the body of
//! [`TRIGGER_BODY`]. The query names the tenant (a tenant id is no secret; the webhook's URL
//! holds none): its sealed signing secret is opened and the request's signature
//! ([`signature`]) checked against it alone; then the body becomes a ticket change
//! ([`ticket`]) stored exactly like a `Ticket …` event of the events API.
//!
//! Answers: `200 {"success":true}`; 401 for a request that is unsigned, badly signed, stale
//! or names a tenant without a secret (never saying which, so tenants cannot be probed); 400
//! naming what is wrong with a signed body; 413 over 64 KiB; 500 with a reference when the
//! store fails (nothing was acknowledged: Zendesk retries).

pub mod signature;
pub mod ticket;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::Utc;
use serde_json::json;

use crate::app::App;
use crate::domain::tenant::TenantId;
use crate::fault;
use crate::secrets;
use crate::store::ingest::Delivery;
pub use signature::Refusal;
pub use ticket::{TicketError, TRIGGER_BODY};

/// The webhook's route.
pub const PATH: &str = "/ingest/zendesk";
/// The largest body accepted (a trigger's body is a few hundred bytes).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// What a tenant's sealed secret is bound to (see [`secrets::context`]).
pub const SECRET_KIND: &str = "zendesk";

/// The path and query a tenant's Zendesk webhook posts to: `/ingest/zendesk?tenant=slack:T1`.
pub fn webhook_path(tenant: &TenantId) -> String {
    let mut encoded = String::new();
    for byte in tenant.as_str().bytes() {
        // Unreserved characters and `:` stand as they are in a query; the rest is escaped.
        if byte.is_ascii_alphanumeric() || b"-._~:".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{PATH}?tenant={encoded}")
}

/// The tenant a request's query names (`tenant=…`), if it is a valid tenant id.
fn tenant_of(query: Option<&str>) -> Option<TenantId> {
    let query = query?;
    let (_, value) =
        url::form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == "tenant")?;
    TenantId::parse(&value).ok()
}

/// The route `POST /ingest/zendesk`.
pub fn router(app: Arc<App>) -> Router {
    Router::new().route(PATH, post(on_webhook)).with_state(app)
}

fn answer(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({"success": false, "error": error}))).into_response()
}

fn internal(reference: &str) -> Response {
    answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        &format!("internal error (reference {reference}); nothing was stored, send again"),
    )
}

/// 401, the same whatever was wrong; the log says which kind (never a value).
fn refused(why: Refusal, tenant: Option<&TenantId>) -> Response {
    let tenant = tenant.map(TenantId::as_str).unwrap_or("(none)");
    tracing::warn!(%why, tenant, "Zendesk webhook refused: 401");
    answer(
        StatusCode::UNAUTHORIZED,
        "a request signed with the tenant's Zendesk webhook signing secret is required",
    )
}

async fn on_webhook(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let received = Utc::now();
    if body.len() > MAX_BODY_BYTES {
        return answer(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "the body is {} bytes; at most {MAX_BODY_BYTES} are accepted",
                body.len()
            ),
        );
    }
    let tenant = tenant_of(uri.query());
    let signed = match signature::headers(&headers) {
        Ok(signed) => signed,
        Err(why) => return refused(why, tenant.as_ref()),
    };
    let at = match signature::fresh(signed.timestamp, received) {
        Ok(at) => at,
        Err(why) => return refused(why, tenant.as_ref()),
    };
    let Some(tenant) = tenant else {
        return refused(Refusal::Unknown, None);
    };
    let sealed = match app.store.zendesk_secret(&tenant) {
        Ok(Some(sealed)) => sealed,
        Ok(None) => return refused(Refusal::Unknown, Some(&tenant)),
        Err(error) => {
            let reference = fault::reference();
            tracing::error!(%reference, %error, "could not read a Zendesk secret");
            return internal(&reference);
        }
    };
    let secret = match app
        .keyring
        .open(&secrets::context(SECRET_KIND, &tenant), &sealed)
    {
        Ok(secret) => secret,
        Err(error) => {
            // Every request will fail the same way until someone acts: say so loudly.
            tracing::error!(%error, tenant = %tenant, "the tenant's Zendesk secret cannot be opened; its webhook requests are refused");
            return refused(Refusal::Mismatch, Some(&tenant));
        }
    };
    if let Err(why) = signature::verify(&secret, &signed, &body) {
        return refused(why, Some(&tenant));
    }
    let message = match ticket::parse(&body, at, signed.timestamp) {
        Ok(message) => message,
        Err(error) => return answer(StatusCode::BAD_REQUEST, &error.to_string()),
    };
    let stored = tokio::task::spawn_blocking(move || {
        fault::catch("Zendesk webhook: storing a ticket change", || {
            let zone = {
                let book = app.store.book(&tenant)?;
                let book = book.read().unwrap_or_else(|p| p.into_inner());
                app.timezone_of(&book)
            };
            let delivery = Delivery {
                messages: std::slice::from_ref(&message),
                rejected: Default::default(),
                received,
                zone,
                key: None,
            };
            app.store.ingest(&tenant, &delivery)
        })
    })
    .await;
    match stored {
        Ok(Ok(Ok(_receipt))) => Json(json!({"success": true})).into_response(),
        Ok(Ok(Err(error))) => {
            let reference = fault::reference();
            tracing::error!(%reference, %error, "could not store a Zendesk ticket change");
            internal(&reference)
        }
        Ok(Err(fault)) => internal(&fault.reference),
        Err(_) => internal(&fault::lost("Zendesk webhook: storing a ticket change").reference),
    }
}

#[cfg(test)]
mod tests;
