//! The sync/system/hardware families against the installed C agent, for
//! answers that are the same on one machine (or have the same shape when
//! they move over time).  Skipped when /usr/sbin/qemu-ga is missing.

use crate::support::calls::call;
use crate::support::{CAgent, shape};
use rqapi_runtime::qapi::serde_json::{Value, json};
use rqga::commands::Handlers;

async fn ours(name: &str) -> Value {
    call(&Handlers::default(), name, json!({})).await.unwrap()
}

#[tokio::test]
async fn equal_answers() {
    let Some(mut c) = CAgent::start() else { return };
    for name in [
        "guest-get-osinfo",
        "guest-get-host-name",
        "guest-get-timezone",
        "guest-get-memory-block-info",
    ] {
        assert_eq!(ours(name).await, c.returns(name), "{name}");
    }
}

/// Stable on an idle machine; both agents list sysfs in readdir order.
#[tokio::test]
async fn equal_hardware_lists() {
    let Some(mut c) = CAgent::start() else { return };
    for name in ["guest-get-vcpus", "guest-get-memory-blocks"] {
        assert_eq!(ours(name).await, c.returns(name), "{name}");
    }
}

fn by_key(list: &Value, key: &str) -> Vec<(String, Value)> {
    let mut items: Vec<(String, Value)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i[key].to_string(), shape(i)))
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items
}

/// Values move between the two calls; members and types must not.
#[tokio::test]
async fn same_shapes() {
    let Some(mut c) = CAgent::start() else { return };
    // guest-get-load is new in 9.1: 7.2 does not know it.
    let load = c.execute("guest-get-load");
    let expected = load.get("return").map_or_else(
        || json!({"load1m": "number", "load5m": "number", "load15m": "number"}),
        shape,
    );
    assert_eq!(shape(&ours("guest-get-load").await), expected);
    assert_eq!(
        shape(&ours("guest-get-users").await),
        shape(&c.returns("guest-get-users"))
    );
    assert_eq!(
        by_key(&ours("guest-get-cpustats").await, "cpu"),
        by_key(&c.returns("guest-get-cpustats"), "cpu")
    );
    let disks = ours("guest-get-diskstats").await;
    assert!(!disks.as_array().unwrap().is_empty());
    assert_eq!(
        by_key(&disks, "name"),
        by_key(&c.returns("guest-get-diskstats"), "name")
    );
    let t_ours = ours("guest-get-time").await.as_i64().unwrap();
    let t_c = c.returns("guest-get-time").as_i64().unwrap();
    assert!((t_ours - t_c).abs() < 5_000_000_000, "{t_ours} vs {t_c}");
}
