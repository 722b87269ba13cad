//! guest-network-get-interfaces: `getifaddrs`, the MAC address from
//! `SIOCGIFHWADDR`, and traffic counters from `/proc/net/dev`, merged per
//! interface name exactly as qemu-ga does (an interface gets statistics
//! only once it has an IP address).

use std::ffi::CStr;
use std::net::{Ipv4Addr, Ipv6Addr};

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types::{
    GuestIpAddress, GuestIpAddressType, GuestNetworkInterface, GuestNetworkInterfaceStat,
};
use crate::sys::io_error_text;

/// The counters of `name` in a `/proc/net/dev` text.
pub fn parse_net_dev(text: &str, name: &str) -> Option<GuestNetworkInterfaceStat> {
    for line in text.lines() {
        let line = line.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
        let Some((iface, counters)) = line.split_once(':') else {
            continue;
        };
        if iface != name {
            continue;
        }
        // %lld each; values wrap into the u64 fields as in C.
        let n: Vec<u64> = counters
            .split_ascii_whitespace()
            .take(16)
            .map_while(|w| w.parse::<i64>().ok().map(|v| v as u64))
            .collect();
        if n.len() != 16 {
            continue;
        }
        return Some(GuestNetworkInterfaceStat {
            rx_bytes: n[0],
            rx_packets: n[1],
            rx_errs: n[2],
            rx_dropped: n[3],
            tx_bytes: n[8],
            tx_packets: n[9],
            tx_errs: n[10],
            tx_dropped: n[11],
        });
    }
    None
}

fn stats(name: &str) -> Option<GuestNetworkInterfaceStat> {
    let text = std::fs::read("/proc/net/dev").ok()?;
    parse_net_dev(&String::from_utf8_lossy(&text), name)
}

/// Owns the list from `getifaddrs`.
struct IfAddrs(*mut libc::ifaddrs);

impl Drop for IfAddrs {
    fn drop(&mut self) {
        // SAFETY: the pointer came from a successful getifaddrs and is
        // freed once.
        unsafe { libc::freeifaddrs(self.0) };
    }
}

/// A socket descriptor closed on drop.
struct Socket(libc::c_int);

impl Drop for Socket {
    fn drop(&mut self) {
        // SAFETY: we own the descriptor.
        unsafe { libc::close(self.0) };
    }
}

/// `guest_get_hw_addr`: `Ok(None)` when the interface has none.
fn hardware_address(name: &CStr) -> Result<Option<String>, QmpError> {
    // SAFETY: plain socket(2) call.
    let fd = unsafe { libc::socket(libc::PF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd == -1 {
        let e = std::io::Error::last_os_error();
        return Err(QmpError::generic(format!(
            "failed to create socket: {}",
            io_error_text(&e)
        )));
    }
    let sock = Socket(fd);
    // SAFETY: ifreq is plain data; all-zero is valid.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    let bytes = name.to_bytes();
    let n = bytes.len().min(libc::IFNAMSIZ - 1);
    for (dst, &src) in ifr.ifr_name.iter_mut().zip(&bytes[..n]) {
        *dst = src as libc::c_char;
    }
    // SAFETY: SIOCGIFHWADDR reads the name from and writes the address
    // into `ifr`, which lives for the call.
    if unsafe { libc::ioctl(sock.0, libc::SIOCGIFHWADDR, &mut ifr) } == -1 {
        let e = std::io::Error::last_os_error();
        let msg = format!(
            "failed to get MAC address of {}: {}",
            name.to_string_lossy(),
            io_error_text(&e)
        );
        if e.raw_os_error() == Some(libc::EADDRNOTAVAIL) {
            crate::log::debug(&msg);
        } else {
            crate::log::warning(&msg);
        }
        return Ok(None);
    }
    // SAFETY: the ioctl succeeded, so the hwaddr member is the one set.
    let data = unsafe { ifr.ifr_ifru.ifru_hwaddr.sa_data };
    let mac: Vec<String> = data[..6]
        .iter()
        .map(|&b| format!("{:02x}", b as u8))
        .collect();
    Ok(Some(mac.join(":")))
}

/// The address and prefix length of one `ifaddrs` entry, if it is IPv4
/// or IPv6.
///
/// # Safety
/// `ifa` must be an entry of a live `getifaddrs` list.
unsafe fn ip_address(ifa: &libc::ifaddrs) -> Option<GuestIpAddress> {
    if ifa.ifa_addr.is_null() {
        return None;
    }
    // SAFETY: non-null ifa_addr points at a sockaddr of the family it
    // names; the netmask, when present, has the same family.
    unsafe {
        match i32::from((*ifa.ifa_addr).sa_family) {
            libc::AF_INET => {
                let sin = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                let addr = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                let prefix = if ifa.ifa_netmask.is_null() {
                    0
                } else {
                    let m = &*(ifa.ifa_netmask as *const libc::sockaddr_in);
                    m.sin_addr.s_addr.count_ones()
                };
                Some(GuestIpAddress {
                    ip_address: addr.to_string(),
                    ip_address_type: GuestIpAddressType::Ipv4,
                    prefix: i64::from(prefix),
                })
            }
            libc::AF_INET6 => {
                let sin6 = &*(ifa.ifa_addr as *const libc::sockaddr_in6);
                let addr = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                let prefix = if ifa.ifa_netmask.is_null() {
                    0
                } else {
                    let m = &*(ifa.ifa_netmask as *const libc::sockaddr_in6);
                    m.sin6_addr.s6_addr.iter().map(|b| b.count_ones()).sum()
                };
                Some(GuestIpAddress {
                    ip_address: super::ipv6_text(addr),
                    ip_address_type: GuestIpAddressType::Ipv6,
                    prefix: i64::from(prefix),
                })
            }
            _ => None,
        }
    }
}

/// `qmp_guest_network_get_interfaces`.
pub fn get_interfaces() -> Result<Vec<GuestNetworkInterface>, QmpError> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` on success.
    if unsafe { libc::getifaddrs(&mut head) } < 0 {
        let e = std::io::Error::last_os_error();
        return Err(QmpError::generic(format!(
            "getifaddrs failed: {}",
            io_error_text(&e)
        )));
    }
    let list = IfAddrs(head);
    let mut out: Vec<GuestNetworkInterface> = Vec::new();
    let mut cur = list.0;
    while !cur.is_null() {
        // SAFETY: cur is an entry of the live list owned by `list`.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        // SAFETY: ifa_name is a NUL-terminated string in the list.
        let cname = unsafe { CStr::from_ptr(ifa.ifa_name) };
        let name = cname.to_string_lossy().into_owned();
        let idx = match out.iter().position(|i| i.name == name) {
            Some(i) => i,
            None => {
                out.push(GuestNetworkInterface {
                    name,
                    hardware_address: None,
                    ip_addresses: None,
                    statistics: None,
                });
                out.len() - 1
            }
        };
        let info = &mut out[idx];
        if info.hardware_address.is_none() {
            info.hardware_address = hardware_address(cname)?;
        }
        // SAFETY: ifa belongs to the live list.
        let Some(address) = (unsafe { ip_address(ifa) }) else {
            continue;
        };
        info.ip_addresses.get_or_insert_with(Vec::new).push(address);
        if info.statistics.is_none() {
            info.statistics = stats(&info.name);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::parse_net_dev;

    const DEV: &str = "Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3345      32    0    0    0     0          0         0     3345      32    0    0    0     0       0          0
  eth0: 108572054 2307 1 2 0 0 0 0 117834 1265 3 4 0 0 0 0
";

    #[test]
    fn proc_net_dev() {
        let s = parse_net_dev(DEV, "eth0").unwrap();
        assert_eq!(
            (s.rx_bytes, s.rx_packets, s.rx_errs, s.rx_dropped),
            (108572054, 2307, 1, 2)
        );
        assert_eq!(
            (s.tx_bytes, s.tx_packets, s.tx_errs, s.tx_dropped),
            (117834, 1265, 3, 4)
        );
        assert!(parse_net_dev(DEV, "eth").is_none());
        assert_eq!(parse_net_dev(DEV, "lo").unwrap().tx_bytes, 3345);
    }
}
