//! An object's members while it is parsed.
//!
//! Most objects on the wire have a handful of members. Comparing a new key
//! with each earlier one costs less than hashing it (twice: the duplicate
//! check and the insert) and growing a hash table member by member; the map
//! is then built once, at its final size, and the list's buffer is kept
//! for the next object. Past [`FEW`] members the object moves to the map,
//! so a huge object stays linear.

use serde_json::map::Entry;
use serde_json::{Map, Value};

use super::JsonError;

/// Most members kept in the list before moving to the map.
const FEW: usize = 16;

/// Most list buffers kept for reuse (one per open object is the most used).
const SPARE: usize = 8;

/// Emptied member lists, kept so that small objects need no allocation
/// besides their map.
pub(crate) type Spare = Vec<Vec<(String, Value)>>;

#[derive(Debug)]
pub(crate) enum Members {
    Few(Vec<(String, Value)>),
    Many(Map<String, Value>),
}

impl Members {
    /// An empty object, reusing a spare list buffer if there is one.
    pub(crate) fn new(spare: &mut Spare) -> Self {
        Members::Few(spare.pop().unwrap_or_default())
    }

    /// Adds a member; a key already present is QEMU's duplicate-key error.
    pub(crate) fn insert(&mut self, key: String, value: Value) -> Result<(), JsonError> {
        match self {
            Members::Few(list) => {
                if list.iter().any(|(k, _)| *k == key) {
                    return Err(JsonError::DuplicateKey);
                }
                if list.len() < FEW {
                    list.push((key, value));
                    return Ok(());
                }
                let mut map = Map::with_capacity(2 * FEW);
                map.extend(list.drain(..));
                map.insert(key, value);
                *self = Members::Many(map);
            }
            Members::Many(map) => match map.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert(value);
                }
                Entry::Occupied(_) => return Err(JsonError::DuplicateKey),
            },
        }
        Ok(())
    }

    /// The object, members in insertion order.
    pub(crate) fn into_map(self, spare: &mut Spare) -> Map<String, Value> {
        match self {
            Members::Few(mut list) => {
                let mut map = Map::with_capacity(list.len());
                for (key, value) in list.drain(..) {
                    map.insert(key, value);
                }
                if spare.len() < SPARE && list.capacity() > 0 {
                    spare.push(list);
                }
                map
            }
            Members::Many(map) => map,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_finds_duplicates_small_and_large() {
        let mut spare = Spare::new();
        for count in [0, 1, FEW - 1, FEW, FEW + 1, 3 * FEW, 2] {
            let mut members = Members::new(&mut spare);
            // Descending keys, so insertion order differs from sorted order.
            let keys: Vec<String> = (0..count).rev().map(|i| format!("k{i}")).collect();
            for (i, key) in keys.iter().enumerate() {
                members.insert(key.clone(), Value::from(i)).unwrap();
            }
            for key in &keys {
                assert!(matches!(
                    members.insert(key.clone(), Value::Null),
                    Err(JsonError::DuplicateKey)
                ));
            }
            let map = members.into_map(&mut spare);
            assert_eq!(map.keys().cloned().collect::<Vec<_>>(), keys);
            for (i, value) in map.values().enumerate() {
                assert_eq!(value, &Value::from(i));
            }
        }
    }
}
