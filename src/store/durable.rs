//! Purpose: what lets the store trust a database it opens — the marker record that says a
//! database is Steward's, and the numbered commit that every acknowledged write carries.
//!
//! Why both: sled opens a data file of garbage as an empty database, and recovers a damaged
//! one up to its first bad record without a word (DECISIONS 25). A database that existed but
//! has no marker lost everything; one whose marker names an older commit than the backend
//! noted outside the database lost its tail. Either is refused rather than served as a
//! smaller book that later writes would make permanent.

use super::backend::{Backend, WriteBatch};
use super::record::{decode, encode};
use super::{keys, Store, StoreError};

/// The record that marks a Steward database and numbers its last commit.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Marker {
    last_commit: u64,
}

/// Refuses a database that lost data (see the module comment); marks a new one.
pub(super) fn check_marker(backend: &dyn Backend) -> Result<(), StoreError> {
    let refuse = |why: String| StoreError::NotSteward {
        path: backend.location().to_string(),
        why,
    };
    let marker: Marker = match backend.get(keys::MARKER)? {
        Some(bytes) => decode(keys::MARKER, &bytes)?,
        None if backend.existed() => return Err(refuse("its Steward marker is missing".into())),
        None => {
            let fresh = Marker { last_commit: 0 };
            let mut batch = WriteBatch::default();
            batch.put(keys::MARKER.to_vec(), encode(&fresh)?);
            backend.apply(batch)?;
            fresh
        }
    };
    let acknowledged = backend.noted_commit().unwrap_or(0);
    if acknowledged > marker.last_commit {
        return Err(refuse(format!(
            "it ends before the last acknowledged change (#{acknowledged}, found #{})",
            marker.last_commit
        )));
    }
    Ok(())
}

impl Store {
    /// Applies `batch` atomically as a numbered commit — the marker, with the commit's number,
    /// goes into the same batch — and returns once the backend made it durable; then has the
    /// backend note the number outside the database (see [`Store::with_backend`]). Every
    /// acknowledged change to accounts, settings, history or undo plans goes through here.
    ///
    /// On a backend other replicas share there is no commit note to check against, and one
    /// marker rewritten by every commit of every tenant would only be a hot spot: the batch is
    /// applied as it is.
    pub(super) fn apply_durably(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let applied = self.apply_before_flush(batch)?;
        self.make_durable(applied)
    }

    /// [`Store::apply_durably`]'s first half: the batch applied as a numbered commit, visible
    /// to every later read, durable only by [`Store::make_durable`], which must come before
    /// it is acknowledged. Between the two a caller may let go of its lock, so that the
    /// commits of callers waiting on it share one wait for the device (group commit): the
    /// backend's log is written in order, so a later commit made durable makes every earlier
    /// one durable with it.
    pub(super) fn apply_before_flush(
        &self,
        mut batch: WriteBatch,
    ) -> Result<Unflushed, StoreError> {
        if self.backend.shared() {
            self.backend.apply(batch)?;
            return Ok(Unflushed::durable());
        }
        let last_commit = self.backend.generate_id()?;
        batch.put(keys::MARKER.to_vec(), encode(&Marker { last_commit })?);
        self.backend.apply_lazily(batch)?;
        Ok(Unflushed {
            commit: Some(last_commit),
        })
    }

    /// Returns once the commit is durable, then has the backend note its number. Notes may
    /// land out of order when several callers finish at once: a note may lag behind the
    /// database (a weaker check at the next open), never run ahead of it.
    pub(super) fn make_durable(&self, applied: Unflushed) -> Result<(), StoreError> {
        if let Some(commit) = applied.commit {
            self.backend.flush()?;
            // Noted only after the flush returned: a note ahead of the database would refuse
            // a healthy one at the next open.
            self.backend.note_commit(commit);
        }
        Ok(())
    }
}

/// A commit applied, not yet known durable: hand it to [`Store::make_durable`] before
/// acknowledging what it holds.
#[must_use]
pub(super) struct Unflushed {
    /// Its number, to note once durable; `None` when the backend made it durable already.
    commit: Option<u64>,
}

impl Unflushed {
    /// A commit the backend made durable as it applied it.
    pub(super) fn durable() -> Unflushed {
        Unflushed { commit: None }
    }
}
