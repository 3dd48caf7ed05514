//! Purpose: prompts for `/qbr` — prepare one, schedule one (`for April 15, sponsor
//! confirmed`), record one held (`we ran the Globex QBR last Thursday`).

use super::{clarify, Outcome, Reader};
use crate::prompt::dates::Toward;
use crate::prompt::line::Line;

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    if !(p.any(&["qbr", "qbrs", "ebr", "ebrs"]) || p.has_phrase("business review")) {
        return None;
    }
    let held = p.any(&[
        "had",
        "held",
        "ran",
        "did",
        "done",
        "happened",
        "completed",
        "wrapped",
        "finished",
        "went",
    ]);
    let past = r.date(Toward::Past);
    let future = r.date(Toward::Future);
    let planning = p.any(&[
        "schedule",
        "scheduled",
        "book",
        "booked",
        "set",
        "plan",
        "planned",
        "on",
        "for",
        "in",
        "put",
        "diary",
        "calendar",
    ]) && !p.any(&["prep", "prepare", "deck"]);
    if held || (past.is_some() && past == future && past < Some(r.today)) {
        return Some(Outcome::Line(
            Line::on("qbr", "done").opt_if("date", r.past_date()),
        ));
    }
    let scheduling = p.any(&["schedule", "scheduled", "book", "booked"]) || p.has_phrase("set up");
    if let Some(date) = future.filter(|_| planning || scheduling) {
        let no = p.any_phrase(&[
            "not confirmed",
            "not yet confirmed",
            "hasnt confirmed",
            "unconfirmed",
            "without the sponsor",
            "no sponsor",
        ]);
        let yes = (p.has("confirmed") && p.any(&["sponsor", "buyer", "exec", "executive"]))
            || p.any_phrase(&[
                "with the sponsor",
                "sponsor attending",
                "sponsor will attend",
                "sponsor is coming",
                "confirmed shes coming",
                "confirmed hes coming",
                "confirmed theyre coming",
                "sponsor confirmed",
            ]);
        let sponsor = if no {
            Some("no")
        } else if yes {
            Some("yes")
        } else {
            None
        };
        return Some(Outcome::Line(
            Line::on("qbr", "schedule")
                .opt("date", date.to_string())
                .opt_if("sponsor", sponsor),
        ));
    }
    if scheduling {
        let name = r.account().unwrap_or("ACCOUNT");
        return Some(clarify(
            "When is the QBR?",
            vec![Line::on("qbr", "schedule")
                .opt("date", "2027-01-15")
                .render(name)],
        ));
    }
    Some(Outcome::Line(Line::on("qbr", "prep")))
}
