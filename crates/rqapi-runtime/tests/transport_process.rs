//! Transports that depend on process state: systemd socket activation and
//! stdio. Each runs this test binary again as a child (selected by an
//! environment variable), so descriptor 3 and stdin/stdout are the child's
//! own and the parent test process is left untouched.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::OwnedFd;
use std::process::{Command, Stdio};

use rqapi_runtime::transport::{
    Listener, activated_listener, stdio_connection, take_activation_fds,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

const CHILD_ROLE: &str = "RQAPI_TRANSPORT_TEST_CHILD";

fn child_role() -> Option<String> {
    std::env::var(CHILD_ROLE).ok()
}

/// Runs one test of this binary in a child, with the listening socket as
/// fd 3 and LISTEN_PID set to the child's pid (only known inside it, hence
/// the shell: `$$` there is the pid that `exec` keeps). The socket travels
/// as the shell's stdin and then moves to fd 3 (dash only handles
/// one-digit descriptor numbers in redirections).
fn spawn_activated_child(
    test: &str,
    role: &str,
    listener: std::os::unix::net::UnixListener,
    listen_pid: &str,
) -> std::process::Child {
    let exe = std::env::current_exe().unwrap();
    let script = format!("exec 3<&0 </dev/null; {listen_pid}; exec \"$0\" \"$@\"");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ROLE, role)
        .env("LISTEN_FDS", "1")
        .stdin(Stdio::from(OwnedFd::from(listener)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn check_child(child: std::process::Child) {
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "child ran no test:\n{stdout}");
}

#[test]
fn socket_activation_serves_on_fd_3() {
    if child_role().is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("activated.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let child = spawn_activated_child(
        "activation_child",
        "activated",
        listener,
        "export LISTEN_PID=$$",
    );

    let mut stream = match std::os::unix::net::UnixStream::connect(&path) {
        Ok(stream) => stream,
        Err(e) => {
            let out = child.wait_with_output().unwrap();
            panic!(
                "{e}: {:?} {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    };
    stream.write_all(b"ping\n").unwrap();
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).unwrap();
    assert_eq!(line, "PING\n");
    check_child(child);
}

#[test]
fn socket_activation_for_another_pid_is_ignored() {
    if child_role().is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let listener = std::os::unix::net::UnixListener::bind(dir.path().join("x.sock")).unwrap();
    let child = spawn_activated_child(
        "activation_child",
        "foreign",
        listener,
        "export LISTEN_PID=1",
    );
    check_child(child);
}

#[test]
fn no_activation_without_environment() {
    if child_role().is_some() || std::env::var_os("LISTEN_PID").is_some() {
        return;
    }
    assert!(take_activation_fds().unwrap().is_empty());
}

/// The child side of the activation tests.
#[tokio::test]
async fn activation_child() {
    match child_role().as_deref() {
        Some("activated") => {
            let listener = activated_listener()
                .unwrap()
                .expect("an activated listener");
            assert!(matches!(listener, Listener::Unix { path: None, .. }));
            // fd 3 now belongs to the listener and is close-on-exec.
            let flags = rustix::io::fcntl_getfd(fd3()).unwrap();
            assert!(flags.contains(rustix::io::FdFlags::CLOEXEC));
            // A second attempt must not adopt the same descriptors again.
            assert!(take_activation_fds().is_err());

            let connection = listener.accept().await.unwrap();
            let (reader, mut writer) = connection.into_split();
            let mut line = String::new();
            tokio::io::BufReader::new(reader)
                .read_line(&mut line)
                .await
                .unwrap();
            writer
                .write_all(line.to_uppercase().as_bytes())
                .await
                .unwrap();
        }
        Some("foreign") => {
            assert!(activated_listener().unwrap().is_none());
            // fd 3 was not adopted (so not closed, nor made close-on-exec).
            let flags = rustix::io::fcntl_getfd(fd3()).unwrap();
            assert!(!flags.contains(rustix::io::FdFlags::CLOEXEC));
        }
        _ => {}
    }
}

/// Borrows descriptor 3 for flag queries in the child.
fn fd3() -> std::os::fd::BorrowedFd<'static> {
    // SAFETY: only called in the child process, where fd 3 was set up by
    // the parent's shell and stays open until the process exits.
    unsafe { std::os::fd::BorrowedFd::borrow_raw(3) }
}

#[test]
fn stdio_round_trip() {
    if child_role().is_some() {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["stdio_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ROLE, "stdio")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"execute\":\"guest-info\"}\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("<<{\"execute\":\"guest-info\"}>>"),
        "{stdout}"
    );
}

/// The child side of the stdio test: echoes one line, marked.
#[tokio::test]
async fn stdio_child() {
    if child_role().as_deref() != Some("stdio") {
        return;
    }
    let (reader, mut writer) = stdio_connection().into_split();
    let mut line = String::new();
    tokio::io::BufReader::new(reader)
        .read_line(&mut line)
        .await
        .unwrap();
    let reply = format!("<<{}>>\n", line.trim_end());
    writer.write_all(reply.as_bytes()).await.unwrap();
    writer.flush().await.unwrap();
}
