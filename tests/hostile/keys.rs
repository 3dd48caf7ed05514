//! Purpose: hostile names for write keys and core features — any Unicode a user can type,
//! quoted the way Steward quotes values, parses or is refused with an example, and through the
//! app either makes a key that the events API finds until it is revoked, or is refused.

use proptest::prelude::*;
use steward::command::{parse, quote};

use super::{check_refusal, check_reply, head, now, text, today, Lab};

proptest! {
    #![proptest_config(text::cases(256))]

    #[test]
    fn hostile_key_and_feature_names_parse_or_are_refused(
        name in text::short_text(300),
        event in text::short_text(300),
    ) {
        for line in [
            format!("/steward apikey create {}", quote(&name)),
            format!("/steward apikey revoke {}", quote(&name)),
            format!("/steward feature add {} event:{} event:{}", quote(&name), quote(&event), quote(&name)),
            format!("/steward feature remove {}", quote(&name)),
            format!("/steward apikey create {name}"),
            format!("/steward feature add {name} event:{event}"),
        ] {
            check_refusal(&line, parse(&line, today()))?;
        }
    }
}

#[test]
fn hostile_key_names_make_a_working_key_or_are_refused() {
    let lab = Lab::new();
    let made = std::cell::Cell::new(0);
    text::run(48, text::short_text(300), |name| {
        let line = format!("/steward apikey create {}", quote(&name));
        let reply = lab.app.execute(&lab.actor, now(), &line);
        check_reply(&line, &reply)?;
        if reply.is_error() {
            return Ok(());
        }
        let shown = steward::render::text::render(&reply);
        let key = shown.lines().last().unwrap_or_default().trim_matches('`');
        let owner = lab.app.store.write_key_tenant(key).expect("look-up");
        prop_assert!(
            owner.is_some(),
            "{:?}: no owner for the key in {shown}",
            head(&name)
        );
        let line = format!("/steward apikey revoke {}", quote(&name));
        let revoked = lab.app.execute(&lab.actor, now(), &line);
        prop_assert!(!revoked.is_error(), "{:?}: {revoked:?}", head(&name));
        prop_assert!(lab
            .app
            .store
            .write_key_tenant(key)
            .expect("look-up")
            .is_none());
        made.set(made.get() + 1);
        Ok(())
    });
    assert!(
        made.get() > 0,
        "no hostile name made a key: the property tested nothing"
    );
}
