//! Purpose: the service every adapter calls — a line of text from an actor becomes a reply:
//! parse, check rights, run the handler on the tenant's book, commit its changes durably.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::command::{self, Parsed};
use crate::config::Admins;
use crate::domain::account::{AccountId, ActivitySource};
use crate::domain::audit::UndoPlan;
use crate::domain::book::Book;
use crate::domain::error::DomainError;
use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;
use crate::domain::writekey::WriteKeyUsage;
use crate::fault;
use crate::handlers::{self, AuditLog, Ctx, DataFeed, KeyUsage, Outcome, Sealer};
use crate::reply::Reply;
use crate::secrets::{Keyring, Sealed};
use crate::store::{AuditPage, Store, StoreError};

/// Where a request comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Console,
    Slack,
    Discord,
}

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Actor {
    pub tenant: TenantId,
    pub user: UserId,
    pub surface: Surface,
    /// The platform itself grants admin (Discord's Manage Server).
    pub platform_admin: bool,
    /// The channel the request came from.
    pub channel: String,
}

pub struct App {
    pub store: Store,
    /// Notified after every committed change, so the scheduler looks again at once.
    pub changes: tokio::sync::Notify,
    /// Follow-up memory of prompt conversations.
    pub conversations: crate::conversation::Conversations,
    /// Where `serve` writes its daily backups (`None`: no backups, e.g. the console).
    pub backup_dir: Option<std::path::PathBuf>,
    /// `None`: `STEWARD_ADMINS` is unset.
    pub admins: Option<Admins>,
    /// Default time zone for tenants that set none.
    pub timezone: Tz,
    /// The key secrets are sealed with before they are stored (none: they cannot be).
    pub keyring: Keyring,
    /// How often `serve`'s scheduler looks, and asks for the leadership.
    pub cadence: crate::scheduler::runner::Cadence,
}

impl App {
    pub fn new(store: Store, admins: Option<Admins>, timezone: Tz) -> Self {
        App {
            store,
            admins,
            timezone,
            changes: tokio::sync::Notify::new(),
            conversations: Default::default(),
            backup_dir: None,
            keyring: Keyring::none(),
            cadence: Default::default(),
        }
    }

    /// The same app, sealing secrets with `keyring`.
    pub fn with_keyring(mut self, keyring: Keyring) -> Self {
        self.keyring = keyring;
        self
    }

    /// The same app, writing daily backups to `dir` while it serves.
    pub fn with_backups(mut self, dir: std::path::PathBuf) -> Self {
        self.backup_dir = Some(dir);
        self
    }

    /// The scheduler's cadence (`STEWARD_SCHEDULER_TICK`, `STEWARD_LEADER_POLL`).
    pub fn with_cadence(mut self, cadence: crate::scheduler::runner::Cadence) -> Self {
        self.cadence = cadence;
        self
    }

    /// Admin rights (DECISIONS 20): `STEWARD_ADMINS` when set; while unset, the console user
    /// is admin of the console. Platform admin rights always count.
    pub fn is_admin(&self, actor: &Actor) -> bool {
        actor.platform_admin
            || match &self.admins {
                Some(admins) => admins.contains(&actor.tenant, &actor.user),
                None => actor.surface == Surface::Console,
            }
    }

    /// Who is pinged as the tenant's admins (leadership): `STEWARD_ADMINS` entries for it.
    pub fn admins_of(&self, tenant: &TenantId) -> Vec<UserId> {
        self.admins
            .as_ref()
            .map(|a| a.of(tenant))
            .unwrap_or_default()
    }

    /// The tenant's time zone.
    pub fn timezone_of(&self, book: &Book) -> Tz {
        book.settings
            .timezone
            .as_deref()
            .and_then(|z| z.parse().ok())
            .unwrap_or(self.timezone)
    }

    /// The calendar date `now` falls on in the tenant's time zone.
    pub fn today(&self, book: &Book, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.timezone_of(book)).date_naive()
    }

    /// Runs one command line for `actor` at `now`.
    pub fn execute(&self, actor: &Actor, now: DateTime<Utc>, line: &str) -> Reply {
        self.execute_sourced(actor, now, line, None)
    }

    /// [`App::execute`] for a line built from a captured chat message (*Log to account*):
    /// `/account log` records `source` with the entry. Rights, audit and undo are the same.
    pub fn execute_sourced(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        line: &str,
        source: Option<&ActivitySource>,
    ) -> Reply {
        // `/steward ask …` is free text that may hold `word:` (a time, a ratio); it goes to
        // the prompt reader whole rather than through the option parser.
        if let Some(prompt) = ask_prompt(line) {
            return match prompt {
                "" => Reply::error("`/steward ask` needs a question. Example: /steward ask which renewals are due this quarter?"),
                prompt if ask_prompt(prompt).is_some() => Reply::error("`/steward ask` cannot ask itself; type the question directly."),
                prompt => self.answer_prompt(actor, now, prompt),
            };
        }
        // A panic in a handler, or in the commit, is this command's failure only.
        match fault::catch("command", || self.try_execute(actor, now, line, source)) {
            Ok(Ok(reply)) => reply,
            Ok(Err(Failure::User(message))) => Reply::error(message),
            Ok(Err(Failure::Conflict)) => Reply::error(StoreError::Conflict.to_string()),
            Ok(Err(Failure::Internal(error, changed))) => {
                let reference = fault::reference();
                tracing::error!(%reference, tenant = %actor.tenant, %error, ?changed, "command failed");
                fault::Fault { reference, changed }.reply()
            }
            Err(fault) => {
                if fault.changed == fault::Changed::Maybe {
                    // The commit may have stopped between the disk and the in-memory book:
                    // the book is read again from what was made durable.
                    if let Err(error) = self.store.reload(&actor.tenant) {
                        tracing::error!(reference = %fault.reference, %error, "could not reload the book after a failed commit");
                    }
                }
                fault.reply()
            }
        }
    }

    fn try_execute(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        line: &str,
        source: Option<&ActivitySource>,
    ) -> Result<Reply, Failure> {
        let book = self.store.book(&actor.tenant)?;
        let (today, timezone) = {
            let book = book.read().unwrap_or_else(|p| p.into_inner());
            (self.today(&book, now), self.timezone_of(&book))
        };
        let parsed = command::parse(line, today).map_err(|e| Failure::User(e.to_string()))?;
        let is_admin = self.is_admin(actor);
        if parsed.admin_only && !is_admin {
            return Err(DomainError::AdminOnly {
                action: format!("use `{}`", parsed.name),
            }
            .into());
        }
        let audit = StoreAudit(&self.store);
        let ctx = Ctx {
            actor: &actor.user,
            is_admin,
            now,
            today,
            timezone,
            channel: &actor.channel,
            audit: &audit,
            data: &audit,
            usage: &audit,
            entropy: os_random,
            sealer: &self.keyring,
            source,
        };
        // Most commands only read: run them under a shared lock. One that proposes changes is
        // run again under the exclusive lock, so it decides on the state it commits against.
        let outcome = {
            let book = book.read().unwrap_or_else(|p| p.into_inner());
            handlers::handle(&parsed.command, &ctx, &book)?
        };
        if outcome.forget {
            fault::saving();
            let forgotten = self
                .store
                .forget_tenant(&actor.tenant)
                .map_err(|e| Failure::Internal(e.to_string(), fault::Changed::Maybe))?;
            tracing::info!(tenant = %actor.tenant, user = %actor.user.0, forgotten, "tenant forgotten");
            self.changes.notify_one();
            return Ok(outcome.reply);
        }
        if outcome.changes.is_empty()
            && outcome.redact.is_none()
            && outcome.purge_channels.is_empty()
        {
            return Ok(outcome.reply);
        }
        let mut book = book.write().unwrap_or_else(|p| p.into_inner());
        let outcome = handlers::handle(&parsed.command, &ctx, &book)?;
        match self.commit(&mut book, actor, &parsed, now, outcome) {
            // Another replica committed to the tenant since its book was read: nothing was
            // written and the book was read again (`store::fresh`), so the command is decided
            // once more on what is stored now. A second conflict is the asker's to retry.
            Err(Failure::Conflict) => {
                let outcome = handlers::handle(&parsed.command, &ctx, &book)?;
                self.commit(&mut book, actor, &parsed, now, outcome)
            }
            done => done,
        }
    }

    fn commit(
        &self,
        book: &mut Book,
        actor: &Actor,
        parsed: &Parsed,
        now: DateTime<Utc>,
        outcome: Outcome,
    ) -> Result<Reply, Failure> {
        fault::saving();
        // A failed write may have reached the database before it failed (a flush error).
        self.store
            .commit(book, &actor.user, &parsed.text, now, outcome.changes)
            .map_err(|e| match e {
                StoreError::Conflict => Failure::Conflict,
                e => Failure::Internal(e.to_string(), fault::Changed::Maybe),
            })?;
        self.changes.notify_one();
        let mut reply = outcome.reply;
        for channel in outcome.purge_channels {
            if let Err(error) = self.store.purge_channel(&book.tenant, &channel) {
                let reference = fault::reference();
                tracing::error!(%reference, tenant = %book.tenant, %error, "could not forget a customer channel's messages");
                reply = reply.line(format!("The channel was unlinked, but its stored message times could not be removed (reference {reference})."));
            }
        }
        if let Some((account, name)) = outcome.redact {
            // The change is saved by now: a failure here is said beside the answer.
            // Others' undo of earlier changes to the account still holds the person; it can
            // no longer be applied anyway (the account changed since).
            let erased = self
                .store
                .redact(&book.tenant, account, &name)
                .and_then(|()| {
                    self.store
                        .purge_undo_touching(&book.tenant, account, &actor.user)
                        .map(drop)
                });
            if let Err(error) = erased {
                let reference = fault::reference();
                tracing::error!(%reference, tenant = %book.tenant, %error, "could not redact a name from the history");
                reply = reply.line(format!("The change was saved, but the old name could not be removed from the history (reference {reference})."));
            }
        }
        Ok(reply)
    }
}

/// The prompt of a `/steward ask …` line (`steward ask …` too), if it is one.
fn ask_prompt(line: &str) -> Option<&str> {
    let rest = line.trim_start().trim_start_matches('/');
    let mut words = rest.splitn(3, char::is_whitespace);
    let (group, sub) = (words.next()?, words.next()?);
    (group.eq_ignore_ascii_case("steward") && sub.eq_ignore_ascii_case("ask"))
        .then(|| words.next().unwrap_or("").trim())
}

/// Why a command produced no answer of its own.
#[derive(Debug)]
enum Failure {
    /// Shown to the asker as is.
    User(String),
    /// Logged; the asker sees an apology with a reference, saying whether anything may
    /// have been changed.
    Internal(String, fault::Changed),
    /// Another replica committed to the tenant first; nothing was written.
    Conflict,
}

impl From<DomainError> for Failure {
    fn from(e: DomainError) -> Self {
        Failure::User(e.to_string())
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Internal(e.to_string(), fault::Changed::Nothing)
    }
}

/// Random bytes from the operating system's CSPRNG (`getrandom`), for write keys.
fn os_random(buffer: &mut [u8]) -> Result<(), String> {
    getrandom::fill(buffer).map_err(|e| e.to_string())
}

impl Sealer for Keyring {
    fn seal(&self, context: &[u8], secret: &secrecy::SecretString) -> Result<Sealed, String> {
        Keyring::seal(self, context, secret).map_err(|e| e.to_string())
    }
}

/// The store's audit trail, received data and write-key usage, as handlers see them.
struct StoreAudit<'a>(&'a Store);

impl DataFeed for StoreAudit<'_> {
    fn channel_messages(
        &self,
        book: &Book,
        account: &crate::domain::account::Account,
    ) -> Result<Vec<crate::domain::conversation::ChannelMessage>, String> {
        if account.channels.is_empty() {
            return Ok(Vec::new());
        }
        self.0
            .channel_messages(&book.tenant, &account.channels)
            .map_err(|e| e.to_string())
    }

    fn reading(
        &self,
        book: &Book,
        account: &crate::domain::account::Account,
        day: NaiveDate,
    ) -> Result<Option<crate::feed::Reading>, String> {
        let tenant_data =
            crate::feed::TenantData::load(self.0, &book.tenant).map_err(|e| e.to_string())?;
        crate::feed::reading(self.0, &tenant_data, book, account, day).map_err(|e| e.to_string())
    }

    fn usage_weeks(
        &self,
        book: &Book,
        account: &crate::domain::account::Account,
        day: NaiveDate,
    ) -> Result<Vec<crate::domain::signals::ActiveWeek>, String> {
        crate::feed::usage_weeks(self.0, &book.tenant, account.id, day).map_err(|e| e.to_string())
    }

    fn usage_movers(
        &self,
        book: &Book,
        day: NaiveDate,
        n: usize,
    ) -> Result<Vec<crate::domain::signals::Mover<AccountId>>, String> {
        crate::feed::usage_movers(self.0, book, day, n).map_err(|e| e.to_string())
    }

    fn intake(
        &self,
        tenant: &TenantId,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::signals::IntakeStatus, String> {
        self.0.intake_status(tenant, now).map_err(|e| e.to_string())
    }
}

impl AuditLog for StoreAudit<'_> {
    fn last_change(&self, tenant: &TenantId, actor: &UserId) -> Result<Option<UndoPlan>, String> {
        self.0.last_change(tenant, actor).map_err(|e| e.to_string())
    }

    fn history(
        &self,
        tenant: &TenantId,
        account: Option<AccountId>,
        page: usize,
    ) -> Result<AuditPage, String> {
        self.0
            .history(tenant, account, page)
            .map_err(|e| e.to_string())
    }
}

impl KeyUsage for StoreAudit<'_> {
    fn usage(&self, tenant: &TenantId, name: &str) -> Result<WriteKeyUsage, String> {
        self.0
            .write_key_usage(tenant, name)
            .map_err(|e| e.to_string())
    }
}
