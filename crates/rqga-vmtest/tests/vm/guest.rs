//! Small helpers over the agent's file and exec commands.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rqapi_runtime::client::GuestAgentClient;
use rqga_vmtest::{Outcome, VmTestError};
use serde_json::{Value, json};

pub fn b64(data: &[u8]) -> String {
    BASE64.encode(data)
}

pub fn unb64(value: &Value) -> Outcome<Vec<u8>> {
    let text = value.as_str().unwrap_or_default();
    BASE64
        .decode(text)
        .map_err(|e| VmTestError::Fail(format!("bad base64 {text:?}: {e}")))
}

fn int(value: &Value, what: &str) -> Outcome<i64> {
    value
        .as_i64()
        .ok_or_else(|| VmTestError::Fail(format!("{what}: not an integer: {value}")))
}

/// A whole file of the guest, through open/read/close.
pub async fn read_file(agent: &GuestAgentClient, path: &str) -> Outcome<Vec<u8>> {
    let handle = agent
        .execute("guest-file-open", json!({"path": path}))
        .await?;
    let handle = int(&handle, "guest-file-open")?;
    let mut data = Vec::new();
    loop {
        let chunk = agent
            .execute("guest-file-read", json!({"handle": handle, "count": 65536}))
            .await?;
        data.extend(unb64(&chunk["buf-b64"])?);
        if chunk["eof"] == json!(true) || chunk["count"] == json!(0) {
            break;
        }
    }
    agent
        .execute("guest-file-close", json!({"handle": handle}))
        .await?;
    Ok(data)
}

/// Writes (creates or truncates) a guest file.
pub async fn write_file(agent: &GuestAgentClient, path: &str, data: &[u8]) -> Outcome {
    let handle = agent
        .execute("guest-file-open", json!({"path": path, "mode": "w"}))
        .await?;
    let handle = int(&handle, "guest-file-open")?;
    let written = agent
        .execute(
            "guest-file-write",
            json!({"handle": handle, "buf-b64": b64(data)}),
        )
        .await?;
    agent
        .execute("guest-file-close", json!({"handle": handle}))
        .await?;
    rqga_vmtest::outcome::ensure(written["count"] == json!(data.len()), || {
        format!(
            "guest-file-write of {} bytes answered {written}",
            data.len()
        )
    })
}

/// Starts a guest program; its pid.
pub async fn spawn(agent: &GuestAgentClient, arguments: Value) -> Outcome<i64> {
    let started = agent.execute("guest-exec", arguments).await?;
    int(&started["pid"], "guest-exec pid")
}

/// Polls guest-exec-status until the program has exited; its status.
pub async fn wait_exited(agent: &GuestAgentClient, pid: i64, timeout: Duration) -> Outcome<Value> {
    let deadline = Instant::now() + timeout;
    loop {
        let status = agent
            .execute("guest-exec-status", json!({"pid": pid}))
            .await?;
        if status["exited"] == json!(true) {
            return Ok(status);
        }
        if Instant::now() > deadline {
            return Err(VmTestError::Fail(format!(
                "pid {pid} still running: {status}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs a guest program to its end with captured output.
pub async fn run(
    agent: &GuestAgentClient,
    path: &str,
    args: &[&str],
    input: Option<&[u8]>,
) -> Outcome<Value> {
    let mut arguments = json!({"path": path, "arg": args, "capture-output": true});
    if let Some(input) = input {
        arguments["input-data"] = json!(b64(input));
    }
    let pid = spawn(agent, arguments).await?;
    wait_exited(agent, pid, Duration::from_secs(30)).await
}
