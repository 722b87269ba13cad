//! QEMU's `qbase64_decode`: a character check, then GLib's lenient
//! `g_base64_decode` (newlines skipped, `=` counts as a zero digit and
//! marks padding, an incomplete final group is dropped).

const VALID: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n";

fn rank(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => u32::from(c - b'A'),
        b'a'..=b'z' => u32::from(c - b'a') + 26,
        b'0'..=b'9' => u32::from(c - b'0') + 52,
        b'+' => 62,
        b'/' => 63,
        b'=' => 0,
        _ => return None,
    })
}

/// Decodes `input`; the error is QEMU's text.
pub fn decode(input: &str) -> Result<Vec<u8>, &'static str> {
    // A C string ends at the first NUL.
    let input = input.split('\0').next().unwrap_or_default().as_bytes();
    if !input.iter().all(|c| VALID.contains(c)) {
        return Err("Base64 data contains invalid characters");
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let (mut v, mut n, mut last) = (0u32, 0, [0u8; 2]);
    for &c in input {
        let Some(r) = rank(c) else { continue };
        last = [c, last[0]];
        v = (v << 6) | r;
        n += 1;
        if n == 4 {
            out.push((v >> 16) as u8);
            if last[1] != b'=' {
                out.push((v >> 8) as u8);
            }
            if last[0] != b'=' {
                out.push(v as u8);
            }
            n = 0;
            v = 0;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn glib_compatible() {
        assert_eq!(decode("eA==").unwrap(), b"x");
        assert_eq!(decode("YQpi").unwrap(), b"a\nb");
        assert_eq!(decode("YW\nJj").unwrap(), b"abc");
        assert_eq!(decode("YWJjZA").unwrap(), b"abc");
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(
            decode("!!!"),
            Err("Base64 data contains invalid characters")
        );
    }
}
