//! Purpose: how the process takes memory from the system — the allocator every binary linking
//! Steward uses, and the page size it asks for.

/// mimalloc instead of the system allocator: a command allocates many small strings, and
/// under load glibc's malloc/free took about a fifth of the CPU (profile of
/// `cargo bench --bench slack`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Asks Linux for ordinary 4 KiB pages only, for the rest of the process's life. mimalloc
/// marks its arenas `MADV_HUGEPAGE` (`unix_mmap` in its `prim/unix/prim.c`), so each 2 MiB
/// region a thread touches became resident whole: an empty console held 57 MB, 45 MB of it in
/// huge pages, and 14 MB without them (`PR_SET_THP_DISABLE`, prctl(2): later faults of every
/// mapping get small pages). Called at the start of `main`; where the call is refused (not
/// Linux, an old kernel) nothing changes but the memory figures.
pub fn small_pages() {
    #[cfg(target_os = "linux")]
    if let Err(error) = rustix::thread::disable_transparent_huge_pages(true) {
        tracing::debug!(%error, "transparent huge pages stay allowed");
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn after_small_pages_the_process_gets_no_huge_pages() {
        super::small_pages();
        assert_eq!(
            rustix::thread::transparent_huge_pages_are_disabled().ok(),
            Some(true)
        );
    }
}
