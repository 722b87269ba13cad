//! Which commands are enabled right now, shared by the dispatcher and
//! `guest-info` (qemu-ga keeps this in its command registry, which both
//! read).
//!
//! The state is the allow/block lists plus a copy of the freeze flag; a
//! command's enabled bit is [`CommandFilter::is_allowed`] of the two.
//! The freeze itself belongs to [`FsState`](crate::commands::fs::FsState),
//! which tells this state through [`FreezeNotify`] (qemu-ga's
//! `ga_apply_command_filters` in `ga_set_frozen`/`ga_unset_frozen`); the
//! changes are logged as qemu-ga does (`disabling command: X`).  The
//! server's dispatcher reads [`CommandState::dispatch_state`] per request.

use std::sync::{Arc, PoisonError, RwLock};

use rqapi_runtime::qapi::dispatch::DispatchState;

use crate::commands::fs::FreezeNotify;
use crate::filter::{CommandFilter, DISABLED_REASON};
use crate::qapi::commands::COMMANDS;

#[derive(Debug)]
struct Inner {
    filter: CommandFilter,
    frozen: bool,
    /// What the generated dispatcher checks, rebuilt on every change.
    dispatch: Arc<DispatchState>,
}

impl Inner {
    fn new(filter: CommandFilter, frozen: bool) -> Self {
        let mut inner = Inner {
            filter,
            frozen,
            dispatch: Arc::default(),
        };
        inner.rebuild();
        inner
    }

    fn rebuild(&mut self) {
        let mut state = DispatchState::default();
        for c in COMMANDS {
            if !self.filter.is_allowed(c.name, self.frozen) {
                state.disable(c.name, Some(DISABLED_REASON));
            }
        }
        self.dispatch = Arc::new(state);
    }
}

/// The shared enabled/disabled state of all commands.  Clones share it.
#[derive(Debug, Clone)]
pub struct CommandState {
    inner: Arc<RwLock<Inner>>,
}

impl Default for CommandState {
    fn default() -> Self {
        CommandState::new(CommandFilter::default(), false)
    }
}

impl CommandState {
    /// The state for the configured lists and the start-up freeze state.
    pub fn new(filter: CommandFilter, frozen: bool) -> Self {
        CommandState {
            inner: Arc::new(RwLock::new(Inner::new(filter, frozen))),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether `name` may run now.
    pub fn is_enabled(&self, name: &str) -> bool {
        let inner = self.read();
        inner.filter.is_allowed(name, inner.frozen)
    }

    /// The command state for the generated dispatcher, as of now.
    pub fn dispatch_state(&self) -> Arc<DispatchState> {
        Arc::clone(&self.read().dispatch)
    }

    /// Follows the freeze flag; returns the commands whose enabled bit
    /// changed, with the new bit, in registration order.
    pub fn set_frozen(&self, frozen: bool) -> Vec<(&'static str, bool)> {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        if inner.frozen == frozen {
            return Vec::new();
        }
        let before: Vec<bool> = COMMANDS
            .iter()
            .map(|c| inner.filter.is_allowed(c.name, inner.frozen))
            .collect();
        inner.frozen = frozen;
        inner.rebuild();
        COMMANDS
            .iter()
            .zip(before)
            .filter_map(|(c, was)| {
                let now = inner.filter.is_allowed(c.name, frozen);
                (now != was).then_some((c.name, now))
            })
            .collect()
    }

    fn follow(&self, frozen: bool) {
        for (name, enabled) in self.set_frozen(frozen) {
            let verb = if enabled { "enabling" } else { "disabling" };
            crate::log::debug(&format!("{verb} command: {name}"));
        }
    }
}

impl FreezeNotify for CommandState {
    fn frozen(&self) {
        self.follow(true);
    }

    fn thawed(&self) {
        self.follow(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freezing_disables_all_but_the_allowlist() {
        let state = CommandState::default();
        let changed = state.set_frozen(true);
        assert_eq!(
            changed.len(),
            COMMANDS.len() - crate::filter::FREEZE_ALLOWLIST.len()
        );
        assert!(changed.iter().all(|(_, enabled)| !enabled));
        assert!(state.set_frozen(true).is_empty());
        assert!(state.is_enabled("guest-fsfreeze-thaw"));
        assert!(!state.is_enabled("guest-exec"));
        let dispatch = state.dispatch_state();
        assert!(!dispatch.is_enabled("guest-exec"));
        assert!(dispatch.is_enabled("guest-ping"));
        assert_eq!(state.set_frozen(false).len(), changed.len());
        assert!(state.dispatch_state().is_enabled("guest-exec"));
    }
}
