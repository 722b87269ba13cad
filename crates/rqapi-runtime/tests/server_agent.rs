//! The guest-agent server flavour: resync, one client at a time, a fresh
//! parser per connection, no success response, backpressure without
//! spinning, shutdown.

mod server_support;

use std::sync::Arc;
use std::time::Duration;

use rqapi_runtime::client::{GuestAgentClient, GuestAgentOptions};
use rqapi_runtime::server::{CancellationToken, GuestAgentConfig, GuestAgentServer};
use rqapi_runtime::transport::{Address, Incoming, connect, unix_pair};
use serde_json::{Value, json};
use server_support::{RawClient, demo::Demo};

fn agent() -> GuestAgentServer {
    GuestAgentServer::new(Arc::new(Demo), GuestAgentConfig::default())
}

/// A listening agent on a fresh unix socket.
async fn listening_agent() -> (Address, CancellationToken, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let address = Address::Unix(dir.path().join("qga.sock"));
    let incoming = Incoming::open(&address, &Default::default()).await.unwrap();
    let stop = CancellationToken::new();
    let server = agent();
    let token = stop.clone();
    tokio::spawn(async move { server.serve(incoming, token).await });
    (address, stop, dir)
}

fn attach_agent(server: &GuestAgentServer) -> RawClient {
    let (ours, theirs) = unix_pair().unwrap();
    let server = server.clone();
    tokio::spawn(async move {
        server
            .serve_connection(theirs, CancellationToken::new())
            .await
    });
    RawClient::new(ours)
}

#[tokio::test]
async fn no_greeting_and_plain_commands() {
    let mut c = attach_agent(&agent());
    assert!(c.nothing_within(Duration::from_millis(100)).await);
    c.send(r#"{"execute": "guest-ping", "id": "p"}"#).await;
    assert_eq!(c.recv().await, json!({"return": {}, "id": "p"}));
    c.send(r#"{"exec-oob": "guest-ping"}"#).await;
    assert_eq!(
        c.recv().await["error"]["desc"],
        "QMP input member 'exec-oob' is unexpected"
    );
    assert_eq!(
        String::from_utf8_lossy(&c.raw).matches("\r\n").count(),
        0,
        "agent lines end in LF"
    );
}

#[tokio::test]
async fn resync_with_sentinel_byte() {
    let mut c = attach_agent(&agent());
    // A partial request is pending when the client resyncs.
    c.send(r#"{"execute": "guest-pi"#).await;
    c.send_bytes(b"\xff").await;
    c.send(r#"{"execute": "guest-sync-delimited", "arguments": {"id": 4242}}"#)
        .await;
    let mut seen = Vec::new();
    loop {
        let m = c.recv().await;
        if m.get("return").is_some() {
            assert_eq!(m, json!({"return": 4242}));
            break;
        }
        seen.push(m);
    }
    // Anything before the answer is a parse error about the dropped input.
    assert!(
        seen.iter().all(|m| m["error"]["class"] == "GenericError"),
        "{seen:?}"
    );
    let at = c
        .raw
        .windows(17)
        .position(|w| w == b"{\"return\": 4242}\n".as_slice())
        .unwrap();
    assert_eq!(c.raw[at - 1], 0xFF, "the answer is delimited");
    // guest-sync (undelimited) has no 0xFF.
    c.raw.clear();
    c.send(r#"{"execute": "guest-sync", "arguments": {"id": 7}}"#)
        .await;
    assert_eq!(c.recv().await, json!({"return": 7}));
    assert!(!c.raw.contains(&0xFF));
}

#[tokio::test]
async fn client_resyncs_and_pipelines() {
    let (ours, theirs) = unix_pair().unwrap();
    let server = agent();
    tokio::spawn(async move {
        server
            .serve_connection(theirs, CancellationToken::new())
            .await
    });
    let client = GuestAgentClient::from_connection(ours, GuestAgentOptions::default())
        .await
        .unwrap();
    let calls = (0..50).map(|i| Box::pin(client.execute("echo", json!({"n": i}))));
    let answers = join_all_local(calls.collect()).await;
    for (i, answer) in answers.into_iter().enumerate() {
        assert_eq!(answer.unwrap(), json!({"n": i}));
    }
    // No reply expected for guest-shutdown; an error of a no-reply command
    // is dropped and does not confuse later answers.
    assert_eq!(
        client.execute("guest-shutdown", Value::Null).await.unwrap(),
        Value::Null
    );
    client.execute_no_reply("fail", Value::Null).await.unwrap();
    assert_eq!(
        client.execute("guest-ping", Value::Null).await.unwrap(),
        json!({})
    );
    let err = client.execute("nope", Value::Null).await.unwrap_err();
    assert!(!err.is_local());
    assert_eq!(
        err.as_qmp().unwrap().desc,
        "The command nope has not been found"
    );
    client.sync().await.unwrap();
}

/// A minimal join_all without extra crates.
async fn join_all_local<F: std::future::Future + Unpin>(mut futures: Vec<F>) -> Vec<F::Output> {
    let mut results: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in futures.iter_mut().enumerate() {
            if results[i].is_none() {
                match std::pin::Pin::new(f).poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().map(|r| r.unwrap()).collect()
}

#[tokio::test]
async fn success_response_false_sends_nothing() {
    let mut c = attach_agent(&agent());
    c.send(r#"{"execute": "guest-shutdown", "id": 1}{"execute": "fail", "id": 2}{"execute": "guest-ping", "id": 3}"#)
        .await;
    assert_eq!(
        c.recv().await,
        json!({"error": {"class": "GenericError", "desc": "failed on purpose"}, "id": 2})
    );
    assert_eq!(c.recv().await, json!({"return": {}, "id": 3}));
}

#[tokio::test]
async fn one_client_at_a_time() {
    let (address, _stop, _dir) = listening_agent().await;
    let mut first = RawClient::new(connect(&address).await.unwrap());
    first.send(r#"{"execute": "guest-ping", "id": 1}"#).await;
    assert_eq!(first.recv().await["id"], 1);
    let mut second = RawClient::new(connect(&address).await.unwrap());
    second.send(r#"{"execute": "guest-ping", "id": 2}"#).await;
    assert!(second.nothing_within(Duration::from_millis(200)).await);
    first.send(r#"{"execute": "guest-ping", "id": 3}"#).await;
    assert_eq!(first.recv().await["id"], 3);
    drop(first);
    assert_eq!(second.recv().await, json!({"return": {}, "id": 2}));
}

/// QEMU's agent keeps its parser across clients, so a partial request of
/// one client swallows the next client's first request. Ours does not.
#[tokio::test]
async fn parser_is_reset_per_connection() {
    let (address, _stop, _dir) = listening_agent().await;
    let mut first = RawClient::new(connect(&address).await.unwrap());
    first
        .send(r#"{"execute": "guest-ping", "id": 1}{"execute": "echo", "arguments": {"#)
        .await;
    assert_eq!(first.recv().await["id"], 1);
    drop(first);
    let mut second = RawClient::new(connect(&address).await.unwrap());
    second.send(r#"{"execute": "guest-ping", "id": 2}"#).await;
    assert_eq!(second.recv().await, json!({"return": {}, "id": 2}));
}

fn cpu_time() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_that_does_not_read_costs_no_cpu() {
    let mut c = attach_agent(&agent());
    let payload = "x".repeat(16 * 1024);
    let request = format!(r#"{{"execute": "echo", "arguments": {{"s": "{payload}"}}}}"#);
    // Keep writing without reading until our writes stall: the server
    // stopped reading because its output is over the limit.
    let writing = async {
        loop {
            c.send(&request).await;
        }
    };
    assert!(
        tokio::time::timeout(Duration::from_secs(3), writing)
            .await
            .is_err()
    );
    let before = cpu_time();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let used = cpu_time() - before;
    assert!(
        used < Duration::from_millis(50),
        "CPU used while blocked: {used:?}"
    );
    // Still alive: reading drains the output and service resumes.
    let mut answers = 0;
    while answers < 3 {
        assert_eq!(
            c.recv().await["return"]["s"].as_str().map(str::len),
            Some(payload.len())
        );
        answers += 1;
    }
}

#[tokio::test]
async fn shutdown_token_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let address = Address::Unix(dir.path().join("qga.sock"));
    let incoming = Incoming::open(&address, &Default::default()).await.unwrap();
    let stop = CancellationToken::new();
    let server = agent();
    let token = stop.clone();
    let serving = tokio::spawn(async move { server.serve(incoming, token).await });
    let mut c = RawClient::new(connect(&address).await.unwrap());
    c.send(r#"{"execute": "slow", "arguments": {"milliseconds": 100}, "id": 1}"#)
        .await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), serving)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    // The command under way is answered, then the connection ends.
    assert_eq!(c.recv().await, json!({"return": {}, "id": 1}));
    assert_eq!(c.try_recv().await, None);
}
