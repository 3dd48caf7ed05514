//! The domain: account-management rules from DOMAIN.md, pure. It knows nothing of chat
//! platforms or storage and never reads the clock — callers pass `now`.

pub mod account;
pub mod atrisk;
pub mod audit;
pub mod book;
pub mod competition;
pub mod conversation;
pub mod dates;
pub mod email;
pub mod error;
pub mod escalation;
pub mod expansion;
pub mod health;
pub mod meddic;
pub mod money;
pub mod outcome;
pub mod outside_id;
pub mod person;
pub mod plan;
pub mod plan_item;
pub mod portfolio;
pub mod qbr;
pub mod reason;
pub mod renewal;
pub mod saveplay;
pub mod schedule;
pub mod signals;
pub mod stakeholder;
pub mod tenant;
pub mod tier;
pub mod value;
pub mod winloss;
pub mod words;
pub mod writekey;
