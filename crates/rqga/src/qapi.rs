//! Code generated from `schema/qga.json` by rqapi-codegen (see build.rs):
//! types, the `Commands` trait with its dispatcher and the command table.

include!(concat!(env!("OUT_DIR"), "/qga.rs"));
