//! The freeze as the server sees it: `FsState` owns it, the command
//! state follows, and the dispatcher refuses what is not freeze-safe
//! with qemu-ga's text until the thaw.

use std::sync::Arc;

use rqapi_runtime::server::{GuestAgentConfig, GuestAgentServer};
use rqapi_runtime::transport::unix_pair;
use rqga::commands::fs::ops::FakeFsOps;
use rqga::commands::fs::{FsConfig, FsState};
use rqga::commands::runner::FakeRunner;
use rqga::commands::{CommandState, Handlers};
use rqga::server::AgentDispatch;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::support::{Value, json, serde_json};

const MOUNTINFO: &str = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n";

#[tokio::test]
async fn frozen_filesystems_disable_commands_until_thawed() {
    let dir = tempfile::tempdir().unwrap();
    let marker = rqga::state::frozen_marker_path(dir.path());
    let fs = FsState::new(
        FsConfig {
            marker: Some(marker.clone()),
            ..FsConfig::default()
        },
        Arc::new(FakeFsOps::with_mountinfo(MOUNTINFO)),
        FakeRunner::new(),
    );
    let command_state = CommandState::default();
    fs.add_notify(Arc::new(command_state.clone()));
    let handlers = Handlers {
        fs,
        command_state,
        ..Handlers::default()
    };
    let server = GuestAgentServer::new(
        Arc::new(AgentDispatch::new(Arc::new(handlers))),
        GuestAgentConfig::default(),
    );
    let (ours, theirs) = unix_pair().unwrap();
    let task = tokio::spawn(async move { server.serve_connection(ours, Default::default()).await });
    let (reader, mut writer) = theirs.into_split();
    let mut reader = BufReader::new(reader);
    let mut ask = async |request: &str| -> Value {
        writer.write_all(request.as_bytes()).await.unwrap();
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        serde_json::from_str(&line).unwrap()
    };
    let get_time = r#"{"execute":"guest-get-time"}"#;
    assert!(ask(get_time).await.get("return").is_some());
    assert_eq!(
        ask(r#"{"execute":"guest-fsfreeze-freeze"}"#).await,
        json!({"return": 1})
    );
    assert!(marker.exists());
    assert_eq!(
        ask(get_time).await,
        json!({"error": {"class": "CommandNotFound",
                         "desc": "Command guest-get-time has been disabled: the command is not allowed"}})
    );
    assert_eq!(
        ask(r#"{"execute":"guest-fsfreeze-status"}"#).await,
        json!({"return": "frozen"})
    );
    assert_eq!(
        ask(r#"{"execute":"guest-fsfreeze-thaw"}"#).await,
        json!({"return": 1})
    );
    assert!(!marker.exists());
    assert!(ask(get_time).await.get("return").is_some());
    drop(writer);
    task.await.unwrap();
}
