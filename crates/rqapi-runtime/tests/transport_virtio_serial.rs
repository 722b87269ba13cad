//! virtio-serial session handling, emulated with a pseudo-terminal.
//!
//! The agent holds the pty master as its "port"; the test opens and closes
//! the slave to play a host program attaching to and leaving the host-side
//! chardev. Like a virtio port without a host, a master without slave
//! reports POLLHUP and its reads fail (EIO instead of 0/EAGAIN); unlike a
//! real port, attaching does not wake the master, so the port notices the
//! host's return when its first bytes arrive (or at the recheck timer).
//! Real virtio wakeups on host open/close are covered only by the VM test.

mod transport_support;

use std::os::fd::OwnedFd;
use std::time::Duration;

use rqapi_runtime::transport::{PeerInfo, VirtioSerialOptions, VirtioSerialPort};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use transport_support::{PROMPT, assert_stays_pending, open_pty, open_raw_slave};

fn port_with_host(recheck: Duration) -> (VirtioSerialPort, OwnedFd, std::path::PathBuf) {
    let (master, slave_path) = open_pty();
    let host = open_raw_slave(&slave_path);
    let options = VirtioSerialOptions {
        recheck_interval: recheck,
    };
    let port = VirtioSerialPort::from_fd(master, "/dev/vport0p1".as_ref(), options).unwrap();
    (port, host, slave_path)
}

async fn host_write(host: &OwnedFd, bytes: &[u8]) {
    assert_eq!(rustix::io::write(host, bytes).unwrap(), bytes.len());
}

fn host_read(host: &OwnedFd, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        filled += rustix::io::read(host, &mut buf[filled..]).unwrap();
    }
    buf
}

#[tokio::test]
async fn sessions_follow_host_attach_and_detach() {
    let never = Duration::from_secs(3600);
    let (mut port, host, slave_path) = port_with_host(never);
    assert!(port.host_connected().unwrap());

    let mut first = tokio::time::timeout(PROMPT, port.next_session())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        first.peer(),
        &PeerInfo::VirtioSerial {
            path: "/dev/vport0p1".into(),
            session: 1
        }
    );
    host_write(&host, b"{\"execute\":\"guest-ping\"}").await;
    let mut got = [0u8; 24];
    tokio::time::timeout(PROMPT, first.read_exact(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&got, b"{\"execute\":\"guest-ping\"}");
    first.write_all(b"{\"return\": {}}\n").await.unwrap();
    assert_eq!(host_read(&host, 15), b"{\"return\": {}}\n");

    // A pending read ends (EOF) when the host goes away.
    let mut buf = [0u8; 16];
    let reading = first.read(&mut buf);
    let reading = assert_stays_pending(reading, Duration::from_millis(200)).await;
    drop(host);
    let n = tokio::time::timeout(PROMPT, reading)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 0, "host detach is end of file for the session");
    assert!(!port.host_connected().unwrap());
    let err = first.write_all(b"late").await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);

    // While the host is away the port waits without spinning and without
    // the recheck timer (set to an hour here).
    let waiting = assert_stays_pending(port.next_session(), Duration::from_millis(300)).await;
    let host = open_raw_slave(&slave_path);
    host_write(&host, b"{\"execute\":\"guest-sync\"}").await;
    let mut second = tokio::time::timeout(PROMPT, waiting)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        second.peer(),
        PeerInfo::VirtioSerial { session: 2, .. }
    ));
    let mut got = [0u8; 24];
    tokio::time::timeout(PROMPT, second.read_exact(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&got, b"{\"execute\":\"guest-sync\"}");
    second.write_all(b"ok").await.unwrap();
    assert_eq!(host_read(&host, 2), b"ok");
}

#[tokio::test]
async fn recheck_timer_notices_a_silent_host_return() {
    let (mut port, host, slave_path) = port_with_host(Duration::from_millis(50));
    let first = port.next_session().await.unwrap();
    drop(host);
    let (mut reader, _writer) = first.into_split();
    let mut buf = [0u8; 8];
    assert_eq!(
        tokio::time::timeout(PROMPT, reader.read(&mut buf))
            .await
            .unwrap()
            .unwrap(),
        0
    );

    let _host = open_raw_slave(&slave_path);
    let second = tokio::time::timeout(PROMPT, port.next_session())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        second.peer(),
        PeerInfo::VirtioSerial { session: 2, .. }
    ));
}

#[tokio::test]
async fn new_session_supersedes_the_previous_one() {
    let (mut port, host, _path) = port_with_host(Duration::from_secs(1));
    let mut first = port.next_session().await.unwrap();
    let mut second = port.next_session().await.unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(first.read(&mut buf).await.unwrap(), 0);
    assert_eq!(
        first.write_all(b"x").await.unwrap_err().kind(),
        std::io::ErrorKind::BrokenPipe
    );
    host_write(&host, b"ping").await;
    tokio::time::timeout(PROMPT, second.read_exact(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&buf, b"ping");
}

#[tokio::test]
async fn session_write_waits_when_host_does_not_read() {
    let (mut port, host, _path) = port_with_host(Duration::from_secs(1));
    let mut session = port.next_session().await.unwrap();
    let big = vec![b'y'; 1 << 20];
    let pending = assert_stays_pending(session.write_all(&big), Duration::from_millis(300)).await;
    let reader = tokio::task::spawn_blocking(move || host_read(&host, 1 << 20));
    tokio::time::timeout(PROMPT, pending)
        .await
        .unwrap()
        .unwrap();
    assert!(reader.await.unwrap().iter().all(|&b| b == b'y'));
}

#[tokio::test]
async fn open_error_names_the_path() {
    let err = VirtioSerialPort::open(
        "/nonexistent/virtio-ports/org.qemu.guest_agent.0".as_ref(),
        VirtioSerialOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("error opening channel '/nonexistent/"),
        "{err}"
    );
}
