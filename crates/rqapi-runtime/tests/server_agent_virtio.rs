//! The guest-agent server on a virtio-serial port (emulated with a pty, as
//! in transport_virtio_serial.rs): a host that leaves mid-request does not
//! leave its partial request to the next host session.

#[path = "server_support/demo.rs"]
mod demo;
#[path = "transport_support/mod.rs"]
mod transport_support;

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Duration;

use rqapi_runtime::server::{CancellationToken, GuestAgentConfig, GuestAgentServer};
use rqapi_runtime::transport::{Incoming, VirtioSerialOptions, VirtioSerialPort};
use transport_support::{open_pty, open_raw_slave};

fn host_write(host: &OwnedFd, bytes: &[u8]) {
    assert_eq!(rustix::io::write(host, bytes).unwrap(), bytes.len());
}

/// Reads one line from the host side (blocking, off the runtime).
async fn host_line(host: Arc<OwnedFd>) -> String {
    let read = tokio::task::spawn_blocking(move || {
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while line.last() != Some(&b'\n') {
            assert_eq!(rustix::io::read(&*host, &mut byte).unwrap(), 1);
            line.push(byte[0]);
        }
        String::from_utf8(line).unwrap()
    });
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parser_reset_per_host_session() {
    let (master, slave_path) = open_pty();
    let host = Arc::new(open_raw_slave(&slave_path));
    let options = VirtioSerialOptions {
        recheck_interval: Duration::from_millis(50),
    };
    let port = VirtioSerialPort::from_fd(master, "/dev/vport0p1".as_ref(), options).unwrap();
    let server = GuestAgentServer::new(Arc::new(demo::Demo), GuestAgentConfig::default());
    let stop = CancellationToken::new();
    let serving = tokio::spawn({
        let stop = stop.clone();
        async move { server.serve(Incoming::VirtioSerial(port), stop).await }
    });

    host_write(&host, br#"{"execute": "guest-ping", "id": 1}"#);
    assert_eq!(
        host_line(host.clone()).await,
        "{\"return\": {}, \"id\": 1}\n"
    );
    // The host leaves in the middle of a request...
    host_write(&host, br#"{"execute": "echo", "arguments": {"#);
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(host);
    tokio::time::sleep(Duration::from_millis(200)).await;
    // ...and the next host session starts clean.
    let host = Arc::new(open_raw_slave(&slave_path));
    host_write(&host, br#"{"execute": "guest-ping", "id": 2}"#);
    assert_eq!(
        host_line(host.clone()).await,
        "{\"return\": {}, \"id\": 2}\n"
    );

    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), serving)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
