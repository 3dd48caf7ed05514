//! Purpose: the install flow's pages — the "Add to Slack" button, success and error — as
//! small HTML documents. Everything put into them is escaped ([`escape`]); nothing from the
//! request's query is shown at all. Each answer carries a Content-Security-Policy that allows
//! only the page's one inline style (by its hash): no script, image, frame or form.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The pages' one stylesheet, allowed by its hash in the policy.
const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1d1c1d;line-height:1.5}a.button{display:inline-block;padding:.7rem 1.2rem;border-radius:6px;background:#4a154b;color:#fff;font-weight:600;text-decoration:none}p.small{color:#616061;font-size:.9rem}";

/// The Content-Security-Policy every install page is served with.
pub fn content_security_policy() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
}

/// `text` safe inside HTML text and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A page: `title` and `body` (HTML, already escaped) with the security headers.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\"><title>{}</title><style>{STYLE}</style></head>\n<body><main>\n{body}\n</main></body></html>\n",
        escape(title)
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// The install page: what Steward asks for, and the button to Slack's authorize page.
pub fn install(authorize_link: &str) -> Response {
    let body = format!(
        "<h1>Add Steward to Slack</h1>\n<p>Steward keeps your team's accounts, health, renewals and stakeholders in Slack. Installing it lets it answer its slash commands, mentions and direct messages, and post the digests your admins subscribe to.</p>\n<p><a id=\"add-to-slack\" class=\"button\" href=\"{}\">Add to Slack</a></p>\n<p class=\"small\">This link is good for 10 minutes, in this browser only.</p>",
        escape(authorize_link)
    );
    page(StatusCode::OK, "Add Steward to Slack", &body)
}

/// Installed: where, and a link back into Slack.
pub fn installed(place: &str, open_in_slack: &str) -> Response {
    let body = format!(
        "<h1>Steward is installed</h1>\n<p>Steward is now part of <strong>{}</strong>. Try <code>/steward help</code> in any channel.</p>\n<p><a id=\"open-slack\" class=\"button\" href=\"{}\">Open Slack</a></p>",
        escape(place),
        escape(open_in_slack)
    );
    page(StatusCode::OK, "Steward is installed", &body)
}

/// What went wrong, and a way to start again.
pub fn error(status: StatusCode, what: &str) -> Response {
    let body = format!(
        "<h1>Steward was not installed</h1>\n<p id=\"reason\">{}</p>\n<p><a id=\"start-again\" class=\"button\" href=\"/slack/install\">Start again</a></p>",
        escape(what)
    );
    page(status, "Steward was not installed", &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_policy_allows_exactly_the_pages_style() {
        let policy = content_security_policy();
        assert!(policy.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(!policy.contains("unsafe"));
    }

    proptest! {
        #[test]
        fn hostile_text_never_leaves_its_place(text in "\\PC*") {
            let escaped = escape(&text);
            prop_assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('"') && !escaped.contains('\''));
        }
    }
}
