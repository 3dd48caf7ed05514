//! Steward: an account-management bot for Slack, Discord and the console.
//!
//! # Layout
//!
//! - [`domain`]: the account-management rules (health, renewals, tiers, stakeholders), pure.
pub mod command;
pub mod domain;
