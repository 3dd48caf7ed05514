//! Steward: an account-management bot for Slack, Discord and the console.
//!
//! # Layout
//!
//! - [`domain`]: the account-management rules (health, renewals, tiers, stakeholders) — pure,
//!   no platform, storage or clock.
//! - [`command`]: `commands/*.toml` declares every command; text → typed [`command::Command`].
//! - [`handlers`]: command + book → reply + proposed changes (one file per command group).
//! - [`jobs`]: what each scheduled post says (weekly digest, standup, renewals, escalations,
//!   indicators).
//! - [`scheduler`]: when posts are due, exactly once, through the `ChatPort`.
//! - [`reply`]: the neutral reply; [`render`] turns it into text (and later Block Kit, embeds).
//! - [`picture`]: health trend, weekly active users, power grid, renewal timeline — data →
//!   scene → PNG, in-process.
//! - [`ingest`]: the events API (Segment's HTTP Tracking API) — routes, write keys, limits,
//!   bodies and messages → typed facts or the reason each is skipped.
//! - [`feed`]: health fed by received data — an account's data signals, the daily recompute,
//!   weekly active users and the week's usage movers.
//! - [`store`]: tenant-prefixed records, audit trail, durable before acknowledging — over one
//!   backend trait: embedded sled, or PostgreSQL shared by several replicas.
//! - [`actions`]: what answers and posts offer to click, alike on Slack and Discord, and who
//!   may press an account owner's buttons.
//! - [`app`]: the service adapters call: parse → rights → handle → commit.
//! - [`fault`]: a caught panic → a logged reference id and an honest apology.
//! - [`backup`]: the daily JSON backups `serve` keeps (14).
//! - [`serve`]: `steward serve` — HTTP routes, the scheduler loop, clean shutdown.
//! - [`config`]: environment and `steward.toml`, read once.
//! - [`secrets`]: secrets kept to use again (a Zendesk signing secret), sealed before storing.
//! - [`conversation`]: prompts, answered alike on every surface.
//! - [`console`]: the local chat adapter (stdin/stdout).
//! - [`discord`]: the Discord adapter — commands, autocomplete, buttons, prompts, posting.
//! - [`slack`]: the Slack adapter — slash commands, events, buttons, App Home, posting.
//! - [`manifest`]: the Slack app manifest and Discord command registration, generated from
//!   `commands/`.
//! - [`prompt`]: conversational prompts → the same command lines (offline, deterministic).
//! - [`cli`]: the `steward` binary's subcommands; [`logging`]: tracing, secrets kept out;
//!   [`upkeep`]: the operator's tasks — rotating the secret key, forgetting a tenant, Discord's
//!   invite link.
//! - [`demo`]: the sample portfolio of `steward console --demo`, with 90 days of generated
//!   product events.
//! - [`transfer`]: `steward import` (CRM CSV, Steward JSON) and `steward export` (JSON, CSV).

pub mod actions;
pub mod app;
pub mod backup;
pub mod channels;
pub mod cli;
pub mod command;
pub mod config;
pub mod console;
pub mod conversation;
pub mod demo;
pub mod discord;
pub mod domain;
pub mod fault;
pub mod feed;
pub mod handlers;
pub mod ingest;
pub mod jobs;
pub mod logging;
pub mod manifest;
pub mod memory;
pub mod picture;
pub mod prompt;
pub mod render;
pub mod reply;
pub mod scheduler;
pub mod secrets;
pub mod serve;
pub mod slack;
pub mod store;
pub mod transfer;
pub mod upkeep;
