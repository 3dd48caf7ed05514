//! Purpose: Slack installations, OAuth states and forgetting a tenant over every backend —
//! installations keyed like Bolt's (a workspace's own before its organization's org-wide
//! one), kept across a restart and deleted alone; a state used once, across a restart, and
//! pruned; every sealed value re-sealed in one batch; a forgotten tenant leaves nothing and
//! touches no other.

use steward::secrets::{self, Sealed, SecretKey};
use steward::store::installs::{Installation, StateRefusal};
use steward::store::sealed::kinds;

use super::{account, accounts, at, commit, on_every_backend, open, put, tenant, user};

fn key(byte: u8) -> SecretKey {
    SecretKey::parse(&hex::encode([byte; 32]), "test").expect("key")
}

fn installation(enterprise: Option<&str>, team: Option<&str>, token: &str) -> Installation {
    let owner = steward::store::installs::owner(enterprise, team);
    let context = secrets::context_of(kinds::SLACK_BOT, &owner);
    Installation {
        enterprise_id: enterprise.map(str::to_string),
        team_id: team.map(str::to_string),
        enterprise_name: None,
        team_name: team.map(|t| format!("Team {t}")),
        app_id: "A1".into(),
        bot_user_id: "UBOT".into(),
        scopes: "commands".into(),
        installer: "U1".into(),
        installed_at: at(0),
        bot_token: secrets::seal_fresh(&key(1), &context, &token.to_string().into()).expect("seal"),
        refresh_token: None,
        expires_at: None,
        needs_reinstall: false,
    }
}

fn token_of(install: &Installation, with: &SecretKey) -> String {
    use secrecy::ExposeSecret;
    let context = secrets::context_of(kinds::SLACK_BOT, &install.owner());
    secrets::open(with, &context, &install.bot_token)
        .map(|t| t.expose_secret().to_string())
        .unwrap_or_default()
}

#[test]
fn installations_are_found_by_workspace_then_organization_and_kept() {
    on_every_backend(|db| {
        {
            let store = open(db);
            for install in [
                installation(None, Some("TA"), "xoxb-a"),
                installation(Some("E1"), None, "xoxb-org"),
                installation(Some("E1"), Some("T2"), "xoxb-e1t2"),
            ] {
                store.put_installation(&install).expect("stored");
            }
        }
        let store = open(db);
        let found = |e: Option<&str>, t: &str| {
            store
                .installation_for(e, t)
                .expect("read")
                .map(|i| token_of(&i, &key(1)))
        };
        assert_eq!(found(None, "TA").as_deref(), Some("xoxb-a"));
        assert_eq!(found(Some("E1"), "T2").as_deref(), Some("xoxb-e1t2"));
        assert_eq!(found(Some("E1"), "T9").as_deref(), Some("xoxb-org"));
        assert_eq!(found(None, "T9"), None);
        assert_eq!(
            found(Some("E2"), "TA"),
            None,
            "another organization's TA is not TA"
        );
        assert!(store.delete_installation(Some("E1"), None).expect("delete"));
        assert!(!store.delete_installation(Some("E1"), None).expect("delete"));
        assert_eq!(found(Some("E1"), "T9"), None);
        assert_eq!(found(Some("E1"), "T2").as_deref(), Some("xoxb-e1t2"));
        assert_eq!(store.installations().expect("all").len(), 2);
        assert!(
            store.tenants().expect("tenants").is_empty(),
            "installations belong to no tenant"
        );
    });
}

#[test]
fn a_state_is_used_once_even_across_a_restart_and_expired_ones_are_pruned() {
    on_every_backend(|db| {
        {
            let store = open(db);
            store.put_oauth_state("aa", at(0)).expect("stored");
            store.put_oauth_state("bb", at(0)).expect("stored");
            store.put_oauth_state("cc", at(2)).expect("stored");
        }
        let store = open(db);
        let window = at(1);
        assert_eq!(store.take_oauth_state("aa", at(-1)).expect("read"), Ok(()));
        assert_eq!(
            store.take_oauth_state("aa", at(-1)).expect("read"),
            Err(StateRefusal::Unknown)
        );
        assert_eq!(
            store.take_oauth_state("bb", window).expect("read"),
            Err(StateRefusal::Expired)
        );
        assert_eq!(
            store.take_oauth_state("zz", at(-1)).expect("read"),
            Err(StateRefusal::Unknown)
        );
        assert_eq!(store.oauth_states_waiting().expect("count"), 1);
        // The claims of used states and the states handed out before the window go.
        assert_eq!(store.prune_oauth_states(window).expect("prune"), 2);
        assert_eq!(store.take_oauth_state("cc", window).expect("read"), Ok(()));
    });
}

#[test]
fn every_sealed_value_is_resealed_in_one_batch() {
    on_every_backend(|db| {
        let store = open(db);
        store
            .put_installation(&installation(None, Some("TA"), "xoxb-a"))
            .expect("stored");
        store
            .put_installation(&installation(Some("E1"), None, "xoxb-org"))
            .expect("stored");
        let (old, new) = (key(1), key(2));
        let reseal = |kind: &str, owner: &str, sealed: &Sealed| {
            let context = secrets::context_of(kind, owner);
            let plain = secrets::open(&old, &context, sealed).map_err(|e| e.to_string())?;
            secrets::seal_fresh(&new, &context, &plain).map_err(|e| e.to_string())
        };
        let count = store
            .reseal_all(|k, o, s| reseal(k, o, s).map_err(Failed))
            .map_err(|Failed(e)| e)
            .expect("resealed");
        assert_eq!(count, 2);
        drop(store);
        let store = open(db);
        let tokens: Vec<_> = store
            .installations()
            .expect("all")
            .iter()
            .map(|i| token_of(i, &new))
            .collect();
        assert_eq!(tokens, ["xoxb-a", "xoxb-org"]);
        // A failure half-way writes nothing: the old key no longer opens them.
        let failed = store.reseal_all(|k, o, s| reseal(k, o, s).map_err(Failed));
        assert!(failed.is_err());
        let tokens: Vec<_> = store
            .installations()
            .expect("all")
            .iter()
            .map(|i| token_of(i, &new))
            .collect();
        assert_eq!(tokens, ["xoxb-a", "xoxb-org"]);
    });
}

/// A re-sealing failure (or the store's).
#[derive(Debug)]
struct Failed(String);

impl From<steward::store::StoreError> for Failed {
    fn from(e: steward::store::StoreError) -> Self {
        Failed(e.to_string())
    }
}

#[test]
fn a_forgotten_tenant_leaves_nothing_and_touches_no_other() {
    on_every_backend(|db| {
        let (gone, kept) = (tenant("slack:TB"), tenant("slack:TB2"));
        let store = open(db);
        for t in [&gone, &kept] {
            commit(
                &store,
                t,
                &user("jane"),
                "/account add",
                at(0),
                vec![put(account(1, "Beta", 5_000))],
            );
        }
        store
            .put_installation(&installation(None, Some("TB2"), "xoxb"))
            .expect("stored");
        assert!(store.forget_tenant(&gone).expect("forgotten") > 0);
        assert!(accounts(&store, &gone).is_empty());
        drop(store);
        let store = open(db);
        assert_eq!(
            store.tenants().expect("tenants"),
            std::slice::from_ref(&kept)
        );
        assert!(accounts(&store, &gone).is_empty());
        assert_eq!(accounts(&store, &kept).len(), 1);
        assert_eq!(store.installations().expect("all").len(), 1);
    });
}
