//! fsfreeze and fstrim logic on simulated filesystems (never the real
//! ones: a frozen root filesystem hangs the machine).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::calls::blocking::{call, call_async, error_of};
use rqapi_runtime::qapi::serde_json::{Map, json};
use rqga::commands::Handlers;
use rqga::commands::fs::ops::{FakeFs, FakeFsOps};
use rqga::commands::fs::{FreezeNotify, FsConfig, FsState};
use rqga::commands::runner::{Captured, FakeRunner};

const MOUNTINFO: &str = "\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
28 27 254:16 / /boot rw,relatime - ext4 /dev/vdb rw
29 27 254:32 / /srv rw,relatime - xfs /dev/vdc rw
30 27 254:32 / /srv2 rw,relatime - xfs /dev/vdc rw
";

struct Setup {
    h: Handlers,
    ops: Arc<FakeFsOps>,
    runner: Arc<FakeRunner>,
    marker: PathBuf,
    _dir: tempfile::TempDir,
}

fn setup(hook: bool, watchdog: Option<Duration>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let marker = rqga::state::frozen_marker_path(dir.path());
    let ops = Arc::new(FakeFsOps::with_mountinfo(MOUNTINFO));
    let runner = FakeRunner::new();
    let config = FsConfig {
        hook: hook.then(|| PathBuf::from("/etc/qemu/fsfreeze-hook")),
        marker: Some(marker.clone()),
        watchdog,
        ..FsConfig::default()
    };
    let h = Handlers {
        fs: FsState::new(config, ops.clone(), runner.clone()),
        ..Handlers::default()
    };
    Setup {
        h,
        ops,
        runner,
        marker,
        _dir: dir,
    }
}

fn ops_of(s: &Setup) -> Vec<(&'static str, String)> {
    s.ops
        .calls()
        .into_iter()
        .map(|(op, p)| (op, p.display().to_string()))
        .collect()
}

fn hook_args(s: &Setup) -> Vec<String> {
    s.runner
        .runs()
        .iter()
        .map(|c| {
            assert_eq!(c.argv[0], "/etc/qemu/fsfreeze-hook");
            c.argv[1].to_string_lossy().into_owned()
        })
        .collect()
}

#[test]
fn freeze_newest_first_then_thaw_all() {
    let s = setup(true, None);
    assert_eq!(
        call(&s.h, "guest-fsfreeze-status", json!({})).unwrap(),
        "thawed"
    );
    assert_eq!(call(&s.h, "guest-fsfreeze-freeze", json!({})).unwrap(), 3);
    assert_eq!(
        call(&s.h, "guest-fsfreeze-status", json!({})).unwrap(),
        "frozen"
    );
    assert!(s.h.fs.is_frozen() && s.marker.exists());
    // Virtual filesystems and the second mount of /dev/vdc are left out.
    assert_eq!(
        ops_of(&s),
        [
            ("freeze", "/srv".into()),
            ("freeze", "/boot".into()),
            ("freeze", "/".into())
        ]
    );
    assert_eq!(call(&s.h, "guest-fsfreeze-thaw", json!({})).unwrap(), 3);
    assert_eq!(
        &ops_of(&s)[3..],
        [
            ("thaw", "/".into()),
            ("thaw", "/boot".into()),
            ("thaw", "/srv".into())
        ]
    );
    assert!(!s.h.fs.is_frozen() && !s.marker.exists());
    assert_eq!(hook_args(&s), ["freeze", "thaw"]);
    // Nothing frozen any more: thaw counts 0.
    assert_eq!(call(&s.h, "guest-fsfreeze-thaw", json!({})).unwrap(), 0);
}

#[test]
fn freeze_list_only_named_mount_points() {
    let s = setup(false, None);
    let n = call(
        &s.h,
        "guest-fsfreeze-freeze-list",
        json!({"mountpoints": ["/boot", "/nope"]}),
    );
    assert_eq!(n.unwrap(), 1);
    assert_eq!(ops_of(&s), [("freeze", "/boot".into())]);
    assert_eq!(s.ops.depth("/boot"), 1);
    call(&s.h, "guest-fsfreeze-thaw", json!({})).unwrap();
    // Nothing matched (C compares strings: "/boot/" is not "/boot"):
    // nothing frozen, state stays thawed.
    let n = call(
        &s.h,
        "guest-fsfreeze-freeze-list",
        json!({"mountpoints": ["/boot/"]}),
    );
    assert_eq!(n.unwrap(), 0);
    assert_eq!(
        call(&s.h, "guest-fsfreeze-status", json!({})).unwrap(),
        "thawed"
    );
    assert!(!s.marker.exists());
    // Without the member it is guest-fsfreeze-freeze.
    assert_eq!(
        call(&s.h, "guest-fsfreeze-freeze-list", json!({})).unwrap(),
        3
    );
    assert_eq!(
        error_of(call(
            &s.h,
            "guest-fsfreeze-freeze-list",
            json!({"mountpoints": "x"})
        )),
        "Invalid parameter type for 'mountpoints', expected: array"
    );
}

#[test]
fn unfreezable_and_busy_are_not_errors() {
    let s = setup(false, None);
    s.ops.set(
        "/boot",
        FakeFs {
            freeze_errno: Some(libc::EOPNOTSUPP),
            ..FakeFs::default()
        },
    );
    s.ops.set(
        "/srv",
        FakeFs {
            freeze_errno: Some(libc::EBUSY),
            ..FakeFs::default()
        },
    );
    assert_eq!(call(&s.h, "guest-fsfreeze-freeze", json!({})).unwrap(), 1);
}

#[test]
fn failure_thaws_what_was_frozen() {
    let s = setup(true, None);
    s.ops.set(
        "/boot",
        FakeFs {
            freeze_errno: Some(libc::EIO),
            ..FakeFs::default()
        },
    );
    let err = error_of(call(&s.h, "guest-fsfreeze-freeze", json!({})));
    assert_eq!(err, "failed to freeze /boot: Input/output error");
    assert_eq!(s.ops.depth("/srv"), 0, "thawed again");
    assert_eq!(
        call(&s.h, "guest-fsfreeze-status", json!({})).unwrap(),
        "thawed"
    );
    assert!(!s.marker.exists());
    assert_eq!(hook_args(&s), ["freeze", "thaw"]);

    let s = setup(false, None);
    s.ops.set(
        "/",
        FakeFs {
            open_errno: Some(libc::EACCES),
            ..FakeFs::default()
        },
    );
    let err = error_of(call(&s.h, "guest-fsfreeze-freeze", json!({})));
    assert_eq!(err, "failed to open /: Permission denied");
    assert_eq!((s.ops.depth("/srv"), s.ops.depth("/boot")), (0, 0));
}

#[test]
fn hook_path_need_not_be_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let hook = OsStr::from_bytes(b"/etc/qemu/hook-\xff");
    let runner = FakeRunner::new();
    let h = Handlers {
        fs: FsState::new(
            FsConfig {
                hook: Some(PathBuf::from(hook)),
                ..FsConfig::default()
            },
            Arc::new(FakeFsOps::with_mountinfo(MOUNTINFO)),
            runner.clone(),
        ),
        ..Handlers::default()
    };
    call(&h, "guest-fsfreeze-freeze", json!({})).unwrap();
    call(&h, "guest-fsfreeze-thaw", json!({})).unwrap();
    let runs = runner.runs();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].argv, [hook, OsStr::new("freeze")]);
    assert_eq!(runs[1].argv, [hook, OsStr::new("thaw")]);
}

#[test]
fn hook_failure_stops_the_freeze() {
    let s = setup(true, None);
    s.runner.on_captured(
        "/etc/qemu/fsfreeze-hook",
        Captured::Exited {
            code: 1,
            output: Vec::new(),
        },
    );
    let err = error_of(call(&s.h, "guest-fsfreeze-freeze", json!({})));
    assert_eq!(
        err,
        "child process has failed to execute fsfreeze hook: exit status 1"
    );
    assert!(s.ops.calls().is_empty());
    assert_eq!(
        call(&s.h, "guest-fsfreeze-status", json!({})).unwrap(),
        "thawed"
    );
}

#[test]
fn no_mount_table_is_an_error() {
    let s = setup(false, None);
    *s.ops.mountinfo.lock().unwrap() = None;
    let err = error_of(call(&s.h, "guest-fsfreeze-freeze", json!({})));
    assert_eq!(err, "failed to open mtab file: '/proc/self/mounts'");
    let err = error_of(call(&s.h, "guest-fsfreeze-thaw", json!({})));
    assert_eq!(err, "failed to open mtab file: '/proc/self/mounts'");
}

#[derive(Debug, Default)]
struct Events(Mutex<Vec<&'static str>>);

impl FreezeNotify for Events {
    fn frozen(&self) {
        self.0.lock().unwrap().push("frozen");
    }
    fn thawed(&self) {
        self.0.lock().unwrap().push("thawed");
    }
}

#[test]
fn watchdog_thaws_when_the_host_never_does() {
    let s = setup(true, Some(Duration::from_millis(100)));
    let events = Arc::new(Events::default());
    s.h.fs.add_notify(events.clone());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        assert_eq!(
            call_async(&s.h, "guest-fsfreeze-freeze", Map::new())
                .await
                .unwrap(),
            3
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(s.h.fs.is_frozen());
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(!s.h.fs.is_frozen());
        assert_eq!(s.ops.depth("/"), 0);
        assert!(!s.marker.exists());
        // The host's late thaw finds nothing frozen.
        assert_eq!(
            call_async(&s.h, "guest-fsfreeze-thaw", Map::new())
                .await
                .unwrap(),
            0
        );

        // A thaw in time disarms it; a new freeze is not thawed by the
        // old timer.
        call_async(&s.h, "guest-fsfreeze-freeze", Map::new())
            .await
            .unwrap();
        call_async(&s.h, "guest-fsfreeze-thaw", Map::new())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
        call_async(&s.h, "guest-fsfreeze-freeze", Map::new())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(s.h.fs.is_frozen(), "old timer must not thaw the new freeze");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!s.h.fs.is_frozen());
    });
    assert_eq!(
        hook_args(&s),
        ["freeze", "thaw", "thaw", "freeze", "thaw", "freeze", "thaw"]
    );
    assert_eq!(events.0.lock().unwrap()[..2], ["frozen", "thawed"]);
}

#[test]
fn stale_freeze_of_a_crashed_agent_is_undone() {
    let s = setup(true, None);
    // Nothing to do without a marker.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert!(rt.block_on(s.h.fs.recover_stale_freeze()).is_none());
    // A previous agent froze /srv and died.
    s.ops.set(
        "/srv",
        FakeFs {
            freeze_depth: 1,
            ..FakeFs::default()
        },
    );
    std::fs::write(&s.marker, "").unwrap();
    let thawed = rt.block_on(s.h.fs.recover_stale_freeze()).unwrap().unwrap();
    assert_eq!(thawed, 1);
    assert!(!s.marker.exists() && !s.h.fs.is_frozen());
    assert_eq!(hook_args(&s), ["thaw"]);
}

#[test]
fn starts_frozen_when_told() {
    let h = Handlers {
        fs: FsState::new(
            FsConfig {
                initially_frozen: true,
                ..FsConfig::default()
            },
            Arc::new(FakeFsOps::with_mountinfo(MOUNTINFO)),
            FakeRunner::new(),
        ),
        ..Handlers::default()
    };
    assert_eq!(
        call(&h, "guest-fsfreeze-status", json!({})).unwrap(),
        "frozen"
    );
    assert_eq!(call(&h, "guest-fsfreeze-thaw", json!({})).unwrap(), 0);
    assert_eq!(
        call(&h, "guest-fsfreeze-status", json!({})).unwrap(),
        "thawed"
    );
}

#[test]
fn fstrim_per_path_results() {
    let s = setup(false, None);
    s.ops.set(
        "/",
        FakeFs {
            trim: Some(Ok(4096)),
            ..FakeFs::default()
        },
    );
    s.ops.set(
        "/boot",
        FakeFs {
            trim: Some(Err(libc::ENOTTY)),
            ..FakeFs::default()
        },
    );
    s.ops.set(
        "/srv",
        FakeFs {
            open_errno: Some(libc::ENOENT),
            ..FakeFs::default()
        },
    );
    let v = call(&s.h, "guest-fstrim", json!({"minimum": 65536})).unwrap();
    assert_eq!(
        v,
        json!({"paths": [
            {"path": "/srv", "error": "failed to open: No such file or directory"},
            {"path": "/boot", "error": "trim not supported"},
            {"path": "/", "trimmed": 4096, "minimum": 65536},
        ]})
    );
    s.ops.set(
        "/boot",
        FakeFs {
            trim: Some(Err(libc::EPERM)),
            ..FakeFs::default()
        },
    );
    let v = call(&s.h, "guest-fstrim", json!({})).unwrap();
    assert_eq!(
        v["paths"][1]["error"],
        "failed to trim: Operation not permitted"
    );
    assert_eq!(v["paths"][2]["minimum"], 0);
    assert_eq!(
        error_of(call(&s.h, "guest-fstrim", json!({"minimum": "x"}))),
        "Invalid parameter type for 'minimum', expected: integer"
    );
}
