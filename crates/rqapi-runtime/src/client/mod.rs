//! Async (tokio) clients: [`QmpClient`] for QMP monitors and
//! [`GuestAgentClient`] for guest agents.
//!
//! Both send compact requests with short numeric ids and route responses by
//! id from one reader task, so any number of commands can be in flight
//! from any number of tasks. Errors keep the server's answer
//! ([`ClientError::Qmp`]) apart from local failures (I/O, protocol,
//! timeout). Typed calls go through [`QmpClient::call`], which generated
//! command wrappers use.

mod agent;
mod core;
mod error;
mod events;
mod framing;
mod message;
mod plain;
mod qmp;
mod reader;
mod routing;

pub use agent::{GuestAgentClient, GuestAgentOptions, QGA_NO_REPLY_COMMANDS};
pub use error::ClientError;
pub use events::{Event, EventStream};
pub use qmp::{QmpClient, QmpClientOptions};
