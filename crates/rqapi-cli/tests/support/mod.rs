//! A small QMP / guest-agent server on a temporary unix socket, served by
//! a background tokio runtime, and a runner for the `rqapi` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use rqapi_runtime::qmp::{QmpError, Request};
use rqapi_runtime::server::{
    BoxFuture, CancellationToken, CommandInfo, Context, Dispatch, GuestAgentConfig,
    GuestAgentServer, QemuVersion, QmpConfig, QmpServer,
};
use rqapi_runtime::transport::{Address, Incoming, ListenOptions};
use serde_json::{Value, json};

/// Hand-written (not generated) commands.
const COMMANDS: &[CommandInfo] = &[
    CommandInfo::new("query-version").not_generated(),
    CommandInfo::new("query-commands").not_generated(),
    CommandInfo::new("query-qmp-schema").not_generated(),
    CommandInfo::new("echo").not_generated(),
    CommandInfo::new("fail").not_generated(),
    CommandInfo::new("slow").not_generated(),
    CommandInfo::new("ping").not_generated().allow_oob(),
    CommandInfo::new("emit-event").not_generated(),
    CommandInfo::new("guest-sync-delimited").not_generated(),
    CommandInfo::new("guest-info").not_generated(),
    CommandInfo::new("guest-ping").not_generated(),
    CommandInfo::new("guest-shutdown")
        .not_generated()
        .no_success_response(),
];

/// `echo` returns its arguments; `fail` fails with a GenericError;
/// `slow` sleeps `milliseconds`; `emit-event` emits `name` with `data`;
/// `query-qmp-schema` describes `echo`'s arguments `name`, `size` and
/// the object `opts` (`read-only`, `cache.direct`).
#[derive(Debug)]
struct TestDispatch;

fn introspection() -> Value {
    json!([
        {"name": "echo", "meta-type": "command", "arg-type": "0", "ret-type": "1"},
        {"name": "0", "meta-type": "object", "members": [
            {"name": "name", "type": "str"},
            {"name": "size", "type": "int", "default": null},
            {"name": "opts", "type": "2", "default": null}]},
        {"name": "1", "meta-type": "object", "members": []},
        {"name": "2", "meta-type": "object", "members": [
            {"name": "read-only", "type": "bool", "default": null},
            {"name": "cache", "type": "3", "default": null}]},
        {"name": "3", "meta-type": "object", "members": [{"name": "direct", "type": "bool"}]},
        {"name": "str", "meta-type": "builtin", "json-type": "string"},
    ])
}

impl Dispatch for TestDispatch {
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
                "query-version" => {
                    Ok(json!({"qemu": {"micro": 3, "minor": 2, "major": 9}, "package": "test"}))
                }
                "query-commands" => Ok(Value::Array(
                    COMMANDS.iter().map(|c| json!({"name": c.name})).collect(),
                )),
                "guest-info" => Ok(json!({"version": "test", "supported_commands":
                    COMMANDS.iter().map(|c| json!({"name": c.name, "enabled": true,
                        "success-response": c.success_response})).collect::<Vec<_>>()})),
                "query-qmp-schema" => Ok(introspection()),
                "echo" => Ok(Value::Object(args)),
                "fail" => Err(QmpError::generic("failed on purpose")),
                "slow" => {
                    let ms = args
                        .get("milliseconds")
                        .and_then(Value::as_u64)
                        .unwrap_or(500);
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    Ok(json!({}))
                }
                "emit-event" => {
                    let name = args.get("name").and_then(Value::as_str).unwrap_or("TEST");
                    if let Some(events) = ctx.events() {
                        events.emit(name, args.get("data").cloned());
                    }
                    Ok(json!({}))
                }
                "guest-sync-delimited" => {
                    ctx.delimit_response();
                    args.get("id")
                        .cloned()
                        .ok_or_else(|| QmpError::generic("Parameter 'id' is missing"))
                }
                "ping" | "guest-ping" | "guest-shutdown" => Ok(json!({})),
                other => Err(QmpError::command_not_found(other)),
            }
        })
    }
}

/// A server in the background; stops when dropped.
#[derive(Debug)]
pub struct TestServer {
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
    stop: CancellationToken,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// A QMP server.
    pub fn qmp() -> TestServer {
        Self::start(false)
    }

    /// A guest-agent server (no greeting).
    pub fn agent() -> TestServer {
        Self::start(true)
    }

    fn start(agent: bool) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("server.sock");
        let stop = CancellationToken::new();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (path, token) = (socket.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let incoming = Incoming::open(&Address::Unix(path), &ListenOptions::default())
                    .await
                    .expect("listen");
                ready_tx.send(()).expect("ready");
                let dispatch = Arc::new(TestDispatch);
                if agent {
                    let server = GuestAgentServer::new(dispatch, GuestAgentConfig::default());
                    let _ = server.serve(incoming, token).await;
                } else {
                    let config = QmpConfig {
                        version: QemuVersion {
                            major: 9,
                            minor: 2,
                            micro: 3,
                        },
                        package: "test".to_owned(),
                        ..QmpConfig::default()
                    };
                    let _ = QmpServer::new(dispatch, config)
                        .serve(incoming, token)
                        .await;
                }
            });
        });
        ready_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("server started");
        TestServer {
            dir,
            socket,
            stop,
            thread: Some(thread),
        }
    }

    pub fn address(&self) -> &str {
        self.socket.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What one run of `rqapi` gave.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

fn finish(output: Output) -> Run {
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `rqapi ARGS` with no input.
pub fn rqapi(args: &[&str]) -> Run {
    rqapi_with_input(args, "", None)
}

/// Runs `rqapi ARGS` with `input` on stdin and HOME set to `home`.
pub fn rqapi_with_input(args: &[&str], input: &str, home: Option<&Path>) -> Run {
    use std::io::Write;
    let mut command = Command::new(env!("CARGO_BIN_EXE_rqapi"));
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(home) = home {
        command
            .env("HOME", home)
            .env_remove("XDG_STATE_HOME")
            .env_remove("RQAPI_HISTORY");
    }
    let mut child = command.spawn().expect("run rqapi");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write stdin");
    drop(stdin);
    finish(child.wait_with_output().expect("wait for rqapi"))
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}
