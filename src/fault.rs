//! Purpose: a panic caught at a boundary — one request, one console line, one scheduler job —
//! becomes a log line with a short reference id and an apology naming that id, which says
//! whether anything was changed. It says "nothing was changed" only when no commit had begun:
//! [`App::execute`](crate::app::App::execute) calls [`saving`] right before it writes, and a
//! panic caught after that (in the commit itself, e.g. applying the change to the in-memory
//! book after it reached the disk, or anywhere later in the same call) says the change may
//! have been saved.
//!
//! The reference is 8 hex digits, fresh for every fault, and appears in the `error` log line
//! beside the panic's message (the panic hook's own line about the panic precedes it).

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};

use futures::FutureExt;

use crate::reply::Reply;

thread_local! {
    /// Whether a commit has begun on this thread inside the innermost [`catch`].
    static SAVING: Cell<bool> = const { Cell::new(false) };
}

/// Whether something may have been changed when the fault struck.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// No commit had begun.
    Nothing,
    /// A commit had begun, or it cannot be known.
    Maybe,
}

/// A caught panic, already logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// 8 hex digits, in the log line and in the apology.
    pub reference: String,
    pub changed: Changed,
}

impl Fault {
    /// What the asker is told (without the `error:` a reply adds).
    pub fn apology(&self) -> String {
        let reference = &self.reference;
        match self.changed {
            Changed::Nothing => {
                format!("an internal error occurred (reference {reference}); nothing was changed.")
            }
            Changed::Maybe => format!(
                "an internal error occurred (reference {reference}); a change you asked for may have been saved: check (e.g. `/account history`) before trying again."
            ),
        }
    }

    /// The apology as an error reply.
    pub fn reply(&self) -> Reply {
        Reply::error(self.apology())
    }
}

/// Marks that a commit begins on this thread: a panic caught from here on may have changed
/// something.
pub fn saving() {
    SAVING.with(|s| s.set(true));
}

/// Runs `f`; a panic inside is logged under a fresh reference and returned as a [`Fault`],
/// which says whether a commit had begun inside `f` (see [`saving`]). Nested calls are fine:
/// an inner one's commit counts for the outer one too.
pub fn catch<T>(what: &'static str, f: impl FnOnce() -> T) -> Result<T, Fault> {
    let outer = SAVING.with(|s| s.replace(false));
    let result = catch_unwind(AssertUnwindSafe(f));
    let began = SAVING.with(|s| s.replace(outer || s.get()));
    result.map_err(|payload| {
        let changed = if began {
            Changed::Maybe
        } else {
            Changed::Nothing
        };
        report(what, payload.as_ref(), changed)
    })
}

/// Polls `future`; a panic inside is logged and returned as a [`Fault`] with `changed`, which
/// the caller knows (an async boundary cannot see the commit marker of the threads it ran on).
pub async fn catch_async<T>(
    what: &'static str,
    changed: Changed,
    future: impl Future<Output = T>,
) -> Result<T, Fault> {
    AssertUnwindSafe(future)
        .catch_unwind()
        .await
        .map_err(|payload| report(what, payload.as_ref(), changed))
}

/// Runs `f` on the blocking pool (a commit flushes to disk) under [`catch`]; a panic's
/// apology is the reply.
pub async fn blocking(what: &'static str, f: impl FnOnce() -> Reply + Send + 'static) -> Reply {
    match tokio::task::spawn_blocking(move || catch(what, f)).await {
        Ok(Ok(reply)) => reply,
        Ok(Err(fault)) => fault.reply(),
        Err(_) => lost(what).reply(),
    }
}

/// A task that ended without an answer (its panic, if any, was not caught inside it, or the
/// runtime dropped it while shutting down): it may have been anywhere.
pub fn lost(what: &'static str) -> Fault {
    let reference = reference();
    tracing::error!(%reference, what, "a task ended before it answered");
    Fault {
        reference,
        changed: Changed::Maybe,
    }
}

/// Logs a caught panic's payload under a fresh reference.
pub fn report(what: &str, payload: &(dyn Any + Send), changed: Changed) -> Fault {
    let reference = reference();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    tracing::error!(%reference, what, panic = message, ?changed, "panicked; the asker was given this reference");
    Fault { reference, changed }
}

/// A fresh 8-hex-digit reference: a counter mixed by the standard library's randomly keyed
/// hasher, so references differ across runs and threads (and under a pinned `--now`).
pub fn reference() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(NEXT.fetch_add(1, Ordering::Relaxed));
    format!("{:08x}", hasher.finish() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_eight_hex_digits_and_differ() {
        let (a, b) = (reference(), reference());
        assert_eq!(a.len(), 8);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn a_panic_before_saving_changed_nothing() {
        let fault = catch("test", || -> u8 { panic!("boom") }).expect_err("caught");
        assert_eq!(fault.changed, Changed::Nothing);
        assert!(fault.apology().contains(&fault.reference));
        assert!(fault.apology().ends_with("nothing was changed."));
    }

    #[test]
    fn a_panic_after_saving_began_may_have_changed_something() {
        let fault = catch("test", || -> u8 {
            saving();
            panic!("boom")
        })
        .expect_err("caught");
        assert_eq!(fault.changed, Changed::Maybe);
        assert!(!fault.apology().contains("nothing was changed"));
        // An inner catch's commit counts for the outer one; the marker does not leak out.
        let outer = catch("outer", || {
            let _ = catch("inner", saving);
            panic!("later")
        })
        .expect_err("caught");
        assert_eq!(outer.changed, Changed::Maybe);
        let after = catch("after", || -> u8 { panic!("fresh") }).expect_err("caught");
        assert_eq!(after.changed, Changed::Nothing);
    }
}
