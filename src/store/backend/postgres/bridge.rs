//! Purpose: the PostgreSQL backend's own async runtime, and the one way a synchronous
//! [`Backend`](super::super::Backend) call runs a future on it. The driver (tokio-postgres,
//! pooled by deadpool) is async; the trait is synchronous and is called both from plain
//! threads and from the caller's tokio worker threads, where `block_on` of the caller's
//! runtime would panic. So the backend owns a small runtime of its own: a call spawns its
//! future there and waits for the answer on a channel (blocking the calling thread, never
//! the runtime that runs the future).

use std::future::Future;

use crate::store::StoreError;

/// Worker threads of the backend's runtime: the work is waiting on the network.
const WORKERS: usize = 2;

/// The runtime the backend's futures run on; shut down without waiting when dropped (a
/// store may be dropped inside another runtime, where a blocking shutdown would panic).
pub struct Bridge {
    runtime: Option<tokio::runtime::Runtime>,
}

impl Bridge {
    pub fn start() -> Result<Bridge, StoreError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .thread_name("steward-postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Backend(Box::new(e)))?;
        Ok(Bridge {
            runtime: Some(runtime),
        })
    }

    /// Runs `future` on the backend's runtime in the background, until the runtime stops.
    pub fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        if let Some(runtime) = &self.runtime {
            runtime.spawn(future);
        }
    }

    /// Runs `future` on the backend's runtime and waits for its result.
    pub fn run<T, F>(&self, future: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        let Some(runtime) = &self.runtime else {
            return Err(stopped());
        };
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        runtime.spawn(async move {
            // The caller may have gone (it cannot, it waits): nothing to tell then.
            let _ = tx.send(future.await);
        });
        rx.recv().map_err(|_| stopped())?
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn stopped() -> StoreError {
    StoreError::Backend("the PostgreSQL backend's runtime stopped".into())
}
