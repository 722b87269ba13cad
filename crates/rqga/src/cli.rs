//! qemu-ga's command line (`config_parse` in qga/main.c, QEMU 10.2).
//!
//! qemu-ga scans `argv` twice with `getopt_long`: the first pass only
//! looks for `-c` (and, like any getopt scan, prints diagnostics), then
//! the configuration file is read, then the second pass applies every
//! option in order, so the command line overrides the file.  `-h`, `-V`
//! and `-b/-a help` act when reached in the second pass, so they happen
//! after the file was read and before any later bad option.  On Linux `-s`
//! is in the short option string but not handled: `-s X` is accepted and
//! ignored, `-s` alone lacks an argument and `--service` is unknown.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

use crate::config::{Config, DEFAULT_CONFIG_PATH, DEFAULT_FSFREEZE_HOOK, split_reversed};
use crate::config::{DEFAULT_PIDFILE, DEFAULT_STATE_DIR, SERIAL_PATH_DEFAULT, VIRTIO_PATH_DEFAULT};
use crate::getopt::{self, HasArg, Item, LongOpt};

/// qemu-ga's short options (Linux build; `F::` is the optional argument).
pub const SHORT_OPTIONS: &str = "hVvdc:m:p:l:f:F::b:a:s:t:Dr";

/// qemu-ga's long options on Linux, in its table order (which is the order
/// getopt lists candidates of an ambiguous abbreviation in).
pub const LONG_OPTIONS: &[LongOpt] = &[
    LongOpt {
        name: "help",
        has_arg: HasArg::No,
        val: b'h',
    },
    LongOpt {
        name: "version",
        has_arg: HasArg::No,
        val: b'V',
    },
    LongOpt {
        name: "config",
        has_arg: HasArg::Required,
        val: b'c',
    },
    LongOpt {
        name: "dump-conf",
        has_arg: HasArg::No,
        val: b'D',
    },
    LongOpt {
        name: "logfile",
        has_arg: HasArg::Required,
        val: b'l',
    },
    LongOpt {
        name: "pidfile",
        has_arg: HasArg::Required,
        val: b'f',
    },
    LongOpt {
        name: "fsfreeze-hook",
        has_arg: HasArg::Optional,
        val: b'F',
    },
    LongOpt {
        name: "verbose",
        has_arg: HasArg::No,
        val: b'v',
    },
    LongOpt {
        name: "method",
        has_arg: HasArg::Required,
        val: b'm',
    },
    LongOpt {
        name: "path",
        has_arg: HasArg::Required,
        val: b'p',
    },
    LongOpt {
        name: "daemonize",
        has_arg: HasArg::No,
        val: b'd',
    },
    LongOpt {
        name: "block-rpcs",
        has_arg: HasArg::Required,
        val: b'b',
    },
    LongOpt {
        name: "allow-rpcs",
        has_arg: HasArg::Required,
        val: b'a',
    },
    LongOpt {
        name: "statedir",
        has_arg: HasArg::Required,
        val: b't',
    },
    LongOpt {
        name: "retry-path",
        has_arg: HasArg::No,
        val: b'r',
    },
];

/// The environment that shapes parsing.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `QGA_CONF`: the configuration file when `-c` is not given.
    pub qga_conf: Option<OsString>,
    /// `POSIXLY_CORRECT`: getopt stops at the first non-option.
    pub posixly_correct: bool,
}

impl Environment {
    /// Reads the process environment.
    pub fn from_process() -> Self {
        Environment {
            qga_conf: std::env::var_os("QGA_CONF"),
            posixly_correct: std::env::var_os("POSIXLY_CORRECT").is_some(),
        }
    }
}

/// Outcome of parsing: run with this configuration, or exit now.
#[derive(Debug)]
pub enum Parsed {
    Run(Box<Config>),
    Exit(i32),
}

/// `-V`: the QEMU version whose guest-agent interface we implement.
pub fn version_line() -> String {
    format!("QEMU Guest Agent {}\n", crate::QEMU_VERSION)
}

/// `-h`: qemu-ga 10.2's usage text, with our version, copyright and
/// trailer lines.  (qemu-ga 10.2 prints the default configuration path as
/// `/etc/qemu/qemu-ga.conf/qemu-ga.conf`, appending the file name twice;
/// we print the real path.)
pub fn usage(cmd: &OsStr) -> Vec<u8> {
    let mut text = b"Usage: ".to_vec();
    text.extend_from_slice(cmd.as_bytes());
    text.extend_from_slice(
        format!(
            " [-m <method> -p <path>] [<options>]
QEMU Guest Agent {full}
Copyright (c) the rqapi developers

  -c, --config=PATH configuration file path (default is
                    {DEFAULT_CONFIG_PATH}
                    unless overridden by the QGA_CONF environment variable)
  -m, --method      transport method: one of unix-listen, virtio-serial,
                    isa-serial, or vsock-listen (virtio-serial is the default)
  -p, --path        device/socket path (the default for virtio-serial is:
                    {VIRTIO_PATH_DEFAULT},
                    the default for isa-serial is:
                    {SERIAL_PATH_DEFAULT}).
                    Socket addresses for vsock-listen are written as
                    <cid>:<port>.
  -l, --logfile     set logfile path, logs to stderr by default
  -f, --pidfile     specify pidfile (default is {DEFAULT_PIDFILE})
  -F, --fsfreeze-hook
                    enable fsfreeze hook. Accepts an optional argument that
                    specifies script to run on freeze/thaw. Script will be
                    called with 'freeze'/'thaw' arguments accordingly.
                    (default is {DEFAULT_FSFREEZE_HOOK})
                    If using -F with an argument, do not follow -F with a
                    space.
                    (for example: -F/var/run/fsfreezehook.sh)
  -t, --statedir    specify dir to store state information (absolute paths
                    only, default is {DEFAULT_STATE_DIR})
  -v, --verbose     log extra debugging information
  -V, --version     print version information and exit
  -d, --daemonize   become a daemon
  -b, --block-rpcs  comma-separated list of RPCs to disable (no spaces,
                    use \"--block-rpcs=help\" to list available RPCs)
  -a, --allow-rpcs  comma-separated list of RPCs to enable (no spaces,
                    use \"--allow-rpcs=help\" to list available RPCs)
  -D, --dump-conf   dump a qemu-ga config file based on current config
                    options / command-line parameters to stdout
  -r, --retry-path  attempt re-opening path if it's unavailable or closed
                    due to an error which may be recoverable in the future
                    (virtio-serial driver re-install, serial device hot
                    plug/unplug, etc.)
  -h, --help        display this help and exit

rqga is a Rust reimplementation of the QEMU Guest Agent.
",
            full = crate::QEMU_FULL_VERSION,
        )
        .as_bytes(),
    );
    text
}

/// `-b help`: the registered command names, one per line.
pub fn command_list() -> Vec<u8> {
    crate::commands::command_names()
        .flat_map(|name| [name.as_bytes(), b"\n"].concat())
        .collect()
}

fn is_help_option(arg: &OsStr) -> bool {
    arg == "help" || arg == "?"
}

/// Parses `argv` (including `argv[0]`) like qemu-ga's `config_parse`,
/// reading the configuration file in between.  Everything qemu-ga prints
/// goes to `out` and `err` in qemu-ga's order.
pub fn parse(
    argv: &[OsString],
    env: &Environment,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Parsed> {
    let prog = argv.first().cloned().unwrap_or_else(|| "rqga".into());
    let args = argv.get(1..).unwrap_or_default();
    let items = getopt::scan(
        &prog,
        args,
        SHORT_OPTIONS,
        LONG_OPTIONS,
        env.posixly_correct,
    );

    // First pass: only -c matters, but diagnostics are printed.
    let mut conf_path: OsString = env
        .qga_conf
        .clone()
        .unwrap_or_else(|| DEFAULT_CONFIG_PATH.into());
    let mut conf_required = false;
    for item in &items {
        match item {
            Item::Invalid { diagnostic } => err.write_all(diagnostic)?,
            Item::Opt {
                ch: b'c',
                arg: Some(path),
            } => {
                conf_path = path.clone();
                conf_required = true;
            }
            Item::Opt { .. } => {}
        }
    }

    let mut config = Config::default();
    if let Err(msg) = config.load_file(&conf_path, conf_required) {
        crate::log::critical(&msg);
        return Ok(Parsed::Exit(1));
    }

    // Second pass: apply the options in order.
    for item in items {
        let (ch, arg) = match item {
            Item::Invalid { diagnostic } => {
                err.write_all(&diagnostic)?;
                let mut line = b"Unknown option, try '".to_vec();
                line.extend_from_slice(prog.as_bytes());
                line.extend_from_slice(b" --help' for more information.\n");
                out.write_all(&line)?;
                return Ok(Parsed::Exit(1));
            }
            Item::Opt { ch, arg } => (ch, arg),
        };
        match (ch, arg) {
            (b'm', a) => config.method = a,
            (b'p', a) => config.channel_path = a,
            (b'l', a) => config.log_filepath = a,
            (b'f', a) => config.pid_filepath = a,
            (b'F', a) => {
                config.fsfreeze_hook = Some(a.unwrap_or_else(|| DEFAULT_FSFREEZE_HOOK.into()))
            }
            (b't', a) => config.state_dir = a,
            (b'v', _) => config.verbose = true,
            (b'V', _) => {
                out.write_all(version_line().as_bytes())?;
                return Ok(Parsed::Exit(0));
            }
            (b'd', _) => config.daemonize = true,
            (b'D', _) => config.dump_conf = true,
            (b'r', _) => config.retry_path = true,
            (b'b' | b'a', Some(list)) if is_help_option(&list) => {
                out.write_all(&command_list())?;
                return Ok(Parsed::Exit(0));
            }
            (b'b', Some(list)) => config.blocked_rpcs.extend(split_reversed(&list)),
            (b'a', Some(list)) => config.allowed_rpcs.extend(split_reversed(&list)),
            (b'h', _) => {
                out.write_all(&usage(&prog))?;
                return Ok(Parsed::Exit(0));
            }
            // -c was handled in the first pass; -s (Windows service
            // commands) is accepted and ignored on Linux, as in qemu-ga.
            _ => {}
        }
    }
    Ok(Parsed::Run(Box::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> (Parsed, String, String) {
        let argv: Vec<OsString> = std::iter::once("qemu-ga")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        let env = Environment {
            qga_conf: Some("/nonexistent/qga.conf".into()),
            posixly_correct: false,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let parsed = parse(&argv, &env, &mut out, &mut err).unwrap();
        (
            parsed,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn second_pass_order_and_double_diagnostics() {
        let (p, out, err) = run(&["-V", "-x"]);
        assert!(matches!(p, Parsed::Exit(0)));
        assert_eq!(out, version_line());
        assert_eq!(err, "qemu-ga: invalid option -- 'x'\n");

        let (p, out, err) = run(&["-xy"]);
        assert!(matches!(p, Parsed::Exit(1)));
        assert_eq!(
            out,
            "Unknown option, try 'qemu-ga --help' for more information.\n"
        );
        assert_eq!(
            err,
            "qemu-ga: invalid option -- 'x'\nqemu-ga: invalid option -- 'y'\nqemu-ga: invalid option -- 'x'\n"
        );
    }

    #[test]
    fn options_apply_in_order() {
        let (p, _, _) = run(&[
            "-F",
            "-F/h",
            "-s",
            "install",
            "-b",
            "a,b",
            "--block-rpcs=c",
            "-m",
            "x",
            "-mY",
        ]);
        let Parsed::Run(c) = p else {
            panic!("expected a config")
        };
        assert_eq!(c.fsfreeze_hook.as_deref(), Some(OsStr::new("/h")));
        assert_eq!(c.blocked_rpcs, ["b", "a", "c"].map(OsString::from));
        assert_eq!(c.method.as_deref(), Some(OsStr::new("Y")));
    }

    #[test]
    fn help_lists() {
        let (p, out, _) = run(&["-a", "?"]);
        assert!(matches!(p, Parsed::Exit(0)));
        assert!(out.starts_with("guest-sync-delimited\nguest-sync\nguest-ping\n"));
        assert!(!out.contains("guest-get-devices"));
    }
}
