//! Purpose: prompts for `/renewal` — what renews when (`this quarter`, `Q2`, `next 90 days`),
//! where one renewal stands, follow-ups, extensions, renewed and churned — and a renewal date
//! moved (`/account set … renewal:`).

use super::expansion::{bare_kind, reason_kind, unlabelled};
use super::{clarify, line, Outcome, Reader, Via};
use crate::prompt::dates::Toward;
use crate::prompt::line::Line;
use crate::prompt::vocab::number_word;

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let hush = p.any(&["snooze", "mute", "silence", "nagging", "pestering"])
        || p.any_phrase(&["stop reminding", "stop nagging", "stop pinging"])
        || (p.has("stop") && p.any(&["pings", "reminders"]));
    if hush && p.any(&["renewal", "renewals", "reminder", "reminders"]) && r.explicit() {
        return line(Line::on("renewal", "snooze"));
    }
    let lost_account = p
        .find("lost")
        .is_some_and(|i| r.account_end() > i && r.explicit());
    let churned = p.any(&["churned", "cancelled", "canceled"])
        || p.any_phrase(&[
            "didnt renew",
            "did not renew",
            "is gone",
            "not renewing",
            "wont renew",
            "not to renew",
        ])
        || lost_account;
    if churned {
        // `Vandelay churned — budget`: a reason of one word that names a kind is the kind.
        let reason = reason(r)
            .and_then(unlabelled)
            .filter(|text| bare_kind(text).is_none());
        return Some(match (reason, reason_kind(&r.p)) {
            (Some(why), _) => Outcome::Line(Line::on("renewal", "churned").opt("reason", why)),
            (None, Some(kind)) => Outcome::Line(Line::on("renewal", "churned").opt("why", kind)),
            (None, None) => clarify(
                format!(
                    "Why did {} leave? I record churn with a reason.",
                    r.account().unwrap_or("the account")
                ),
                vec![Line::on("renewal", "churned")
                    .opt("reason", "Budget cut")
                    .render(r.account().unwrap_or("ACCOUNT"))],
            ),
        });
    }
    let closed = p.any(&["done", "closed", "complete", "completed", "won"])
        && p.has("renewal")
        && !p.any(&["checklist", "task", "step", "followup"]);
    let signed = p.has("renewed")
        || closed
        || (p.has("signed")
            && (p.any(&["renewal", "another", "again"]) || p.has_phrase("signed on")));
    if signed && p.is_question() && !p.is_polite() {
        return line(Line::on("renewal", "show"));
    }
    if signed {
        let until = ["through", "until", "till", "to"].iter().any(|w| p.has(w))
            || p.has_phrase("next renewal");
        return line(
            Line::on("renewal", "renewed")
                .opt_if("why", renewal_kind(r))
                .opt_if("arr", r.money().map(|m| m.to_string()))
                .opt_if(
                    "date",
                    r.date(Toward::Future)
                        .filter(|_| until)
                        .map(|d| d.to_string()),
                ),
        );
    }
    // `Umbrella has 300 seats on contract now`: the account's seats, not its renewal.
    let seats = p.any(&["seats", "seat", "licenses", "licences"]) && !r.nums.is_empty();
    let renewal_word = !seats
        && p.any(&[
            "renewal",
            "renew",
            "renews",
            "renewing",
            "renewals",
            "contract",
            "contracts",
        ]);
    let followed = p.any(&["chased", "pinged", "nudged", "followup"])
        || p.has_phrase("follow up")
        || p.has_phrase("followed up")
        || (renewal_word && p.any_phrase(&["got back", "heard back", "responded", "replied"]))
        || reached_out_and_heard(r)
        || p.any_phrase(&[
            "no reply from",
            "no answer from",
            "no response from",
            "nothing back from",
            "no word from",
            "not heard back",
            "havent heard back",
            "still no reply",
            "still no answer",
        ]);
    if followed && r.explicit() {
        let no =
            p.any(&[
                "nothing",
                "silence",
                "ghosted",
                "unanswered",
                "didnt",
                "never",
            ]) || p.any_phrase(&["no answer", "no reply", "no response", "not yet", "no word"]);
        let yes = p.any(&["responded", "replied", "answered"])
            || p.any_phrase(&["got back", "heard back"]);
        let responded = if no {
            Some("no")
        } else if yes {
            Some("yes")
        } else {
            None
        };
        return line(Line::on("renewal", "followup").opt_if("responded", responded));
    }
    let slipping = p.any(&[
        "move", "moved", "push", "pushed", "slip", "slipped", "delay", "delayed",
    ]) && r.date(Toward::Future).is_none();
    let extending = p.any(&["extend", "extension"])
        || (slipping && days(r).is_some())
        || (p.any(&["more", "extra", "additional", "out"]) && renewal_word)
        || (p.has("give") && days(r).is_some());
    if extending {
        return Some(match days(r) {
            Some(d) => Outcome::Line(Line::on("renewal", "extend").opt("days", format!("{d}d"))),
            None => clarify(
                "By how many days? An extension is at most 30 days per renewal.",
                vec![Line::on("renewal", "extend")
                    .opt("days", "14d")
                    .render(r.account().unwrap_or("ACCOUNT"))],
            ),
        });
    }
    let moving = p.any(&[
        "set", "move", "moved", "push", "pushed", "change", "changed", "is", "to", "now", "update",
        "ends", "expires",
    ]);
    let moved = p.any(&[
        "set", "move", "moved", "push", "pushed", "change", "changed", "update", "updated",
    ]);
    // `renewal date -> 30/9`, `renewal date = 2026-10-31`, `renewal date should be April 15`.
    let arrow = ["->", "=", "→", "=>"].iter().any(|a| p.text.contains(a));
    let stated = r.date(Toward::Future).is_some()
        && (p.any(&["is", "to", "ends", "expires", "be"]) || p.has_phrase("renews on") || arrow);
    let dated = renewal_word
        && !p.any(&["renewals", "renewing", "contracts"])
        && (r.window().is_none() || moved || stated);
    if dated
        && (((moving || stated) && !p.is_question()) || p.any(&["set", "move", "push", "change"]))
    {
        return Some(match r.date(Toward::Future) {
            Some(d) => Outcome::Line(Line::on("account", "set").opt("renewal", d.to_string())),
            None => clarify(
                "What's the new renewal date?",
                vec![Line::on("account", "set")
                    .opt("renewal", "2027-03-31")
                    .render(r.account().unwrap_or("ACCOUNT"))],
            ),
        });
    }
    if !renewal_word && !p.any_phrase(&["up for renewal"]) {
        return None;
    }
    let listing = p.any(&["renewals", "renewing", "contracts", "upcoming", "pipeline"])
        || p.any_phrase(&["coming up", "up for renewal", "renewal list"])
        || r.window().is_some()
        || (p.word(0) == "what" && p.has("renews"));
    let single = matches!(r.target(), super::Target::One { via, .. } if *via != Via::Implicit);
    if single || !listing {
        return line(Line::on("renewal", "show"));
    }
    line(
        Line::new("renewal", "list")
            .opt_if("within", r.window().map(|d| format!("{d}d")))
            .opt_if("page", super::account::page(r)),
    )
}

/// `2 weeks`, `10 more days`, `an extra 2 weeks`, `30 days` → days.
fn days(r: &Reader) -> Option<u32> {
    let p = &r.p;
    (0..p.len()).find_map(|i| {
        let w = p.word(i);
        let n: u32 = w
            .parse()
            .ok()
            .or_else(|| number_word(w))
            .or((w == "a").then_some(1))?;
        let mut j = i + 1;
        while matches!(p.word(j), "more" | "extra" | "additional") {
            j += 1;
        }
        match p.word(j) {
            "day" | "days" => Some(n),
            "week" | "weeks" => n.checked_mul(7),
            _ => None,
        }
    })
}

/// Why an account left: after `because (of)`, `due to`, a colon or the first clause break.
fn reason(r: &Reader) -> Option<String> {
    let p = &r.p;
    for marker in ["because of", "because", "due to"] {
        if let Some(i) = p.phrase(marker) {
            return r.text_from(i + marker.split(' ').count());
        }
    }
    let from = r.account_end().max(1);
    let text = r.text_after(from)?;
    Some(text)
}

/// `called Acme, they got back to us`, `emailed Globex — no reply`, `Vandelay never replied to
/// the renewal email`: reaching out with what came of it is a renewal follow-up, not a note.
pub fn reached_out_and_heard(r: &Reader) -> bool {
    let p = &r.p;
    if p.any_phrase(&["never replied", "never responded", "never answered"]) {
        return true;
    }
    p.any(&["called", "emailed", "rang", "phoned", "messaged"])
        && (p.any(&["responded", "replied", "answered"])
            || p.any_phrase(&[
                "got back",
                "heard back",
                "no answer",
                "no reply",
                "no response",
                "nothing back",
            ]))
}

/// The kind of reason a renewal names: `we won it on price`, `the value was proven`.
fn renewal_kind(r: &Reader) -> Option<&'static str> {
    let p = &r.p;
    if p.has("value") && p.any(&["proven", "proved", "proof", "delivered"]) {
        return Some("value-proven");
    }
    reason_kind(p)
}
