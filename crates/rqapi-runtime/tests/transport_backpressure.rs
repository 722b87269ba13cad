//! A peer that does not read must hold writers back without any spinning:
//! the write future stays pending and is polled only when woken.

mod transport_support;

use std::time::Duration;

use rqapi_runtime::transport::{Connection, memory_pair, unix_pair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use transport_support::{PROMPT, assert_stays_pending, tcp_pair};

/// Writes `size` bytes to `writer` while `reader` is idle, checks that the
/// write waits quietly, then lets the reader drain and the write finish.
async fn write_waits_for_reader(mut writer: Connection, mut reader: Connection, size: usize) {
    let payload = vec![7u8; size];
    let pending =
        assert_stays_pending(writer.write_all(&payload), Duration::from_millis(300)).await;
    let drain = tokio::spawn(async move {
        let mut buf = vec![0u8; size];
        reader.read_exact(&mut buf).await.map(|_| buf)
    });
    tokio::time::timeout(PROMPT, pending)
        .await
        .unwrap()
        .unwrap();
    let got = drain.await.unwrap().unwrap();
    assert!(got.iter().all(|&b| b == 7));
}

#[tokio::test]
async fn unix_socket_writer_waits() {
    let (a, b) = unix_pair().unwrap();
    write_waits_for_reader(a, b, 16 << 20).await;
}

#[tokio::test]
async fn tcp_writer_waits() {
    let (client, server) = tcp_pair().await;
    // Loopback TCP buffers can grow to several MiB: write well past that.
    write_waits_for_reader(client, server, 64 << 20).await;
}

#[tokio::test]
async fn memory_pair_writer_waits() {
    let (a, b) = memory_pair(4096);
    write_waits_for_reader(a, b, 1 << 20).await;
}

#[tokio::test]
async fn fd_passing_write_waits() {
    use std::os::fd::AsFd;
    let (mut a, b) = unix_pair().unwrap();
    // Fill the socket so the descriptor-carrying write must wait.
    let filler = vec![1u8; 16 << 20];
    let pending = assert_stays_pending(a.write_all(&filler), Duration::from_millis(100)).await;
    drop(pending);
    let (pipe_read, _pipe_write) = rustix::pipe::pipe().unwrap();
    let fds = [pipe_read.as_fd()];
    let send = a.write_all_with_fds(b"with fd", &fds);
    let send = assert_stays_pending(send, Duration::from_millis(300)).await;
    let (mut reader, _writer) = b.into_split();
    let drain = tokio::spawn(async move {
        let mut sink = Vec::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut fds = Vec::new();
        while !sink.ends_with(b"with fd") {
            let n = reader.read(&mut buf).await.unwrap();
            assert!(n > 0);
            sink.extend_from_slice(&buf[..n]);
            fds.extend(reader.take_received_fds());
        }
        fds.len()
    });
    tokio::time::timeout(PROMPT, send).await.unwrap().unwrap();
    assert_eq!(
        tokio::time::timeout(PROMPT, drain).await.unwrap().unwrap(),
        1
    );
}
