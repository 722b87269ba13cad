//! Which commands are enabled: qemu-ga's `ga_command_is_allowed`.
//!
//! - With an allow list, only listed commands are enabled; without one
//!   (or with an empty one: `-a ''` gives no list) everything is.
//! - The block list wins over the allow list.
//! - While filesystems are frozen only [`FREEZE_ALLOWLIST`] is enabled,
//!   whatever the lists say.
//!
//! Names in the lists that are not commands are ignored silently, as in
//! qemu-ga.  A disabled command is answered by the dispatcher with class
//! `CommandNotFound` and the text `Command <name> has been disabled:
//! `[`DISABLED_REASON`]; an unknown one with `The command <name> has not
//! been found`.

use std::ffi::OsString;

use crate::config::Config;

/// Commands that stay usable while filesystems are frozen.
pub const FREEZE_ALLOWLIST: &[&str] = &[
    "guest-ping",
    "guest-info",
    "guest-sync",
    "guest-sync-delimited",
    "guest-fsfreeze-status",
    "guest-fsfreeze-thaw",
];

/// The reason qemu-ga 10.2 gives when disabling a command.
pub const DISABLED_REASON: &str = "the command is not allowed";

/// The allow and block lists from the configuration.
#[derive(Debug, Clone, Default)]
pub struct CommandFilter {
    allowed: Vec<OsString>,
    blocked: Vec<OsString>,
}

impl CommandFilter {
    /// Takes the lists from a parsed configuration.
    pub fn from_config(config: &Config) -> Self {
        CommandFilter {
            allowed: config.allowed_rpcs.clone(),
            blocked: config.blocked_rpcs.clone(),
        }
    }

    /// Whether `name` is enabled, given whether filesystems are frozen.
    pub fn is_allowed(&self, name: &str, frozen: bool) -> bool {
        if frozen {
            return FREEZE_ALLOWLIST.contains(&name);
        }
        let listed = |list: &[OsString]| list.iter().any(|n| n == name);
        (self.allowed.is_empty() || listed(&self.allowed)) && !listed(&self.blocked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(allowed: &[&str], blocked: &[&str]) -> CommandFilter {
        CommandFilter {
            allowed: allowed.iter().map(OsString::from).collect(),
            blocked: blocked.iter().map(OsString::from).collect(),
        }
    }

    #[test]
    fn qemu_ga_rules() {
        assert!(filter(&[], &[]).is_allowed("guest-exec", false));
        assert!(!filter(&["guest-ping"], &[]).is_allowed("guest-exec", false));
        assert!(!filter(&["guest-exec"], &["guest-exec"]).is_allowed("guest-exec", false));
        assert!(!filter(&[], &[]).is_allowed("guest-exec", true));
        assert!(filter(&[], &["guest-ping"]).is_allowed("guest-ping", true));
    }
}
