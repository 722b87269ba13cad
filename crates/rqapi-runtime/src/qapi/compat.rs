//! QEMU's compatibility policy (`-compat`, `qapi/compat.json`): what to do
//! with input and output marked with the special features `deprecated` and
//! `unstable`.

use std::cell::Cell;

use crate::qmp::{ErrorClass, QmpError};

/// The special features of a command, member or enum value, as a bit set
/// (QEMU's `QAPI_DEPRECATED` / `QAPI_UNSTABLE` bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Features(u8);

impl Features {
    pub const NONE: Features = Features(0);
    pub const DEPRECATED: Features = Features(1);
    pub const UNSTABLE: Features = Features(2);
    pub const BOTH: Features = Features(3);

    pub const fn is_deprecated(self) -> bool {
        self.0 & 1 != 0
    }

    pub const fn is_unstable(self) -> bool {
        self.0 & 2 != 0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// What to do with deprecated or unstable input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputPolicy {
    #[default]
    Accept,
    /// Fail with "Deprecated parameter x disabled by policy" and the like.
    Reject,
    /// Abort the process, as QEMU does (meant for testing management
    /// applications; chosen deliberately by whoever runs the server).
    Crash,
}

/// What to do with deprecated or unstable output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputPolicy {
    #[default]
    Accept,
    /// Leave such members out of output.
    Hide,
}

/// A complete policy; the default accepts everything, as QEMU's does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CompatPolicy {
    pub deprecated_input: InputPolicy,
    pub deprecated_output: OutputPolicy,
    pub unstable_input: InputPolicy,
    pub unstable_output: OutputPolicy,
}

impl CompatPolicy {
    /// QEMU's `compat_policy_input_ok`: `kind` is `command`, `parameter` or
    /// `value`, `name` the plain (not full) name.
    pub fn check_input(
        &self,
        features: Features,
        class: ErrorClass,
        kind: &str,
        name: &str,
    ) -> Result<(), QmpError> {
        let checks = [
            (
                features.is_deprecated(),
                self.deprecated_input,
                "Deprecated",
            ),
            (features.is_unstable(), self.unstable_input, "Unstable"),
        ];
        for (marked, policy, adjective) in checks {
            if !marked {
                continue;
            }
            match policy {
                InputPolicy::Accept => {}
                InputPolicy::Reject => {
                    return Err(QmpError::new(
                        class,
                        format!("{adjective} {kind} {name} disabled by policy"),
                    ));
                }
                InputPolicy::Crash => std::process::abort(),
            }
        }
        Ok(())
    }

    /// QEMU's output visitor `policy_skip`: whether output so marked is hidden.
    pub fn hides_output(&self, features: Features) -> bool {
        (features.is_deprecated() && self.deprecated_output == OutputPolicy::Hide)
            || (features.is_unstable() && self.unstable_output == OutputPolicy::Hide)
    }
}

thread_local! {
    static OUTPUT_POLICY: Cell<CompatPolicy> = Cell::new(CompatPolicy::default());
}

/// Runs `f` (typically a serialisation) with `policy` governing which
/// marked members generated `Serialize` impls leave out.
pub fn with_output_policy<R>(policy: CompatPolicy, f: impl FnOnce() -> R) -> R {
    let previous = OUTPUT_POLICY.with(|p| p.replace(policy));
    let result = f();
    OUTPUT_POLICY.with(|p| p.set(previous));
    result
}

/// Used by generated `Serialize` impls: whether a member with these
/// features is hidden under the current output policy.
pub fn output_hidden(features: Features) -> bool {
    !features.is_empty() && OUTPUT_POLICY.with(|p| p.get().hides_output(features))
}
