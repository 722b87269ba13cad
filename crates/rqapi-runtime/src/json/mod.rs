//! QEMU's JSON dialect on the wire, without I/O.
//!
//! - [`Reader`]: bytes in, messages out, with exactly the behaviour of
//!   QEMU's JSON lexer, streamer and parser (extensions, limits, error texts
//!   and error recovery).
//! - [`write_value`] / [`to_line`]: QEMU's output format; [`Chunks`] writes
//!   it from a value given up, moving large strings instead of copying.
//!
//! Values are [`serde_json::Value`] (with `preserve_order`): its number type
//! has the same three kinds as QEMU's `QNum` (int64, uint64, double), so
//! integers round-trip exactly and doubles are printed as QEMU prints them by
//! our own writer; objects keep insertion order (see [`MemberOrder`]).

mod chunks;
mod error;
mod lexer;
mod members;
mod number;
mod parser;
mod qdict_order;
mod reader;
mod scan;
mod text;
mod writer;

pub use chunks::{Chunks, MOVE_THRESHOLD};
pub use error::JsonError;
pub use number::format_double;
pub use qdict_order::qdict_order;
pub use reader::{Message, Messages, Reader};
pub use writer::{MemberOrder, to_line, write_value, write_value_with};
