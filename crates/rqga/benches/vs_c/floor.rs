//! The floor: the least any agent must do per request on this machine.
//!
//! The bench runs itself with `VS_C_FLOOR=1` and the agents' command line;
//! this process then serves one client at a time with blocking `read` and
//! `write` on a std `UnixListener` and answers every complete top-level
//! JSON object with a canned `{"return": {}}` line, without parsing or
//! dispatching anything. Requests need no newline (the client sends none),
//! so objects are found by counting braces; the bench's requests hold no
//! braces inside strings.

use std::io::{Read, Write};
use std::os::unix::net::UnixListener;
use std::path::PathBuf;

const REPLY: &[u8] = b"{\"return\": {}}\n";

/// The environment variable that turns the bench binary into the floor.
pub const ENV: &str = "VS_C_FLOOR";

/// Serves forever on the `-p` path of `args` (the agents' command line).
pub fn serve(args: &[String]) -> ! {
    let path = args
        .iter()
        .position(|a| a == "-p")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .expect("floor: -p SOCKET");
    let listener = UnixListener::bind(&path).expect("floor: bind");
    let mut buf = vec![0u8; 64 * 1024];
    let mut out = Vec::with_capacity(64 * 1024);
    loop {
        let Ok((mut stream, _)) = listener.accept() else {
            continue;
        };
        let mut depth = 0usize;
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            out.clear();
            for &b in &buf[..n] {
                match b {
                    b'{' => depth += 1,
                    b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            out.extend_from_slice(REPLY);
                        }
                    }
                    _ => {}
                }
            }
            if !out.is_empty() && stream.write_all(&out).is_err() {
                break;
            }
        }
    }
}
