//! Differential tests against Debian's C agent (`/usr/sbin/qemu-ga`).
//!
//! The installed agent is 7.2; rqga follows 10.2 where they differ, and
//! each comparison below says how:
//! - `--dump-conf`: 10.2 adds a final `allow-rpcs=` line (dropped before
//!   comparing with 7.x);
//! - getopt diagnostics: 10.2 scans argv twice (once for `-c`, once for
//!   the rest), so each diagnostic is printed twice;
//! - agent start-up failures: 10.2 exits 1 (7.2 exits 0), and opens the
//!   channel during start-up, so it also logs `error initializing guest
//!   agent` after a channel error.

use std::ffi::OsStr;

use crate::support::cli::*;

fn nonexistent_conf() -> &'static OsStr {
    OsStr::new("/nonexistent/rqga-test/qemu-ga.conf")
}

/// Runs both agents; returns (ours, C's with 7.2→10.2 adjustments).
fn both(args: &[&str], conf: &OsStr, env: &[(&str, &str)]) -> (Outcome, Outcome) {
    let ours = run(OURS, args, conf, env);
    let mut theirs = run(C_AGENT, args, conf, env);
    if c_is_7x() {
        if ours.stdout.contains("allow-rpcs=") && !theirs.stdout.contains("allow-rpcs=") {
            theirs.stdout = format!("{}allow-rpcs=\n", theirs.stdout);
        }
        if theirs.code == Some(1) && theirs.stdout.starts_with("Unknown option") {
            theirs.stderr = theirs.stderr.repeat(2);
        }
    }
    (ours, theirs)
}

const DUMP_CASES: &[&[&str]] = &[
    &["-D"],
    &["-D", "-d", "-v", "-r"],
    &["-vdrD"],
    &["-D", "-m", "unix-listen", "-p", "/run/qga.sock"],
    &["-Dmisa-serial"],
    &["-D", "-m", "vsock-listen", "-p", "3:1234"],
    &["-D", "-F"],
    &["-D", "-F/x/hook"],
    &["-D", "--fsfreeze-hook=/y"],
    &["-D", "--fsfreeze-hook", "/y"],
    &["-D", "--fsfreeze-hook="],
    &["-D", "-b", "guest-exec,guest-ping", "-b", "guest-info"],
    &["-D", "-b", "a,,b,"],
    &["-D", "--block-rpcs=guest-exec", "-b", ""],
    &["-D", "-l", " \tlead\\x tab\t", "-f", "/p", "-t", "/st"],
    &["-D", "-t", "relative", "-p", "a\nb\rc"],
    &[
        "--dump",
        "--meth=unix-listen",
        "--pa",
        "/s",
        "--pi=/pid",
        "--st",
        "/x",
        "--log=/l",
    ],
    &["-D", "-s", "install"],
    &["foo", "-D", "bar"],
    &["-D", "-m", "bogus", "-p", "x"],
    &["-D", "--", "-x"],
    &["-D", "-m", "-p", "-p", "-m"],
    &["-D", "-F", "/not-the-hook", "-v"],
];

#[test]
fn dump_conf_matches_c_agent() {
    if c_agent().is_none() {
        return;
    }
    for args in DUMP_CASES {
        let (ours, theirs) = both(args, nonexistent_conf(), &[]);
        assert_eq!(ours, theirs, "args {args:?}");
    }
    // POSIXLY_CORRECT stops the scan at the first non-option.
    let env = [("POSIXLY_CORRECT", "1")];
    let (ours, theirs) = both(&["-D", "x", "-v"], nonexistent_conf(), &env);
    assert_eq!(ours, theirs);
    eprintln!("dump-conf: {} cases match", DUMP_CASES.len() + 1);
}

const CONF_CASES: &[(&str, &[&str])] = &[
    (
        "[general]\ndaemon=true\nmethod=unix-listen\npath=/tmp/s\nlogfile=/l\npidfile=/p\n\
         fsfreeze-hook=/h\nstatedir=/s\nverbose=1\nretry-path=true\nblock-rpcs=guest-exec,guest-ping\n",
        &["-D"],
    ),
    (
        "[general]\ndaemon=true\nmethod=unix-listen\npath=/tmp/s\nblock-rpcs=guest-exec,guest-ping\n",
        &["-D", "-m", "isa-serial", "-p", "/dev/ttyS1", "-b", "x,y"],
    ),
    (
        "# comment\n\n[other]\nk=v\n[general]  \r\n  method = unix-listen  \npath=\\s/sp ace\\\\\n\
         verbose = false\nverbose=0\n[general]\nblock-rpcs=a;b,c\nname[de]=x\n",
        &["-D"],
    ),
    ("", &["-D"]),
    ("# only a comment\n", &["-D", "-v"]),
    (
        "[general]\ndaemon = 0 \t\nretry-path=1\nstatedir=\\t/tab\n",
        &["-D"],
    ),
    ("[general]\nverbose=true\n", &["-D"]),
    ("[general]\nmethod=isa-serial", &["-D"]),
    // Errors: a critical in GLib's default format, exit 1.
    ("method=unix-listen\n", &["-D"]),
    ("[general]\njunk line\n", &["-D"]),
    ("[general]\ndaemon=yes\n", &["-D"]),
    ("[general]\npath=\\q\n", &["-D"]),
    ("[]\n", &["-D"]),
    ("[general]\n]=x\n", &["-D"]),
    ("[general]\nEncoding=latin1\n", &["-D"]),
    ("[general]\npath=/\u{e9}\n", &["-D"]),
    // The config file is read before -V/-h/-b help act.
    ("[general]\nretry-path=maybe\n", &["-V"]),
];

#[test]
fn config_files_match_c_agent() {
    if c_agent().is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("qemu-ga.conf");
    for (text, args) in CONF_CASES {
        std::fs::write(&conf, text).expect("write conf");
        let (ours, theirs) = both(args, conf.as_os_str(), &[]);
        assert_eq!(ours, theirs, "conf {text:?} args {args:?}");
    }
    // Invalid UTF-8 in a value.
    std::fs::write(&conf, b"[general]\npath=/\xff\n").expect("write conf");
    let (ours, theirs) = both(&["-D"], conf.as_os_str(), &[]);
    assert_eq!(ours, theirs);
    // A directory is not a regular file.
    let (ours, theirs) = both(&["-D"], dir.path().as_os_str(), &[]);
    assert_eq!(ours, theirs);
    // The example configuration we ship.
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dist/qemu-ga.conf");
    let (ours, theirs) = both(&["-D"], example.as_os_str(), &[]);
    assert_eq!(ours, theirs);
    eprintln!("config files: {} cases match", CONF_CASES.len() + 3);
}

const BAD_OPTION_CASES: &[&[&str]] = &[
    &["-x"],
    &["--foo=bar"],
    &["--ver"],
    &["--ver=1"],
    &["--d"],
    &["--p"],
    &["--help=x"],
    &["--method"],
    &["-D", "-m"],
    &["-s"],
    &["--service", "install"],
    &["-W", "foo"],
    &["-vdz"],
    &["--dump-conf=yes"],
];

#[test]
fn bad_options_match_c_agent() {
    if c_agent().is_none() {
        return;
    }
    for args in BAD_OPTION_CASES {
        let (ours, theirs) = both(args, nonexistent_conf(), &[]);
        assert_eq!(ours, theirs, "args {args:?}");
        assert_eq!(ours.code, Some(1));
    }
    let (ours, theirs) = both(&["-m", "unix-listen"], nonexistent_conf(), &[]);
    assert_eq!(ours, theirs, "missing path");
    eprintln!("bad options: {} cases match", BAD_OPTION_CASES.len() + 1);
}

#[test]
fn version_help_and_command_list() {
    if c_agent().is_none() {
        return;
    }
    let conf = nonexistent_conf();
    // -V: same format, our interface version.
    let (ours, theirs) = both(&["--version"], conf, &[]);
    let shape = |s: &str| {
        s.trim_end()
            .rsplit_once(' ')
            .map(|(head, v)| (head.to_string(), v.split('.').count()))
    };
    assert_eq!(shape(&ours.stdout), shape(&theirs.stdout));
    assert_eq!(ours.stdout, "QEMU Guest Agent 10.2.0\n");
    assert_eq!((ours.code, &ours.stderr), (theirs.code, &theirs.stderr));

    // -b help: 10.2 made guest-get-devices Windows-only and added
    // guest-get-load and guest-network-get-route; otherwise same order.
    for help in [
        &["-b", "help"][..],
        &["-b?"],
        &["--allow-rpcs=help"],
        &["--block-rpcs", "?"],
    ] {
        let ours = run(OURS, help, conf, &[]);
        assert_eq!(ours.code, Some(0), "{help:?}");
        let theirs = run(C_AGENT, &["-b", "help"], conf, &[]);
        let mut expected: Vec<&str> = theirs
            .stdout
            .lines()
            .filter(|&c| c != "guest-get-devices")
            .collect();
        if c_is_7x() {
            expected.extend(["guest-get-load", "guest-network-get-route"]);
        }
        assert_eq!(ours.stdout.lines().collect::<Vec<_>>(), expected);
    }

    // -h: the option descriptions from -m to -d are unchanged since 7.2.
    let (ours, theirs) = both(&["-h"], conf, &[]);
    assert_eq!(ours.code, Some(0));
    let block = |s: &str| -> String {
        let start = s.find("  -m, --method").unwrap_or(0);
        let end = s.find("  -b, --block-rpcs").unwrap_or(s.len());
        s[start..end].to_string()
    };
    assert_eq!(block(&ours.stdout), block(&theirs.stdout));
    assert_eq!(
        ours.stdout.lines().next(),
        theirs.stdout.lines().next(),
        "Usage: line"
    );
}

#[test]
fn startup_failures_match_c_agent() {
    if c_agent().is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let sock = dir.path().join("s");
    let sock = sock.to_str().expect("utf-8 temp path");
    let conf = nonexistent_conf();
    for statedir in ["/nonexistent/rqga-state", "relative-missing"] {
        let args = ["-m", "unix-listen", "-p", sock, "-t", statedir];
        let (ours, theirs) = both(&args, conf, &[]);
        assert_eq!(ours.stderr, theirs.stderr, "statedir {statedir}");
        assert_eq!(ours.stdout, theirs.stdout);
        assert_eq!(ours.code, Some(1), "10.2 exits 1 (7.2 exits 0)");
    }
    // A channel error: 7.2 finds it after start-up, 10.2 during it.
    let state = dir.path().to_str().expect("utf-8 temp path");
    let args = ["-m", "bogus", "-p", "x", "-t", state];
    let (ours, theirs) = both(&args, conf, &[]);
    assert_eq!(ours.code, Some(1));
    assert_eq!(theirs.code, Some(1));
    assert!(
        ours.stderr.starts_with(&theirs.stderr),
        "{ours:?} vs {theirs:?}"
    );
    assert!(
        ours.stderr
            .ends_with("SECS.USEC: critical: error initializing guest agent\n")
    );
    // Both left the same fresh state file.
    assert_eq!(
        std::fs::read(dir.path().join("qga.state")).expect("state"),
        b"[global]\nfd_counter=1000\n"
    );
}

/// Socket activation: both agents take fd 3 and report its method in the
/// dump (without a path).  Uses python3 to exec the agent with a
/// listening socket on fd 3 and `LISTEN_PID` set to the exec'd pid.
#[test]
fn socket_activation_matches_c_agent() {
    if c_agent().is_none() {
        return;
    }
    if std::process::Command::new("python3")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("skipped: python3 not found");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let script = "import os,socket,sys\n\
        s=socket.socket(socket.AF_UNIX if sys.argv[2]=='unix' else socket.AF_INET)\n\
        s.bind(sys.argv[3] if sys.argv[2]=='unix' else ('127.0.0.1',0)); s.listen(1)\n\
        os.dup2(s.fileno(),3); os.set_inheritable(3,True)\n\
        os.environ['LISTEN_PID']=str(os.getpid()); os.environ['LISTEN_FDS']='1'\n\
        os.execv(sys.argv[1],['qemu-ga','-D','-m','isa-serial','-p','/x'])\n";
    for (family, name) in [("unix", "u1"), ("inet", "i1"), ("unix", "u2")] {
        let sock = dir.path().join(name);
        let go = |bin: &str| {
            let out = std::process::Command::new("python3")
                .args(["-c", script, bin, family])
                .arg(&sock)
                .env("QGA_CONF", nonexistent_conf())
                .output()
                .expect("python3");
            let _ = std::fs::remove_file(&sock);
            (
                String::from_utf8_lossy(&out.stdout).into_owned(),
                normalize(&String::from_utf8_lossy(&out.stderr)),
                out.status.code(),
            )
        };
        let ours = go(OURS);
        let mut theirs = go(C_AGENT);
        if c_is_7x() && theirs.2 == Some(0) {
            theirs.0.push_str("allow-rpcs=\n");
        }
        assert_eq!(ours, theirs, "{family}");
        if family == "unix" {
            assert!(
                ours.0.contains("method=unix-listen\npidfile="),
                "{}",
                ours.0
            );
        }
    }
}
