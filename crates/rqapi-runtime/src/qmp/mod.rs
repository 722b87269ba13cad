//! QMP requests and responses, without I/O.
//!
//! A server loop: read messages with [`crate::json::Reader`], turn each into
//! a [`Request`] with [`parse_request`] (answering a [`Rejection`] with its
//! [`Rejection::response`]), dispatch, and write the response with
//! [`crate::json::to_line`].

mod error;
mod request;
mod response;

pub use error::{ErrorClass, QmpError};
pub use request::{Flavor, Rejection, Request, check_request, parse_request};
pub use response::{Timestamp, error_response, event_message, success_response};
