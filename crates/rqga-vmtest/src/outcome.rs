//! Skip or fail: how a VM test ends when it does not pass.

use std::fmt;

/// Why a VM test stopped early.
#[derive(Debug)]
pub enum VmTestError {
    /// The environment cannot run the test (reported, not a failure).
    Skip(String),
    /// The test found something wrong.
    Fail(String),
}

impl fmt::Display for VmTestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VmTestError::Skip(why) => write!(f, "skipped: {why}"),
            VmTestError::Fail(why) => write!(f, "failed: {why}"),
        }
    }
}

impl std::error::Error for VmTestError {}

/// Anything unexpected on the way (I/O, client errors) is a failure.
impl From<std::io::Error> for VmTestError {
    fn from(error: std::io::Error) -> Self {
        VmTestError::Fail(format!("I/O error: {error}"))
    }
}

impl From<rqapi_runtime::client::ClientError> for VmTestError {
    fn from(error: rqapi_runtime::client::ClientError) -> Self {
        VmTestError::Fail(format!("client error: {error}"))
    }
}

impl From<serde_json::Error> for VmTestError {
    fn from(error: serde_json::Error) -> Self {
        VmTestError::Fail(format!("JSON error: {error}"))
    }
}

/// The result type of VM test steps.
pub type Outcome<T = ()> = Result<T, VmTestError>;

/// Fails with a message unless `condition` holds.
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Outcome {
    match condition {
        true => Ok(()),
        false => Err(VmTestError::Fail(message())),
    }
}

/// Ends a test: passes, prints the skip reason, or panics with the failure.
pub fn conclude(name: &str, outcome: Outcome) {
    match outcome {
        Ok(()) => println!("{name}: passed"),
        Err(VmTestError::Skip(why)) => println!("{name}: skipped: {why}"),
        Err(VmTestError::Fail(why)) => panic!("{name} failed: {why}"),
    }
}
