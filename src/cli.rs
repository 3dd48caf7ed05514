//! Purpose: the `steward` binary's command line — global options and subcommands — and
//! turning each into a run of the right adapter. Exit codes: 0 ok, 2 bad usage, 1 failure.

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

use crate::app::{Actor, App, Surface};
use crate::config::Config;
use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "steward",
    version,
    about = "Account-management bot for Slack, Discord and the console"
)]
pub struct Cli {
    /// sled database path [env: STEWARD_DB] [default: ./steward.db]
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    /// Tenant to act in: local, slack:TEAM, discord:GUILD or any plain name
    #[arg(long, global = true, default_value = "local")]
    pub tenant: String,
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
    },
    /// Print the Slack app manifest or the Discord command registration JSON
    Manifest {
        #[arg(value_enum)]
        platform: Platform,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Platform {
    Slack,
    Discord,
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
    let tenant = TenantId::parse(&cli.tenant).map_err(|e| e.to_string())?;
    let clock = move || cli.now.unwrap_or_else(Utc::now);
    let open = || -> Result<App, Failure> {
        let path = cli.db.clone().unwrap_or_else(|| config.db.clone());
        let store = Store::open(&path).map_err(|e| e.to_string())?;
        Ok(App::new(store, config.admins.clone(), config.timezone))
    };
    let actor = Actor {
        tenant,
        user: UserId(cli.user.clone()),
        surface: Surface::Console,
        platform_admin: false,
    };
    match cli.command {
        None => {
            eprintln!("No Slack or Discord credentials are configured: starting the local console (see README).");
            console(&open()?, &actor, clock)
        }
        Some(Cmd::Console { demo }) => {
            let app = open()?;
            if demo {
                let loaded = crate::demo::load(&app, &actor, clock()).map_err(|e| e.to_string())?;
                eprintln!("Demo portfolio: {loaded} accounts added.");
            }
            console(&app, &actor, clock)
        }
        Some(Cmd::Manifest { platform }) => {
            let text = match platform {
                Platform::Slack => crate::manifest::slack::slack_manifest(&config.slack_prefix),
                Platform::Discord => crate::manifest::discord::discord_commands_json(),
            };
            print!("{text}");
            Ok(())
        }
    }
}

fn console(app: &App, actor: &Actor, clock: impl Fn() -> DateTime<Utc>) -> Result<(), Failure> {
    crate::console::greet_if_terminal(actor);
    let stdin = std::io::stdin().lock();
    crate::console::run(app, actor, stdin, std::io::stdout().lock(), clock)
        .map_err(|e| format!("console I/O failed: {e}"))?;
    app.store.flush().map_err(|e| e.to_string())
}
