//! `rqapi call` against Debian's C guest agent (`/usr/sbin/qemu-ga`,
//! skipped when missing): the flavour is detected and the agent's error
//! texts come through unchanged.

mod support;

use support::{json, rqapi};

struct QemuGa {
    child: std::process::Child,
    dir: tempfile::TempDir,
}

impl QemuGa {
    fn start() -> Option<QemuGa> {
        let binary = std::path::Path::new("/usr/sbin/qemu-ga");
        if !binary.exists() {
            eprintln!("skipped: /usr/sbin/qemu-ga not found");
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("qga.sock");
        let state = dir.path().join("state");
        std::fs::create_dir(&state).expect("state dir");
        let mut child = std::process::Command::new(binary)
            .args(["-m", "unix-listen", "-p"])
            .arg(&socket)
            .arg("-t")
            .arg(&state)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start qemu-ga");
        for _ in 0..100 {
            if socket.exists() {
                return Some(QemuGa { child, dir });
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("qemu-ga did not create its socket");
    }

    fn address(&self) -> String {
        self.dir
            .path()
            .join("qga.sock")
            .to_str()
            .unwrap()
            .to_owned()
    }
}

impl Drop for QemuGa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn c_guest_agent_auto_detected() {
    let Some(agent) = QemuGa::start() else { return };
    let address = agent.address();
    let run = rqapi(&["call", &address, "guest-ping", "--timeout", "10"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(0), "{}\n"),
        "{run:?}"
    );

    let run = rqapi(&["call", &address, "guest-info", "--raw", "--timeout", "10"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let info = json(&run.stdout);
    let names: Vec<&str> = info["supported_commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"guest-sync-delimited"), "{names:?}");

    let run = rqapi(&[
        "call",
        &address,
        "guest-sync",
        "id=12345",
        "--flavour",
        "ga",
    ]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(0), "12345\n"),
        "{run:?}"
    );

    let missing = agent.dir.path().join("no-such-file");
    let path = format!("path={}", missing.display());
    let run = rqapi(&["call", &address, "guest-file-open", &path]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "GenericError: failed to open file '{}' (mode: 'r'): No such file or directory\n",
            missing.display()
        )
    );
    let run = rqapi(&["call", &address, "guest-no-such-command"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "CommandNotFound: The command guest-no-such-command has not been found\n"
    );
    let run = rqapi(&["call", &address, "guest-ping", "bogus=1"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "GenericError: Parameter 'bogus' is unexpected\n"
    );
}
