//! Properties of the reader over arbitrary input and arbitrary chunking
//! (a bounded, cargo-fuzz-free stand-in for fuzzing).

use proptest::prelude::*;
use rqapi_runtime::json::{Reader, write_value};
use serde_json::{Map, Number, Value};

/// Reads `input` delivered in chunks cut at `cuts` (positions, any order).
fn read_chunked(input: &[u8], cuts: &[usize]) -> Vec<Result<Value, String>> {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c % (input.len() + 1)).collect();
    cuts.sort_unstable();
    let mut reader = Reader::new();
    let mut out = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([input.len()]) {
        out.extend(
            reader
                .feed(&input[start..cut])
                .map(|m| m.map_err(|e| e.to_string())),
        );
        start = cut;
    }
    out
}

/// Bytes that matter to the lexer, plus anything at all.
fn wire_bytes() -> impl Strategy<Value = Vec<u8>> {
    let interesting = prop::sample::select(
        b"{}[]:,\"'\\ \t\r\n0123456789-+.eEtrufalsnxu\x00\x01\x7f\xc0\x80\xc3\xa9\xed\xa0\xef\xbf\xfe\xff".to_vec(),
    );
    prop::collection::vec(prop_oneof![4 => interesting, 1 => any::<u8>()], 0..400)
}

/// Characters QEMU accepts in strings (no noncharacters).
fn qemu_char() -> impl Strategy<Value = char> + Clone {
    any::<char>().prop_filter("noncharacter", |&c| {
        let cp = u32::from(c);
        !(0xFDD0..=0xFDEF).contains(&cp) && cp & 0xFFFE != 0xFFFE
    })
}

/// Values whose printed form reads back as the same value: doubles that
/// print as integers (`1000`, `-0`) read back as integers, as in QEMU.
fn value() -> impl Strategy<Value = Value> {
    let string = prop::collection::vec(qemu_char(), 0..12)
        .prop_map(String::from_iter)
        .boxed();
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("prints as an integer", |v| v.is_finite()
                && v.fract() != 0.0)
            .prop_map(|v| Value::Number(Number::from_f64(v).unwrap())),
        string.clone().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((string.clone(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Arbitrary bytes never panic, and chunking never changes the result.
    #[test]
    fn chunking_never_matters(input in wire_bytes(), cuts in prop::collection::vec(any::<usize>(), 0..8)) {
        let whole = read_chunked(&input, &[]);
        prop_assert_eq!(read_chunked(&input, &cuts), whole);
    }

    /// One byte at a time gives the same messages as one write.
    #[test]
    fn byte_at_a_time(input in wire_bytes()) {
        let cuts: Vec<usize> = (0..=input.len()).collect();
        prop_assert_eq!(read_chunked(&input, &cuts), read_chunked(&input, &[]));
    }

    /// Written values read back unchanged, however the stream is split.
    #[test]
    fn written_values_read_back(values in prop::collection::vec(value(), 1..5),
                                cuts in prop::collection::vec(any::<usize>(), 0..8)) {
        let mut stream = Vec::new();
        for v in &values {
            write_value(v, &mut stream);
            stream.extend_from_slice(b"\r\n");
        }
        let got = read_chunked(&stream, &cuts);
        let want: Vec<Result<Value, String>> = values.into_iter().map(Ok).collect();
        prop_assert_eq!(got, want);
    }
}
