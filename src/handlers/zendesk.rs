//! Purpose: `/steward zendesk secret SECRET` — the tenant's Zendesk webhook signing secret
//! (INGEST.md, "Zendesk webhook"): checked, sealed by the app's keyring (the store never
//! holds it in clear), and answered with where to point the webhook and the trigger body to
//! give it — never with the secret. Admins only: declared in `commands/steward.toml`,
//! checked by the app and again here.

use super::{Ctx, Outcome};
use crate::command::steward::{Concealed, ZendeskAction};
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::ingest::zendesk::{webhook_path, SECRET_KIND, TRIGGER_BODY};
use crate::reply::{t, Reply, Span};
use crate::secrets;

/// The longest secret accepted (Zendesk's are 44 characters).
pub const MAX_SECRET_CHARS: usize = 200;

pub fn handle(action: &ZendeskAction, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    if !ctx.is_admin {
        return Err(DomainError::AdminOnly {
            action: "set the Zendesk secret".into(),
        });
    }
    match action {
        ZendeskAction::Secret { secret } => set_secret(secret, ctx, book),
    }
}

fn set_secret(secret: &Concealed, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    use secrecy::ExposeSecret;
    let chars = secret.secret().expose_secret().chars().count();
    if chars == 0 || chars > MAX_SECRET_CHARS {
        return Err(DomainError::invalid(
            "SECRET",
            format!("a Zendesk signing secret has 1–{MAX_SECRET_CHARS} characters, not {chars}"),
            "/steward zendesk secret dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ== (the webhook's secret, from Zendesk: Admin Center → Apps and integrations → Webhooks → your webhook → Reveal secret)",
        ));
    }
    let context = secrets::context(SECRET_KIND, &book.tenant);
    let sealed = ctx
        .sealer
        .seal(&context, secret.secret())
        .map_err(|e| DomainError::Refused(format!("the Zendesk secret was not stored: {e}.")))?;
    let url = format!("https://HOST{}", webhook_path(&book.tenant));
    let reply = Reply::new()
        .para(vec![t(
            "Zendesk secret set. Steward keeps it sealed and never shows it again.",
        )])
        .para(vec![
            t("In Zendesk, the webhook (POST, JSON) goes to "),
            Span::Code(url),
            t(" (HOST: where Steward serves). Connect it to a trigger on ticket changes, with this JSON body:"),
        ])
        .para(vec![Span::Code(TRIGGER_BODY.to_string())]);
    Ok(Outcome::write(
        reply,
        vec![Change::PutZendeskSecret(sealed)],
    ))
}
