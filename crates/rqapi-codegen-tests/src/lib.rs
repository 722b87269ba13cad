//! Generated code, compiled with warnings denied.
#![deny(warnings)]

/// QEMU's `tests/qapi-schema/qapi-schema-test.json`, server side, every
/// condition compiled in (snapshot, see tests/snapshots.rs).
pub mod qemu_test {
    include!("../snapshots/qapi-schema-test.rs");
}
