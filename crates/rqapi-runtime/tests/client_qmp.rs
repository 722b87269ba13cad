//! The QMP client against our own server (in-process): oob, events,
//! timeouts, concurrency and error kinds.

mod server_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use rqapi_runtime::client::{ClientError, QmpClient, QmpClientOptions};
use rqapi_runtime::server::CancellationToken;
use serde_json::{Value, json};
use server_support::{attach, demo_config, demo_server};

async fn client_with(
    options: QmpClientOptions,
) -> (
    QmpClient,
    rqapi_runtime::server::QmpServer,
    CancellationToken,
) {
    let server = demo_server(demo_config());
    let stop = CancellationToken::new();
    let client = QmpClient::from_connection(attach(&server, &stop), options)
        .await
        .unwrap();
    (client, server, stop)
}

async fn client() -> (
    QmpClient,
    rqapi_runtime::server::QmpServer,
    CancellationToken,
) {
    client_with(QmpClientOptions::default()).await
}

#[tokio::test]
async fn oob_overtakes_slow_command() {
    let (client, _server, _stop) = client().await;
    assert!(client.oob_enabled());
    let start = Instant::now();
    let slow = client.execute("slow", json!({"milliseconds": 400}));
    let ping = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let answer = client.execute_oob("ping", Value::Null).await;
        (answer, start.elapsed())
    };
    let (slow, (ping, ping_at)) = tokio::join!(slow, ping);
    assert_eq!(slow.unwrap(), json!({}));
    assert_eq!(ping.unwrap(), json!({}));
    assert!(ping_at < Duration::from_millis(300), "{ping_at:?}");
}

#[tokio::test]
async fn without_oob_capability() {
    let options = QmpClientOptions {
        enable_oob: false,
        ..Default::default()
    };
    let (client, _server, _stop) = client_with(options).await;
    assert!(!client.oob_enabled());
    let error = client.execute_oob("ping", Value::Null).await.unwrap_err();
    assert_eq!(
        error.as_qmp().unwrap().desc,
        "QMP input member 'exec-oob' is unexpected"
    );
}

#[tokio::test]
async fn events_stream() {
    let (client, server, _stop) = client().await;
    let mut events = client.events();
    client
        .execute("emit-event", json!({"name": "ONE", "data": {"k": "v"}}))
        .await
        .unwrap();
    server.events().emit("TWO", None);
    let one = events.next().await.unwrap();
    assert_eq!(
        (one.name.as_str(), one.data),
        ("ONE", Some(json!({"k": "v"})))
    );
    let two = events.next().await.unwrap();
    assert_eq!((two.name.as_str(), two.data), ("TWO", None));
}

#[tokio::test]
async fn timeouts_are_local_and_later_answers_dropped() {
    let (client, _server, _stop) = client().await;
    let error = client
        .execute_timeout(
            "slow",
            json!({"milliseconds": 300}),
            Duration::from_millis(50),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Timeout) && error.is_local());
    // The late answer to the timed-out request does not reach this one.
    let echo = client
        .execute("echo", json!({"after": true}))
        .await
        .unwrap();
    assert_eq!(echo, json!({"after": true}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_commands_from_many_tasks() {
    let (client, _server, _stop) = client().await;
    let client = Arc::new(client);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..500 {
        let client = client.clone();
        tasks.spawn(async move { (i, client.execute("echo", json!({"i": i})).await) });
    }
    while let Some(joined) = tasks.join_next().await {
        let (i, answer) = joined.unwrap();
        assert_eq!(answer.unwrap(), json!({"i": i}));
    }
}

#[tokio::test]
async fn typed_calls() {
    #[derive(serde::Serialize)]
    struct Args<'a> {
        word: &'a str,
        count: u32,
    }
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Echoed {
        word: String,
        count: u32,
    }
    let (client, _server, _stop) = client().await;
    let echoed: Echoed = client
        .call(
            "echo",
            &Args {
                word: "hi",
                count: 3,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        echoed,
        Echoed {
            word: "hi".into(),
            count: 3
        }
    );
    let unit: () = client.call("ping", &json!({})).await.unwrap();
    assert_eq!(unit, ());
    let wrong = client
        .call::<_, Echoed>("ping", &json!({}))
        .await
        .unwrap_err();
    assert!(matches!(wrong, ClientError::Serde(_)), "{wrong}");
}

#[tokio::test]
async fn server_shutdown_fails_pending_commands() {
    let (client, _server, stop) = client().await;
    let mut events = client.events();
    let pending = client.execute("slow", json!({"milliseconds": 200}));
    let stopper = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        stop.cancel();
    };
    let (answer, ()) = tokio::join!(pending, stopper);
    // The command under way still completes, then the server hangs up.
    assert_eq!(answer.unwrap(), json!({}));
    assert!(events.next().await.is_none());
    let after = client.execute("echo", Value::Null).await.unwrap_err();
    assert!(
        matches!(after, ClientError::Closed(_) | ClientError::Io(_)),
        "{after}"
    );
}

/// The caller that timed out was the one reading: events that come while
/// no command is under way must still be read (by the background reader).
#[tokio::test]
async fn events_arrive_while_idle_after_a_reader_gave_up() {
    let (client, server, _stop) = client().await;
    let mut events = client.events();
    let error = client
        .execute_timeout(
            "slow",
            json!({"milliseconds": 100}),
            Duration::from_millis(20),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Timeout));
    tokio::time::sleep(Duration::from_millis(150)).await;
    server.events().emit("IDLE", None);
    let event = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .expect("event read while idle")
        .unwrap();
    assert_eq!(event.name, "IDLE");
}

/// Sequential callers on several threads, events in between: every
/// answer reaches its caller and every event the stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_on_many_threads_with_events() {
    let (client, server, _stop) = client().await;
    let client = Arc::new(client);
    let mut events = client.events();
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..4 {
        let client = client.clone();
        tasks.spawn(async move {
            for i in 0..200 {
                let answer = client.execute("echo", json!({"t": task, "i": i})).await;
                assert_eq!(answer.unwrap(), json!({"t": task, "i": i}));
            }
        });
    }
    for n in 0..100 {
        server.events().emit("TICK", Some(json!({"n": n})));
        tokio::task::yield_now().await;
    }
    while let Some(joined) = tasks.join_next().await {
        joined.unwrap();
    }
    for n in 0..100 {
        let event = tokio::time::timeout(Duration::from_secs(5), events.next())
            .await
            .expect("every event arrives")
            .unwrap();
        assert_eq!(event.data, Some(json!({"n": n})));
    }
}
