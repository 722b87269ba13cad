//! Which commands are enabled right now, shared by the dispatcher and
//! `guest-info` (qemu-ga keeps this in its command registry, which both
//! read).
//!
//! The state is the allow/block lists plus the freeze flag; a command's
//! enabled bit is [`CommandFilter::is_allowed`] of the two.  The freeze
//! commands flip the flag with [`CommandState::set_frozen`], which
//! returns what changed so the caller can log it as qemu-ga does
//! (`disabling command: X` / `enabling command: X`).  The server copies
//! the state into its `DispatchState` with [`CommandState::apply_to`]
//! whenever [`CommandState::generation`] moved.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use rqapi_runtime::qapi::dispatch::DispatchState;

use crate::filter::{CommandFilter, DISABLED_REASON};
use crate::qapi::commands::COMMANDS;

#[derive(Debug, Default)]
struct Inner {
    filter: CommandFilter,
    frozen: bool,
}

/// The shared enabled/disabled state of all commands.  Clones share it.
#[derive(Debug, Clone, Default)]
pub struct CommandState {
    inner: Arc<RwLock<Inner>>,
    generation: Arc<AtomicU64>,
}

impl CommandState {
    /// The state for the configured lists and the start-up freeze state.
    pub fn new(filter: CommandFilter, frozen: bool) -> Self {
        CommandState {
            inner: Arc::new(RwLock::new(Inner { filter, frozen })),
            generation: Arc::default(),
        }
    }

    /// Whether `name` may run now.
    pub fn is_enabled(&self, name: &str) -> bool {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        inner.filter.is_allowed(name, inner.frozen)
    }

    /// Whether filesystems are (believed) frozen.
    pub fn is_frozen(&self) -> bool {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .frozen
    }

    /// Sets the freeze flag; returns the commands whose enabled bit
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
        self.generation.fetch_add(1, Ordering::Release);
        COMMANDS
            .iter()
            .zip(before)
            .filter_map(|(c, was)| {
                let now = inner.filter.is_allowed(c.name, frozen);
                (now != was).then_some((c.name, now))
            })
            .collect()
    }

    /// A counter that moves whenever an enabled bit may have changed.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Makes `dispatch` disable exactly the commands disabled here, with
    /// qemu-ga's reason.
    pub fn apply_to(&self, dispatch: &mut DispatchState) {
        for c in COMMANDS {
            if self.is_enabled(c.name) {
                dispatch.enable(c.name);
            } else {
                dispatch.disable(c.name, Some(DISABLED_REASON));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freezing_disables_all_but_the_allowlist() {
        let state = CommandState::default();
        let g = state.generation();
        let changed = state.set_frozen(true);
        assert_eq!(
            changed.len(),
            COMMANDS.len() - crate::filter::FREEZE_ALLOWLIST.len()
        );
        assert!(changed.iter().all(|(_, enabled)| !enabled));
        assert!(state.generation() > g);
        assert!(state.set_frozen(true).is_empty());
        assert!(state.is_enabled("guest-fsfreeze-thaw"));
        assert!(!state.is_enabled("guest-exec"));
        let mut dispatch = DispatchState::new(Default::default());
        state.apply_to(&mut dispatch);
        assert!(!dispatch.is_enabled("guest-exec"));
        assert!(dispatch.is_enabled("guest-ping"));
        assert_eq!(state.set_frozen(false).len(), changed.len());
        state.apply_to(&mut dispatch);
        assert!(dispatch.is_enabled("guest-exec"));
    }
}
