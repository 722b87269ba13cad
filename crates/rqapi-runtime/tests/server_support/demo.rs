//! A small hand-written dispatcher for the QMP and guest-agent servers,
//! shared by the `qmp-server` example and the server tests.

use std::time::Duration;

use rqapi_runtime::qmp::{QmpError, Request};
use rqapi_runtime::server::{BoxFuture, CommandInfo, Context, Dispatch};
use serde_json::{Map, Value, json};

/// Hand-written (not generated) commands.
const COMMANDS: &[CommandInfo] = &[
    CommandInfo::new("query-version").not_generated(),
    CommandInfo::new("echo").not_generated(),
    CommandInfo::new("slow").not_generated(),
    CommandInfo::new("ping").not_generated().allow_oob(),
    CommandInfo::new("emit-event").not_generated(),
    CommandInfo::new("take-fd").not_generated(),
    CommandInfo::new("guest-sync-delimited").not_generated(),
    CommandInfo::new("guest-sync").not_generated(),
    CommandInfo::new("guest-ping").not_generated(),
    CommandInfo::new("guest-shutdown")
        .not_generated()
        .no_success_response(),
    CommandInfo::new("fail")
        .not_generated()
        .no_success_response(),
];

/// `query-version` (7.2.0, package "rqapi-demo"), `echo` (returns its
/// arguments), `slow` (`milliseconds`, default 500), `ping` (allow-oob),
/// `emit-event` (`name`, optional `data`), `take-fd` (returns whether a
/// passed descriptor was there), and the agent's sync commands,
/// `guest-ping`, `guest-shutdown` (no success response) and `fail` (no
/// success response, but fails).
#[derive(Debug, Default)]
pub struct Demo;

fn int_arg(arguments: &Map<String, Value>, name: &str, default: u64) -> u64 {
    arguments
        .get(name)
        .and_then(Value::as_u64)
        .unwrap_or(default)
}

impl Dispatch for Demo {
    fn commands(&self) -> &[CommandInfo] {
        COMMANDS
    }

    fn call<'a>(
        &'a self,
        ctx: &'a Context,
        request: Request,
    ) -> BoxFuture<'a, Result<Value, QmpError>> {
        Box::pin(async move {
            let args = request.arguments;
            match request.command.as_str() {
                "query-version" => Ok(json!({
                    "qemu": {"micro": 0, "minor": 2, "major": 7},
                    "package": "rqapi-demo",
                })),
                "echo" => Ok(Value::Object(args)),
                "slow" => {
                    let ms = int_arg(&args, "milliseconds", 500);
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    Ok(json!({}))
                }
                "ping" | "guest-ping" | "guest-shutdown" => Ok(json!({})),
                "emit-event" => {
                    let name = args.get("name").and_then(Value::as_str).unwrap_or("DEMO");
                    if let Some(events) = ctx.events() {
                        events.emit(name, args.get("data").cloned());
                    }
                    Ok(json!({}))
                }
                "take-fd" => Ok(json!({"received": ctx.take_fd().is_some()})),
                "guest-sync-delimited" | "guest-sync" => {
                    if request.command == "guest-sync-delimited" {
                        ctx.delimit_response();
                    }
                    args.get("id")
                        .cloned()
                        .ok_or_else(|| QmpError::generic("Parameter 'id' is missing"))
                }
                "fail" => Err(QmpError::generic("failed on purpose")),
                other => Err(QmpError::command_not_found(other)),
            }
        })
    }
}
