//! Which unexpected member QEMU reports when there are several.
//!
//! QEMU's input visitor copies an object's keys into a GLib hash table (in
//! `QDict` iteration order), removes each member as it is visited, and at
//! the end reports the first key the table still holds, in GLib's slot
//! order. This models that table: GLib's string hash, its index function
//! and quadratic probing, and its in-place resizing on growth and shrink.

use crate::json::qdict_order;

/// GLib's smallest table (`HASH_TABLE_MIN_SHIFT`).
const MIN_SHIFT: u32 = 3;
/// GLib's modulus per table size (index = shift).
const PRIME_MOD: [u32; 32] = [
    1, 2, 3, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071,
    262139, 524287, 1048573, 2097143, 4194301, 8388593, 16777213, 33554393, 67108859, 134217689,
    268435399, 536870909, 1073741789, 2147483647,
];
const UNUSED: u32 = 0;
const TOMBSTONE: u32 = 1;

/// `g_str_hash`: djb2 over the bytes as signed chars.
fn str_hash(key: &str) -> u32 {
    let hash = key.bytes().take_while(|&b| b != 0).fold(5381u32, |h, b| {
        (h << 5)
            .wrapping_add(h)
            .wrapping_add(i32::from(b as i8) as u32)
    });
    // GLib keeps 0 and 1 for empty and removed slots.
    if hash < 2 { 2 } else { hash }
}

struct Table<'k> {
    hashes: Vec<u32>,
    keys: Vec<&'k str>,
    shift: u32,
    nnodes: usize,
    noccupied: usize,
}

impl<'k> Table<'k> {
    fn new() -> Self {
        let mut table = Table {
            hashes: Vec::new(),
            keys: Vec::new(),
            shift: 0,
            nnodes: 0,
            noccupied: 0,
        };
        table.set_shift(MIN_SHIFT);
        table.hashes.resize(table.size(), UNUSED);
        table.keys.resize(table.size(), "");
        table
    }

    fn size(&self) -> usize {
        1 << self.shift
    }

    fn set_shift(&mut self, shift: u32) {
        self.shift = shift.clamp(MIN_SHIFT, 31);
    }

    fn index(&self, hash: u32) -> usize {
        (hash.wrapping_mul(11) % PRIME_MOD[self.shift as usize]) as usize
    }

    /// The slot holding `key`, or the first free one on its probe path.
    fn lookup(&self, key: &str, hash: u32) -> (usize, bool) {
        let mask = self.size() - 1;
        let mut index = self.index(hash);
        let mut tombstone = None;
        let mut step = 0;
        while self.hashes[index] != UNUSED {
            if self.hashes[index] == hash && self.keys[index] == key {
                return (index, true);
            }
            if self.hashes[index] == TOMBSTONE && tombstone.is_none() {
                tombstone = Some(index);
            }
            step += 1;
            index = (index + step) & mask;
        }
        (tombstone.unwrap_or(index), false)
    }

    fn insert(&mut self, key: &'k str) {
        let hash = str_hash(key);
        let (index, found) = self.lookup(key, hash);
        if found {
            return;
        }
        if self.hashes[index] != TOMBSTONE {
            self.noccupied += 1;
        }
        self.hashes[index] = hash;
        self.keys[index] = key;
        self.nnodes += 1;
        self.maybe_resize();
    }

    fn remove(&mut self, key: &str) {
        let (index, found) = self.lookup(key, str_hash(key));
        if found {
            self.hashes[index] = TOMBSTONE;
            self.nnodes -= 1;
            self.maybe_resize();
        }
    }

    fn maybe_resize(&mut self) {
        let size = self.size();
        if (size > self.nnodes * 4 && size > 1 << MIN_SHIFT)
            || size <= self.noccupied + self.noccupied / 16
        {
            self.resize();
        }
    }

    /// GLib's in-place rehash: every entry moves to the first slot on its
    /// new probe path not yet taken by a moved entry, evicting what sits
    /// there to be moved next.
    fn resize(&mut self) {
        let old_size = self.size();
        let wanted = (self.nnodes as f64 * 1.333) as usize;
        self.set_shift(usize::BITS - wanted.leading_zeros());
        let new_size = self.size();
        let span = old_size.max(new_size);
        self.hashes.resize(span, UNUSED);
        self.keys.resize(span, "");
        let mut moved = vec![false; span];
        let mask = new_size - 1;
        for i in 0..old_size {
            let mut hash = self.hashes[i];
            if hash < 2 {
                self.hashes[i] = UNUSED;
                continue;
            }
            if moved[i] {
                continue;
            }
            self.hashes[i] = UNUSED;
            let mut key = self.keys[i];
            loop {
                let mut index = self.index(hash);
                let mut step = 0;
                while moved[index] {
                    step += 1;
                    index = (index + step) & mask;
                }
                moved[index] = true;
                let replaced = std::mem::replace(&mut self.hashes[index], hash);
                let replaced_key = std::mem::replace(&mut self.keys[index], key);
                if replaced < 2 {
                    break;
                }
                (hash, key) = (replaced, replaced_key);
            }
        }
        self.hashes.truncate(new_size);
        self.keys.truncate(new_size);
        self.noccupied = self.nnodes;
    }

    fn first(&self) -> Option<&'k str> {
        (0..self.size())
            .find(|&i| self.hashes[i] >= 2)
            .map(|i| self.keys[i])
    }
}

/// The member QEMU reports as unexpected: `keys` are the object's members
/// in input order, `visited` the members consumed, in visiting order.
pub fn first_unexpected<'k>(keys: &[&'k str], visited: &[&str]) -> Option<&'k str> {
    let mut table = Table::new();
    for index in qdict_order(keys.iter().copied()) {
        table.insert(keys[index]);
    }
    for key in visited {
        table.remove(key);
    }
    table.first()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_extras_reported_as_qemu_ga_does() {
        // Reference: qemu-ga 7.2 answers guest-sync with extras b1 and b2
        // by "Parameter 'b2' is unexpected".
        assert_eq!(first_unexpected(&["id", "b1", "b2"], &["id"]), Some("b2"));
        assert_eq!(first_unexpected(&["b1", "id", "b2"], &["id"]), Some("b2"));
    }

    #[test]
    fn nothing_left_means_nothing_unexpected() {
        assert_eq!(first_unexpected(&["a", "b"], &["b", "a"]), None);
        assert_eq!(first_unexpected(&[], &[]), None);
    }

    #[test]
    fn many_members_survive_growth_and_shrink() {
        let keys: Vec<String> = (0..40).map(|i| format!("member-{i}")).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let visited: Vec<&str> = keys[..39].to_vec();
        assert_eq!(first_unexpected(&keys, &visited), Some("member-39"));
        let found = first_unexpected(&keys, &[]).unwrap_or_default();
        assert!(keys.contains(&found));
    }
}
