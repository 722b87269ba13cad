//! Giving the memory of large transfers back to the system.
//!
//! A 48 MiB guest-file-read or -write holds up to 64 MiB of base64 text
//! for one request.  glibc raises its mmap threshold each time it frees a
//! mapped block, after which such buffers grow inside the heap and stay
//! there when freed: measured, the agent's resident memory went from 4 to
//! 70 MB between requests, and its peak from 70 to 135 MB, after three
//! rounds of 64 MiB written.  A fixed threshold keeps every buffer of a
//! MiB or more in its own mapping, returned as soon as it is freed (and
//! grown by `mremap`, without copying).

/// Allocations from this size on get their own mapping.
const MMAP_THRESHOLD: i32 = 1 << 20;

/// Fixes glibc's mmap threshold (once per process; a no-op elsewhere).
pub(crate) fn return_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // SAFETY: mallopt only changes allocator settings; glibc
            // applies it under its own lock, so it is safe at any time.
            unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) };
        });
    }
}
