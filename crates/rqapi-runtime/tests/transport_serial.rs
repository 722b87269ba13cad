//! isa-serial ttys, exercised through a pseudo-terminal: the agent opens
//! the pty slave as its serial port, the test plays the host on the master.

mod transport_support;

use std::time::Duration;

use rqapi_runtime::transport::{Address, Incoming, ListenOptions, PeerInfo, fd_connection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use transport_support::{PROMPT, assert_stays_pending, open_pty};

#[tokio::test]
async fn serial_round_trip_is_raw() {
    let (master, slave_path) = open_pty();
    let address = Address::Serial(slave_path.clone());
    let mut incoming = Incoming::open(&address, &ListenOptions::default())
        .await
        .unwrap();
    let mut agent = incoming.next().await.unwrap().unwrap();
    assert_eq!(agent.peer(), &PeerInfo::Serial { path: slave_path });
    assert!(incoming.next().await.is_none());
    let mut host = fd_connection(master, PeerInfo::Memory).unwrap();

    // CR, LF and ^C pass untouched and without waiting for a line end.
    host.write_all(b"{\"execute\":\r\x03\n").await.unwrap();
    let mut got = [0u8; 14];
    tokio::time::timeout(PROMPT, agent.read_exact(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&got, b"{\"execute\":\r\x03\n");

    // No echo of what the host sent, and no LF -> CRLF on output.
    agent.write_all(b"{}\n").await.unwrap();
    let mut got = [0u8; 3];
    tokio::time::timeout(PROMPT, host.read_exact(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&got, b"{}\n");
}

#[tokio::test]
async fn serial_discards_input_that_predates_opening() {
    let (master, slave_path) = open_pty();
    rustix::io::write(&master, b"stale junk").unwrap();
    let mut agent = rqapi_runtime::transport::open_serial(&slave_path).unwrap();
    // (The pty may echo the junk back to the host before raw mode is set,
    // as it would for qemu-ga; only what the agent reads is checked.)
    rustix::io::write(&master, b"fresh").unwrap();
    let mut got = [0u8; 5];
    tokio::time::timeout(PROMPT, agent.read_exact(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&got, b"fresh");
}

#[tokio::test]
async fn serial_termios_matches_qemu_ga() {
    let (_master, slave_path) = open_pty();
    let _agent = rqapi_runtime::transport::open_serial(&slave_path).unwrap();
    let probe = rustix::fs::open(
        &slave_path,
        rustix::fs::OFlags::RDWR | rustix::fs::OFlags::NOCTTY,
        rustix::fs::Mode::empty(),
    )
    .unwrap();
    let tio = rustix::termios::tcgetattr(&probe).unwrap();
    use rustix::termios::{InputModes, SpecialCodeIndex};
    assert!(tio.local_modes.is_empty());
    assert!(tio.output_modes.is_empty());
    assert!(
        !tio.input_modes
            .intersects(InputModes::ICRNL | InputModes::IXON | InputModes::ISTRIP)
    );
    assert_eq!(tio.special_codes[SpecialCodeIndex::VMIN], 1);
    assert_eq!(tio.special_codes[SpecialCodeIndex::VTIME], 0);
    assert_eq!(tio.output_speed(), 38400);
}

#[tokio::test]
async fn serial_open_error_names_the_path() {
    let err = rqapi_runtime::transport::open_serial("/nonexistent/ttyS9".as_ref()).unwrap_err();
    assert!(
        err.to_string()
            .contains("error opening channel '/nonexistent/ttyS9'"),
        "{err}"
    );
}

#[tokio::test]
async fn serial_write_waits_when_host_does_not_read() {
    let (master, slave_path) = open_pty();
    let mut agent = rqapi_runtime::transport::open_serial(&slave_path).unwrap();
    let mut host = fd_connection(master, PeerInfo::Memory).unwrap();
    let big = vec![b'x'; 1 << 20];
    let pending = assert_stays_pending(agent.write_all(&big), Duration::from_millis(300)).await;
    // Once the host reads, the write completes.
    let reader = tokio::spawn(async move {
        let mut buf = vec![0u8; 1 << 20];
        host.read_exact(&mut buf).await.unwrap();
        buf
    });
    tokio::time::timeout(PROMPT, pending)
        .await
        .unwrap()
        .unwrap();
    assert!(reader.await.unwrap().iter().all(|&b| b == b'x'));
}
