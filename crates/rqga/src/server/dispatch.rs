//! The generated dispatcher behind the runtime's [`Dispatch`] seam.

use std::sync::Arc;

use rqapi_runtime::qapi::serde_json::{Map, Value};
use rqapi_runtime::qmp::{QmpError, Request};
use rqapi_runtime::server::{BoxFuture, CommandInfo, Context, Dispatch};

use crate::commands::Handlers;
use crate::qapi::commands::{COMMANDS, dispatch};

/// Runs requests on the agent's [`Handlers`].
///
/// Which commands are enabled is read from the handlers' command state
/// for every request (the freeze state changes it at run time), so the
/// server's own state only serves its first lookup.
#[derive(Debug, Clone)]
pub struct AgentDispatch {
    handlers: Arc<Handlers>,
}

impl AgentDispatch {
    pub fn new(handlers: Arc<Handlers>) -> Self {
        AgentDispatch { handlers }
    }

    /// The handlers requests run on.
    pub fn handlers(&self) -> &Arc<Handlers> {
        &self.handlers
    }
}

impl Dispatch for AgentDispatch {
    fn commands(&self) -> &[CommandInfo] {
        COMMANDS
    }

    fn call<'a>(
        &'a self,
        ctx: &'a Context,
        request: Request,
    ) -> BoxFuture<'a, Result<Value, QmpError>> {
        Box::pin(async move {
            let state = self.handlers.command_state.dispatch_state();
            let name = request.command.as_str();
            let result = dispatch(
                &*self.handlers,
                &state,
                name,
                request.arguments,
                request.oob,
            )
            .await;
            // guest-sync-delimited only fails before its handler runs
            // (disabled, bad arguments): those errors get no 0xFF.
            if result.is_ok() && name == "guest-sync-delimited" {
                ctx.delimit_response();
            }
            result.map(|value| value.unwrap_or_else(|| Value::Object(Map::new())))
        })
    }
}
