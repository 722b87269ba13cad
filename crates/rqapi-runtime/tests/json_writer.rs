//! QEMU's output format.

use rqapi_runtime::json::{MemberOrder, Reader, format_double, to_line, write_value_with};
use serde_json::{Value, json};

fn text(value: &Value) -> String {
    String::from_utf8(to_line(value)).unwrap()
}

fn double(v: f64) -> String {
    let mut out = Vec::new();
    format_double(v, &mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn separators_and_lines() {
    assert_eq!(text(&json!({"return": {}})), "{\"return\": {}}\n");
    assert_eq!(
        text(&json!({"a": [1, true, null, "x", [], {}], "b": {"c": -1}})),
        "{\"a\": [1, true, null, \"x\", [], {}], \"b\": {\"c\": -1}}\n"
    );
}

#[test]
fn string_escapes() {
    let s = "a/b\"c\\d\t\n\r\u{8}\u{c}\u{1}\u{1f}\u{7f}\u{e9}\u{2028}\u{1F600}\0\u{FFFF}";
    assert_eq!(
        text(&json!(s)),
        "\"a/b\\\"c\\\\d\\t\\n\\r\\b\\f\\u0001\\u001F\\u007F\\u00E9\\u2028\\uD83D\\uDE00\\u0000\\uFFFD\"\n"
    );
}

#[test]
fn doubles_as_percent_17g() {
    let cases = [
        (0.1, "0.10000000000000001"),
        (1.5, "1.5"),
        (1e300, "1.0000000000000001e+300"),
        (-0.0, "-0"),
        (0.0, "0"),
        (1e3, "1000"),
        (1e20, "1e+20"),
        (1e16, "10000000000000000"),
        (1e17, "1e+17"),
        (0.0001, "0.0001"),
        (0.00001, "1.0000000000000001e-05"),
        (5e-324, "4.9406564584124654e-324"),
        (f64::MAX, "1.7976931348623157e+308"),
        (-2.5, "-2.5"),
        (123456.789, "123456.789"),
        (18446744073709551616.0, "1.8446744073709552e+19"),
        (f64::INFINITY, "inf"),
    ];
    for (v, want) in cases {
        assert_eq!(double(v), want, "{v:e}");
    }
}

#[test]
fn numbers_echo_as_qemu() {
    let input = b"[0.1,1.5,1e300,-0.0,1e3,100000000000000000000,-9223372036854775808,18446744073709551615] ";
    let value = Reader::new().feed(input).next().unwrap().unwrap();
    assert_eq!(
        text(&value),
        "[0.10000000000000001, 1.5, 1.0000000000000001e+300, -0, 1000, 1e+20, -9223372036854775808, 18446744073709551615]\n"
    );
}

#[test]
fn member_orders() {
    let value = json!({"b": 1, "a": 2, "c": 3, "aa": 4});
    assert_eq!(text(&value), "{\"b\": 1, \"a\": 2, \"c\": 3, \"aa\": 4}\n");
    let mut out = Vec::new();
    write_value_with(&value, MemberOrder::QDictHash, &mut out);
    assert_eq!(out, b"{\"aa\": 4, \"a\": 2, \"b\": 1, \"c\": 3}");
    let mut out = Vec::new();
    write_value_with(
        &json!({"error": {"class": "X", "desc": "y"}, "id": 1}),
        MemberOrder::QDictHash,
        &mut out,
    );
    assert_eq!(
        out,
        b"{\"id\": 1, \"error\": {\"class\": \"X\", \"desc\": \"y\"}}"
    );
}
