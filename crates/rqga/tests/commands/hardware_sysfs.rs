//! guest-get/set-vcpus and the memory-block commands over a temporary
//! sysfs tree (nothing real is ever onlined or offlined).

use std::path::Path;

use crate::support::calls::{call, call_err};
use crate::support::fakes::{FakeRunner, fake_handlers, put};
use rqapi_runtime::qapi::serde_json::{Value, json};

fn sorted_by(v: Value, key: &str) -> Vec<Value> {
    let mut items = v.as_array().unwrap().clone();
    items.sort_by_key(|i| i[key].as_i64().unwrap());
    items
}

fn cpu_tree(root: &Path) {
    std::fs::create_dir_all(root.join("sys/devices/system/cpu/cpu0")).unwrap();
    put(root, "/sys/devices/system/cpu/cpu1/online", "1\n");
    put(root, "/sys/devices/system/cpu/cpu2/online", "0\n");
    std::fs::create_dir_all(root.join("sys/devices/system/cpu/cpufreq")).unwrap();
    put(root, "/sys/devices/system/cpu/online", "0-1\n");
}

fn online(root: &Path, cpu: u32) -> String {
    std::fs::read_to_string(root.join(format!("sys/devices/system/cpu/cpu{cpu}/online"))).unwrap()
}

#[tokio::test]
async fn get_vcpus_reads_online_files() {
    let dir = tempfile::tempdir().unwrap();
    let h = fake_handlers(dir.path(), &FakeRunner::new(), &Default::default());
    assert_eq!(
        call_err(&h, "guest-get-vcpus", json!({})).await,
        "failed to list entries: /sys/devices/system/cpu: No such file or directory"
    );
    cpu_tree(dir.path());
    let vcpus = call(&h, "guest-get-vcpus", json!({})).await.unwrap();
    assert_eq!(
        sorted_by(vcpus, "logical-id"),
        [
            json!({"logical-id": 0, "online": true, "can-offline": false}),
            json!({"logical-id": 1, "online": true, "can-offline": true}),
            json!({"logical-id": 2, "online": false, "can-offline": true}),
        ]
    );
    put(dir.path(), "/sys/devices/system/cpu/cpu3/online", "");
    assert_eq!(
        call_err(&h, "guest-get-vcpus", json!({})).await,
        "pread(\"/sys/devices/system/cpu/cpu3//online\"): unexpected EOF"
    );
}

#[tokio::test]
async fn set_vcpus_counts_until_the_first_failure() {
    let dir = tempfile::tempdir().unwrap();
    let h = fake_handlers(dir.path(), &FakeRunner::new(), &Default::default());
    cpu_tree(dir.path());
    let set = |list: Value| json!({"vcpus": list});
    assert_eq!(
        call(&h, "guest-set-vcpus", set(json!([]))).await.unwrap(),
        json!(0)
    );
    // Offline cpu1, online cpu2, re-online the always-online cpu0.
    let n = call(
        &h,
        "guest-set-vcpus",
        set(json!([
            {"logical-id": 1, "online": false},
            {"logical-id": 2, "online": true},
            {"logical-id": 0, "online": true}
        ])),
    )
    .await
    .unwrap();
    assert_eq!(n, json!(3));
    assert_eq!(online(dir.path(), 1), "0\n");
    assert_eq!(online(dir.path(), 2), "1\n");
    // Offlining cpu0 fails; alone it is the error, later it ends the count.
    assert_eq!(
        call_err(
            &h,
            "guest-set-vcpus",
            set(json!([{"logical-id": 0, "online": false}]))
        )
        .await,
        "logical processor #0 can't be offlined"
    );
    let n = call(
        &h,
        "guest-set-vcpus",
        set(json!([
            {"logical-id": 1, "online": true},
            {"logical-id": 0, "online": false},
            {"logical-id": 2, "online": false}
        ])),
    )
    .await
    .unwrap();
    assert_eq!(n, json!(1));
    assert_eq!(online(dir.path(), 1), "1\n");
    assert_eq!(online(dir.path(), 2), "1\n", "not reached");
    assert_eq!(
        call_err(
            &h,
            "guest-set-vcpus",
            set(json!([{"logical-id": 7, "online": true}]))
        )
        .await,
        "Could not open '/sys/devices/system/cpu/cpu7/': No such file or directory"
    );
    assert_eq!(
        call_err(&h, "guest-set-vcpus", set(json!([{"logical-id": 0}]))).await,
        "Parameter 'vcpus[0].online' is missing"
    );
    assert_eq!(
        call_err(&h, "guest-set-vcpus", set(json!("x"))).await,
        "Invalid parameter type for 'vcpus', expected: array"
    );
}

fn memory_tree(root: &Path) {
    put(
        root,
        "/sys/devices/system/memory/block_size_bytes",
        "8000000\n",
    );
    put(
        root,
        "/sys/devices/system/memory/auto_online_blocks",
        "online\n",
    );
    put(root, "/sys/devices/system/memory/memory0/state", "online\n");
    put(root, "/sys/devices/system/memory/memory0/removable", "0\n");
    put(
        root,
        "/sys/devices/system/memory/memory5/state",
        "offline\n",
    );
    put(root, "/sys/devices/system/memory/memory5/removable", "1\n");
    // Old kernel: no state file, so always online.
    std::fs::create_dir_all(root.join("sys/devices/system/memory/memory9")).unwrap();
    std::fs::create_dir_all(root.join("sys/devices/system/memory/power")).unwrap();
}

#[tokio::test]
async fn memory_blocks_and_block_size() {
    let dir = tempfile::tempdir().unwrap();
    let h = fake_handlers(dir.path(), &FakeRunner::new(), &Default::default());
    // No memory directory: an empty list, but no block size.
    assert_eq!(
        call(&h, "guest-get-memory-blocks", json!({}))
            .await
            .unwrap(),
        json!([])
    );
    assert_eq!(
        call_err(&h, "guest-get-memory-block-info", json!({})).await,
        "open(\"/sys/devices/system/memory/\"): No such file or directory"
    );
    assert_eq!(
        call(
            &h,
            "guest-set-memory-blocks",
            json!({"mem-blks": [{"phys-index": 1, "online": true}]})
        )
        .await
        .unwrap(),
        json!([{"phys-index": 1, "response": "operation-not-supported", "error-code": libc::ENOENT}])
    );
    std::fs::create_dir_all(dir.path().join("sys/devices/system/memory")).unwrap();
    assert_eq!(
        call_err(&h, "guest-get-memory-blocks", json!({})).await,
        "guest reported zero memory blocks!"
    );
    memory_tree(dir.path());
    assert_eq!(
        call(&h, "guest-get-memory-block-info", json!({}))
            .await
            .unwrap(),
        json!({"size": 134217728})
    );
    let blocks = call(&h, "guest-get-memory-blocks", json!({}))
        .await
        .unwrap();
    assert_eq!(
        sorted_by(blocks, "phys-index"),
        [
            json!({"phys-index": 0, "online": true, "can-offline": false}),
            json!({"phys-index": 5, "online": false, "can-offline": true}),
            json!({"phys-index": 9, "online": true, "can-offline": false}),
        ]
    );
}

#[tokio::test]
async fn set_memory_blocks_reports_per_block() {
    let dir = tempfile::tempdir().unwrap();
    let h = fake_handlers(dir.path(), &FakeRunner::new(), &Default::default());
    memory_tree(dir.path());
    let answer = call(
        &h,
        "guest-set-memory-blocks",
        json!({"mem-blks": [
            {"phys-index": 5, "online": true},
            {"phys-index": 0, "online": true},
            {"phys-index": 3, "online": true},
            {"phys-index": 9, "online": false},
            {"phys-index": 9, "online": true}
        ]}),
    )
    .await
    .unwrap();
    assert_eq!(
        answer,
        json!([
            {"phys-index": 5, "response": "success"},
            {"phys-index": 0, "response": "success"},
            {"phys-index": 3, "response": "not-found", "error-code": libc::ENOENT},
            {"phys-index": 9, "response": "operation-not-supported", "error-code": libc::ENOENT},
            // qemu-ga's quirk: success, yet with the errno of the missing file.
            {"phys-index": 9, "response": "success", "error-code": libc::ENOENT}
        ])
    );
    let state = dir.path().join("sys/devices/system/memory/memory5/state");
    // pwrite at offset 0 over a regular file (sysfs takes the whole write).
    assert_eq!(std::fs::read_to_string(state).unwrap(), "onlinee\n");
    put(dir.path(), "/sys/devices/system/memory/memory0/state", "");
    assert_eq!(
        call(
            &h,
            "guest-set-memory-blocks",
            json!({"mem-blks": [{"phys-index": 0, "online": false}]})
        )
        .await
        .unwrap(),
        json!([{"phys-index": 0, "response": "operation-failed", "error-code": 0}])
    );
    assert_eq!(
        call_err(&h, "guest-get-memory-blocks", json!({})).await,
        "pread sysfs file \"state\": unexpected EOF"
    );
}
