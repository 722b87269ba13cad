//! Hash maps for the front end's name tables. Keys are short schema names
//! looked up many times per definition; with std's SipHash, hashing was
//! about a tenth of loading QEMU's schema, foldhash makes it a fraction.
//! Nothing iterates a `HashMap` in an order that reaches output.

pub type FastState = foldhash::fast::RandomState;
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, FastState>;
pub type IndexMap<K, V> = indexmap::IndexMap<K, V, FastState>;
