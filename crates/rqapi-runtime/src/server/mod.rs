//! QMP and guest-agent servers over any [`Incoming`](crate::transport::Incoming)
//! connection source.
//!
//! Commands come from a [`Dispatch`] implementation: a table of
//! [`CommandInfo`] (what generated code emits from the schema) and an async
//! `call`. The servers do everything around it as QEMU does:
//!
//! - [`QmpServer`]: greeting, capabilities negotiation, the `oob`
//!   capability and `exec-oob`, a per-client in-band queue of at most
//!   [`QmpConfig::max_queued`] requests (reading stops while it is full, as
//!   QEMU suspends the monitor), events to every negotiated client, many
//!   clients at once.
//! - [`GuestAgentServer`]: no greeting, one client at a time, the `0xFF`
//!   delimiter of `guest-sync-delimited`, no response for commands without
//!   `success-response`, a fresh parser per connection.
//!
//! Both stop reading a client while its unsent output exceeds a limit
//! (without spinning) and stop on a cancellation token.

mod agent;
mod capabilities;
mod context;
mod events;
mod execute;
mod input;
mod output;
mod qmp;
mod qmp_connection;

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

pub use crate::qapi::dispatch::CommandInfo;
use crate::qmp::{QmpError, Request};
pub use agent::{GuestAgentConfig, GuestAgentServer, SENTINEL_BYTE};
pub use capabilities::QemuVersion;
pub use context::Context;
pub use events::EventSender;
pub use qmp::{QmpConfig, QmpServer};
pub use tokio_util::sync::CancellationToken;

/// A boxed future, as returned by [`Dispatch::call`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The commands a server runs.
///
/// Generated dispatchers implement this from the schema; the server looks
/// commands up in [`Dispatch::commands`], applies QEMU's checks (compat
/// policy, disabled commands, `exec-oob`) and only then calls
/// [`Dispatch::call`], which visits the arguments and runs the handler.
pub trait Dispatch: Send + Sync + 'static {
    /// Every command this dispatcher knows (read once, when the server is
    /// created; disable commands at run time through
    /// [`DispatchState`](crate::qapi::dispatch::DispatchState)).
    fn commands(&self) -> &[CommandInfo];

    /// Runs `request.command` (one of [`Dispatch::commands`]). The value is
    /// the `return` member (`{}` for commands without `returns`); it is
    /// not sent for commands without `success_response`.
    fn call<'a>(
        &'a self,
        ctx: &'a Context,
        request: Request,
    ) -> BoxFuture<'a, Result<Value, QmpError>>;
}
