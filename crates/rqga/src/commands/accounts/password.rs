//! guest-set-user-password: `chpasswd` fed `user:password\n`, with `-e`
//! when the password is already crypted (qemu-ga's Linux code).

use rqapi_runtime::qmp::QmpError;

use crate::commands::base64;
use crate::commands::runner::{ProgramRunner, ga_run_command};

/// The string as C sees it: up to the first NUL.
pub fn c_str(s: &str) -> &str {
    s.split('\0').next().unwrap_or_default()
}

/// Checks and runs `chpasswd` through `runner`.
pub fn set_user_password(
    runner: &dyn ProgramRunner,
    username: &str,
    password: &str,
    crypted: bool,
) -> Result<(), QmpError> {
    let mut raw = base64::decode(password)?;
    // The decoded password is used as a C string.
    if let Some(nul) = raw.iter().position(|&c| c == 0) {
        raw.truncate(nul);
    }
    if raw.contains(&b'\n') {
        return Err(QmpError::generic("forbidden characters in raw password"));
    }
    let username = c_str(username);
    if username.contains(['\n', ':']) {
        return Err(QmpError::generic("forbidden characters in username"));
    }
    let mut input = Vec::with_capacity(username.len() + raw.len() + 2);
    input.extend_from_slice(username.as_bytes());
    input.push(b':');
    input.extend_from_slice(&raw);
    input.push(b'\n');
    let argv: &[&str] = if crypted {
        &["chpasswd", "-e"]
    } else {
        &["chpasswd"]
    };
    ga_run_command(runner, argv, Some(&input), "set user password").map_err(QmpError::generic)
}
