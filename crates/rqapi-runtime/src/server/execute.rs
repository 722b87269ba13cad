//! Running one checked request: the part of `qmp_dispatch()` after the
//! request's shape was accepted.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use serde_json::Value;

use super::context::Context;
use super::{CommandInfo, Dispatch};
use crate::qapi::dispatch::DispatchState;
use crate::qmp::{QmpError, Request, error_response, success_response};

/// A dispatcher with its commands indexed by name.
#[derive(Debug)]
pub(crate) struct CommandTable {
    by_name: HashMap<&'static str, CommandInfo>,
}

impl CommandTable {
    pub(crate) fn new(dispatch: &dyn Dispatch) -> Self {
        CommandTable {
            by_name: dispatch.commands().iter().map(|c| (c.name, *c)).collect(),
        }
    }

    pub(crate) fn find(&self, name: &str) -> Option<&CommandInfo> {
        self.by_name.get(name)
    }
}

/// Shared by both server flavours.
pub(crate) struct Commands {
    pub(crate) dispatch: Arc<dyn Dispatch>,
    pub(crate) table: CommandTable,
    pub(crate) state: Arc<RwLock<DispatchState>>,
}

impl std::fmt::Debug for Commands {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Commands")
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

impl Commands {
    pub(crate) fn new(dispatch: Arc<dyn Dispatch>, state: DispatchState) -> Self {
        Commands {
            table: CommandTable::new(&*dispatch),
            dispatch,
            state: Arc::new(RwLock::new(state)),
        }
    }

    /// QEMU's checks between finding a command and running it.
    pub(crate) fn check(&self, info: &CommandInfo, oob: bool) -> Result<(), QmpError> {
        self.state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .check(info, oob)
    }

    /// Looks up, checks and runs a dispatcher command; `None` when nothing
    /// is to be sent (success of a command without `success_response`).
    pub(crate) async fn run(&self, ctx: &Context, request: Request) -> Option<Value> {
        let (result, id) = self.run_unwrapped(ctx, request).await?;
        Some(respond(result, id))
    }

    /// As [`Commands::run`], the result and `id` not yet in a response.
    pub(crate) async fn run_unwrapped(
        &self,
        ctx: &Context,
        mut request: Request,
    ) -> Option<(Result<Value, QmpError>, Option<Value>)> {
        // Taken, not cloned: an id can be large, and handlers do not see it.
        let id = request.id.take();
        let result = match self.table.find(&request.command) {
            None => Err(QmpError::command_not_found(&request.command)),
            Some(info) => match self.check(info, request.oob) {
                Err(error) => Err(error),
                Ok(()) => {
                    let quiet = !info.success_response;
                    match self.dispatch.call(ctx, request).await {
                        Ok(_) if quiet => return None,
                        other => other,
                    }
                }
            },
        };
        Some((result, id))
    }
}

pub(crate) fn respond(result: Result<Value, QmpError>, id: Option<Value>) -> Value {
    match result {
        Ok(value) => success_response(value, id),
        Err(error) => error_response(&error, id),
    }
}
