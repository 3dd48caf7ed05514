//! Renderers: the neutral [`crate::reply::Reply`] turned into what each surface shows.

pub mod text;
