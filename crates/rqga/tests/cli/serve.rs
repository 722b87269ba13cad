//! The real `rqga` binary serving a unix socket end to end: the runtime's
//! guest-agent client, raw bytes (the 0xFF delimiter), a parser that
//! starts afresh for each client (the C agent's does not), and a clean
//! exit on SIGTERM that leaves the socket file as qemu-ga does.

use std::time::Duration;

use rqapi_runtime::client::GuestAgentClient;
use rqapi_runtime::transport::Address;

use crate::support::{AgentProcess, Value, json, serde_json};

fn parsed(line: &[u8]) -> (bool, Value) {
    let (ff, text) = match line.split_first() {
        Some((0xFF, rest)) => (true, rest),
        _ => (false, line),
    };
    (ff, serde_json::from_slice(text).expect("a JSON line"))
}

#[test]
fn serves_end_to_end_and_stops_on_sigterm() {
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("rqga.log");
    let mut agent = AgentProcess::ours(&["-l", log.to_str().unwrap()]);

    // guest-sync-delimited: one 0xFF before the answer, none on errors.
    agent.send(b"{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":42}}");
    assert_eq!(agent.read_line(), b"\xff{\"return\": 42}\n");
    agent.send(b"{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":\"x\"}}");
    assert_eq!(
        parsed(&agent.read_line()),
        (
            false,
            json!({"error": {"class": "GenericError",
                              "desc": "Invalid parameter type for 'id', expected: integer"}})
        )
    );
    // Bad requests.
    agent.send(b"{\"execute\":\"guest-bogus\",\"id\":1}[]");
    assert_eq!(
        parsed(&agent.read_line()).1,
        json!({"id": 1, "error": {"class": "CommandNotFound",
                                  "desc": "The command guest-bogus has not been found"}})
    );
    assert_eq!(
        parsed(&agent.read_line()).1,
        json!({"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}})
    );
    // No answer for guest-shutdown's argument-free success is tested
    // elsewhere (it would shut down); a handle survives the reconnect.
    let handle = agent.call("guest-file-open", json!({"path": log.to_str().unwrap()}));
    assert_eq!(handle, json!({"return": 1000}));

    // A partial object, then a new client: its first request is answered.
    agent.send(b"{\"execute\":\"guest-ping\",\"arguments\":{");
    std::thread::sleep(Duration::from_millis(50));
    agent.reconnect();
    assert_eq!(agent.execute("guest-ping"), json!({"return": {}}));
    assert_eq!(
        agent.call("guest-file-close", json!({"handle": 1000})),
        json!({"return": {}})
    );
    agent.close();

    // The runtime's client (it resynchronises first).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let address = Address::Unix(agent.socket().to_path_buf());
        let client = GuestAgentClient::connect(&address).await.expect("connect");
        assert_eq!(
            client.execute("guest-ping", json!({})).await.unwrap(),
            json!({})
        );
        let info = client.execute("guest-info", json!({})).await.unwrap();
        assert_eq!(info["version"], "10.2.0");
        let commands = info["supported_commands"].as_array().unwrap();
        assert!(commands.len() > 40, "{info}");
        assert!(commands.iter().any(|c| c["name"] == "guest-exec"));
        assert_eq!(
            client
                .execute("guest-sync", json!({"id": 7}))
                .await
                .unwrap(),
            json!(7)
        );
    });

    let status = agent.stop_with(libc::SIGTERM);
    assert_eq!(status.code(), Some(0), "{status}");
    assert!(
        agent.socket().exists(),
        "the socket file stays, as in qemu-ga"
    );
    assert_eq!(
        std::fs::read(agent.dir().join("qga.state")).unwrap(),
        b"[global]\nfd_counter=1001\n"
    );
}

#[test]
fn sigint_also_ends_cleanly_and_blocked_commands_are_disabled() {
    let mut agent = AgentProcess::ours(&["-b", "guest-get-time"]);
    assert_eq!(
        agent.execute("guest-get-time"),
        json!({"error": {"class": "CommandNotFound",
                         "desc": "Command guest-get-time has been disabled: the command is not allowed"}})
    );
    assert_eq!(agent.stop_with(libc::SIGINT).code(), Some(0));
}
