//! Network interfaces and routes.

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::{Handlers, unsupported};

pub async fn guest_network_get_interfaces(
    _h: &Handlers,
) -> Result<Vec<types::GuestNetworkInterface>, QmpError> {
    Err(unsupported())
}

pub async fn guest_network_get_route(
    _h: &Handlers,
) -> Result<Vec<types::GuestNetworkRoute>, QmpError> {
    Err(unsupported())
}
