//! QMP errors: a class and a human-readable description.

use crate::json::JsonError;

/// QEMU's `QapiErrorClass`: the `class` member of an error response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    GenericError,
    CommandNotFound,
    DeviceNotActive,
    DeviceNotFound,
    KVMMissingCap,
}

impl ErrorClass {
    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::GenericError => "GenericError",
            ErrorClass::CommandNotFound => "CommandNotFound",
            ErrorClass::DeviceNotActive => "DeviceNotActive",
            ErrorClass::DeviceNotFound => "DeviceNotFound",
            ErrorClass::KVMMissingCap => "KVMMissingCap",
        }
    }
}

impl std::fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as a QMP client sees it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{desc}")]
pub struct QmpError {
    pub class: ErrorClass,
    pub desc: String,
}

impl QmpError {
    pub fn new(class: ErrorClass, desc: impl Into<String>) -> Self {
        QmpError {
            class,
            desc: desc.into(),
        }
    }

    /// A `GenericError`, QEMU's `error_setg`.
    pub fn generic(desc: impl Into<String>) -> Self {
        Self::new(ErrorClass::GenericError, desc)
    }

    /// No command of that name is registered.
    pub fn command_not_found(command: &str) -> Self {
        Self::new(
            ErrorClass::CommandNotFound,
            format!("The command {command} has not been found"),
        )
    }

    /// The command exists but is disabled (optionally saying why).
    pub fn command_disabled(command: &str, reason: Option<&str>) -> Self {
        let reason = reason.map(|r| format!(": {r}")).unwrap_or_default();
        Self::new(
            ErrorClass::CommandNotFound,
            format!("Command {command} has been disabled{reason}"),
        )
    }

    /// `exec-oob` used for a command that cannot run out of band.
    pub fn no_oob(command: &str) -> Self {
        Self::generic(format!("The command {command} does not support OOB"))
    }
}

impl From<JsonError> for QmpError {
    fn from(error: JsonError) -> Self {
        Self::generic(error.to_string())
    }
}
