//! The member order of QEMU's `QDict`, for byte-exact comparison with QEMU.
//!
//! QEMU prints object members in hash-table order: buckets in index order,
//! and within a bucket the most recently inserted key first.

/// QEMU's `QDICT_BUCKET_MAX`.
const BUCKETS: u32 = 512;

/// QEMU's key hash (gdbm's, via tdb) over the key in modified UTF-8.
fn bucket(key: &str) -> u32 {
    // Modified UTF-8 writes U+0000 as two bytes, C0 80.
    let nuls = key.bytes().filter(|&b| b == 0).count();
    let len = (key.len() + nuls) as u32;
    let mut value = 0x238F_13AFu32.wrapping_mul(len);
    let bytes = key.bytes().flat_map(|b| {
        let pair = if b == 0 { [0xC0, 0x80] } else { [b, 0] };
        pair.into_iter().take(if b == 0 { 2 } else { 1 })
    });
    for (i, byte) in bytes.enumerate() {
        value = value.wrapping_add(u32::from(byte) << ((i * 5) % 24));
    }
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
