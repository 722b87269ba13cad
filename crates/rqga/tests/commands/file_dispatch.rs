//! guest-file-* through the generated dispatcher: argument checking,
//! qemu-ga's results and error texts, handle numbering and persistence.

use std::os::unix::fs::MetadataExt;
use std::process::Command;
use std::sync::{Arc, Mutex};

use crate::support::calls::wire::*;
use rqga::commands::Handlers;
use rqga::commands::file::FileHandles;
use rqga::state::{PersistentState, state_path};

fn b64(data: &[u8]) -> String {
    rqga::commands::base64::encode(data)
}

#[tokio::test]
async fn read_seek_write_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let hello = dir.path().join("hello.txt");
    std::fs::write(&hello, "hello world\nline2\n").unwrap();
    let h = Handlers::default();
    let fd = ok(&h, "guest-file-open", json!({"path": hello, "mode": "r"})).await;
    assert_eq!(fd, 1000);
    let read = |count: Option<i64>| {
        let args = match count {
            Some(c) => json!({"handle": 1000, "count": c}),
            None => json!({"handle": 1000}),
        };
        call(&h, "guest-file-read", args)
    };
    assert_eq!(
        read(Some(5)).await,
        json!({"return": {"count": 5, "buf-b64": "aGVsbG8=", "eof": false}})
    );
    assert_eq!(
        read(None).await,
        json!({"return": {"count": 13, "buf-b64": "IHdvcmxkCmxpbmUyCg==", "eof": true}})
    );
    assert_eq!(
        read(Some(100)).await,
        json!({"return": {"count": 0, "buf-b64": "", "eof": true}})
    );
    let seek = |offset: i64, whence: Value| {
        call(
            &h,
            "guest-file-seek",
            json!({"handle": 1000, "offset": offset, "whence": whence}),
        )
    };
    assert_eq!(
        seek(6, json!("set")).await,
        json!({"return": {"position": 6, "eof": false}})
    );
    assert_eq!(read(Some(5)).await["return"]["buf-b64"], json!("d29ybGQ="));
    assert_eq!(seek(-3, json!("end")).await["return"]["position"], 15);
    assert_eq!(seek(0, json!(1)).await["return"]["position"], 15);
    assert_eq!(seek(0, json!(2)).await["return"]["position"], 18);
    assert_eq!(
        seek(0, json!(7)).await,
        json!({"error": {"class": "GenericError", "desc": "invalid whence code 7"}})
    );
    assert_eq!(
        seek(0, json!("bogus")).await["error"]["desc"],
        "Parameter 'whence' does not accept value 'bogus'"
    );
    assert_eq!(
        seek(0, json!(true)).await["error"]["desc"],
        "Invalid parameter type for 'whence', expected: GuestFileWhence"
    );
    assert_eq!(
        seek(-1, json!("set")).await["error"]["desc"],
        "failed to seek file: Invalid argument"
    );
    for bad in [-1i64, 50331649] {
        assert_eq!(
            read(Some(bad)).await["error"]["desc"],
            format!("value '{bad}' is invalid for argument count")
        );
    }
    assert_eq!(
        read(Some(0)).await,
        json!({"return": {"count": 0, "buf-b64": "", "eof": false}})
    );
    assert_eq!(
        err(
            &h,
            "guest-file-write",
            json!({"handle": 1000, "buf-b64": "aGVsbG8="})
        )
        .await,
        "failed to write to file: Bad file descriptor"
    );
    // Nothing to write: no system call, so no error even read-only.
    assert_eq!(
        ok(
            &h,
            "guest-file-write",
            json!({"handle": 1000, "buf-b64": ""})
        )
        .await,
        json!({"count": 0, "eof": false})
    );
    assert_eq!(
        ok(&h, "guest-file-close", json!({"handle": 1000})).await,
        json!({})
    );
    assert_eq!(
        err(&h, "guest-file-close", json!({"handle": 1000})).await,
        "handle '1000' has not been found"
    );
    for cmd in ["guest-file-read", "guest-file-flush", "guest-file-close"] {
        assert_eq!(
            err(&h, cmd, json!({"handle": -5})).await,
            "handle '-5' has not been found"
        );
    }
    // The handle is looked up before the count and whence are checked.
    assert_eq!(
        err(
            &h,
            "guest-file-read",
            json!({"handle": 999999, "count": -1})
        )
        .await,
        "handle '999999' has not been found"
    );
    assert_eq!(
        err(
            &h,
            "guest-file-seek",
            json!({"handle": 7, "offset": 0, "whence": 9})
        )
        .await,
        "handle '7' has not been found"
    );
}

#[tokio::test]
async fn write_modes_and_base64() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.bin");
    let h = Handlers::default();
    let fd = ok(&h, "guest-file-open", json!({"path": out, "mode": "w+"})).await;
    let write = |text: &str, count: Option<i64>| {
        let mut args = json!({"handle": fd, "buf-b64": text});
        if let Some(c) = count {
            args["count"] = json!(c);
        }
        call(&h, "guest-file-write", args)
    };
    assert_eq!(
        write("aGVsbG8gcWdhCg==", None).await,
        json!({"return": {"count": 10, "eof": false}})
    );
    assert_eq!(write("aGVsbG8=", Some(2)).await["return"]["count"], 2);
    assert_eq!(
        write("aGVsbG8=", Some(100)).await["error"]["desc"],
        "value '100' is invalid for argument count"
    );
    assert_eq!(
        write("!!!notbase64", None).await["error"]["desc"],
        "Base64 data contains invalid characters"
    );
    assert_eq!(write("aGVsbG8", None).await["return"]["count"], 3);
    // qemu-ga holds a NUL as C0 80, which is no base64 character.
    assert_eq!(
        write("aGVs\u{0}", None).await["error"]["desc"],
        "Base64 data contains invalid characters"
    );
    assert_eq!(
        ok(&h, "guest-file-flush", json!({"handle": fd})).await,
        json!({})
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"hello qga\nhehel".to_vec());
    assert_eq!(std::fs::metadata(&out).unwrap().mode() & 0o777, 0o666);
    ok(
        &h,
        "guest-file-seek",
        json!({"handle": fd, "offset": 0, "whence": "set"}),
    )
    .await;
    let back = ok(&h, "guest-file-read", json!({"handle": fd, "count": 64})).await;
    assert_eq!(back["buf-b64"], b64(b"hello qga\nhehel"));
    assert_eq!(back["eof"], true);
    ok(&h, "guest-file-close", json!({"handle": fd})).await;

    // "a" appends to what is there; "r+" writes over it in place.
    let fd = ok(&h, "guest-file-open", json!({"path": out, "mode": "ab"})).await;
    assert_eq!(fd, 1001);
    ok(
        &h,
        "guest-file-write",
        json!({"handle": fd, "buf-b64": b64(b"!")}),
    )
    .await;
    ok(&h, "guest-file-close", json!({"handle": fd})).await;
    let fd = ok(&h, "guest-file-open", json!({"path": out, "mode": "r+b"})).await;
    ok(
        &h,
        "guest-file-write",
        json!({"handle": fd, "buf-b64": b64(b"J")}),
    )
    .await;
    ok(&h, "guest-file-close", json!({"handle": fd})).await;
    assert_eq!(std::fs::read(&out).unwrap(), b"Jello qga\nhehel!".to_vec());
}

#[tokio::test]
async fn open_errors_and_odd_files() {
    let dir = tempfile::tempdir().unwrap();
    let h = Handlers::default();
    let missing = dir.path().join("does-not-exist");
    assert_eq!(
        err(&h, "guest-file-open", json!({"path": missing})).await,
        format!(
            "failed to open file '{}' (mode: 'r'): No such file or directory",
            missing.display()
        )
    );
    assert_eq!(
        err(
            &h,
            "guest-file-open",
            json!({"path": missing, "mode": "zz"})
        )
        .await,
        "invalid file open mode 'zz'"
    );
    assert_eq!(
        err(&h, "guest-file-open", json!({"mode": "r"})).await,
        "Parameter 'path' is missing"
    );
    assert_eq!(
        err(&h, "guest-file-open", json!({"path": 5})).await,
        "Invalid parameter type for 'path', expected: string"
    );
    assert!(!missing.exists(), "failed opens create nothing");
    // A directory opens (read-only) but cannot be read.
    let fd = ok(&h, "guest-file-open", json!({"path": dir.path()})).await;
    assert_eq!(
        err(&h, "guest-file-read", json!({"handle": fd})).await,
        "failed to read file: Is a directory"
    );
    ok(&h, "guest-file-close", json!({"handle": fd})).await;
    assert_eq!(
        err(
            &h,
            "guest-file-open",
            json!({"path": dir.path(), "mode": "w"})
        )
        .await,
        format!(
            "failed to open file '{}' (mode: 'w'): Is a directory",
            dir.path().display()
        )
    );
    // A FIFO without a writer does not hang the agent: non-blocking.
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success(),
        "mkfifo"
    );
    let fd = ok(&h, "guest-file-open", json!({"path": fifo})).await;
    assert_eq!(
        ok(&h, "guest-file-read", json!({"handle": fd})).await,
        json!({"count": 0, "buf-b64": "", "eof": true})
    );
    let wfd = ok(&h, "guest-file-open", json!({"path": fifo, "mode": "w"})).await;
    assert_eq!(
        err(
            &h,
            "guest-file-seek",
            json!({"handle": wfd, "offset": 0, "whence": 0})
        )
        .await,
        "failed to seek file: Illegal seek"
    );
    // The reader now has a writer but no data.
    assert_eq!(
        err(&h, "guest-file-read", json!({"handle": fd})).await,
        "failed to read file: Resource temporarily unavailable"
    );
    // Without a reader, opening for writing fails at once.
    ok(&h, "guest-file-close", json!({"handle": fd})).await;
    ok(&h, "guest-file-close", json!({"handle": wfd})).await;
    assert_eq!(
        err(&h, "guest-file-open", json!({"path": fifo, "mode": "w"})).await,
        format!(
            "failed to open file '{}' (mode: 'w'): No such device or address",
            fifo.display()
        )
    );
    assert!(h.files.is_empty());
}

#[tokio::test]
async fn handles_come_from_the_persistent_counter() {
    let dir = tempfile::tempdir().unwrap();
    let path = state_path(dir.path());
    let file = dir.path().join("f");
    std::fs::write(&file, "x").unwrap();
    for (round, first) in [(0, 1000), (1, 1002)] {
        // A new agent (new Handlers) continues from the saved counter.
        let state = PersistentState::load(&path, false).unwrap();
        let h = Handlers {
            files: FileHandles::persistent(Arc::new(Mutex::new(state))),
            ..Handlers::default()
        };
        let a = ok(&h, "guest-file-open", json!({"path": file})).await;
        let b = ok(&h, "guest-file-open", json!({"path": file})).await;
        assert_eq!((a, b), (json!(first), json!(first + 1)), "round {round}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("[global]\nfd_counter={}\n", first + 2)
        );
    }
    // A failed open takes no number.
    let state = PersistentState::load(&path, false).unwrap();
    let h = Handlers {
        files: FileHandles::persistent(Arc::new(Mutex::new(state))),
        ..Handlers::default()
    };
    err(
        &h,
        "guest-file-open",
        json!({"path": dir.path().join("nope")}),
    )
    .await;
    assert_eq!(ok(&h, "guest-file-open", json!({"path": file})).await, 1004);
}

#[tokio::test]
async fn handles_are_shared_by_clones() {
    // The server may hand each connection its own view of Handlers'
    // state; the table behind FileHandles is one.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f");
    std::fs::write(&file, "abc").unwrap();
    let h1 = Handlers::default();
    let fd = ok(&h1, "guest-file-open", json!({"path": file})).await;
    let h2 = Handlers {
        files: h1.files.clone(),
        ..Handlers::default()
    };
    assert_eq!(
        ok(&h2, "guest-file-read", json!({"handle": fd})).await["count"],
        3
    );
}
