//! The member order of QEMU's `QDict`, for byte-exact comparison with QEMU.
//!
//! QEMU prints object members in hash-table order: buckets in index order,
//! and within a bucket the most recently inserted key first.

/// QEMU's `QDICT_BUCKET_MAX`.
const BUCKETS: u32 = 512;

/// QEMU's key hash (gdbm's, via tdb) over the key in modified UTF-8.
fn bucket(key: &str) -> u32 {
    // Modified UTF-8 writes U+0000 as two bytes, C0 80.
    let mut len = 0u32;
    let mut value = 0u32;
    let mut add = |byte: u8| {
        value = value.wrapping_add(u32::from(byte) << ((len as usize * 5) % 24));
        len += 1;
    };
    for b in key.bytes() {
        if b == 0 {
            add(0xC0);
            add(0x80);
        } else {
            add(b);
        }
    }
    // The seed depends on the length, and addition commutes: add it last.
    let value = value.wrapping_add(0x238F_13AFu32.wrapping_mul(len));
    1_103_515_243u32.wrapping_mul(value).wrapping_add(12345) % BUCKETS
}

/// Given an object's keys in insertion order, returns their indices in the
/// order QEMU's `QDict` iterates (and prints) them.
///
/// ```
/// let keys = ["b", "a", "c", "aa"];
/// let order = rqapi_runtime::json::qdict_order(keys);
/// let printed: Vec<_> = order.iter().map(|&i| keys[i]).collect();
/// assert_eq!(printed, ["aa", "a", "b", "c"]);
/// ```
pub fn qdict_order<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
    let mut ranked: Vec<(u32, std::cmp::Reverse<usize>)> = keys
        .into_iter()
        .enumerate()
        .map(|(index, key)| (bucket(key), std::cmp::Reverse(index)))
        .collect();
    ranked.sort_unstable();
    ranked
        .into_iter()
        .map(|(_, std::cmp::Reverse(i))| i)
        .collect()
}
