//! Purpose: drawing pictures for the chat adapters. A drawing is CPU work of a few
//! milliseconds, so it runs off the async threads, one at a time (pictures never take both
//! cores from answering commands); the last drawings are kept, since identical data draws
//! identical bytes (a team re-running `/renewal list` gets the same timeline); and when too
//! many wait, a picture is skipped — its reply's text already says it all.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::Semaphore;

use super::Picture;

/// Drawings kept (each about 50–130 KB).
const KEPT: usize = 16;
/// Pictures allowed to wait for the easel; more are skipped.
const MAX_WAITING: usize = 32;

/// One easel, the drawings kept, and how many pictures wait.
pub struct Studio {
    easel: Semaphore,
    kept: Mutex<VecDeque<(Picture, Arc<Vec<u8>>)>>,
    waiting: AtomicUsize,
}

impl Default for Studio {
    fn default() -> Self {
        Studio {
            easel: Semaphore::new(1),
            kept: Mutex::new(VecDeque::new()),
            waiting: AtomicUsize::new(0),
        }
    }
}

/// The process's studio.
pub fn studio() -> &'static Studio {
    static STUDIO: OnceLock<Studio> = OnceLock::new();
    STUDIO.get_or_init(Studio::default)
}

/// Draws `pictures` in the process's studio: each with its PNG bytes, skipped ones left out.
pub async fn draw(pictures: Vec<Picture>) -> Vec<(Picture, Vec<u8>)> {
    let mut drawn = Vec::with_capacity(pictures.len());
    for picture in pictures {
        match studio().draw(&picture).await {
            Some(png) => drawn.push((picture, png.to_vec())),
            None => tracing::warn!(
                file = picture.file_name(),
                "too many pictures waiting to be drawn; sent without this one"
            ),
        }
    }
    drawn
}

impl Studio {
    fn kept(&self, picture: &Picture) -> Option<Arc<Vec<u8>>> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter()
            .find(|(p, _)| p == picture)
            .map(|(_, png)| png.clone())
    }

    /// The picture's PNG: kept, or drawn once the easel is free; `None` when too many wait.
    pub async fn draw(&self, picture: &Picture) -> Option<Arc<Vec<u8>>> {
        if let Some(png) = self.kept(picture) {
            return Some(png);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let permit = self.easel.acquire().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let _permit = permit.ok()?;
        // Drawn by someone else while this one waited.
        if let Some(png) = self.kept(picture) {
            return Some(png);
        }
        let owned = picture.clone();
        let png = Arc::new(
            tokio::task::spawn_blocking(move || owned.png())
                .await
                .ok()?,
        );
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() == KEPT {
            kept.pop_front();
        }
        kept.push_back((picture.clone(), png.clone()));
        Some(png)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picture::RenewalTimeline;
    use chrono::{Duration, NaiveDate};

    fn timeline(days: i64) -> Picture {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default() + Duration::days(days);
        Picture::RenewalTimeline(RenewalTimeline::of(std::iter::empty(), today))
    }

    #[tokio::test]
    async fn drawings_are_the_pictures_png_and_the_last_ones_are_kept() {
        let studio = Studio::default();
        let first = timeline(0);
        let png = studio.draw(&first).await.expect("drawn");
        assert_eq!(*png, first.png());
        let again = studio.draw(&first).await.expect("kept");
        assert!(Arc::ptr_eq(&png, &again), "the kept drawing, not a new one");
        for day in 1..=KEPT as i64 {
            studio.draw(&timeline(day)).await.expect("drawn");
        }
        assert!(studio.kept(&first).is_none(), "the oldest is let go");
        assert!(studio.kept(&timeline(KEPT as i64)).is_some());
    }

    #[tokio::test]
    async fn pictures_beyond_the_waiting_limit_are_skipped() {
        let studio = Studio::default();
        // Someone holds the easel; pictures queue until the limit, then are skipped.
        let held = studio.easel.acquire().await.expect("easel");
        studio.waiting.store(MAX_WAITING, Ordering::SeqCst);
        assert!(studio.draw(&timeline(0)).await.is_none());
        assert_eq!(studio.waiting.load(Ordering::SeqCst), MAX_WAITING);
        studio.waiting.store(0, Ordering::SeqCst);
        drop(held);
        assert!(studio.draw(&timeline(0)).await.is_some());
    }
}
