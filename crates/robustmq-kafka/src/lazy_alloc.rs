//! A global allocator that maps very large allocations lazily.
//!
//! kafka-protocol 0.18 reserves `Vec` capacity from array counts read off the wire before it
//! decodes any element (upstream kafka-protocol-rs PRs #152 and #200 are open). A hostile
//! 8-byte frame can thus ask for hundreds of GiB; the allocator refuses, and Rust aborts
//! the process on allocation failure. Mapping allocations of 1 GiB and more with
//! `MAP_NORESERVE` lets such a reservation succeed at no cost (untouched pages take no memory),
//! so the decoder reaches its own "not enough bytes" error and only that connection is closed.
//! Legitimate allocations of that size do not occur: frames are capped far below it.

use std::alloc::{GlobalAlloc, Layout};

use mimalloc::MiMalloc;

/// Everything else goes to mimalloc: with glibc malloc, a message allocated on one runtime
/// thread and freed on another contended for the arena lock (futex waits were ~20% of the
/// broker's time in the MQTT QoS 0 profile, malloc/free another ~25%).
static INNER: MiMalloc = MiMalloc;

const HUGE: usize = 1 << 30;
const PAGE: usize = 4096;

pub struct LazyHugeAlloc;

fn is_huge(size: usize, align: usize) -> bool {
    size >= HUGE && align <= PAGE
}

unsafe fn map(size: usize) -> *mut u8 {
    // SAFETY: an anonymous private mapping with no address hint has no preconditions.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        std::ptr::null_mut()
    } else {
        p as *mut u8
    }
}

unsafe impl GlobalAlloc for LazyHugeAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_huge(layout.size(), layout.align()) {
            unsafe { map(layout.size()) }
        } else {
            unsafe { INNER.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_huge(layout.size(), layout.align()) {
            // Fresh anonymous mappings are zero-filled.
            unsafe { map(layout.size()) }
        } else {
            unsafe { INNER.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_huge(layout.size(), layout.align()) {
            // SAFETY: `ptr` came from `map` with this size.
            unsafe { libc::munmap(ptr as *mut libc::c_void, layout.size()) };
        } else {
            unsafe { INNER.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !is_huge(layout.size(), layout.align()) && !is_huge(new_size, layout.align()) {
            return unsafe { INNER.realloc(ptr, layout, new_size) };
        }
        // SAFETY: the caller guarantees `new_size` is valid for `layout.align()`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}
