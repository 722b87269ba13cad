//! guest-get-time, guest-set-time (fake clock and runner), osinfo, users,
//! load, cpustats and diskstats over a temporary root.

use std::sync::Arc;

use crate::support::calls::{call, call_err};
use crate::support::fakes::{FakeClock, FakeRunner, fake_handlers, put};
use rqapi_runtime::qapi::serde_json::json;
use rqga::commands::Handlers;
use rqga::commands::runner::Captured;
use rqga::commands::system::users::utmp_record;

#[tokio::test]
async fn get_time_is_microsecond_nanoseconds() {
    let t = call(&Handlers::default(), "guest-get-time", json!({}))
        .await
        .unwrap();
    let ns = t.as_i64().unwrap();
    assert_eq!(ns % 1000, 0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64;
    assert!((now - ns).abs() < 5_000_000_000);
}

#[tokio::test]
async fn set_time_checks_then_sets_then_syncs_the_rtc() {
    let dir = tempfile::tempdir().unwrap();
    let (runner, clock) = (FakeRunner::new(), Arc::new(FakeClock::default()));
    let h = fake_handlers(dir.path(), &runner, &clock);

    call(
        &h,
        "guest-set-time",
        json!({"time": 1_700_000_000_123_456_789i64}),
    )
    .await
    .unwrap();
    assert_eq!(*clock.set.lock().unwrap(), [(1_700_000_000, 123_456)]);
    assert_eq!(runner.lines(), ["/sbin/hwclock -w"]);

    // Without a time: the system clock from the RTC, nothing set here.
    call(&h, "guest-set-time", json!({})).await.unwrap();
    assert_eq!(runner.lines()[1], "/sbin/hwclock -s");
    assert_eq!(clock.set.lock().unwrap().len(), 1);

    // Out of 1970..2070 (local calendar): rejected before anything runs.
    for bad in [
        -1_000_000_000i64,
        3_155_760_000_000_000_000,
        i64::MAX,
        i64::MIN,
    ] {
        assert_eq!(
            call_err(&h, "guest-set-time", json!({"time": bad})).await,
            "Invalid time"
        );
    }
    assert_eq!(runner.lines().len(), 2);
    assert_eq!(
        call_err(&h, "guest-set-time", json!({"time": "now"})).await,
        "Invalid parameter type for 'time', expected: integer"
    );

    *clock.fail_with.lock().unwrap() = Some(libc::EPERM);
    assert_eq!(
        call_err(
            &h,
            "guest-set-time",
            json!({"time": 1_700_000_000_000_000_000i64})
        )
        .await,
        "Failed to set time to guest: Operation not permitted"
    );
    *clock.fail_with.lock().unwrap() = None;
    runner.on_captured("/sbin/hwclock", Captured::ExecFailed(libc::ENOENT));
    assert_eq!(
        call_err(&h, "guest-set-time", json!({})).await,
        "child process has failed to set hardware clock to system time: failed to exec '/sbin/hwclock': No such file or directory\n"
    );
}

#[tokio::test]
async fn osinfo_reads_os_release_like_qemu_ga() {
    let dir = tempfile::tempdir().unwrap();
    let h = fake_handlers(dir.path(), &FakeRunner::new(), &Default::default());
    // Nothing to read: only the uname fields.
    let info = call(&h, "guest-get-osinfo", json!({})).await.unwrap();
    assert_eq!(
        info.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["kernel-release", "kernel-version", "machine"]
    );

    // /usr/lib/os-release is the fall-back.
    put(dir.path(), "/usr/lib/os-release", "ID=fallback\n");
    assert_eq!(
        call(&h, "guest-get-osinfo", json!({})).await.unwrap()["id"],
        json!("fallback")
    );

    put(
        dir.path(),
        "/etc/os-release",
        "# comment\nNAME=\"Fancy \\\"OS\\\" \\$x\"\nID=fancy os\nVERSION='1 (q)'\nVERSION_ID=1;2\n\
         PRETTY_NAME=\"unterminated\nVARIANT_ID=\"\"\n  VARIANT = \"Server Edition\"  \n",
    );
    let info = call(&h, "guest-get-osinfo", json!({})).await.unwrap();
    assert_eq!(info["name"], json!("Fancy \"OS\" $x"));
    assert_eq!(info["id"], json!("fancy"));
    assert_eq!(info["version"], json!("'1"));
    assert_eq!(info["version-id"], json!("1"));
    assert_eq!(info["pretty-name"], json!("unterminatedd"));
    assert_eq!(info["variant-id"], json!(""));
    assert_eq!(info["variant"], json!("Server Edition"));

    // A line GLib cannot parse makes the file unusable: the fall-back.
    put(dir.path(), "/etc/os-release", "ID=x\nnot a pair\n");
    assert_eq!(
        call(&h, "guest-get-osinfo", json!({})).await.unwrap()["id"],
        json!("fallback")
    );
    // Not UTF-8: likewise.
    std::fs::write(dir.path().join("etc/os-release"), b"ID=\xff\n").unwrap();
    assert_eq!(
        call(&h, "guest-get-osinfo", json!({})).await.unwrap()["id"],
        json!("fallback")
    );
}

#[tokio::test]
async fn users_from_utmp_deduplicated_with_earliest_login() {
    let dir = tempfile::tempdir().unwrap();
    let h = fake_handlers(dir.path(), &FakeRunner::new(), &Default::default());
    assert_eq!(
        call(&h, "guest-get-users", json!({})).await.unwrap(),
        json!([])
    );
    let mut utmp = Vec::new();
    utmp.extend(utmp_record(2, "reboot", 10, 0)); // BOOT_TIME: ignored
    utmp.extend(utmp_record(7, "alice", 1_700_000_100, 500_000));
    utmp.extend(utmp_record(7, "bob", 1_700_000_050, 250_000));
    utmp.extend(utmp_record(7, "alice", 1_700_000_000, 0));
    utmp.extend(utmp_record(8, "carol", 1, 0)); // DEAD_PROCESS: ignored
    utmp.extend(utmp_record(7, "alice", 1_700_000_200, 0));
    utmp.extend(&[0u8; 100]); // partial record: ignored
    std::fs::create_dir_all(dir.path().join("var/run")).unwrap();
    std::fs::write(dir.path().join("var/run/utmp"), utmp).unwrap();
    assert_eq!(
        call(&h, "guest-get-users", json!({})).await.unwrap(),
        json!([
            {"user": "alice", "login-time": 1_700_000_000.0},
            {"user": "bob", "login-time": 1_700_000_050.25}
        ])
    );
}

#[tokio::test]
async fn load_and_proc_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let h = fake_handlers(dir.path(), &FakeRunner::new(), &Default::default());
    assert_eq!(
        call_err(&h, "guest-get-cpustats", json!({})).await,
        "Could not open '/proc/stat': No such file or directory"
    );
    assert_eq!(
        call_err(&h, "guest-get-diskstats", json!({})).await,
        "Could not open '/proc/diskstats': No such file or directory"
    );
    assert_eq!(
        call_err(&h, "guest-get-load", json!({})).await,
        "cannot query load average: No such file or directory"
    );
    put(dir.path(), "/proc/loadavg", "0.25 1.50 2.00 1/100 1234\n");
    assert_eq!(
        call(&h, "guest-get-load", json!({})).await.unwrap(),
        json!({"load1m": 0.25, "load5m": 1.5, "load15m": 2.0})
    );

    // SAFETY: sysconf has no memory effects.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    let ms = |t: u64| t * 1000 / hz;
    put(
        dir.path(),
        "/proc/stat",
        "cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 100 200 300 400 500 600 700 800 900 1000\n\
         cpu1 10 20 30 40 50\ncpu2 1 2 3 4\nintr 1 2 3\ncpu3 1 2 3\ncpu4 1 2 3 4 5\n",
    );
    let stats = call(&h, "guest-get-cpustats", json!({})).await.unwrap();
    assert_eq!(
        stats,
        json!([
            {"type": "linux", "cpu": 0, "user": ms(100), "nice": ms(200), "system": ms(300),
             "idle": ms(400), "iowait": ms(500), "irq": ms(600), "softirq": ms(700),
             "steal": ms(800), "guest": ms(900), "guestnice": ms(1000)},
            {"type": "linux", "cpu": 1, "user": ms(10), "nice": ms(20), "system": ms(30),
             "idle": ms(40), "iowait": ms(50)},
            {"type": "linux", "cpu": 2, "user": ms(1), "nice": ms(2), "system": ms(3), "idle": ms(4)}
        ]),
        "a cpu line with fewer than 4 numbers ends the list"
    );

    put(
        dir.path(),
        "/proc/diskstats",
        "   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n\
            8       1 sda1 1 2 3 4\n\
            8       2 sda2 1 2 3 4 5 6 7 8 9 10 11\n\
            8       3 sda3 1 2 3 4 5 6 7\n\
         garbage\n",
    );
    let disks = call(&h, "guest-get-diskstats", json!({})).await.unwrap();
    assert_eq!(disks.as_array().unwrap().len(), 4);
    assert_eq!(
        disks[0],
        json!({"name": "sda", "major": 8, "minor": 0, "stats": {
            "read-ios": 1, "read-merges": 2, "read-sectors": 3, "read-ticks": 4,
            "write-ios": 5, "write-merges": 6, "write-sectors": 7, "write-ticks": 8,
            "ios-pgr": 9, "total-ticks": 10, "weight-ticks": 11,
            "discard-ios": 12, "discard-merges": 13, "discard-sectors": 14, "discard-ticks": 15,
            "flush-ios": 16, "flush-ticks": 17}})
    );
    assert_eq!(
        disks[1]["stats"],
        json!({"read-ios": 1, "read-sectors": 2, "write-ios": 3, "write-sectors": 4})
    );
    assert_eq!(disks[2]["stats"]["weight-ticks"], json!(11));
    assert!(disks[2]["stats"].get("discard-ios").is_none());
    // 7 numbers: neither the old 4-field form nor the 11-field one.
    assert_eq!(disks[3]["stats"], json!({}));
}

#[tokio::test]
async fn host_name_and_timezone_answer() {
    let h = Handlers::default();
    let name = call(&h, "guest-get-host-name", json!({})).await.unwrap();
    assert!(!name["host-name"].as_str().unwrap().is_empty());
    let tz = call(&h, "guest-get-timezone", json!({})).await.unwrap();
    assert!(tz["offset"].is_i64());
}
