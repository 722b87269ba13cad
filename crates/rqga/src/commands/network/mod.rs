//! Network interfaces (getifaddrs, as qemu-ga) and routes (from
//! `/proc/net/route` and `/proc/net/ipv6_route`).

pub mod interfaces;
pub mod route;

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::Handlers;

/// An IPv6 address as glibc's `inet_ntop` writes it.  Rust agrees except
/// for IPv4-compatible addresses (96 zero bits, then a nonzero second to
/// last group), which glibc writes as `::a.b.c.d`.
pub fn ipv6_text(addr: std::net::Ipv6Addr) -> String {
    let s = addr.segments();
    if s[..6] == [0; 6] && s[6] != 0 {
        let [.., a, b, c, d] = addr.octets();
        return format!("::{a}.{b}.{c}.{d}");
    }
    addr.to_string()
}

fn internal(e: tokio::task::JoinError) -> QmpError {
    QmpError::generic(format!("internal error: {e}"))
}

pub async fn guest_network_get_interfaces(
    _h: &Handlers,
) -> Result<Vec<types::GuestNetworkInterface>, QmpError> {
    tokio::task::spawn_blocking(interfaces::get_interfaces)
        .await
        .map_err(internal)?
}

pub async fn guest_network_get_route(
    _h: &Handlers,
) -> Result<Vec<types::GuestNetworkRoute>, QmpError> {
    tokio::task::spawn_blocking(|| {
        route::get_routes(
            std::path::Path::new(route::IPV4_ROUTES),
            std::path::Path::new(route::IPV6_ROUTES),
        )
    })
    .await
    .map_err(internal)?
}

#[cfg(test)]
mod tests {
    #[test]
    fn ipv6_like_glibc() {
        let t = |s: &str| super::ipv6_text(s.parse().unwrap());
        assert_eq!(t("::1"), "::1");
        assert_eq!(t("::"), "::");
        assert_eq!(t("::102:304"), "::1.2.3.4");
        assert_eq!(t("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(t("fe80::1"), "fe80::1");
    }
}
