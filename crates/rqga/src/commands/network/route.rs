//! guest-network-get-route: qemu-ga 10.2 reads the kernel's text tables.
//!
//! Faithful to its `sscanf` conversions: IPv4 numbers are `%d` (decimal
//! ints) and flags `%x`; every IPv6 number is `%x` into an `int`, so a
//! metric of `ffffffff` comes out as -1, and the IPv6 flags are that int
//! widened with its sign.

use std::net::Ipv6Addr;
use std::path::Path;

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types::GuestNetworkRoute;

pub const IPV4_ROUTES: &str = "/proc/net/route";
pub const IPV6_ROUTES: &str = "/proc/net/ipv6_route";

fn hex_u32(s: &str) -> Option<u32> {
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    u32::from_str_radix(s, 16).ok().or_else(|| {
        // strtoul saturates; sscanf then stores the low 32 bits of it.
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_hexdigit())).then_some(u32::MAX)
    })
}

fn dec_i32(s: &str) -> Option<i32> {
    s.parse::<i64>().ok().map(|v| v as i32)
}

/// `hex_to_ip_address` for IPv4: the kernel prints the address as a
/// host-order (little-endian) number.
fn ipv4(v: u32) -> String {
    let b = v.to_le_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// `hex_to_ip_address` for IPv6: 32 hex digits, two per byte.
fn ipv6(hex: &str) -> Option<String> {
    let bytes = hex.as_bytes();
    let mut addr = [0u8; 16];
    for (i, byte) in addr.iter_mut().enumerate() {
        let pair = bytes.get(i * 2..(i * 2 + 2).min(bytes.len()))?;
        let digits: Vec<u8> = pair
            .iter()
            .copied()
            .take_while(u8::is_ascii_hexdigit)
            .collect();
        if digits.is_empty() {
            return None;
        }
        *byte = u8::from_str_radix(std::str::from_utf8(&digits).ok()?, 16).ok()?;
    }
    Some(super::ipv6_text(Ipv6Addr::from(addr)))
}

fn empty_route(iface: &str, destination: String, version: i64) -> GuestNetworkRoute {
    GuestNetworkRoute {
        iface: iface.to_owned(),
        destination,
        metric: 0,
        gateway: None,
        mask: None,
        irtt: None,
        flags: None,
        refcnt: None,
        r#use: None,
        window: None,
        mtu: None,
        desprefixlen: None,
        source: None,
        srcprefixlen: None,
        nexthop: None,
        version,
    }
}

/// One line of `/proc/net/route` (after the header).
pub fn parse_ipv4_line(line: &str) -> Option<GuestNetworkRoute> {
    let f: Vec<&str> = line.split_ascii_whitespace().collect();
    if f.len() < 11 {
        return None;
    }
    let (dest, gw, flags) = (hex_u32(f[1])?, hex_u32(f[2])?, hex_u32(f[3])?);
    let (refcnt, usecnt, metric) = (dec_i32(f[4])?, dec_i32(f[5])?, dec_i32(f[6])?);
    let mask = hex_u32(f[7])?;
    let (mtu, window, irtt) = (dec_i32(f[8])?, dec_i32(f[9])?, dec_i32(f[10])?);
    let mut r = empty_route(f[0], ipv4(dest), 4);
    r.gateway = Some(ipv4(gw));
    r.mask = Some(ipv4(mask));
    r.metric = i64::from(metric);
    r.flags = Some(u64::from(flags));
    r.refcnt = Some(i64::from(refcnt));
    r.r#use = Some(i64::from(usecnt));
    r.mtu = Some(i64::from(mtu));
    r.window = Some(i64::from(window));
    r.irtt = Some(i64::from(irtt));
    Some(r)
}

/// One line of `/proc/net/ipv6_route`.
pub fn parse_ipv6_line(line: &str) -> Option<GuestNetworkRoute> {
    let f: Vec<&str> = line.split_ascii_whitespace().collect();
    if f.len() < 10 {
        return None;
    }
    // %32s: longer words are split, which breaks the line's layout.
    if [f[0], f[2], f[4]].iter().any(|w| w.len() > 32) {
        return None;
    }
    let int = |s: &str| hex_u32(s).map(|v| v as i32);
    let (dplen, splen) = (int(f[1])?, int(f[3])?);
    let (metric, refcnt, usecnt, flags) = (int(f[5])?, int(f[6])?, int(f[7])?, int(f[8])?);
    let mut r = empty_route(f[9], ipv6(f[0])?, 6);
    r.source = ipv6(f[2]);
    r.nexthop = ipv6(f[4]);
    r.desprefixlen = Some(dplen.to_string());
    r.srcprefixlen = Some(splen.to_string());
    r.metric = i64::from(metric);
    r.flags = Some(i64::from(flags) as u64);
    r.refcnt = Some(i64::from(refcnt));
    r.r#use = Some(i64::from(usecnt));
    Some(r)
}

/// Parses both tables' texts (IPv4 with its header line).
pub fn parse_routes(ipv4_text: Option<&str>, ipv6_text: Option<&str>) -> Vec<GuestNetworkRoute> {
    let v4 = ipv4_text
        .into_iter()
        .flat_map(|t| t.lines().skip(1))
        .filter_map(parse_ipv4_line);
    let v6 = ipv6_text
        .into_iter()
        .flat_map(str::lines)
        .filter_map(parse_ipv6_line);
    v4.chain(v6).collect()
}

/// Reads both tables.  A table that cannot be opened makes the command
/// fail with `open("<path>"): <reason>`, as qemu-ga reports it.
pub fn get_routes(v4: &Path, v6: &Path) -> Result<Vec<GuestNetworkRoute>, QmpError> {
    let read = |p: &Path| {
        std::fs::read(p)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| {
                QmpError::generic(format!(
                    "open(\"{}\"): {}",
                    p.display(),
                    crate::sys::io_error_text(&e)
                ))
            })
    };
    let (t4, t6) = (read(v4)?, read(v6)?);
    Ok(parse_routes(Some(&t4), Some(&t6)))
}
