//! Process CPU time and CPU pinning for the benchmarks, through libc (so
//! they also work under valgrind, which has no vDSO for rustix to use).

use std::time::Duration;

/// CPU time used by this process so far.
pub fn cpu_now() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec for the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Pins the calling thread to `cpus` (all CPUs when empty); returns
/// whether the kernel accepted it.
pub fn pin(cpus: &[usize]) -> bool {
    // SAFETY: cpu_set_t is plain data; all-zero is the empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let all: Vec<usize> = match cpus.is_empty() {
        true => (0..std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .max(64))
            .collect(),
        false => cpus.to_vec(),
    };
    for cpu in all {
        if cpu < libc::CPU_SETSIZE as usize {
            // SAFETY: `cpu` is below CPU_SETSIZE, inside `set`.
            unsafe { libc::CPU_SET(cpu, &mut set) };
        }
    }
    // SAFETY: pid 0 is the calling thread; `set` is a valid cpu_set_t of
    // the size passed.
    let rc = unsafe { libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set) };
    rc == 0
}
