//! Both agents run as `nobody` (the tests run as root): the commands
//! that change the machine are refused by the kernel, and our errors must
//! be the C agent's.
//!
//! Safety: every request that would change something if allowed is only
//! sent after checking in `/proc` that BOTH agents run without root's
//! uid and without capabilities (`AgentProcess::is_unprivileged`); the
//! agents get an empty `PATH`, so systemctl and pm-utils are not found.

use std::path::Path;

use crate::support::{AgentProcess, C_AGENT, OURS, RunAs, Value, json};

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHFha3Rlc3RrZXlvbmx5Zm9ycWdhcmVmZXJlbmNl qgatest@example";

struct Pair {
    c: AgentProcess,
    ours: AgentProcess,
}

impl Pair {
    fn start() -> Option<(Pair, tempfile::TempDir)> {
        let user = RunAs::nobody()?;
        if !Path::new(C_AGENT).exists() {
            eprintln!("skipped: {C_AGENT} not found (apt-get install qemu-guest-agent)");
            return None;
        }
        let empty = tempfile::tempdir().unwrap();
        let envs = [("PATH", empty.path().as_os_str())];
        let c = AgentProcess::spawn_as(C_AGENT, &[], Some(user), &envs);
        let ours = AgentProcess::spawn_as(OURS, &[], Some(user), &envs);
        Some((Pair { c, ours }, empty))
    }

    /// Both answers to a request that would change the machine if the
    /// kernel let it: refuses to send it unless both agents are unprivileged.
    fn refused(
        &mut self,
        command: &str,
        args: Value,
    ) -> (Result<Value, String>, Result<Value, String>) {
        assert!(
            self.c.is_unprivileged() && self.ours.is_unprivileged(),
            "an agent runs privileged: not sending {command}"
        );
        (
            self.c.call_result(command, args.clone()),
            self.ours.call_result(command, args),
        )
    }
}

/// How our answer relates to the C agent's.
enum Expect {
    /// The same answer (compared as parsed JSON: member order aside).
    Same,
    /// 10.2 differs from the installed 7.2: the C 7.2 error text, and
    /// the start of ours (10.2's `ga_run_command` quotes the program's
    /// output, which depends on the machine) or the whole of it.
    Since10 {
        c72: &'static str,
        ours: &'static str,
        prefix: bool,
    },
}

use Expect::{Same, Since10};

#[test]
fn refused_commands_give_the_c_agents_errors() {
    let Some((mut p, _path)) = Pair::start() else {
        return;
    };
    let c_major = AgentProcess::major_version();
    let password = json!({"username": "rqga-no-such-user", "password": "eA==", "crypted": false});
    let cases = [
        ("guest-fsfreeze-freeze", json!({}), Same),
        ("guest-fsfreeze-status", json!({}), Same),
        (
            "guest-fsfreeze-freeze-list",
            json!({"mountpoints": ["/"]}),
            Same,
        ),
        ("guest-fsfreeze-status", json!({}), Same),
        ("guest-fsfreeze-thaw", json!({}), Same),
        ("guest-fstrim", json!({}), Same),
        (
            "guest-set-time",
            json!({"time": 1_700_000_000_000_000_000i64}),
            Same,
        ),
        (
            "guest-set-time",
            json!({}),
            Since10 {
                c72: "hwclock failed to set hardware clock to system time",
                ours: "child process has failed to set hardware clock to system time: ",
                prefix: true,
            },
        ),
        (
            "guest-shutdown",
            json!({}),
            Since10 {
                c72: "child process has failed to shutdown",
                ours: "child process has failed to shutdown: ",
                prefix: true,
            },
        ),
        // With no systemctl or pm-utils in PATH and /sys/power/state not
        // writable, or not listing the mode.
        ("guest-suspend-disk", json!({}), Same),
        ("guest-suspend-ram", json!({}), Same),
        ("guest-suspend-hybrid", json!({}), Same),
        (
            "guest-set-vcpus",
            json!({"vcpus": [{"logical-id": 1, "online": false}]}),
            Since10 {
                c72: "open(\"/sys/devices/system/cpu/cpu1//online\"): Permission denied",
                ours: "could not open /sys/devices/system/cpu/cpu1//online: Permission denied",
                prefix: false,
            },
        ),
        (
            "guest-set-memory-blocks",
            json!({"mem-blks": [{"phys-index": 3, "online": false}]}),
            Same,
        ),
        // 7.2 looked chpasswd up in PATH first; 10.2 execs it and quotes
        // the child's perror.
        (
            "guest-set-user-password",
            password,
            Since10 {
                c72: "cannot find 'passwd' program in PATH",
                ours: "child process has failed to set user password: failed to exec 'chpasswd': \
                       No such file or directory\n",
                prefix: false,
            },
        ),
        (
            "guest-ssh-get-authorized-keys",
            json!({"username": "root"}),
            Same,
        ),
        (
            "guest-ssh-add-authorized-keys",
            json!({"username": "root", "keys": [KEY]}),
            Same,
        ),
        (
            "guest-ssh-remove-authorized-keys",
            json!({"username": "root", "keys": [KEY]}),
            Same,
        ),
        ("guest-file-open", json!({"path": "/etc/shadow"}), Same),
        (
            "guest-file-open",
            json!({"path": "/root/rqga-x", "mode": "w"}),
            Same,
        ),
    ];
    for (command, args, expect) in cases {
        if command == "guest-set-vcpus"
            && !Path::new("/sys/devices/system/cpu/cpu1/online").exists()
        {
            eprintln!("skipped guest-set-vcpus: no cpu1 to offline");
            continue;
        }
        let (c, ours) = p.refused(command, args.clone());
        let what = format!("{command} {args}: C {c:?}, ours {ours:?}");
        match expect {
            Since10 {
                c72,
                ours: text,
                prefix,
            } if c_major < 10 => {
                assert_eq!(c.as_ref().err().map(String::as_str), Some(c72), "{what}");
                let ours = ours.expect_err(&what);
                assert!(
                    if prefix {
                        ours.starts_with(text)
                    } else {
                        ours == text
                    },
                    "{what}"
                );
            }
            _ => assert_eq!(c, ours, "{what}"),
        }
    }
    // Nothing was frozen: the marker of neither agent is left.
    for agent in [&p.c, &p.ours] {
        assert!(!agent.dir().join("qga.state.isfrozen").exists());
    }
}
