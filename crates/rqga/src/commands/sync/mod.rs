//! Channel synchronisation and agent information: guest-sync,
//! guest-sync-delimited, guest-ping, guest-info.

mod command_state;

pub use command_state::CommandState;

use rqapi_runtime::qmp::QmpError;

use crate::qapi::commands::COMMANDS;
use crate::qapi::types;

use super::Handlers;

/// Returns `id`; the 0xFF byte before the reply is the server's job (it
/// knows the command name, and argument errors get no 0xFF).
pub async fn guest_sync_delimited(_h: &Handlers, id: i64) -> Result<i64, QmpError> {
    Ok(id)
}

pub async fn guest_sync(_h: &Handlers, id: i64) -> Result<i64, QmpError> {
    Ok(id)
}

pub async fn guest_ping(_h: &Handlers) -> Result<(), QmpError> {
    crate::log::syslog_info("guest-ping called");
    Ok(())
}

/// The command list comes out in reverse registration order, as in
/// qemu-ga: it walks its registry (filled in schema order) and prepends
/// each entry.  Clients such as libvirt look commands up by name, but
/// keeping the order makes answers comparable line by line.
pub async fn guest_info(h: &Handlers) -> Result<types::GuestAgentInfo, QmpError> {
    let supported_commands = COMMANDS
        .iter()
        .rev()
        .map(|c| types::GuestAgentCommandInfo {
            name: c.name.to_string(),
            enabled: h.command_state.is_enabled(c.name),
            success_response: c.success_response,
        })
        .collect();
    Ok(types::GuestAgentInfo {
        version: crate::QEMU_VERSION.to_string(),
        supported_commands,
    })
}
