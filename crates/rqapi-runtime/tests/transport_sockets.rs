//! Unix and TCP sockets, in-memory pairs, and descriptor passing.

mod transport_support;

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};

use rqapi_runtime::transport::{
    Address, Connection, Incoming, ListenOptions, Listener, PeerInfo, connect, memory_pair,
    unix_pair,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use transport_support::{PROMPT, tcp_pair};

/// Sends a line each way and checks both arrive intact.
async fn exchange(client: &mut Connection, server: &mut Connection) {
    client
        .write_all(b"{\"execute\":\"qmp_capabilities\"}\n")
        .await
        .unwrap();
    let mut got = [0u8; 31];
    tokio::time::timeout(PROMPT, server.read_exact(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&got, b"{\"execute\":\"qmp_capabilities\"}\n");
    server.write_all(b"{\"return\": {}}\r\n").await.unwrap();
    let mut got = [0u8; 16];
    tokio::time::timeout(PROMPT, client.read_exact(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&got, b"{\"return\": {}}\r\n");
}

#[tokio::test]
async fn unix_round_trip_with_peer_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let address = Address::Unix(dir.path().join("qmp.sock"));
    let listener = Listener::bind(&address, &ListenOptions::default())
        .await
        .unwrap();
    assert_eq!(listener.local_address().unwrap(), Some(address.clone()));
    let (client, server) = tokio::join!(connect(&address), listener.accept());
    let (mut client, mut server) = (client.unwrap(), server.unwrap());
    exchange(&mut client, &mut server).await;
    let PeerInfo::Unix {
        credentials: Some(creds),
    } = server.peer()
    else {
        panic!("no credentials: {:?}", server.peer());
    };
    assert_eq!(creds.pid, Some(std::process::id() as i32));
    assert_eq!(creds.uid, rustix::process::getuid().as_raw());
    assert_eq!(creds.gid, rustix::process::getgid().as_raw());
}

#[tokio::test]
async fn unix_listen_replaces_old_socket_and_sets_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qga.sock");
    // A stale socket file, as left behind by a killed agent.
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    assert!(std::fs::metadata(&path).unwrap().file_type().is_socket());
    assert!(std::os::unix::net::UnixStream::connect(&path).is_err());

    let options = ListenOptions {
        unix_mode: Some(0o600),
    };
    let address = Address::Unix(path.clone());
    let listener = Listener::bind(&address, &options).await.unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let (client, server) = tokio::join!(connect(&address), listener.accept());
    exchange(&mut client.unwrap(), &mut server.unwrap()).await;
}

#[tokio::test]
async fn unix_listen_refuses_to_delete_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("precious.txt");
    std::fs::write(&path, "data").unwrap();
    let err = Listener::bind(&Address::Unix(path.clone()), &ListenOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("is not a socket"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "data");
}

#[tokio::test]
async fn unix_connect_error_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nobody.sock");
    let err = connect(&Address::Unix(path.clone())).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert!(err.to_string().contains("nobody.sock"), "{err}");
}

#[tokio::test]
async fn tcp_round_trip() {
    let (mut client, mut server) = tcp_pair().await;
    assert!(matches!(server.peer(), PeerInfo::Tcp(addr) if addr.ip().is_loopback()));
    exchange(&mut client, &mut server).await;
    // The client closing is end of file for the server.
    drop(client);
    let mut rest = Vec::new();
    server.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty());
}

#[tokio::test]
async fn incoming_accepts_one_client_after_another() {
    let dir = tempfile::tempdir().unwrap();
    let address = Address::Unix(dir.path().join("agent.sock"));
    let mut incoming = Incoming::open(&address, &ListenOptions::default())
        .await
        .unwrap();
    for _ in 0..2 {
        let (client, server) = tokio::join!(connect(&address), incoming.next());
        exchange(&mut client.unwrap(), &mut server.unwrap().unwrap()).await;
    }
}

#[tokio::test]
async fn incoming_once_yields_a_single_connection() {
    let (a, _b) = memory_pair(64);
    let mut incoming = Incoming::Once(Some(a));
    assert!(incoming.next().await.unwrap().is_ok());
    assert!(incoming.next().await.is_none());
}

#[tokio::test]
async fn memory_and_unix_pairs_round_trip() {
    let (mut a, mut b) = memory_pair(4096);
    assert_eq!(a.peer(), &PeerInfo::Memory);
    exchange(&mut a, &mut b).await;
    let (mut a, mut b) = unix_pair().unwrap();
    exchange(&mut a, &mut b).await;
}

#[tokio::test]
async fn split_halves_work_from_separate_tasks() {
    let (a, b) = unix_pair().unwrap();
    let (mut a_read, mut a_write) = a.into_split();
    let (mut b_read, mut b_write) = b.into_split();
    let echo = tokio::spawn(async move {
        let mut buf = vec![0u8; 1 << 20];
        b_read.read_exact(&mut buf).await.unwrap();
        b_write.write_all(&buf).await.unwrap();
    });
    let payload: Vec<u8> = (0..1u32 << 20).map(|i| (i % 251) as u8).collect();
    let sent = payload.clone();
    let writer = tokio::spawn(async move { a_write.write_all(&sent).await.unwrap() });
    let mut back = vec![0u8; payload.len()];
    tokio::time::timeout(PROMPT, a_read.read_exact(&mut back))
        .await
        .unwrap()
        .unwrap();
    assert!(back == payload);
    writer.await.unwrap();
    echo.await.unwrap();
}

#[tokio::test]
async fn scm_rights_passes_a_usable_pipe() {
    let (mut client, mut server) = unix_pair().unwrap();
    assert!(client.writer_mut().can_send_fds());
    let (pipe_read, pipe_write) = rustix::pipe::pipe().unwrap();
    let command = b"{\"execute\":\"getfd\",\"arguments\":{\"fdname\":\"p\"}}";
    client
        .write_all_with_fds(command, &[pipe_write.as_fd()])
        .await
        .unwrap();
    drop(pipe_write); // only the received copy can write now

    let mut got = vec![0u8; command.len()];
    server.read_exact(&mut got).await.unwrap();
    assert_eq!(got, command);
    let mut fds = server.take_received_fds();
    assert_eq!(fds.len(), 1);
    assert!(
        server.take_received_fds().is_empty(),
        "fds are handed out once"
    );
    // Received descriptors are close-on-exec.
    let flags = rustix::io::fcntl_getfd(&fds[0]).unwrap();
    assert!(flags.contains(rustix::io::FdFlags::CLOEXEC));

    let mut writer = std::fs::File::from(fds.remove(0));
    writer.write_all(b"through the pipe").unwrap();
    drop(writer);
    let mut text = String::new();
    std::fs::File::from(pipe_read)
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, "through the pipe");
}

#[tokio::test]
async fn scm_rights_over_a_listener_connection_and_several_fds() {
    let dir = tempfile::tempdir().unwrap();
    let address = Address::Unix(dir.path().join("fd.sock"));
    let listener = Listener::bind(&address, &ListenOptions::default())
        .await
        .unwrap();
    let (client, server) = tokio::join!(connect(&address), listener.accept());
    let (mut client, mut server) = (client.unwrap(), server.unwrap());
    let pipes: Vec<_> = (0..3).map(|_| rustix::pipe::pipe().unwrap()).collect();
    let borrowed: Vec<_> = pipes.iter().map(|(r, _)| r.as_fd()).collect();
    client.write_all_with_fds(b"x", &borrowed).await.unwrap();
    client.write_all(b"yz").await.unwrap();
    let mut got = [0u8; 3];
    server.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"xyz");
    assert_eq!(server.take_received_fds().len(), 3);
}

#[tokio::test]
async fn fd_passing_is_refused_where_unsupported() {
    let (pipe_read, _pipe_write) = rustix::pipe::pipe().unwrap();
    let (mut a, _b) = memory_pair(64);
    assert!(!a.writer_mut().can_send_fds());
    let err = a
        .write_all_with_fds(b"x", &[pipe_read.as_fd()])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::Unsupported);

    let (mut a, _b) = unix_pair().unwrap();
    let err = a
        .write_all_with_fds(b"", &[pipe_read.as_fd()])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    let many: Vec<_> = (0..17).map(|_| pipe_read.as_fd()).collect();
    let err = a.write_all_with_fds(b"x", &many).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn cannot_listen_on_devices() {
    let err = Listener::bind(&Address::Stdio, &ListenOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn adopts_inherited_listening_sockets_by_family() {
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tcp.local_addr().unwrap().port();
    let listener = Listener::from_listening_fd(tcp.into()).unwrap();
    assert!(matches!(listener, Listener::Tcp(_)));
    let address = Address::Tcp {
        host: "127.0.0.1".into(),
        port,
    };
    let (client, server) = tokio::join!(connect(&address), listener.accept());
    exchange(&mut client.unwrap(), &mut server.unwrap()).await;

    let (pipe_read, _pipe_write) = rustix::pipe::pipe().unwrap();
    assert!(Listener::from_listening_fd(pipe_read).is_err());
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let err = Listener::from_listening_fd(udp.into()).unwrap_err();
    assert!(
        err.to_string().contains("unsupported listen fd type"),
        "{err}"
    );
}

/// Dropping a unix writer half ends the peer's input even while our
/// reading half is still open (as tokio's own halves do).
#[tokio::test]
async fn dropping_the_unix_writer_half_ends_peer_input() {
    let (ours, mut theirs) = unix_pair().unwrap();
    let (reader, writer) = ours.into_split();
    drop(writer);
    let mut rest = Vec::new();
    tokio::time::timeout(PROMPT, theirs.read_to_end(&mut rest))
        .await
        .expect("end of input, not a hang")
        .unwrap();
    assert!(rest.is_empty());
    drop(reader);
}
