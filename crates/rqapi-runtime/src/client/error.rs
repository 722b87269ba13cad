//! Client errors: local failures apart from the server's own answer.

use std::io;

use crate::qmp::QmpError;

/// Why a client call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error (`{"error": {"class", "desc"}}`).
    #[error("{0}")]
    Qmp(QmpError),
    /// Reading or writing the connection failed.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
    /// The server said something that is not valid QMP.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// No answer in time.
    #[error("timed out waiting for the response")]
    Timeout,
    /// The connection ended before the answer came.
    #[error("connection closed: {0}")]
    Closed(String),
    /// Arguments or a return value did not fit the requested Rust type.
    #[error("(de)serialising failed: {0}")]
    Serde(#[from] serde_json::Error),
}

impl ClientError {
    /// Whether the failure happened on our side (not an error response).
    pub fn is_local(&self) -> bool {
        !matches!(self, ClientError::Qmp(_))
    }

    /// The server's error, when that is what this is.
    pub fn as_qmp(&self) -> Option<&QmpError> {
        match self {
            ClientError::Qmp(error) => Some(error),
            _ => None,
        }
    }
}

impl From<QmpError> for ClientError {
    fn from(error: QmpError) -> Self {
        ClientError::Qmp(error)
    }
}
