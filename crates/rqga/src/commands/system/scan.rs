//! C number parsing as qemu-ga relies on it: `strtoul`/`strtol`/`atoi`
//! prefixes and `sscanf`'s `%s`/`%u`/`%lu` conversions.  Written out so
//! the odd inputs (signs, overflow, garbage after digits) give what the C
//! agent gives.

/// C's `isspace` in the C locale.
pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The number at the start of `text` as `strtol`/`strtoul` read it:
/// sign, magnitude (`None` on overflow) and bytes used (0: no number).
fn parse_number(text: &[u8], base: u32) -> (bool, Option<u64>, usize) {
    let mut i = text.iter().take_while(|&&b| is_c_space(b)).count();
    let negative = text.get(i) == Some(&b'-');
    if matches!(text.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    if base == 16
        && text.get(i) == Some(&b'0')
        && matches!(text.get(i + 1), Some(b'x' | b'X'))
        && text.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        i += 2;
    }
    let start = i;
    let mut value = Some(0u64);
    while let Some(d) = text.get(i).and_then(|&b| (b as char).to_digit(base)) {
        value = value
            .and_then(|v| v.checked_mul(u64::from(base)))
            .and_then(|v| v.checked_add(u64::from(d)));
        i += 1;
    }
    if i == start {
        return (false, Some(0), 0);
    }
    (negative, value, i)
}

/// `strtoul(text, &end, base)` for base 10 or 16: the value and how many
/// bytes were used (0 when there is no number).  Overflow gives
/// `u64::MAX`; a minus sign negates modulo 2^64.
pub fn strtoul(text: &[u8], base: u32) -> (u64, usize) {
    match parse_number(text, base) {
        (_, None, used) => (u64::MAX, used),
        (negative, Some(v), used) => (if negative { v.wrapping_neg() } else { v }, used),
    }
}

/// `strtol(text, NULL, base)`: clamps to the `long` range on overflow.
pub fn strtol(text: &[u8], base: u32) -> i64 {
    match parse_number(text, base) {
        (false, magnitude, _) => magnitude
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or(i64::MAX),
        (true, magnitude, _) => magnitude
            .and_then(|v| 0i128.checked_sub(i128::from(v)))
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or(i64::MIN),
    }
}

/// `atoi`: `strtol` base 10 truncated to `int`.
pub fn atoi(text: &[u8]) -> i32 {
    strtol(text, 10) as i32
}

/// A `sscanf` cursor over one line.  Each conversion skips leading
/// white space, as scanf's do; a failed conversion ends the scan.
#[derive(Debug)]
pub struct Scan<'a> {
    text: &'a [u8],
    pos: usize,
    /// Conversions done so far (scanf's return value once one fails).
    pub count: i32,
    failed: bool,
}

impl<'a> Scan<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        Scan {
            text,
            pos: 0,
            count: 0,
            failed: false,
        }
    }

    fn skip_space(&mut self) -> bool {
        while self.text.get(self.pos).is_some_and(|&b| is_c_space(b)) {
            self.pos += 1;
        }
        // A NUL ends sscanf's input.
        self.pos < self.text.len() && self.text[self.pos] != 0
    }

    /// `%s`.
    pub fn word(&mut self) -> Option<&'a [u8]> {
        if self.failed || !self.skip_space() {
            self.failed = true;
            return None;
        }
        let start = self.pos;
        while self
            .text
            .get(self.pos)
            .is_some_and(|&b| b != 0 && !is_c_space(b))
        {
            self.pos += 1;
        }
        self.count += 1;
        Some(&self.text[start..self.pos])
    }

    /// `%lu`.
    pub fn ulong(&mut self) -> Option<u64> {
        if self.failed || !self.skip_space() {
            self.failed = true;
            return None;
        }
        let rest = &self.text[self.pos..];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        let (value, used) = strtoul(&rest[..end], 10);
        if used == 0 {
            self.failed = true;
            return None;
        }
        self.pos += used;
        self.count += 1;
        Some(value)
    }

    /// `%u`: glibc converts as `%lu` and stores the low 32 bits.
    pub fn uint(&mut self) -> Option<u32> {
        self.ulong().map(|v| v as u32)
    }

    /// scanf's result: -1 (EOF) when input ended before any conversion.
    pub fn result(&self) -> i32 {
        if self.count == 0 && self.failed && !self.has_input_left() {
            -1
        } else {
            self.count
        }
    }

    fn has_input_left(&self) -> bool {
        self.text[self.pos..]
            .iter()
            .take_while(|&&b| b != 0)
            .any(|&b| !is_c_space(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtoul_like_c() {
        assert_eq!(strtoul(b"  42abc", 10), (42, 4));
        assert_eq!(strtoul(b"-1", 10), (u64::MAX, 2));
        assert_eq!(strtoul(b"x", 10), (0, 0));
        assert_eq!(strtoul(b"99999999999999999999999", 10).0, u64::MAX);
        assert_eq!(strtoul(b"8000000\n", 16), (0x800_0000, 7));
        assert_eq!(strtoul(b"0x10", 16), (16, 4));
        assert_eq!(strtoul(b"0xg", 16), (0, 1));
    }

    #[test]
    fn strtol_clamps() {
        assert_eq!(strtol(b"ffffffffffffffffff", 16), i64::MAX);
        assert_eq!(strtol(b"-10", 16), -16);
        assert_eq!(strtol(b"-99999999999999999999", 10), i64::MIN);
        assert_eq!(atoi(b"12x"), 12);
        assert_eq!(atoi(b""), 0);
    }

    #[test]
    fn scan_counts_like_sscanf() {
        let mut s = Scan::new(b"cpu0 1 2 x");
        assert_eq!(s.word(), Some(&b"cpu0"[..]));
        assert_eq!(s.ulong(), Some(1));
        assert_eq!(s.ulong(), Some(2));
        assert_eq!(s.ulong(), None);
        assert_eq!(s.ulong(), None);
        assert_eq!(s.result(), 3);
        let mut s = Scan::new(b"  \n");
        assert_eq!(s.word(), None);
        assert_eq!(s.result(), -1);
        let mut s = Scan::new(b"12ab");
        assert_eq!(s.uint(), Some(12));
        assert_eq!(s.uint(), None);
        assert_eq!(s.result(), 1);
    }
}
