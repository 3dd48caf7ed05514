//! Purpose: pictures replies carry — health trend, weekly active users, power grid, renewal
//! timeline — drawn in-process to PNG, with fonts compiled in (no system fonts, browser or
//! font files).
//!
//! Two steps, so tests need no pixels: domain data → [`Scene`] (positions, colours, text:
//! one file per picture) and Scene → PNG (`raster`, one rasterizer for all).
//! A [`Picture`] holds the data, not the pixels, so an adapter can acknowledge first and
//! render after — through [`drawing`], which keeps the chat adapters' drawing off the async
//! threads, one at a time, and remembers the last ones drawn.

pub mod drawing;
mod examples;
mod font;
pub mod health_trend;
mod place;
pub mod power_grid;
mod raster;
pub mod renewal_timeline;
pub mod scene;
pub mod weekly_users;

pub use examples::examples;
pub use health_trend::HealthTrend;
pub use power_grid::PowerGrid;
pub use renewal_timeline::RenewalTimeline;
pub use scene::Scene;
pub use weekly_users::WeeklyUsers;

/// A picture a reply carries: the data to draw, not yet drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Picture {
    HealthTrend(HealthTrend),
    WeeklyUsers(WeeklyUsers),
    PowerGrid(PowerGrid),
    RenewalTimeline(RenewalTimeline),
}

impl Picture {
    /// An ASCII file name, e.g. `health-trend-acme-corp.png`.
    pub fn file_name(&self) -> String {
        match self {
            Picture::HealthTrend(t) => format!("health-trend-{}.png", slug(&t.account)),
            Picture::WeeklyUsers(w) => format!("weekly-users-{}.png", slug(&w.account)),
            Picture::PowerGrid(g) => format!("power-grid-{}.png", slug(&g.account)),
            Picture::RenewalTimeline(t) => format!("renewal-timeline-{}.png", t.today),
        }
    }

    /// e.g. "Health trend — Acme Corp".
    pub fn title(&self) -> String {
        match self {
            Picture::HealthTrend(t) => t.title(),
            Picture::WeeklyUsers(w) => w.title(),
            Picture::PowerGrid(g) => g.title(),
            Picture::RenewalTimeline(t) => t.title(),
        }
    }

    /// One sentence saying what the picture shows, for screen readers and text-only surfaces.
    pub fn alt_text(&self) -> String {
        match self {
            Picture::HealthTrend(t) => t.alt_text(),
            Picture::WeeklyUsers(w) => w.alt_text(),
            Picture::PowerGrid(g) => g.alt_text(),
            Picture::RenewalTimeline(t) => t.alt_text(),
        }
    }

    pub fn scene(&self) -> Scene {
        match self {
            Picture::HealthTrend(t) => t.scene(),
            Picture::WeeklyUsers(w) => w.scene(),
            Picture::PowerGrid(g) => g.scene(),
            Picture::RenewalTimeline(t) => t.scene(),
        }
    }

    /// The picture as PNG bytes (800×450). Never panics, whatever the data.
    pub fn png(&self) -> Vec<u8> {
        raster::png(&self.scene())
    }
}

/// Lower-case ASCII letters and digits joined by single dashes, at most 60 characters;
/// "account" when nothing is left (a name in another script).
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "account".into()
    } else {
        out.into()
    }
}

#[cfg(test)]
mod sample;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn file_names_are_ascii_slugs() {
        assert_eq!(slug("Acme Corp"), "acme-corp");
        assert_eq!(slug("  Ünïcode & Co., Ltd. "), "n-code-co-ltd");
        assert_eq!(slug("株式会社"), "account");
        assert_eq!(slug(&"x".repeat(500)).len(), 60);
        let grid = Picture::PowerGrid(PowerGrid {
            account: "Acme Corp".into(),
            people: Vec::new(),
        });
        assert_eq!(grid.file_name(), "power-grid-acme-corp.png");
        assert_eq!(grid.title(), "Power grid — Acme Corp");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// Any data draws: empty, one point, huge or non-finite values, long unicode names.
        #[test]
        fn any_data_renders_a_decodable_png(picture in sample::any_picture()) {
            let png = picture.png();
            let (width, height, _) = raster::decode(&png);
            prop_assert_eq!((width, height), (800, 450));
            prop_assert!(!picture.alt_text().is_empty());
            prop_assert!(picture.file_name().is_ascii());
        }
    }
}
