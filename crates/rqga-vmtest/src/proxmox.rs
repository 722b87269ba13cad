//! The guest-agent exchange of Proxmox VE (`PVE::QMPClient`), byte for
//! byte: a fresh connection per command; `guest-sync-delimited` with a
//! numeric id and the command, each followed by a newline, in ONE write;
//! then everything is ignored up to the last `0xFF`, after which the sync
//! answer and the command's answer must follow as two lines.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

/// Why an exchange did not produce an answer.
#[derive(Debug)]
pub enum ProxmoxError {
    /// The socket is not there yet or refused the connection.
    Connect(std::io::Error),
    /// No complete answer in time (a booting guest: try again).
    Timeout,
    /// QEMU closed the connection.
    Closed,
    /// The agent answered something Proxmox would reject.
    Protocol(String),
}

impl std::fmt::Display for ProxmoxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxmoxError::Connect(e) => write!(f, "cannot connect: {e}"),
            ProxmoxError::Timeout => write!(f, "no answer in time"),
            ProxmoxError::Closed => write!(f, "connection closed"),
            ProxmoxError::Protocol(why) => write!(f, "{why}"),
        }
    }
}

/// Proxmox's ids: its pid, a `0`, then a sequence number, as one integer.
fn next_id() -> i64 {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed) + 1;
    format!("{}0{sequence}", std::process::id())
        .parse()
        .unwrap_or(sequence as i64)
}

/// The bytes Proxmox writes for one command. `leading_ff` puts the `0xFF`
/// of the agent's documented resync recipe in front (Proxmox itself does
/// not send it).
pub fn request_bytes(id: i64, command: &str, arguments: &Value, leading_ff: bool) -> Vec<u8> {
    let sync = json!({"execute": "guest-sync-delimited", "arguments": {"id": id}});
    let request = json!({"execute": command, "arguments": arguments});
    let mut bytes = if leading_ff { vec![0xFF] } else { Vec::new() };
    bytes.extend_from_slice(format!("{sync}\n{request}\n").as_bytes());
    bytes
}

/// Runs one command the Proxmox way on a new connection to `socket`;
/// returns the whole answer object (`{"return": ...}` or `{"error": ...}`).
pub async fn execute(
    socket: &Path,
    command: &str,
    arguments: Value,
    leading_ff: bool,
    timeout: Duration,
) -> Result<Value, ProxmoxError> {
    let mut stream = UnixStream::connect(socket)
        .await
        .map_err(ProxmoxError::Connect)?;
    let id = next_id();
    let request = request_bytes(id, command, &arguments, leading_ff);
    stream
        .write_all(&request)
        .await
        .map_err(|_| ProxmoxError::Closed)?;
    let read = read_answer(&mut stream, id);
    tokio::time::timeout(timeout, read)
        .await
        .map_err(|_| ProxmoxError::Timeout)?
}

async fn read_answer(stream: &mut UnixStream, id: i64) -> Result<Value, ProxmoxError> {
    let mut input = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|_| ProxmoxError::Closed)?;
        if n == 0 {
            return Err(ProxmoxError::Closed);
        }
        input.extend_from_slice(&chunk[..n]);
        if let Some(answer) = parse_input(&input, id)? {
            return Ok(answer);
        }
    }
}

/// Proxmox's reading: after the last `0xFF`, two complete lines, the
/// first `{"return": id}`. Answers to older ids (an earlier client's) are
/// skipped; `None` means "wait for more input".
pub fn parse_input(input: &[u8], id: i64) -> Result<Option<Value>, ProxmoxError> {
    let Some(last_ff) = input.iter().rposition(|&b| b == 0xFF) else {
        return Ok(None);
    };
    let rest = &input[last_ff + 1..];
    let mut lines = rest.split(|&b| b == b'\n');
    let (Some(sync), Some(answer), Some(_)) = (lines.next(), lines.next(), lines.next()) else {
        return Ok(None);
    };
    let parse = |line: &[u8]| -> Result<Value, ProxmoxError> {
        serde_json::from_slice(line).map_err(|e| {
            ProxmoxError::Protocol(format!(
                "unparsable line {:?}: {e}",
                String::from_utf8_lossy(line)
            ))
        })
    };
    let sync = parse(sync)?;
    match sync.get("return").and_then(Value::as_i64) {
        Some(got) if got == id => Ok(Some(parse(answer)?)),
        Some(got) if got < id => Ok(None),
        _ => Err(ProxmoxError::Protocol(format!(
            "sync answered {sync}, expected {{\"return\": {id}}}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_write_with_both_requests() {
        let bytes = request_bytes(7, "guest-ping", &json!({}), false);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":7}}\n\
             {\"execute\":\"guest-ping\",\"arguments\":{}}\n"
        );
        assert_eq!(request_bytes(7, "guest-ping", &json!({}), true)[0], 0xFF);
    }

    #[test]
    fn answers_after_the_last_ff() {
        let input = b"{\"error\":{}}\n\xff{\"return\":7}\n{\"return\":{}}\n";
        assert_eq!(parse_input(input, 7).unwrap(), Some(json!({"return": {}})));
        assert_eq!(parse_input(b"\xff{\"return\":7}\n{\"ret", 7).unwrap(), None);
        assert_eq!(parse_input(b"\xff{\"return\":6}\n{}\n", 7).unwrap(), None);
        assert!(parse_input(b"\xff{\"return\":8}\n{}\n", 7).is_err());
    }
}
