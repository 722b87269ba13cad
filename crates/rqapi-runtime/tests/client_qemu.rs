//! The QMP client against a real QEMU 7.2 (skipped without the prefix of
//! `.ci/fetch-qemu`).

mod server_support;

use std::os::fd::AsFd;
use std::sync::Arc;

use rqapi_runtime::client::{ClientError, QmpClient};
use rqapi_runtime::qmp::ErrorClass;
use rqapi_runtime::transport::Address;
use serde_json::{Value, json};
use server_support::qemu::Qemu;

async fn connect(qemu: &Qemu) -> QmpClient {
    QmpClient::connect(&Address::Unix(qemu.socket.clone()))
        .await
        .expect("connect to QEMU")
}

#[tokio::test]
async fn greeting_negotiation_and_query_version() {
    let Some(qemu) = Qemu::start("greeting_negotiation_and_query_version") else {
        return;
    };
    let client = connect(&qemu).await;
    let greeting = client.greeting();
    assert_eq!(greeting["QMP"]["version"]["qemu"]["major"], 7);
    assert_eq!(greeting["QMP"]["capabilities"], json!(["oob"]));
    assert!(client.oob_enabled());
    let version = client.execute("query-version", Value::Null).await.unwrap();
    assert_eq!(version["qemu"], greeting["QMP"]["version"]["qemu"]);
    #[derive(serde::Deserialize)]
    struct Triple {
        major: i64,
        minor: i64,
    }
    #[derive(serde::Deserialize)]
    struct VersionInfo {
        qemu: Triple,
        package: String,
    }
    let typed: VersionInfo = client.call("query-version", &()).await.unwrap();
    assert_eq!((typed.qemu.major, typed.qemu.minor), (7, 2));
    assert!(typed.package.contains("Debian"), "{}", typed.package);
    let unit: () = client.call("stop", &()).await.unwrap();
    assert_eq!(unit, ());
}

#[tokio::test]
async fn errors_are_the_servers_or_local() {
    let Some(qemu) = Qemu::start("errors_are_the_servers_or_local") else {
        return;
    };
    let client = connect(&qemu).await;
    let error = client
        .execute("no-such-command", Value::Null)
        .await
        .unwrap_err();
    assert!(!error.is_local());
    let qmp = error.as_qmp().unwrap();
    assert_eq!(qmp.class, ErrorClass::CommandNotFound);
    assert_eq!(qmp.desc, "The command no-such-command has not been found");
    let error = client
        .execute_oob("query-version", Value::Null)
        .await
        .unwrap_err();
    assert_eq!(
        error.as_qmp().unwrap().desc,
        "The command query-version does not support OOB"
    );
    let local = client
        .execute("query-version", json!([1]))
        .await
        .unwrap_err();
    assert!(local.is_local(), "{local}");
}

#[tokio::test]
async fn introspection_schema() {
    let Some(qemu) = Qemu::start("introspection_schema") else {
        return;
    };
    let client = connect(&qemu).await;
    let schema = client
        .execute("query-qmp-schema", Value::Null)
        .await
        .unwrap();
    let entities = schema.as_array().expect("a list");
    assert!(entities.len() > 1000, "{}", entities.len());
    for entity in entities {
        assert!(
            entity["name"].is_string() && entity["meta-type"].is_string(),
            "{entity}"
        );
    }
    let metas: std::collections::BTreeSet<&str> = entities
        .iter()
        .filter_map(|e| e["meta-type"].as_str())
        .collect();
    for meta in [
        "command",
        "event",
        "object",
        "enum",
        "builtin",
        "array",
        "alternate",
    ] {
        assert!(metas.contains(meta), "{meta} missing: {metas:?}");
    }
}

#[tokio::test]
async fn events_stop_resume_shutdown() {
    let Some(qemu) = Qemu::start("events_stop_resume_shutdown") else {
        return;
    };
    let client = connect(&qemu).await;
    let mut events = client.events();
    client.execute("stop", Value::Null).await.unwrap();
    let stop = events.next().await.unwrap();
    assert_eq!(stop.name, "STOP");
    assert!(stop.timestamp.unwrap().seconds > 1_600_000_000);
    client.execute("cont", Value::Null).await.unwrap();
    assert_eq!(events.next().await.unwrap().name, "RESUME");
    client.execute("quit", Value::Null).await.unwrap();
    let shutdown = events.next_named("SHUTDOWN").await.unwrap();
    assert_eq!(shutdown.data.unwrap()["reason"], "host-qmp-quit");
    // QEMU exits: the event stream ends and commands fail locally.
    assert!(events.next().await.is_none());
    let gone = client
        .execute("query-version", Value::Null)
        .await
        .unwrap_err();
    assert!(
        matches!(gone, ClientError::Closed(_) | ClientError::Io(_)),
        "{gone}"
    );
}

#[tokio::test]
async fn getfd_and_closefd() {
    let Some(qemu) = Qemu::start("getfd_and_closefd") else {
        return;
    };
    let client = connect(&qemu).await;
    let (read_end, _write_end) = std::io::pipe().unwrap();
    let args = json!({"fdname": "rqapi-test"});
    let ret = client
        .execute_with_fds("getfd", args.clone(), &[read_end.as_fd()])
        .await
        .unwrap();
    assert_eq!(ret, json!({}));
    assert_eq!(
        client.execute("closefd", args.clone()).await.unwrap(),
        json!({})
    );
    let again = client.execute("closefd", args.clone()).await.unwrap_err();
    assert_eq!(
        again.as_qmp().unwrap().desc,
        "File descriptor named 'rqapi-test' not found"
    );
    // Without a descriptor, getfd fails on QEMU's side.
    let none = client.execute("getfd", args).await.unwrap_err();
    assert_eq!(
        none.as_qmp().unwrap().desc,
        "No file descriptor supplied via SCM_RIGHTS"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_commands() {
    let Some(qemu) = Qemu::start("two_hundred_concurrent_commands") else {
        return;
    };
    let client = Arc::new(connect(&qemu).await);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let client = client.clone();
        tasks.spawn(async move {
            let command = if i % 2 == 0 {
                "query-version"
            } else {
                "query-status"
            };
            (i, client.execute(command, Value::Null).await)
        });
    }
    let mut seen = 0;
    while let Some(joined) = tasks.join_next().await {
        let (i, result) = joined.unwrap();
        let value = result.unwrap();
        if i % 2 == 0 {
            assert_eq!(value["qemu"]["major"], 7);
        } else {
            assert!(value["status"].is_string(), "{value}");
        }
        seen += 1;
    }
    assert_eq!(seen, 200);
}
