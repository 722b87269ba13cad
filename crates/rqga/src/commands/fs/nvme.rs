//! NVMe SMART / Health Information log (log page 02h), read with the
//! admin-command ioctl as qemu-ga does.  Read-only.

use std::os::fd::AsRawFd;

use crate::qapi::types::GuestNVMeSmart;

/// `struct nvme_admin_cmd` from <linux/nvme_ioctl.h>.
#[repr(C)]
#[derive(Default)]
struct AdminCmd {
    opcode: u8,
    flags: u8,
    rsvd1: u16,
    nsid: u32,
    cdw2: u32,
    cdw3: u32,
    metadata: u64,
    addr: u64,
    metadata_len: u32,
    data_len: u32,
    cdw10: u32,
    cdw11: u32,
    cdw12: u32,
    cdw13: u32,
    cdw14: u32,
    cdw15: u32,
    timeout_ms: u32,
    result: u32,
}

// _IOWR('N', 0x41, struct nvme_admin_cmd)
const NVME_IOCTL_ADMIN_CMD: u64 =
    (3 << 30) | ((std::mem::size_of::<AdminCmd>() as u64) << 16) | ((b'N' as u64) << 8) | 0x41;
const GET_LOG_PAGE: u8 = 0x02;
const LOG_SMART_INFO: u32 = 0x02;
const LOG_SIZE: usize = 512;

fn le64(log: &[u8; LOG_SIZE], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&log[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Decodes the 512-byte log page.
pub fn decode(log: &[u8; LOG_SIZE]) -> GuestNVMeSmart {
    // 128-bit counters from byte 32 on, 16 bytes each, low half first.
    let lo = |i: usize| le64(log, 32 + 16 * i);
    let hi = |i: usize| le64(log, 40 + 16 * i);
    GuestNVMeSmart {
        critical_warning: i64::from(log[0]),
        temperature: i64::from(u16::from_le_bytes([log[1], log[2]])),
        available_spare: i64::from(log[3]),
        available_spare_threshold: i64::from(log[4]),
        percentage_used: i64::from(log[5]),
        data_units_read_lo: lo(0),
        data_units_read_hi: hi(0),
        data_units_written_lo: lo(1),
        data_units_written_hi: hi(1),
        host_read_commands_lo: lo(2),
        host_read_commands_hi: hi(2),
        host_write_commands_lo: lo(3),
        host_write_commands_hi: hi(3),
        controller_busy_time_lo: lo(4),
        controller_busy_time_hi: hi(4),
        power_cycles_lo: lo(5),
        power_cycles_hi: hi(5),
        power_on_hours_lo: lo(6),
        power_on_hours_hi: hi(6),
        unsafe_shutdowns_lo: lo(7),
        unsafe_shutdowns_hi: hi(7),
        media_errors_lo: lo(8),
        media_errors_hi: hi(8),
        number_of_error_log_entries_lo: lo(9),
        number_of_error_log_entries_hi: hi(9),
    }
}

/// The SMART data of the NVMe device node `dev`, or `None` (logged at
/// debug level) when it cannot be read.
pub fn smart(dev: &str) -> Option<GuestNVMeSmart> {
    let file = match std::fs::File::open(dev) {
        Ok(f) => f,
        Err(e) => {
            let text = crate::sys::io_error_text(&e);
            crate::log::debug(&format!("Failed to open device: {dev}: {text}"));
            return None;
        }
    };
    let mut log = [0u8; LOG_SIZE];
    let mut cmd = AdminCmd {
        opcode: GET_LOG_PAGE,
        nsid: u32::MAX,
        addr: log.as_mut_ptr() as u64,
        data_len: LOG_SIZE as u32,
        // Log id, "retain asynchronous event", number of dwords - 1.
        cdw10: LOG_SMART_INFO | (1 << 15) | (((LOG_SIZE as u32 >> 2) - 1) << 16),
        ..AdminCmd::default()
    };
    // SAFETY: cmd is a valid nvme_admin_cmd whose addr/data_len describe
    // `log`, which outlives the call; the kernel writes at most 512 bytes.
    let rc = unsafe { libc::ioctl(file.as_raw_fd(), NVME_IOCTL_ADMIN_CMD as _, &mut cmd) };
    if rc != 0 {
        let text = crate::sys::io_error_text(&std::io::Error::last_os_error());
        crate::log::debug(&format!("Failed to get smart: {dev}: {text}"));
        return None;
    }
    Some(decode(&log))
}

#[cfg(test)]
mod tests {
    #[test]
    fn layout() {
        assert_eq!(std::mem::size_of::<super::AdminCmd>(), 72);
        let mut log = [0u8; 512];
        log[1] = 0x2c;
        log[2] = 0x01;
        log[32] = 7;
        log[40] = 1;
        log[176] = 9;
        let s = super::decode(&log);
        assert_eq!(s.temperature, 300);
        assert_eq!((s.data_units_read_lo, s.data_units_read_hi), (7, 1));
        assert_eq!(s.number_of_error_log_entries_lo, 9);
    }
}
