//! guest-sync, guest-sync-delimited, guest-ping and guest-info through the
//! generated dispatcher, and guest-info against the C agent.

use crate::support::CAgent;
use crate::support::calls::{call, call_err};
use rqapi_runtime::qapi::serde_json::{Value, json};
use rqga::commands::{CommandState, Handlers};
use rqga::filter::CommandFilter;

#[tokio::test]
async fn sync_echoes_the_id() {
    let h = Handlers::default();
    for id in [0, 123456, -1, i64::MAX, i64::MIN] {
        assert_eq!(
            call(&h, "guest-sync", json!({"id": id})).await.unwrap(),
            json!(id)
        );
        assert_eq!(
            call(&h, "guest-sync-delimited", json!({"id": id}))
                .await
                .unwrap(),
            json!(id)
        );
    }
    assert_eq!(
        call_err(&h, "guest-sync", json!({})).await,
        "Parameter 'id' is missing"
    );
    assert_eq!(
        call_err(&h, "guest-sync", json!({"id": "abc"})).await,
        "Invalid parameter type for 'id', expected: integer"
    );
    assert_eq!(call(&h, "guest-ping", json!({})).await.unwrap(), json!({}));
}

fn names(info: &Value) -> Vec<String> {
    info["supported_commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn info_lists_every_command_in_reverse_schema_order() {
    let h = Handlers::default();
    let info = call(&h, "guest-info", json!({})).await.unwrap();
    assert_eq!(info["version"], json!(rqga::QEMU_VERSION));
    let mut expected: Vec<String> = rqga::commands::command_names().map(String::from).collect();
    expected.reverse();
    assert_eq!(names(&info), expected);
    assert_eq!(
        expected.first().map(String::as_str),
        Some("guest-network-get-route")
    );
    assert_eq!(
        expected.last().map(String::as_str),
        Some("guest-sync-delimited")
    );
    let no_response: Vec<&str> = info["supported_commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["success-response"] == json!(false))
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        no_response,
        [
            "guest-suspend-hybrid",
            "guest-suspend-ram",
            "guest-suspend-disk",
            "guest-shutdown"
        ]
    );
    assert!(
        info["supported_commands"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["enabled"] == json!(true))
    );
}

#[tokio::test]
async fn info_follows_the_shared_command_state() {
    let mut h = Handlers::default();
    let config = rqga::Config {
        blocked_rpcs: vec!["guest-exec".into(), "guest-get-time".into()],
        ..Default::default()
    };
    h.command_state = CommandState::new(CommandFilter::from_config(&config), false);
    let enabled = |info: &Value, name: &str| {
        info["supported_commands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == json!(name))
            .unwrap()["enabled"]
            .clone()
    };
    let info = call(&h, "guest-info", json!({})).await.unwrap();
    assert_eq!(enabled(&info, "guest-exec"), json!(false));
    assert_eq!(enabled(&info, "guest-get-time"), json!(false));
    assert_eq!(enabled(&info, "guest-file-open"), json!(true));

    // While frozen only qemu-ga's freeze allow list stays enabled.
    let changed = h.command_state.set_frozen(true);
    assert!(changed.contains(&("guest-file-open", false)));
    assert!(
        !changed.iter().any(|(n, _)| *n == "guest-exec"),
        "was already disabled"
    );
    let info = call(&h, "guest-info", json!({})).await.unwrap();
    let on: Vec<&str> = info["supported_commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["enabled"] == json!(true))
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        on,
        [
            "guest-fsfreeze-thaw",
            "guest-fsfreeze-status",
            "guest-info",
            "guest-ping",
            "guest-sync",
            "guest-sync-delimited"
        ]
    );
    h.command_state.set_frozen(false);
    let info = call(&h, "guest-info", json!({})).await.unwrap();
    assert_eq!(enabled(&info, "guest-file-open"), json!(true));
    assert_eq!(enabled(&info, "guest-exec"), json!(false));
}

/// Compared with the installed C agent: same member names and order of
/// the commands both have.  10.2 differs from 7.2 by design: it no longer
/// registers guest-get-devices on Linux (7.2 listed it, disabled) and adds
/// guest-get-load and guest-network-get-route (9.1); the version is ours.
#[tokio::test]
async fn info_matches_the_c_agent() {
    let Some(mut c) = CAgent::start() else { return };
    let theirs = c.returns("guest-info");
    let ours = call(&Handlers::default(), "guest-info", json!({}))
        .await
        .unwrap();
    assert_eq!(
        crate::support::shape(&ours)
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        crate::support::shape(&theirs)
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>()
    );
    let added = ["guest-get-load", "guest-network-get-route"];
    let removed = ["guest-get-devices"];
    let ours_common: Vec<String> = names(&ours)
        .into_iter()
        .filter(|n| !added.contains(&n.as_str()))
        .collect();
    let theirs_common: Vec<String> = names(&theirs)
        .into_iter()
        .filter(|n| !removed.contains(&n.as_str()))
        .collect();
    if CAgent::major_version() == 7 {
        assert_eq!(ours_common, theirs_common, "same commands, same order");
    } else {
        let mut a = ours_common.clone();
        let mut b = theirs_common.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }
    for entry in theirs["supported_commands"].as_array().unwrap() {
        let name = entry["name"].as_str().unwrap();
        if removed.contains(&name) {
            continue;
        }
        let mine = ours["supported_commands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == entry["name"])
            .unwrap();
        assert_eq!(mine, entry, "{name}");
    }
}
