//! A faithful model of glibc's `getopt_long`, as qemu-ga uses it.
//!
//! Why not clap: qemu-ga's command line is defined by glibc's behaviour,
//! and clap cannot reproduce it exactly.  In particular:
//! - `-F` takes an *optional* argument that must be attached (`-F/path`,
//!   `--fsfreeze-hook=/path`); `-F /path` leaves `/path` as a non-option.
//! - long options may be abbreviated to any unambiguous prefix, and an
//!   ambiguous one is an error listing the candidates in table order;
//! - the option scan permutes: non-options anywhere are skipped, and `--`
//!   ends the scan (unless `POSIXLY_CORRECT` is set, which stops the scan
//!   at the first non-option);
//! - a required argument is the next word whatever it looks like
//!   (`-m -D` sets the method to `-D`);
//! - the diagnostics have glibc's exact wording, and qemu-ga processes the
//!   options strictly in order (`-V -x` prints the version and succeeds).
//!
//! The scan is done once into a list of [`Item`]s; qemu-ga's two passes
//! over `argv` (see `cli.rs`) both see that same sequence.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// Whether a long option takes an argument (`struct option.has_arg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HasArg {
    No,
    Required,
    Optional,
}

/// One entry of the long option table.
#[derive(Debug, Clone, Copy)]
pub struct LongOpt {
    pub name: &'static str,
    pub has_arg: HasArg,
    pub val: u8,
}

/// One result of `getopt_long`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A recognised option and its argument, if any.
    Opt { ch: u8, arg: Option<OsString> },
    /// getopt returned `'?'` after printing this diagnostic (with newline).
    Invalid { diagnostic: Vec<u8> },
}

/// Scans `args` (without `argv[0]`) like glibc's `getopt_long(argc, argv,
/// short, long, ...)` called until it returns -1.  `prog` is `argv[0]`,
/// used as the diagnostics prefix.
pub fn scan(
    prog: &OsStr,
    args: &[OsString],
    short: &str,
    long: &[LongOpt],
    posixly_correct: bool,
) -> Vec<Item> {
    let mut items = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let word = args[i].as_bytes();
        i += 1;
        if word == b"--" {
            break;
        }
        if word.len() < 2 || word[0] != b'-' {
            if posixly_correct {
                break;
            }
            continue; // a non-option: glibc permutes it to the end
        }
        if let Some(body) = word.strip_prefix(b"--") {
            items.push(long_option(prog, body, args, &mut i, long));
        } else {
            short_cluster(prog, &word[1..], args, &mut i, short, &mut items);
        }
    }
    items
}

fn diagnostic(prog: &OsStr, text: &[u8]) -> Item {
    let mut d = prog.as_bytes().to_vec();
    d.extend_from_slice(b": ");
    d.extend_from_slice(text);
    d.push(b'\n');
    Item::Invalid { diagnostic: d }
}

fn quoted(parts: &[&[u8]]) -> Vec<u8> {
    let mut v = vec![b'\''];
    for p in parts {
        v.extend_from_slice(p);
    }
    v.push(b'\'');
    v
}

fn long_option(
    prog: &OsStr,
    body: &[u8],
    args: &[OsString],
    next: &mut usize,
    table: &[LongOpt],
) -> Item {
    let (name, value) = match body.iter().position(|&c| c == b'=') {
        Some(eq) => (&body[..eq], Some(&body[eq + 1..])),
        None => (body, None),
    };
    let found: &LongOpt = match table.iter().find(|o| o.name.as_bytes() == name) {
        Some(exact) => exact,
        None => {
            let prefixed: Vec<&LongOpt> = table
                .iter()
                .filter(|o| o.name.as_bytes().starts_with(name))
                .collect();
            match prefixed.as_slice() {
                [] => {
                    let mut t = b"unrecognized option ".to_vec();
                    t.extend(quoted(&[b"--", body]));
                    return diagnostic(prog, &t);
                }
                [only] => only,
                many => {
                    // Every entry has its own `val`, so any two prefix
                    // matches make the abbreviation ambiguous.
                    let mut t = b"option ".to_vec();
                    t.extend(quoted(&[b"--", body]));
                    t.extend_from_slice(b" is ambiguous; possibilities:");
                    for o in many {
                        t.push(b' ');
                        t.extend(quoted(&[b"--", o.name.as_bytes()]));
                    }
                    return diagnostic(prog, &t);
                }
            }
        }
    };
    let full = found.name.as_bytes();
    let arg = match (found.has_arg, value) {
        (HasArg::No, Some(_)) => {
            let mut t = b"option ".to_vec();
            t.extend(quoted(&[b"--", full]));
            t.extend_from_slice(b" doesn't allow an argument");
            return diagnostic(prog, &t);
        }
        (HasArg::No, None) | (HasArg::Optional, None) => None,
        (_, Some(v)) => Some(OsStr::from_bytes(v).to_os_string()),
        (HasArg::Required, None) => match args.get(*next) {
            Some(v) => {
                *next += 1;
                Some(v.clone())
            }
            None => {
                let mut t = b"option ".to_vec();
                t.extend(quoted(&[b"--", full]));
                t.extend_from_slice(b" requires an argument");
                return diagnostic(prog, &t);
            }
        },
    };
    Item::Opt { ch: found.val, arg }
}

/// How a short option letter is declared in the optstring.
fn short_spec(short: &str, ch: u8) -> Option<HasArg> {
    if ch == b':' {
        return None;
    }
    let s = short.as_bytes();
    let at = s.iter().position(|&c| c == ch)?;
    Some(match (s.get(at + 1), s.get(at + 2)) {
        (Some(b':'), Some(b':')) => HasArg::Optional,
        (Some(b':'), _) => HasArg::Required,
        _ => HasArg::No,
    })
}

fn short_cluster(
    prog: &OsStr,
    cluster: &[u8],
    args: &[OsString],
    next: &mut usize,
    short: &str,
    items: &mut Vec<Item>,
) {
    let mut k = 0;
    while k < cluster.len() {
        let ch = cluster[k];
        k += 1;
        let rest = &cluster[k..];
        match short_spec(short, ch) {
            None => {
                let mut t = b"invalid option -- ".to_vec();
                t.extend(quoted(&[&[ch]]));
                items.push(diagnostic(prog, &t));
            }
            Some(HasArg::No) => items.push(Item::Opt { ch, arg: None }),
            Some(HasArg::Optional) => {
                let arg = (!rest.is_empty()).then(|| OsString::from_vec(rest.to_vec()));
                items.push(Item::Opt { ch, arg });
                return;
            }
            Some(HasArg::Required) => {
                if !rest.is_empty() {
                    let arg = Some(OsString::from_vec(rest.to_vec()));
                    items.push(Item::Opt { ch, arg });
                } else if let Some(v) = args.get(*next) {
                    *next += 1;
                    items.push(Item::Opt {
                        ch,
                        arg: Some(v.clone()),
                    });
                } else {
                    let mut t = b"option requires an argument -- ".to_vec();
                    t.extend(quoted(&[&[ch]]));
                    items.push(diagnostic(prog, &t));
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &[LongOpt] = &[
        LongOpt {
            name: "version",
            has_arg: HasArg::No,
            val: b'V',
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
            name: "hook",
            has_arg: HasArg::Optional,
            val: b'F',
        },
    ];

    fn run(args: &[&str], posix: bool) -> Vec<Item> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        scan(OsStr::new("p"), &args, "vVm:F::", LONG, posix)
    }

    fn opt(ch: u8, arg: Option<&str>) -> Item {
        Item::Opt {
            ch,
            arg: arg.map(OsString::from),
        }
    }

    fn bad(text: &str) -> Item {
        Item::Invalid {
            diagnostic: format!("p: {text}\n").into_bytes(),
        }
    }

    #[test]
    fn clusters_and_attached_arguments() {
        assert_eq!(
            run(&["-vmx", "-F/h", "-F", "/z"], false),
            [
                opt(b'v', None),
                opt(b'm', Some("x")),
                opt(b'F', Some("/h")),
                opt(b'F', None),
            ]
        );
        assert_eq!(run(&["-m", "-v"], false), [opt(b'm', Some("-v"))]);
    }

    #[test]
    fn long_forms_and_abbreviations() {
        assert_eq!(
            run(
                &["--meth", "a", "--method=", "--hook", "--hook=", "--vers"],
                false
            ),
            [
                opt(b'm', Some("a")),
                opt(b'm', Some("")),
                opt(b'F', None),
                opt(b'F', Some("")),
                opt(b'V', None),
            ]
        );
    }

    #[test]
    fn glibc_diagnostics() {
        assert_eq!(
            run(
                &["-xv", "--ver=1", "--nope=2", "--verbose=3", "--method"],
                false
            ),
            [
                bad("invalid option -- 'x'"),
                opt(b'v', None),
                bad("option '--ver=1' is ambiguous; possibilities: '--version' '--verbose'"),
                bad("unrecognized option '--nope=2'"),
                bad("option '--verbose' doesn't allow an argument"),
                bad("option '--method' requires an argument"),
            ]
        );
        assert_eq!(
            run(&["-m"], false),
            [bad("option requires an argument -- 'm'")]
        );
        assert_eq!(run(&["-:"], false), [bad("invalid option -- ':'")]);
    }

    #[test]
    fn permutation_double_dash_and_posixly_correct() {
        assert_eq!(
            run(&["a", "-v", "-", "b", "--", "-V"], false),
            [opt(b'v', None)]
        );
        assert_eq!(run(&["-v", "a", "-V"], true), [opt(b'v', None)]);
    }
}
