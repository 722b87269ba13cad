//! Peak memory (VmHWM) of a 48 MiB guest-file-read / guest-file-write, for
//! comparing with qemu-ga (150 MB read, 275 MB write: see the reference
//! README).  A measurement, not a test:
//!
//!     cargo run --release -p rqga --example file_rss -- <read|write> <handler|dispatch|wire>
//!
//! `handler` calls the command method directly, `dispatch` goes through
//! the generated dispatcher (arguments visited from a JSON map, result
//! turned into a JSON value), `wire` also parses the request from its
//! bytes and serialises the response line, as the server would.
//! Each run is a fresh process, so the peak is the run's own.

use std::io::Write;

use rqapi_runtime::json::Chunks;
use rqapi_runtime::qapi::dispatch::DispatchState;
use rqapi_runtime::qapi::serde_json::{self, Map, Value, json};
use rqga::commands::Handlers;
use rqga::commands::base64;
use rqga::qapi::commands::{Commands, dispatch};

const SIZE: usize = 48 * 1024 * 1024;

fn status(field: &str) -> String {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(field))
        .map(|l| l[field.len()..].trim().to_owned())
        .unwrap_or_default()
}

fn report(stage: &str) {
    println!(
        "{stage:>10}: VmRSS {:>10}  VmHWM {:>10}",
        status("VmRSS:"),
        status("VmHWM:")
    );
}

/// Resets VmHWM to the current RSS (Linux >= 4.0), so that a peak shows
/// one stage only.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn chunk(i: usize) -> Vec<u8> {
    (0..1024 * 1024)
        .map(|j| ((i * 31 + j * 7) % 251) as u8)
        .collect()
}

/// The request line the server would have read, built without holding
/// the raw data.
fn write_request(handle: i64) -> Vec<u8> {
    let mut line = format!(
        r#"{{"execute": "guest-file-write", "arguments": {{"handle": {handle}, "buf-b64": ""#
    )
    .into_bytes();
    let mut text = String::with_capacity(base64::encoded_len(SIZE));
    // Encode whole 3-byte groups only (a MiB is not a multiple of 3).
    let mut carry = Vec::new();
    for i in 0..SIZE / (1024 * 1024) {
        carry.extend_from_slice(&chunk(i));
        let whole = carry.len() / 3 * 3;
        base64::encode_append(&carry[..whole], &mut text);
        carry.drain(..whole);
    }
    base64::encode_append(&carry, &mut text);
    line.extend_from_slice(text.as_bytes());
    drop(text);
    line.extend_from_slice(b"\"}}\n");
    line
}

async fn run(op: &str, path: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("data");
    {
        let mut f = std::fs::File::create(&file).expect("create");
        if op == "read" {
            for i in 0..SIZE / (1024 * 1024) {
                f.write_all(&chunk(i)).expect("write");
            }
        }
    }
    let h = Handlers::default();
    let mode = if op == "read" { "r" } else { "w" };
    let fd = h
        .guest_file_open(file.to_string_lossy().into_owned(), Some(mode.into()))
        .await
        .expect("open");
    let state = DispatchState::default();
    let request = if op == "write" {
        Some(write_request(fd))
    } else {
        None
    };
    reset_peak();
    report("baseline");
    match (op, path) {
        ("read", "handler") => {
            let r = h
                .guest_file_read(fd, Some(SIZE as i64))
                .await
                .expect("read");
            assert_eq!(r.count as usize, SIZE);
        }
        ("read", "dispatch" | "wire") => {
            let mut args = Map::new();
            args.insert("handle".into(), json!(fd));
            args.insert("count".into(), json!(SIZE));
            let ret = dispatch(&h, &state, "guest-file-read", args, false)
                .await
                .expect("read")
                .expect("a value");
            if path == "wire" {
                // As the server writes it: the response given up, the
                // base64 text moved into the output, not copied.
                let mut chunks = Chunks::new();
                chunks.write_value(json!({ "return": ret }));
                chunks.extend(b"\n");
                let pieces = chunks.into_pieces();
                assert!(pieces.iter().map(Vec::len).sum::<usize>() > SIZE);
            }
        }
        ("write", "handler") => {
            let req: Value = serde_json::from_slice(&request.expect("request")).expect("json");
            let text = match req {
                Value::Object(mut m) => match m.remove("arguments") {
                    Some(Value::Object(mut a)) => match a.remove("buf-b64") {
                        Some(Value::String(t)) => t,
                        _ => panic!("no buf-b64"),
                    },
                    _ => panic!("no arguments"),
                },
                _ => panic!("not an object"),
            };
            reset_peak();
            report("request");
            let w = h.guest_file_write(fd, text, None).await.expect("write");
            assert_eq!(w.count as usize, SIZE);
        }
        ("write", "dispatch" | "wire") => {
            let bytes = request.expect("request");
            reset_peak();
            let req: Value = serde_json::from_slice(&bytes).expect("json");
            if path == "dispatch" {
                drop(bytes);
            }
            reset_peak();
            report("request");
            let Value::Object(mut req) = req else {
                panic!("not an object")
            };
            let Some(Value::Object(args)) = req.remove("arguments") else {
                panic!("no arguments")
            };
            let ret = dispatch(&h, &state, "guest-file-write", args, false)
                .await
                .expect("write")
                .expect("a value");
            if path == "wire" {
                let mut chunks = Chunks::new();
                chunks.write_value(json!({ "return": ret }));
                assert!(!chunks.into_pieces().is_empty());
            }
        }
        _ => {
            eprintln!("usage: file_rss <read|write> <handler|dispatch|wire>");
            std::process::exit(2);
        }
    }
    report("peak");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (op, path) = match args.as_slice() {
        [_, op, path] => (op.clone(), path.clone()),
        _ => ("read".into(), "dispatch".into()),
    };
    println!("{op} 48 MiB via {path}");
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(run(&op, &path));
}
