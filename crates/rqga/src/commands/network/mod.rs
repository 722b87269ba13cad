//! Network interfaces (getifaddrs, as qemu-ga) and routes (from
//! `/proc/net/route` and `/proc/net/ipv6_route`).

pub mod interfaces;
pub mod route;

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::Handlers;

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
