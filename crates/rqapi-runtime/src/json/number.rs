//! Number tokens to values, and doubles to text, as QEMU does.
//!
//! QEMU keeps an integer literal as int64 when it fits, else as uint64, else
//! as a double; `serde_json::Number` has the same three kinds (non-negative
//! int64 values are stored as its unsigned kind, which prints the same).

use serde_json::{Number, Value};

/// Converts an integer token (`-?(0|[1-9][0-9]*)`) to a value.
pub(crate) fn integer(token: &[u8]) -> Value {
    let (negative, digits) = match token.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, token),
    };
    // Usual case: up to 18 digits always fit int64, no need for `parse`.
    if digits.len() <= 18 && digits.iter().all(u8::is_ascii_digit) {
        let magnitude = digits
            .iter()
            .fold(0i64, |acc, &d| acc * 10 + i64::from(d - b'0'));
        return Value::Number(if negative { -magnitude } else { magnitude }.into());
    }
    // Number tokens are ASCII by construction of the lexer.
    let text = std::str::from_utf8(token).unwrap_or("0");
    if let Ok(v) = text.parse::<i64>() {
        return Value::Number(v.into());
    }
    if !text.starts_with('-') {
        if let Ok(v) = text.parse::<u64>() {
            return Value::Number(v.into());
        }
    }
    float(text)
}

/// Converts a number token to a double, correctly rounded like `strtod`.
///
/// A literal beyond the double range becomes +-infinity in QEMU (which then
/// prints the invalid JSON `inf`). JSON values cannot hold infinity, so we
/// keep the nearest finite double, `+-f64::MAX`: still "a number that is not
/// an integer" for argument checks, exactly as QEMU treats it.
pub(crate) fn float(text: &str) -> Value {
    let v: f64 = text.parse().unwrap_or(0.0);
    let v = if v.is_finite() {
        v
    } else {
        f64::MAX.copysign(v)
    };
    Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Formats a double like C's `printf("%.17g")`, which is how QEMU prints
/// every double: `0.10000000000000001`, `1e+20`, `-0`, `1000`.
pub fn format_double(v: f64, out: &mut Vec<u8>) {
    const PRECISION: i32 = 17;
    if !v.is_finite() {
        out.extend_from_slice(if v.is_nan() {
            b"nan"
        } else if v > 0.0 {
            b"inf"
        } else {
            b"-inf"
        });
        return;
    }
    // Rust's `{:e}` rounds correctly, as glibc does; it gives `d.ddd…e<exp>`.
    let sci = format!("{:.*e}", (PRECISION - 1) as usize, v);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if negative {
        out.push(b'-');
    }
    if (-4..PRECISION).contains(&exp) {
        // Fixed notation with the same significant digits.
        let mut text = Vec::with_capacity(24);
        if exp < 0 {
            text.extend_from_slice(b"0.");
            text.extend(std::iter::repeat_n(b'0', (-exp - 1) as usize));
            text.extend_from_slice(&digits);
        } else {
            let int_len = exp as usize + 1;
            text.extend_from_slice(&digits[..int_len]);
            text.push(b'.');
            text.extend_from_slice(&digits[int_len..]);
        }
        trim_fraction(&mut text);
        out.extend_from_slice(&text);
    } else {
        let mut text = Vec::with_capacity(24);
        text.push(digits[0]);
        text.push(b'.');
        text.extend_from_slice(&digits[1..]);
        trim_fraction(&mut text);
        out.extend_from_slice(&text);
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push(b'0');
        }
        out.extend_from_slice(abs.to_string().as_bytes());
    }
}

/// `%g` drops trailing zeros of the fraction, and the point when none remain.
fn trim_fraction(text: &mut Vec<u8>) {
    if text.contains(&b'.') {
        while text.last() == Some(&b'0') {
            text.pop();
        }
        if text.last() == Some(&b'.') {
            text.pop();
        }
    }
}
