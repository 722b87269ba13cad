//! The process allocator: mimalloc, entered through its plain entry
//! points whenever the alignment allows.
//!
//! The `mimalloc` crate sends every request through `mi_malloc_aligned`,
//! which costs about three times `mi_malloc` on the small strings the
//! schema front end allocates (some 100 000 for QEMU's schema). Every
//! mimalloc block is aligned to at least a machine word, so requests
//! asking for no more than that can take the plain path.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys::{mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned};
use libmimalloc_sys::{mi_zalloc, mi_zalloc_aligned};

/// Alignment every mimalloc block has (`MI_INTPTR_SIZE`).
const WORD_ALIGN: usize = std::mem::size_of::<usize>();

/// mimalloc with a fast path for word-aligned requests.
#[derive(Debug)]
pub struct Allocator;

// SAFETY: every method forwards to the mimalloc function with the same
// contract, choosing the plain variant only when mimalloc's guaranteed
// alignment already satisfies `layout`.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD_ALIGN {
            // SAFETY: FFI call; any size is valid for mi_malloc.
            unsafe { mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: FFI call; `layout.align()` is a power of two.
            unsafe { mi_malloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD_ALIGN {
            // SAFETY: FFI call; any size is valid for mi_zalloc.
            unsafe { mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: FFI call; `layout.align()` is a power of two.
            unsafe { mi_zalloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: FFI call; `ptr` came from this allocator (caller contract).
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD_ALIGN {
            // SAFETY: FFI call; `ptr` came from this allocator, and a
            // plain reallocation keeps word alignment.
            unsafe { mi_realloc(ptr.cast::<c_void>(), new_size).cast() }
        } else {
            // SAFETY: FFI call; as above, keeping `layout.align()`.
            unsafe { mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast() }
        }
    }
}
