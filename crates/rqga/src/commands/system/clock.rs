//! guest-get-time, guest-set-time and guest-get-timezone.

use std::fmt::Debug;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::commands::runner::{ProgramRunner, ga_run_command};
use crate::sys::strerror;

/// Sets the system clock.  The real one is [`SystemClock`]; tests record.
pub trait ClockSetter: Debug + Send + Sync {
    /// `settimeofday` with these seconds and microseconds; the errno on
    /// failure.
    fn set_realtime(&self, sec: i64, usec: i64) -> Result<(), i32>;
}

/// Sets the real clock with `settimeofday`, as qemu-ga.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl ClockSetter for SystemClock {
    fn set_realtime(&self, sec: i64, usec: i64) -> Result<(), i32> {
        let tv = libc::timeval {
            tv_sec: sec as libc::time_t,
            tv_usec: usec as libc::suseconds_t,
        };
        // SAFETY: tv is a valid timeval; a null timezone is allowed.
        let rc = unsafe { libc::settimeofday(&tv, std::ptr::null()) };
        if rc < 0 {
            Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
        } else {
            Ok(())
        }
    }
}

/// Microseconds since the epoch (GLib's `g_get_real_time`).
fn real_time_us() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_micros() as i64,
        Err(e) => -(e.duration().as_micros() as i64),
    }
}

/// Nanoseconds since the epoch, at microsecond resolution as in qemu-ga.
pub fn get_time() -> i64 {
    real_time_us().wrapping_mul(1000)
}

/// Local broken-down time of `sec`.  glibc reads the zone once, on first
/// use, as GLib caches qemu-ga's local zone.
fn local_tm(sec: i64) -> Option<libc::tm> {
    let t = sec as libc::time_t;
    // SAFETY: all-zero is a valid `tm` (a null tm_zone pointer included).
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: localtime_r gets valid pointers to a time_t and a tm.
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    ok.then_some(tm)
}

/// `qmp_guest_set_time`: with a time, check it (local calendar year in
/// 1970..2070, as GLib's `g_date_set_time_t` sees it), set the clock,
/// then `hwclock -w`; without one, `hwclock -s`.
pub fn set_time(
    clock: &dyn ClockSetter,
    runner: &dyn ProgramRunner,
    time_ns: Option<i64>,
) -> Result<(), String> {
    if let Some(ns) = time_ns {
        // C division: truncation toward zero, for both parts.
        let sec = ns / 1_000_000_000;
        let usec = (ns % 1_000_000_000) / 1000;
        let year = local_tm(sec).map_or(0, |tm| i64::from(tm.tm_year) + 1900);
        if !(1970..2070).contains(&year) {
            return Err("Invalid time".into());
        }
        clock
            .set_realtime(sec, usec)
            .map_err(|errno| format!("Failed to set time to guest: {}", strerror(errno)))?;
    }
    let flag = if time_ns.is_some() { "-w" } else { "-s" };
    ga_run_command(
        runner,
        &["/sbin/hwclock", flag],
        None,
        "set hardware clock to system time",
    )
}

/// `qmp_guest_get_timezone`: the abbreviation and UTC offset (seconds
/// east) in force now.
pub fn timezone() -> (Option<String>, i64) {
    let now = real_time_us() / 1_000_000;
    match local_tm(now) {
        Some(tm) => {
            let zone = (!tm.tm_zone.is_null()).then(|| {
                // SAFETY: glibc points tm_zone at a NUL-terminated static
                // abbreviation string that lives as long as the process.
                unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) }
                    .to_string_lossy()
                    .into_owned()
            });
            (zone, tm.tm_gmtoff)
        }
        None => (Some("UTC".into()), 0),
    }
}
