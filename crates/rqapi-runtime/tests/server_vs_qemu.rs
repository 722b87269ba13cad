//! Differential: the same raw byte script sent to a real QEMU 7.2 and to
//! our QMP server gives the same responses (as JSON values) and the same
//! line format. Skipped without the prefix of `.ci/fetch-qemu`.

mod server_support;

use std::time::Duration;

use rqapi_runtime::server::CancellationToken;
use rqapi_runtime::transport::{Address, connect};
use serde_json::Value;
use server_support::qemu::Qemu;
use server_support::{RawClient, attach, demo_config, demo_server};

/// Requests whose answers do not depend on which commands exist beyond
/// `qmp_capabilities` and `query-version`.
const SCRIPT: &[&str] = &[
    r#"{"execute": "query-version", "id": 1}"#,
    r#"{"execute": "nope"}"#,
    r#"{"exec-oob": "query-version", "id": 2}"#,
    "[1]",
    r#""text""#,
    r#"{"id": 3}"#,
    r#"{"execute": 1, "id": 4}"#,
    r#"{"execute": "x", "arguments": [], "id": 5}"#,
    r#"{"execute": "x", "foo": 1, "id": 6}"#,
    r#"{"a": }"#,
    r#"{"execute": "qmp_capabilities", "arguments": {"enable": ["bogus"]}}"#,
    r#"{"execute": "qmp_capabilities", "arguments": {"enable": "oob"}}"#,
    r#"{"execute": "qmp_capabilities", "arguments": {"other": 1}}"#,
    r#"{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}, "id": {"n": [1, 2.5, null]}}"#,
    r#"{"execute": "qmp_capabilities", "id": 7}"#,
    r#"{"execute": "nope", "id": "n"}"#,
    r#"{"exec-oob": "query-version", "id": 8}"#,
    r#"{"exec-oob": "nope", "id": 9}"#,
    r#"{"execute": "query-version", "exec-oob": "query-version", "id": 10}"#,
    r#"{'execute': 'query-version', 'id': 11}"#,
];

async fn run_script(mut client: RawClient) -> (Vec<Value>, Vec<u8>) {
    let mut answers = vec![client.recv().await];
    for request in SCRIPT {
        client.send(request).await;
        let mut answer = client.recv().await;
        // The version itself differs; its shape is compared.
        if let Some(ret) = answer.get_mut("return").and_then(|r| r.get_mut("package")) {
            *ret = "PACKAGE".into();
        }
        if let Some(qemu) = answer.pointer_mut("/return/qemu") {
            *qemu = "VERSION".into();
        }
        answers.push(answer);
    }
    assert!(client.nothing_within(Duration::from_millis(100)).await);
    (answers, client.raw.clone())
}

#[tokio::test]
async fn same_answers_as_qemu() {
    let Some(qemu) = Qemu::start("same_answers_as_qemu") else {
        return;
    };
    let theirs = RawClient::new(connect(&Address::Unix(qemu.socket.clone())).await.unwrap());
    let (expected, qemu_raw) = run_script(theirs).await;
    let server = demo_server(demo_config());
    let ours = RawClient::new(attach(&server, &CancellationToken::new()));
    let (actual, our_raw) = run_script(ours).await;
    // Greetings differ in version and package only.
    assert_eq!(
        expected[0]["QMP"]["capabilities"],
        actual[0]["QMP"]["capabilities"]
    );
    for (i, (want, got)) in expected.iter().zip(&actual).enumerate().skip(1) {
        assert_eq!(want, got, "answer to {}", SCRIPT[i - 1]);
    }
    let lines = |raw: &[u8]| {
        raw.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .all(|l| l.ends_with(b"\r"))
    };
    assert!(
        lines(&qemu_raw) && lines(&our_raw),
        "both end lines with CRLF"
    );
}
