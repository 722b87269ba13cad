//! Wire-core cost per message: read, check, respond, write.

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use rqapi_runtime::json::{Reader, write_value};
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

criterion_group!(benches, wire);
criterion_main!(benches);
