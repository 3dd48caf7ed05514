//! Renderers: the neutral [`crate::reply::Reply`] turned into what each surface shows.

pub mod discord;
pub mod slack;
pub mod text;
