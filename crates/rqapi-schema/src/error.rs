//! The front end's one error type, rendered exactly like QEMU's `QAPIError`.

use std::fmt;

use crate::source::SourceInfo;

/// A schema error. `Display` gives QEMU's text (without a trailing newline).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Where; `None` for errors about the schema as a whole
    /// (e.g. the root file cannot be read).
    pub info: Option<SourceInfo>,
    /// 1-based column, only for lexical and syntax errors.
    pub col: Option<u32>,
    pub msg: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A semantic error at `info` (QEMU's `QAPISemError`).
    pub fn sem(info: &SourceInfo, msg: impl Into<String>) -> Self {
        Error {
            info: Some(info.clone()),
            col: None,
            msg: msg.into(),
        }
    }

    /// An error with a column (QEMU's `QAPIParseError`).
    pub fn parse(info: &SourceInfo, col: u32, msg: impl Into<String>) -> Self {
        Error {
            info: Some(info.clone()),
            col: Some(col),
            msg: msg.into(),
        }
    }

    /// An error without location.
    pub fn bare(msg: impl Into<String>) -> Self {
        Error {
            info: None,
            col: None,
            msg: msg.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.info {
            None => f.write_str(&self.msg),
            Some(info) => {
                write!(f, "{info}")?;
                if let Some(col) = self.col {
                    write!(f, ":{col}")?;
                }
                write!(f, ": {}", self.msg)
            }
        }
    }
}

impl std::error::Error for Error {}
