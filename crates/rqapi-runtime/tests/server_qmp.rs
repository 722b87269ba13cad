//! The QMP server flavour, driven with raw bytes: QEMU's greeting,
//! negotiation texts, oob, queue limits, events and fd passing.

mod server_support;

use std::time::{Duration, Instant};

use rqapi_runtime::server::CancellationToken;
use serde_json::{Value, json};
use server_support::{RawClient, attach, demo_config, demo_server};

fn client() -> (
    RawClient,
    rqapi_runtime::server::QmpServer,
    CancellationToken,
) {
    let server = demo_server(demo_config());
    let shutdown = CancellationToken::new();
    let client = RawClient::new(attach(&server, &shutdown));
    (client, server, shutdown)
}

#[tokio::test]
async fn greeting_is_qemus() {
    let (mut c, _server, _stop) = client();
    assert_eq!(
        c.recv().await,
        json!({"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "rqapi-demo"}, "capabilities": ["oob"]}})
    );
    let text = String::from_utf8(c.raw.clone()).unwrap();
    assert!(
        text.starts_with(r#"{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}"#),
        "{text}"
    );
    assert!(
        text.ends_with("]}}\r\n"),
        "QEMU ends QMP lines with CRLF: {text:?}"
    );
}

#[tokio::test]
async fn capabilities_negotiation_mode() {
    let (mut c, _server, _stop) = client();
    c.recv().await;
    c.send(r#"{"execute": "query-version", "id": 1}"#).await;
    assert_eq!(
        c.recv().await,
        json!({"error": {"class": "CommandNotFound", "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}, "id": 1})
    );
    c.send(r#"{"execute": "no-such-command"}"#).await;
    assert_eq!(
        c.recv().await["error"]["desc"],
        "Expecting capabilities negotiation with 'qmp_capabilities'"
    );
    // exec-oob before oob is enabled: the member is unexpected.
    c.send(r#"{"exec-oob": "ping", "id": "x"}"#).await;
    assert_eq!(
        c.recv().await,
        json!({"error": {"class": "GenericError", "desc": "QMP input member 'exec-oob' is unexpected"}, "id": "x"})
    );
    c.send(r#"{"execute": "qmp_capabilities", "arguments": {"enable": ["bogus"]}}"#)
        .await;
    assert_eq!(
        c.recv().await["error"]["desc"],
        "Parameter 'null' does not accept value 'bogus'"
    );
    c.send(r#"{"execute": "qmp_capabilities", "arguments": {"enable": "oob"}}"#)
        .await;
    assert_eq!(
        c.recv().await["error"]["desc"],
        "Invalid parameter type for 'enable', expected: array"
    );
    c.send(r#"{"execute": "qmp_capabilities", "arguments": {"other": 1}}"#)
        .await;
    assert_eq!(
        c.recv().await["error"]["desc"],
        "Parameter 'other' is unexpected"
    );
    // No events while negotiating.
    c.send(r#"{"execute": "qmp_capabilities", "id": [1, {"a": null}]}"#)
        .await;
    assert_eq!(
        c.recv().await,
        json!({"return": {}, "id": [1, {"a": null}]})
    );
    c.send(r#"{"execute": "qmp_capabilities", "id": 2}"#).await;
    assert_eq!(
        c.recv().await,
        json!({"error": {"class": "CommandNotFound", "desc": "Capabilities negotiation is already complete, command ignored"}, "id": 2})
    );
    c.send(r#"{"execute": "query-version", "id": 3}"#).await;
    assert_eq!(c.recv().await["return"]["qemu"]["minor"], 2);
    c.send(r#"{"execute": "nope"}"#).await;
    assert_eq!(
        c.recv().await,
        json!({"error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}})
    );
}

#[tokio::test]
async fn oob_unavailable_when_not_offered() {
    let server = demo_server(rqapi_runtime::server::QmpConfig {
        offer_oob: false,
        ..demo_config()
    });
    let mut c = RawClient::new(attach(&server, &CancellationToken::new()));
    assert_eq!(c.recv().await["QMP"]["capabilities"], json!([]));
    c.send(r#"{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}"#)
        .await;
    assert_eq!(
        c.recv().await,
        json!({"error": {"class": "GenericError", "desc": "Capability oob not available"}})
    );
}

#[tokio::test]
async fn request_shape_errors_and_parse_errors() {
    let (mut c, _server, _stop) = client();
    c.negotiate(true).await;
    c.send(r#"{"execute": "echo", "arguments": [], "id": 5}"#)
        .await;
    assert_eq!(
        c.recv().await,
        json!({"error": {"class": "GenericError", "desc": "QMP input member 'arguments' must be an object"}, "id": 5})
    );
    c.send("[1]").await;
    assert_eq!(
        c.recv().await["error"]["desc"],
        "QMP input must be a JSON object"
    );
    c.send("{'execute': 'echo', 'arguments': {'a': 'b'}, 'id': 'q'}")
        .await;
    assert_eq!(c.recv().await, json!({"return": {"a": "b"}, "id": "q"}));
    c.send(r#"{"exec-oob": "echo", "id": 7}"#).await;
    assert_eq!(
        c.recv().await,
        json!({"error": {"class": "GenericError", "desc": "The command echo does not support OOB"}, "id": 7})
    );
}

#[tokio::test]
async fn oob_overtakes_slow_in_band_command() {
    let (mut c, _server, _stop) = client();
    c.negotiate(true).await;
    c.send(r#"{"execute": "slow", "arguments": {"milliseconds": 400}, "id": "slow"}"#)
        .await;
    c.send(r#"{"execute": "echo", "id": "queued"}"#).await;
    let start = Instant::now();
    c.send(r#"{"exec-oob": "ping", "id": "oob"}"#).await;
    assert_eq!(c.recv().await, json!({"return": {}, "id": "oob"}));
    assert!(
        start.elapsed() < Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(c.recv().await["id"], "slow");
    assert_eq!(c.recv().await["id"], "queued");
}

/// With oob enabled QEMU queues 8 in-band requests and then stops reading,
/// exec-oob included, until the executing one leaves the queue.
#[tokio::test]
async fn full_queue_stops_reading() {
    let (mut c, _server, _stop) = client();
    c.negotiate(true).await;
    let mut batch = String::new();
    for i in 0..10 {
        batch +=
            &format!(r#"{{"execute": "slow", "arguments": {{"milliseconds": 100}}, "id": {i}}}"#);
    }
    batch += r#"{"exec-oob": "ping", "id": "oob"}"#;
    c.send(&batch).await;
    let order: Vec<Value> = {
        let mut v = Vec::new();
        for _ in 0..11 {
            v.push(c.recv().await["id"].clone());
        }
        v
    };
    // slow 0 runs, 1..=8 fill the queue, 9 waits unread; when 1 leaves
    // the queue 9 is read, so the ping is read when 2 leaves it.
    assert_eq!(order[..2], [json!(0), json!(1)]);
    assert_eq!(order[2], json!("oob"), "{order:?}");
}

/// Without oob QEMU reads the next request only after answering one.
#[tokio::test]
async fn without_oob_one_request_at_a_time() {
    let (mut c, _server, _stop) = client();
    c.negotiate(false).await;
    c.send(r#"{"execute": "slow", "arguments": {"milliseconds": 150}, "id": 1}{"exec-oob": "ping", "id": 2}"#)
        .await;
    assert_eq!(c.recv().await["id"], 1);
    let rejected = c.recv().await;
    assert_eq!(rejected["id"], 2);
    assert_eq!(
        rejected["error"]["desc"],
        "QMP input member 'exec-oob' is unexpected"
    );
}

#[tokio::test]
async fn events_reach_every_negotiated_client() {
    let server = demo_server(demo_config());
    let stop = CancellationToken::new();
    let mut a = RawClient::new(attach(&server, &stop));
    let mut b = RawClient::new(attach(&server, &stop));
    let mut waiting = RawClient::new(attach(&server, &stop));
    a.negotiate(false).await;
    b.negotiate(true).await;
    waiting.recv().await;
    let before = rqapi_runtime::qmp::Timestamp::now();
    a.send(
        r#"{"execute": "emit-event", "arguments": {"name": "DEMO", "data": {"n": 1}}, "id": 1}"#,
    )
    .await;
    let event = a.recv().await;
    assert_eq!(event["event"], "DEMO");
    assert_eq!(event["data"], json!({"n": 1}));
    let seconds = event["timestamp"]["seconds"].as_i64().unwrap();
    let micros = event["timestamp"]["microseconds"].as_i64().unwrap();
    assert!(seconds >= before.seconds && (0..1_000_000).contains(&micros));
    assert_eq!(a.recv().await, json!({"return": {}, "id": 1}));
    assert_eq!(b.recv().await, event);
    // Events without data have no data member.
    server.events().emit("BARE", None);
    let bare = b.recv().await;
    assert_eq!(
        bare.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["event", "timestamp"]
    );
    assert!(waiting.nothing_within(Duration::from_millis(100)).await);
    assert_eq!(server.events().receivers(), 2);
}

#[tokio::test]
async fn clients_have_their_own_state() {
    let server = demo_server(demo_config());
    let stop = CancellationToken::new();
    let mut a = RawClient::new(attach(&server, &stop));
    let mut b = RawClient::new(attach(&server, &stop));
    a.negotiate(true).await;
    b.recv().await;
    b.send(r#"{"execute": "echo", "id": 1}"#).await;
    assert_eq!(b.recv().await["error"]["class"], "CommandNotFound");
    a.send(r#"{"execute": "echo", "id": 1}"#).await;
    assert_eq!(a.recv().await["return"], json!({}));
}

#[tokio::test]
async fn disconnect_unsubscribes_and_shutdown_ends_serve() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qmp.sock");
    let address = rqapi_runtime::transport::Address::Unix(path.clone());
    let incoming = rqapi_runtime::transport::Incoming::open(&address, &Default::default())
        .await
        .unwrap();
    let server = demo_server(demo_config());
    let stop = CancellationToken::new();
    let serving = tokio::spawn({
        let (server, stop) = (server.clone(), stop.clone());
        async move { server.serve(incoming, stop).await }
    });
    let mut c = RawClient::new(rqapi_runtime::transport::connect(&address).await.unwrap());
    c.negotiate(true).await;
    assert_eq!(server.events().receivers(), 1);
    drop(c);
    for _ in 0..100 {
        if server.events().receivers() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.events().receivers(), 0);
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), serving)
        .await
        .expect("serve ends on shutdown")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn file_descriptors_reach_the_command() {
    let (ours, theirs) = rqapi_runtime::transport::unix_pair().unwrap();
    let server = demo_server(demo_config());
    tokio::spawn({
        let server = server.clone();
        async move {
            server
                .serve_connection(theirs, CancellationToken::new())
                .await
        }
    });
    let client = rqapi_runtime::client::QmpClient::from_connection(ours, Default::default())
        .await
        .unwrap();
    let file = tempfile::tempfile().unwrap();
    use std::os::fd::AsFd;
    let got = client
        .execute_with_fds("take-fd", Value::Null, &[file.as_fd()])
        .await
        .unwrap();
    assert_eq!(got, json!({"received": true}));
    let got = client.execute("take-fd", Value::Null).await.unwrap();
    assert_eq!(got, json!({"received": false}));
}
