//! Wire-core cost per message: read, check, respond, write; and the JSON
//! reader and writer alone on small messages.
//!
//! For stable instruction counts, `WIRE_COUNT=<case>:<n>` skips criterion and
//! runs one micro case `n` times (cases: see `MICRO`); under
//! `valgrind --tool=callgrind`, the difference between two counts divided by
//! the difference of their `n` is the cost of one iteration.

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group};
use rqapi_runtime::json::{Chunks, Reader, write_value};
use rqapi_runtime::qmp::{Flavor, parse_request, success_response};
use serde_json::{Value, json};

/// Reads every message of `input`, answers each with `answer`, and writes
/// the response lines into `out`.
fn serve(
    reader: &mut Reader,
    input: &[u8],
    out: &mut Vec<u8>,
    answer: impl Fn(&serde_json::Map<String, Value>) -> Value,
) {
    for message in reader.feed(input) {
        let response = match parse_request(message, Flavor::GuestAgent) {
            Ok(request) => success_response(answer(&request.arguments), request.id),
            Err(rejection) => rejection.response(),
        };
        write_value(&response, out);
        out.push(b'\n');
    }
}

fn base64_text(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..len)
        .map(|i| char::from(ALPHABET[(i * 7 + i / 3) % 64]))
        .collect()
}

fn wire(c: &mut Criterion) {
    let mut reader = Reader::new();
    let mut out = Vec::with_capacity(1 << 21);

    let ping = b"{\"execute\":\"guest-ping\",\"id\":\"alive-1\"}\n";
    let mut group = c.benchmark_group("wire");
    group.throughput(Throughput::Bytes(ping.len() as u64));
    group.bench_function("guest-ping", |b| {
        b.iter(|| {
            out.clear();
            serve(&mut reader, black_box(ping), &mut out, |_| json!({}));
            assert_eq!(out, b"{\"return\": {}, \"id\": \"alive-1\"}\n");
        })
    });

    let payload = base64_text(1 << 20);
    let write = format!(
        "{{\"execute\":\"guest-file-write\",\"arguments\":{{\"handle\":1000,\"buf-b64\":\"{payload}\"}}}}\n"
    );
    group.throughput(Throughput::Bytes(write.len() as u64));
    group.bench_function(BenchmarkId::new("file-write request", "1MiB base64"), |b| {
        b.iter(|| {
            out.clear();
            serve(&mut reader, black_box(write.as_bytes()), &mut out, |args| {
                let len = args["buf-b64"].as_str().map_or(0, str::len);
                json!({"count": len / 4 * 3, "eof": false})
            });
        })
    });

    let read = b"{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":1000}}";
    group.throughput(Throughput::Bytes(payload.len() as u64));
    group.bench_function(BenchmarkId::new("file-read response", "1MiB base64"), |b| {
        b.iter(|| {
            out.clear();
            serve(
                &mut reader,
                black_box(read),
                &mut out,
                |_| json!({"count": 786432, "buf-b64": payload.as_str(), "eof": false}),
            );
        })
    });
    group.finish();
}

const PING_REQUEST: &[u8] = b"{\"execute\":\"guest-ping\",\"id\":\"alive-1\"}\n";

/// A QMP answer of about 1 KB, shaped like `query-cpus-fast` and
/// `query-block` answers: nested objects, strings, integers, booleans.
fn qmp_answer() -> Value {
    let cpus: Vec<Value> = (0..4)
        .map(|i| {
            json!({"thread-id": 120_345 + i, "props": {"core-id": i, "thread-id": 0,
                "socket-id": 0, "node-id": 0}, "qom-path": format!("/machine/unattached/device[{i}]"),
                "cpu-index": i, "target": "x86_64", "arch": "x86"})
        })
        .collect();
    json!({"return": {"cpus": cpus, "block": [{"io-status": "ok", "device": "ide0-hd0",
        "locked": false, "removable": false, "inserted": {"iops_rd": 0, "detect_zeroes": "off",
        "image": {"virtual-size": 10_737_418_240_u64, "filename": "disk.qcow2",
        "cluster-size": 65536, "format": "qcow2", "actual-size": 1_236_992, "dirty-flag": false},
        "iops_wr": 0, "ro": false, "node-name": "#block143", "backing_file_depth": 0,
        "drv": "qcow2", "bps_max": -1, "encrypted": false, "bps": 0,
        "file": "/var/lib/images/disk.qcow2", "write_threshold": 0}, "qdev": "/machine/ide"}]},
        "id": "libvirt-17"})
}

fn qmp_answer_bytes() -> Vec<u8> {
    let mut line = Vec::new();
    write_value(&qmp_answer(), &mut line);
    line.push(b'\n');
    line
}

/// The micro cases, by name: each runs one read or write.
const MICRO: &[&str] = &[
    "read-ping",
    "write-ping",
    "chunks-ping",
    "read-qmp-1k",
    "write-qmp-1k",
    "read-1m",
    "write-1m",
];

/// Returns a closure running one iteration of the micro case `name`.
fn micro(name: &str) -> Box<dyn FnMut()> {
    match name {
        "read-ping" => {
            let mut reader = Reader::new();
            Box::new(move || {
                let mut input = black_box(PING_REQUEST);
                let message = reader.next_message(&mut input);
                assert!(matches!(message, Some(Ok(_))));
                black_box(message);
            })
        }
        "write-ping" => {
            let response = json!({"return": {}, "id": "alive-1"});
            let mut out = Vec::with_capacity(256);
            Box::new(move || {
                out.clear();
                write_value(black_box(&response), &mut out);
                black_box(&out);
            })
        }
        "chunks-ping" => Box::new(move || {
            // What rqga does per ping: build the answer, write it given up.
            let mut chunks = Chunks::new();
            chunks.write_value(black_box(json!({"return": {}, "id": "alive-1"})));
            black_box(chunks.into_pieces());
        }),
        "read-qmp-1k" => {
            let bytes = qmp_answer_bytes();
            let mut reader = Reader::new();
            Box::new(move || {
                let mut input = black_box(&bytes[..]);
                let message = reader.next_message(&mut input);
                assert!(matches!(message, Some(Ok(_))));
                black_box(message);
            })
        }
        "write-qmp-1k" => {
            let answer = qmp_answer();
            let mut out = Vec::with_capacity(4096);
            Box::new(move || {
                out.clear();
                write_value(black_box(&answer), &mut out);
                black_box(&out);
            })
        }
        // The large-string paths, to check they stay fast: a
        // guest-file-write request and a guest-file-read answer of 1 MiB.
        "read-1m" => {
            let request = format!(
                "{{\"execute\":\"guest-file-write\",\"arguments\":{{\"handle\":1000,\"buf-b64\":\"{}\"}}}}\n",
                base64_text(1 << 20)
            );
            let mut reader = Reader::new();
            Box::new(move || {
                let mut input = black_box(request.as_bytes());
                let message = reader.next_message(&mut input);
                assert!(matches!(message, Some(Ok(_))));
                black_box(message);
            })
        }
        "write-1m" => {
            let answer = json!({"return": {"count": 786432, "buf-b64": base64_text(1 << 20),
                "eof": false}, "id": "r-1"});
            let mut out = Vec::with_capacity(2 << 20);
            Box::new(move || {
                out.clear();
                write_value(black_box(&answer), &mut out);
                black_box(&out);
            })
        }
        _ => panic!("unknown micro case {name}; cases: {MICRO:?}"),
    }
}

fn micro_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("json");
    for name in MICRO {
        let mut run = micro(name);
        group.bench_function(*name, |b| b.iter(&mut run));
    }
    group.finish();
}

criterion_group!(benches, wire, micro_benches);

fn main() {
    if let Ok(spec) = std::env::var("WIRE_COUNT") {
        let (name, count) = spec.split_once(':').expect("WIRE_COUNT=<case>:<n>");
        let count: u64 = count.parse().expect("a count");
        let mut run = micro(name);
        for _ in 0..count {
            run();
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
