//! guest-get-load, guest-get-cpustats and guest-get-diskstats: `/proc`
//! parsed with the same `sscanf` patterns as qemu-ga, so partial lines
//! give the same partial answers.

use crate::log::syslog_info;
use crate::qapi::types::{
    GuestCpuStats, GuestCpuStatsBranch, GuestDiskStats, GuestDiskStatsInfo, GuestLinuxCpuStats,
    GuestLoadAverage,
};

use super::scan::{Scan, atoi};

/// `getloadavg` over `/proc/loadavg`'s text.
pub fn load_from(text: &str) -> Option<GuestLoadAverage> {
    let mut fields = text.split_ascii_whitespace().map(str::parse::<f64>);
    let mut next = || fields.next().and_then(Result::ok);
    Some(GuestLoadAverage {
        load1m: next()?,
        load5m: next()?,
        load15m: next()?,
    })
}

/// `/proc/stat`'s per-CPU lines, in milliseconds (`ticks * 1000 /
/// clk_tck`, in wrapping unsigned long arithmetic).  A short `cpuN` line
/// (fewer than four numbers) ends the list, as in qemu-ga.
pub fn cpustats_from(text: &[u8], clk_tck: u64) -> Vec<GuestCpuStats> {
    let clk_tck = clk_tck.max(1);
    let ms = |ticks: u64| ticks.wrapping_mul(1000) / clk_tck;
    let mut stats = Vec::new();
    for line in text.split_inclusive(|&b| b == b'\n') {
        let mut s = Scan::new(line);
        let name = s.word().unwrap_or_default();
        let mut v = [0u64; 10];
        for slot in &mut v {
            match s.ulong() {
                Some(x) => *slot = x,
                None => break,
            }
        }
        let i = s.result();
        if i == -1 || !name.starts_with(b"cpu") || name.len() == 3 {
            continue;
        }
        if i < 5 {
            syslog_info("Parsing cpu stat from /proc/stat failed, see \"man proc\"");
            break;
        }
        let [
            user,
            nice,
            system,
            idle,
            iowait,
            irq,
            softirq,
            steal,
            guest,
            guest_nice,
        ] = v;
        let opt = |present: bool, ticks: u64| present.then(|| ms(ticks));
        stats.push(GuestCpuStats {
            r#type: GuestCpuStatsBranch::Linux(GuestLinuxCpuStats {
                cpu: i64::from(atoi(&name[3..])),
                user: ms(user),
                nice: ms(nice),
                system: ms(system),
                idle: ms(idle),
                iowait: opt(i > 5, iowait),
                irq: opt(i > 6, irq),
                softirq: opt(i > 6, softirq),
                steal: opt(i > 8, steal),
                guest: opt(i > 9, guest),
                guestnice: opt(i > 10, guest_nice),
            }),
        });
    }
    stats
}

/// `/proc/diskstats`: 4 numbers (old kernels' partitions), 11, 15 or 17.
pub fn diskstats_from(text: &[u8]) -> Vec<GuestDiskStatsInfo> {
    let mut disks = Vec::new();
    for line in text.split_inclusive(|&b| b == b'\n') {
        let mut s = Scan::new(line);
        let major = s.uint().unwrap_or(0);
        let minor = s.uint().unwrap_or(0);
        let name = s.word().unwrap_or_default().to_vec();
        // The conversions after the name: %lu x7, %u x4, %lu x3, %u, %lu, %u.
        let mut v = [0u64; 17];
        for (k, slot) in v.iter_mut().enumerate() {
            let got = if (7..11).contains(&k) || k == 14 || k == 16 {
                s.uint().map(u64::from)
            } else {
                s.ulong()
            };
            match got {
                Some(x) => *slot = x,
                None => break,
            }
        }
        let i = s.result();
        if i < 7 {
            continue;
        }
        let [
            rd_ios,
            rd_merges_or_rd_sec,
            rd_sec_or_wr_ios,
            rd_ticks_or_wr_sec,
            wr_ios,
            wr_merges,
            wr_sec,
            wr_ticks,
            ios_pgr,
            tot_ticks,
            rq_ticks,
            dc_ios,
            dc_merges,
            dc_sec,
            dc_ticks,
            fl_ios,
            fl_ticks,
        ] = v;
        let mut d = GuestDiskStats {
            read_sectors: None,
            read_ios: None,
            read_merges: None,
            write_sectors: None,
            write_ios: None,
            write_merges: None,
            discard_sectors: None,
            discard_ios: None,
            discard_merges: None,
            flush_ios: None,
            read_ticks: None,
            write_ticks: None,
            discard_ticks: None,
            flush_ticks: None,
            ios_pgr: None,
            total_ticks: None,
            weight_ticks: None,
        };
        if i == 7 {
            d.read_ios = Some(rd_ios);
            d.read_sectors = Some(rd_merges_or_rd_sec);
            d.write_ios = Some(rd_sec_or_wr_ios);
            d.write_sectors = Some(rd_ticks_or_wr_sec);
        }
        if i >= 14 {
            d.read_ios = Some(rd_ios);
            d.read_sectors = Some(rd_sec_or_wr_ios);
            d.read_merges = Some(rd_merges_or_rd_sec);
            d.read_ticks = Some(rd_ticks_or_wr_sec);
            d.write_ios = Some(wr_ios);
            d.write_sectors = Some(wr_sec);
            d.write_merges = Some(wr_merges);
            d.write_ticks = Some(wr_ticks);
            d.ios_pgr = Some(ios_pgr);
            d.total_ticks = Some(tot_ticks);
            d.weight_ticks = Some(rq_ticks);
        }
        if i >= 18 {
            d.discard_ios = Some(dc_ios);
            d.discard_merges = Some(dc_merges);
            d.discard_sectors = Some(dc_sec);
            d.discard_ticks = Some(dc_ticks);
        }
        if i >= 20 {
            d.flush_ios = Some(fl_ios);
            d.flush_ticks = Some(fl_ticks);
        }
        disks.push(GuestDiskStatsInfo {
            name: String::from_utf8_lossy(&name).into_owned(),
            major: u64::from(major),
            minor: u64::from(minor),
            stats: d,
        });
    }
    disks
}
