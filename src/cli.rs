//! Purpose: the `steward` binary's command line — global options and subcommands — and
//! turning each into a run of the right adapter. Exit codes: 0 ok, 2 bad usage, 1 failure.

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use zeroize::Zeroizing;

use crate::app::{Actor, App, Surface};
use crate::command::quote;
use crate::config::Config;
use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;
use crate::domain::writekey::digest_of;
use crate::render::text::render;
use crate::reply::{Block, Reply, Span};
use crate::scheduler::port::PrintPort;
use crate::scheduler::Scheduler;
use crate::secrets::Keyring;
use crate::serve::ChatPorts;
use crate::store::backend::postgres::PostgresBackend;
use crate::store::backend::Backend;
use crate::store::location::Location;

#[derive(Debug, Parser)]
#[command(
    name = "steward",
    version,
    about = "Account-management bot for Slack, Discord and the console"
)]
pub struct Cli {
    /// sled database path [env: STEWARD_DB] [default: ./steward.db]; given, it wins over
    /// STEWARD_DATABASE_URL
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    /// Tenant to act in: local, slack:TEAM, discord:GUILD or any plain name
    #[arg(long, global = true, default_value = "local", value_parser = parse_tenant)]
    pub tenant: TenantId,
    /// Who the console user is
    #[arg(long, global = true, default_value = "local-user")]
    pub user: String,
    /// Take this instant as the current time (RFC 3339), for what-if runs and backfills
    #[arg(long, global = true, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Config file [default: steward.toml if present]
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// The local chat: slash commands on stdin, plain-text replies on stdout
    Console {
        /// First load a sample portfolio (loading it twice changes nothing)
        #[arg(long)]
        demo: bool,
        /// Write the pictures replies carry (health trend, power grid, renewal timeline) as
        /// PNG files into this directory (created if missing)
        #[arg(long, value_name = "DIR")]
        images: Option<PathBuf>,
    },
    /// Bulk-load accounts (and stakeholders) from a CRM CSV export or Steward's JSON export
    Import {
        /// The CSV or JSON file
        file: PathBuf,
        /// How slash dates are read: mdy (3/31/2027) or dmy (31/3/2027)
        #[arg(long, value_enum, default_value = "mdy")]
        date_format: crate::transfer::DateFormat,
    },
    /// Export the tenant: full JSON backup, or one CSV row per account
    Export {
        #[arg(long, value_enum, default_value = "json")]
        format: crate::transfer::ExportFormat,
        /// Write to this file instead of stdout
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Print the Slack app manifest, the Discord command registration JSON, or the command
    /// reference (Markdown)
    Manifest {
        #[arg(value_enum)]
        what: Generated,
    },
    /// Run every scheduled job due now, once, and exit
    Tick {
        /// Print what would be posted; post and record nothing
        #[arg(long)]
        dry_run: bool,
        /// Write the posts' pictures as PNG files into this directory (created if missing)
        #[arg(long, value_name = "DIR")]
        images: Option<PathBuf>,
    },
    /// Store Segment-format events from JSON lines (one message or one {"batch":[…]} per
    /// line), as the events API would; for backfilling history and replaying an export
    Ingest {
        /// The JSON-lines file, or - for standard input
        file: PathBuf,
    },
    /// Run the chat adapters, the HTTP listener and the scheduler until SIGINT/SIGTERM
    Serve,
    /// Apply the database's migrations (PostgreSQL; they also run at every start); with
    /// --from and --to, copy a whole database between backends and verify the counts
    Migrate {
        /// The database to copy: sled:PATH or postgres://…
        #[arg(long, value_name = "URL", requires = "to")]
        from: Option<String>,
        /// Where to copy it (must be empty), or alone the database to migrate
        #[arg(long, value_name = "URL")]
        to: Option<String>,
    },
    /// Write keys for the events API (as `/steward apikey`, for the console tenant and scripts)
    Apikey {
        #[command(subcommand)]
        action: KeyCmd,
    },
    /// The Zendesk webhook (as `/steward zendesk`, for the console tenant and scripts)
    Zendesk {
        #[command(subcommand)]
        action: ZendeskCmd,
    },
    /// The key stored secrets are sealed with
    SecretKey {
        #[command(subcommand)]
        action: SecretKeyCmd,
    },
    /// Discord set-up
    Discord {
        #[command(subcommand)]
        action: DiscordCmd,
    },
    /// Delete everything Steward keeps for the tenant (--tenant), e.g. after an uninstall;
    /// as `/steward forget confirm:yes`
    Forget {
        /// Really delete it (without it, only says what would go)
        #[arg(long)]
        yes: bool,
    },
}

/// What `steward secret-key` does.
#[derive(Debug, Subcommand)]
pub enum SecretKeyCmd {
    /// Re-seal every stored secret (OAuth tokens, Zendesk secrets) under STEWARD_SECRET_KEY;
    /// the old key comes from STEWARD_SECRET_KEY_OLD, else the key file beside the database
    Rotate,
}

/// What `steward discord` does.
#[derive(Debug, Subcommand)]
pub enum DiscordCmd {
    /// Print the bot's invite link (DISCORD_APPLICATION_ID) with the scopes and permissions
    /// it needs
    InviteUrl,
}

/// What `steward zendesk` does.
#[derive(Debug, Subcommand)]
pub enum ZendeskCmd {
    /// Set the webhook's signing secret (Zendesk: Webhooks → your webhook → Reveal secret);
    /// `-` reads it from the first line of standard input, out of the shell's history
    Secret { secret: String },
}

/// What `steward apikey` does.
#[derive(Debug, Subcommand)]
pub enum KeyCmd {
    /// Make a key; it is printed once, alone on the last line (`| tail -n 1` takes it)
    Create { name: String },
    /// Show the keys: name, prefix, created, last used, events received
    List,
    /// Revoke a key: requests with it are refused from then on
    Revoke { name: String },
}

/// What `steward manifest` prints.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Generated {
    /// The Slack app manifest (YAML)
    Slack,
    /// The Discord command registration (JSON)
    Discord,
    /// The command reference of the README (Markdown)
    Reference,
}

fn parse_tenant(text: &str) -> Result<TenantId, String> {
    TenantId::parse(text).map_err(|e| e.to_string())
}

fn parse_now(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("\"{text}\" is not an RFC 3339 instant, e.g. 2026-03-02T09:00:00Z"))
}

/// A failure that ends the program with exit code 1 and one line on stderr.
pub type Failure = String;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    let config = Config::load(cli.config.as_deref(), |name| std::env::var(name).ok())
        .map_err(|e| e.to_string())?;
    let tenant = cli.tenant.clone();
    let clock = move || cli.now.unwrap_or_else(Utc::now);
    // `--db` wins; else STEWARD_DATABASE_URL; else STEWARD_DB or its default.
    let location = || match (&cli.db, &config.database_url) {
        (Some(path), _) => Location::Sled(path.clone()),
        (None, Some(url)) => Location::Postgres(url.clone()),
        (None, None) => Location::Sled(config.db.clone()),
    };
    let open_with_cache = |cache_mb| -> Result<App, Failure> {
        let location = location();
        let store = location.open(cache_mb).map_err(|e| e.to_string())?;
        // Undo plans that expired while Steward was not running are purged before anything else.
        store
            .purge_expired_undo_everywhere(clock())
            .map_err(|e| e.to_string())?;
        // Replicas on one PostgreSQL database share STEWARD_SECRET_KEY: a key file beside
        // one of them would seal what the others cannot open.
        let keyring = match (location.sled_path(), config.secret_key.clone()) {
            (Some(path), given) => Keyring::new(given, path),
            (None, Some(key)) => Keyring::new(Some(key), std::path::Path::new("")),
            (None, None) => Keyring::none(),
        };
        Ok(App::new(store, config.admins.clone(), config.timezone).with_keyring(keyring))
    };
    let open = || open_with_cache(config.cache_mb);
    let actor = Actor {
        tenant,
        user: UserId(cli.user.clone()),
        surface: Surface::Console,
        platform_admin: false,
        channel: "console".into(),
    };
    match cli.command {
        None if config.has_chat() => serve(open()?, &config),
        None => {
            eprintln!("No Slack or Discord credentials are configured: starting the local console (see README).");
            console(&open()?, &actor, clock, None)
        }
        Some(Cmd::Console { demo, images }) => {
            if let Some(dir) = &images {
                images_dir(dir)?;
            }
            let app = open()?;
            if demo {
                let loaded = crate::demo::load(&app, &actor, clock()).map_err(|e| e.to_string())?;
                eprintln!("Demo portfolio: {loaded} accounts added.");
            }
            console(&app, &actor, clock, images.as_deref())
        }
        Some(Cmd::Import { file, date_format }) => {
            // Checked before the database is opened (or created) for nothing.
            std::fs::File::open(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let app = open_with_cache(config.cache_mb.min(crate::transfer::IMPORT_CACHE_MB))?;
            let request = crate::transfer::ImportRequest {
                tenant: &actor.tenant,
                actor: &actor.user,
                file: &file,
                dates: date_format,
                now: clock(),
                timezone: config.timezone,
            };
            crate::transfer::run_import(&app.store, &request).map_err(|e| e.to_string())
        }
        Some(Cmd::Export { format, output }) => {
            let app = open()?;
            crate::transfer::run_export(
                &app.store,
                &actor.tenant,
                format,
                output.as_deref(),
                clock(),
                config.timezone,
            )
            .map_err(|e| e.to_string())
        }
        Some(Cmd::Manifest { what }) => {
            let text = match what {
                Generated::Slack => crate::manifest::slack::slack_manifest_at(
                    &config.slack_prefix,
                    config.public_url.as_deref(),
                ),
                Generated::Discord => crate::manifest::discord::discord_commands_json(),
                Generated::Reference => crate::manifest::reference::command_reference(),
            };
            print!("{text}");
            Ok(())
        }
        Some(Cmd::Tick { dry_run, images }) => {
            if let Some(dir) = &images {
                images_dir(dir)?;
            }
            let app = std::sync::Arc::new(open()?);
            // Slack tenants' posts go to Slack when it is configured, as `serve` posts them.
            let slack = match &config.slack {
                Some(slack) => Some(crate::slack::port::SlackPort::new(
                    crate::slack::Setup::from_config(
                        app.clone(),
                        slack,
                        &config.slack_prefix,
                        config.public_url.as_deref(),
                        config.secret_key.as_ref(),
                    )?
                    .slack,
                )),
                None => None,
            };
            let ports = ChatPorts {
                slack,
                discord: None,
                print: PrintPort::new(std::io::stdout()).with_images(images),
            };
            let scheduler = Scheduler {
                app: &app,
                ports: &ports,
                dry_run,
            };
            let report = runtime()?.block_on(scheduler.run_due(clock()));
            eprintln!(
                "tick{}: {} posted, {} skipped, {} failed",
                if dry_run { " (dry run)" } else { "" },
                report.posted,
                report.skipped,
                report.failed
            );
            app.store.flush().map_err(|e| e.to_string())
        }
        Some(Cmd::Ingest { file }) => ingest(&open()?, &actor.tenant, &file, clock()),
        Some(Cmd::Serve) => serve(open()?, &config),
        Some(Cmd::Migrate { from, to }) => match (from, to) {
            (Some(from), Some(to)) => crate::transfer::copy::run(&from, &to, config.cache_mb),
            (None, to) => {
                let target = match to {
                    Some(text) => Location::parse(&text).map_err(|e| e.to_string())?,
                    None => location(),
                };
                migrate(&target)
            }
            (Some(_), None) => Err("--from needs --to: where to copy the database".into()),
        },
        Some(Cmd::Apikey { action }) => {
            let line = match &action {
                KeyCmd::Create { name } => format!("/steward apikey create {}", quote(name)),
                KeyCmd::List => "/steward apikey list".to_string(),
                KeyCmd::Revoke { name } => format!("/steward apikey revoke {}", quote(name)),
            };
            let app = open()?;
            let reply = app.execute(&actor, clock(), &line);
            app.store.flush().map_err(|e| e.to_string())?;
            print_key_answer(reply)
        }
        Some(Cmd::Zendesk {
            action: ZendeskCmd::Secret { secret },
        }) => {
            let secret = Zeroizing::new(match secret.as_str() {
                "-" => first_line_of_stdin()?,
                _ => secret,
            });
            let line = Zeroizing::new(format!("/steward zendesk secret {}", quote(&secret)));
            let app = open()?;
            let reply = app.execute(&actor, clock(), &line);
            app.store.flush().map_err(|e| e.to_string())?;
            print_key_answer(reply)
        }
        Some(Cmd::SecretKey {
            action: SecretKeyCmd::Rotate,
        }) => {
            let new = config
                .secret_key
                .clone()
                .ok_or_else(|| crate::upkeep::RotateError::NoNewKey.to_string())?;
            let given_old = std::env::var(crate::upkeep::OLD_KEY_VAR)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|text| {
                    let text = Zeroizing::new(text);
                    crate::secrets::SecretKey::parse(&text, crate::upkeep::OLD_KEY_VAR)
                })
                .transpose()
                .map_err(|e| e.to_string())?;
            let path = cli.db.clone().unwrap_or_else(|| config.db.clone());
            let old = crate::upkeep::old_key(given_old, &path).map_err(|e| e.to_string())?;
            let app = open()?;
            let rotated =
                crate::upkeep::rotate(&app.store, old.as_ref(), &new).map_err(|e| e.to_string())?;
            app.store.flush().map_err(|e| e.to_string())?;
            println!(
                "re-sealed {} secret{} under the new {} ({} already were)",
                rotated.moved,
                if rotated.moved == 1 { "" } else { "s" },
                crate::secrets::KEY_VAR,
                rotated.already
            );
            Ok(())
        }
        Some(Cmd::Discord {
            action: DiscordCmd::InviteUrl,
        }) => {
            let id = config
                .discord_application_id
                .clone()
                .filter(|id| !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()))
                .ok_or("DISCORD_APPLICATION_ID must be set to the application's id (digits, from the Developer Portal's General Information page)")?;
            println!("{}", crate::upkeep::discord_invite_url(&id));
            Ok(())
        }
        Some(Cmd::Forget { yes }) => {
            let app = open()?;
            let console = Actor {
                platform_admin: true,
                ..actor
            };
            let line = if yes {
                "/steward forget confirm:yes"
            } else {
                "/steward forget"
            };
            let reply = app.execute(&console, clock(), line);
            app.store.flush().map_err(|e| e.to_string())?;
            println!("{}", render(&reply).trim_end());
            match (yes, reply.is_error()) {
                (_, true) => Err("nothing was deleted".into()),
                (false, false) => Err("nothing was deleted: add --yes to delete it".into()),
                (true, false) => Ok(()),
            }
        }
    }
}

/// `steward migrate`: applies the PostgreSQL schema's missing migrations and says which.
fn migrate(target: &Location) -> Result<(), Failure> {
    let Location::Postgres(url) = target else {
        println!("a sled database needs no migrations: its records carry their own version");
        return Ok(());
    };
    let (backend, applied) =
        PostgresBackend::open_migrated(secrecy::ExposeSecret::expose_secret(url))
            .map_err(|e| e.to_string())?;
    let version = crate::store::backend::postgres::schema::known_version();
    match applied.as_slice() {
        [] => println!(
            "{} is at schema version {version}: nothing to apply",
            backend.location()
        ),
        applied => println!(
            "{} migrated to schema version {version} (applied {})",
            backend.location(),
            applied
                .iter()
                .map(|v| format!("V{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    Ok(())
}

/// The first line of standard input, without its line ending.
fn first_line_of_stdin() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the secret from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// `steward ingest FILE|-`: stores the lines' messages, then says what became of them.
fn ingest(
    app: &App,
    tenant: &TenantId,
    file: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    let zone = {
        let book = app.store.book(tenant).map_err(|e| e.to_string())?;
        let book = book.read().unwrap_or_else(|p| p.into_inner());
        app.timezone_of(&book)
    };
    let summary = if file.as_os_str() == "-" {
        crate::ingest::replay::replay(&app.store, tenant, zone, now, std::io::stdin().lock())
    } else {
        let opened = std::fs::File::open(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let reader = std::io::BufReader::new(opened);
        crate::ingest::replay::replay(&app.store, tenant, zone, now, reader)
    }
    .map_err(|e| e.to_string())?;
    for line in &summary.bad_lines {
        eprintln!("{line}");
    }
    if summary.receipt.duplicates > 0 {
        println!(
            "{} already received before (same messageId), not counted again",
            summary.receipt.duplicates
        );
    }
    println!("{}", summary.last_line());
    app.store.flush().map_err(|e| e.to_string())
}

/// Prints a `steward apikey` or `steward zendesk` answer; an error is the failure line. The
/// create answer ends with the key alone in a code span (see `handlers::apikey`), printed
/// bare as the last line.
fn print_key_answer(mut reply: Reply) -> Result<(), Failure> {
    let text = render(&reply);
    if reply.is_error() {
        return Err(text.strip_prefix("error: ").unwrap_or(&text).to_string());
    }
    let key = match reply.blocks.last() {
        Some(Block::Paragraph(line)) => match line.as_slice() {
            [Span::Code(key)] if digest_of(key).is_some() => Some(key.clone()),
            _ => None,
        },
        _ => None,
    };
    let text = match &key {
        Some(key) => {
            reply.blocks.pop();
            format!("{}\n{key}", render(&reply))
        }
        None => text,
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the answer: {e}"))
}

/// Makes sure `--images DIR` can hold pictures (created if missing), before anything runs.
fn images_dir(dir: &std::path::Path) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot use {} for pictures: {e}", dir.display()))
}

/// `steward serve`, with daily backups.
fn serve(app: App, config: &Config) -> Result<(), Failure> {
    let app = std::sync::Arc::new(
        app.with_backups(config.backup_dir.clone())
            .with_cadence(config.cadence),
    );
    runtime()?.block_on(crate::serve::run(app, config))
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the async runtime: {e}"))
}

fn console(
    app: &App,
    actor: &Actor,
    clock: impl Fn() -> DateTime<Utc>,
    images: Option<&std::path::Path>,
) -> Result<(), Failure> {
    crate::console::greet_if_terminal(actor);
    let stdin = std::io::stdin().lock();
    crate::console::run(app, actor, stdin, std::io::stdout().lock(), clock, images)
        .map_err(|e| format!("console I/O failed: {e}"))?;
    app.store.flush().map_err(|e| e.to_string())
}
