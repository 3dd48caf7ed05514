//! Handlers: a typed command plus the tenant's book in, a reply and proposed changes out.
//! Handlers are pure — they never write; the app commits the changes they return.

pub mod account;
pub mod apikey;
pub mod atrisk;
pub mod channel;
pub mod digest;
pub mod expansion;
pub mod feature;
pub mod forget;
pub mod health;
pub mod history;
pub mod indicator;
pub mod intake;
pub mod opportunity;
pub mod plan;
pub mod portfolio;
pub mod present;
pub mod qbr;
pub mod renewal;
pub mod stakeholder;
pub mod steward;
pub mod zendesk;

use chrono::{DateTime, NaiveDate, Utc};

use crate::command::Command;
use crate::domain::account::{Account, AccountId};
use crate::domain::audit::UndoPlan;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;
use crate::domain::writekey::WriteKeyUsage;
use crate::reply::Reply;
use crate::store::AuditPage;

/// Reads the audit trail (the one thing handlers need that is not in the book).
pub trait AuditLog {
    /// How to take back `actor`'s last change, if there is one.
    fn last_change(&self, tenant: &TenantId, actor: &UserId) -> Result<Option<UndoPlan>, String>;

    fn history(
        &self,
        tenant: &TenantId,
        account: Option<AccountId>,
        page: usize,
    ) -> Result<AuditPage, String>;
}

/// Reads received data: an account's data-fed health and weekly active users (the other
/// things handlers need that are not in the book), the usage movers of a week, and the
/// tenant's intake for `/steward ingest status`.
pub trait DataFeed {
    /// The account's data-fed health as of `day`; `None` when no data ever arrived for it.
    fn reading(
        &self,
        book: &Book,
        account: &Account,
        day: NaiveDate,
    ) -> Result<Option<crate::feed::Reading>, String>;

    /// The account's weekly active users of the 12 weeks to `day`, oldest first; empty when
    /// no data arrived for it.
    fn usage_weeks(
        &self,
        book: &Book,
        account: &Account,
        day: NaiveDate,
    ) -> Result<Vec<crate::domain::signals::ActiveWeek>, String>;

    /// The `n` accounts whose weekly active users changed most from the week before the 7
    /// days to `day` to those 7 days.
    fn usage_movers(
        &self,
        book: &Book,
        day: NaiveDate,
        n: usize,
    ) -> Result<Vec<crate::domain::signals::Mover<AccountId>>, String>;

    /// The stored metadata of the account's customer channels' messages (DECISIONS 28).
    fn channel_messages(
        &self,
        book: &Book,
        account: &Account,
    ) -> Result<Vec<crate::domain::conversation::ChannelMessage>, String>;

    /// What the events API received for the tenant up to `now`.
    fn intake(
        &self,
        tenant: &TenantId,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::signals::IntakeStatus, String>;
}

/// Reads how write keys were used: the events API counts that outside the book.
pub trait KeyUsage {
    fn usage(&self, tenant: &TenantId, name: &str) -> Result<WriteKeyUsage, String>;
}

/// Fills a buffer from a cryptographically secure random generator (the operating system's,
/// in the app): where `/steward apikey create` gets its keys. Otherwise handlers never draw
/// random numbers.
pub type Entropy = fn(&mut [u8]) -> Result<(), String>;

/// Seals a secret before it is stored (the app's keyring, see [`crate::secrets`]): where
/// `/steward zendesk secret` turns what an admin typed into what the store may keep.
/// `context` binds the sealed value to its use and tenant.
pub trait Sealer {
    fn seal(
        &self,
        context: &[u8],
        secret: &secrecy::SecretString,
    ) -> Result<crate::secrets::Sealed, String>;
}

/// Who is asking, when, and with which rights.
pub struct Ctx<'a> {
    pub actor: &'a UserId,
    pub is_admin: bool,
    pub now: DateTime<Utc>,
    /// Today in the tenant's time zone.
    pub today: NaiveDate,
    /// The tenant's time zone.
    pub timezone: chrono_tz::Tz,
    /// The channel the command came from (`console` on the console).
    pub channel: &'a str,
    pub audit: &'a dyn AuditLog,
    pub data: &'a dyn DataFeed,
    pub usage: &'a dyn KeyUsage,
    pub entropy: Entropy,
    pub sealer: &'a dyn Sealer,
    /// The chat message a *Log to account* shortcut captured (`/account log` writes it as
    /// the entry's source); `None` for a typed command.
    pub source: Option<&'a crate::domain::account::ActivitySource>,
}

/// What a handler decided.
#[derive(Debug, Default)]
pub struct Outcome {
    pub reply: Reply,
    pub changes: Vec<Change>,
    /// A person's name to replace with `[removed]` in an account's audit trail.
    pub redact: Option<(AccountId, String)>,
    /// Delete the whole tenant (`/steward forget confirm:yes`).
    pub forget: bool,
    /// A customer channel unlinked: the metadata kept of its messages is forgotten once
    /// the change is saved (DECISIONS 28).
    pub purge_channels: Vec<String>,
}

impl Outcome {
    pub fn read(reply: Reply) -> Self {
        Outcome {
            reply,
            ..Outcome::default()
        }
    }

    pub fn write(reply: Reply, changes: Vec<Change>) -> Self {
        Outcome {
            reply,
            changes,
            redact: None,
            forget: false,
            purge_channels: Vec::new(),
        }
    }
}

/// Runs one command against the book.
pub fn handle(command: &Command, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    match command {
        Command::Account(c) => account::handle(c, ctx, book),
        Command::Stakeholder(c) => stakeholder::handle(c, ctx, book),
        Command::Health(c) => health::handle(c, ctx, book),
        Command::Renewal(c) => renewal::handle(c, ctx, book),
        Command::Expansion(c) => expansion::handle(c, ctx, book),
        Command::Qbr(c) => qbr::handle(c, ctx, book),
        Command::Plan(c) => plan::handle(c, ctx, book),
        Command::AtRisk(c) => atrisk::handle(c, ctx, book),
        Command::Portfolio(c) => portfolio::handle(c, ctx, book),
        Command::Digest(c) => digest::handle(c, ctx, book),
        Command::Steward(c) => steward::handle(c, ctx, book),
    }
}

/// A copy of the named account to change, stamped as updated now.
pub fn editable(book: &Book, name: &str, ctx: &Ctx) -> Result<Account, DomainError> {
    let mut account = book.find(name)?.clone();
    account.updated_at = ctx.now;
    Ok(account)
}

/// Refuses changes to a churned account.
pub fn require_active(account: &Account) -> Result<(), DomainError> {
    if account.is_active() {
        Ok(())
    } else {
        Err(DomainError::Refused(format!(
            "{} has churned; its record is kept for history. Add it again with `/account add` if it comes back.",
            account.name
        )))
    }
}

/// Items per page in every list (DECISIONS 11).
pub const PAGE_SIZE: usize = 25;

/// The slice of `items` on `page`, plus the line that says what is not shown.
pub fn paginate<'a, T>(
    items: &'a [T],
    page: usize,
    more_command: &str,
) -> (&'a [T], Option<String>) {
    let start = PAGE_SIZE * (page.max(1) - 1);
    let shown = items.get(start..).unwrap_or_default();
    let shown = &shown[..shown.len().min(PAGE_SIZE)];
    let note = (items.len() > PAGE_SIZE).then(|| {
        let first = if shown.is_empty() { 0 } else { start + 1 };
        let mut text = format!(
            "Showing {first}–{} of {}.",
            start + shown.len(),
            items.len()
        );
        if start + shown.len() < items.len() {
            text.push_str(&format!(" More: `{more_command} page:{}`", page.max(1) + 1));
        }
        text
    });
    (shown, note)
}
