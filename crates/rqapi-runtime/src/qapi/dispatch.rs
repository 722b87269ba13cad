//! What generated command dispatchers need: per-command metadata, the
//! run-time state QEMU keeps per command list (enabled/disabled, the compat
//! policy), and the checks `qmp_dispatch()` makes before running a command.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::compat::{CompatPolicy, Features};
use super::input::Input;
use crate::qmp::QmpError;

/// Static facts about a command, from its schema definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandInfo {
    pub name: &'static str,
    /// `deprecated` / `unstable` of the command itself.
    pub features: Features,
    /// False for `'gen': false` commands, handled by hand-written code.
    pub generated: bool,
    /// False when the command sends no response (`'success-response': false`).
    pub success_response: bool,
    pub allow_oob: bool,
    pub allow_preconfig: bool,
    pub coroutine: bool,
}

impl CommandInfo {
    /// A generated command with the usual options: success response, no
    /// out-of-band, no preconfig, no coroutine, no special features. The
    /// other constructors adjust one option each (for generated tables).
    pub const fn new(name: &'static str) -> Self {
        CommandInfo {
            name,
            features: Features::NONE,
            generated: true,
            success_response: true,
            allow_oob: false,
            allow_preconfig: false,
            coroutine: false,
        }
    }

    pub const fn features(mut self, features: Features) -> Self {
        self.features = features;
        self
    }

    /// `'gen': false`.
    pub const fn not_generated(mut self) -> Self {
        self.generated = false;
        self
    }

    /// `'success-response': false`.
    pub const fn no_success_response(mut self) -> Self {
        self.success_response = false;
        self
    }

    pub const fn allow_oob(mut self) -> Self {
        self.allow_oob = true;
        self
    }

    pub const fn allow_preconfig(mut self) -> Self {
        self.allow_preconfig = true;
        self
    }

    pub const fn coroutine(mut self) -> Self {
        self.coroutine = true;
        self
    }
}

/// Run-time command state: which commands are disabled (and why), and the
/// compatibility policy applied to input and output.
#[derive(Debug, Clone, Default)]
pub struct DispatchState {
    pub policy: CompatPolicy,
    disabled: HashMap<String, Option<String>>,
}

impl DispatchState {
    pub fn new(policy: CompatPolicy) -> Self {
        DispatchState {
            policy,
            disabled: HashMap::new(),
        }
    }

    /// QEMU's `qmp_disable_command`.
    pub fn disable(&mut self, command: &str, reason: Option<&str>) {
        self.disabled
            .insert(command.to_owned(), reason.map(str::to_owned));
    }

    pub fn enable(&mut self, command: &str) {
        self.disabled.remove(command);
    }

    pub fn is_enabled(&self, command: &str) -> bool {
        !self.disabled.contains_key(command)
    }

    /// The checks of `qmp_dispatch()` between finding the command and
    /// running it, in QEMU's order: policy, enabled, out-of-band.
    pub fn check(&self, info: &CommandInfo, oob: bool) -> Result<(), QmpError> {
        self.input(true).check_command(info.name, info.features)?;
        if let Some(reason) = self.disabled.get(info.name) {
            return Err(QmpError::command_disabled(info.name, reason.as_deref()));
        }
        if oob && !info.allow_oob {
            return Err(QmpError::no_oob(info.name));
        }
        Ok(())
    }

    /// A fresh input visitor with this state's policy.
    pub fn input(&self, strict: bool) -> Input {
        Input::new(strict).with_policy(self.policy)
    }
}

/// Finds a command's metadata in a generated table.
pub fn find_command(
    table: &'static [CommandInfo],
    name: &str,
) -> Result<&'static CommandInfo, QmpError> {
    table
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| QmpError::command_not_found(name))
}

/// The dispatcher's answer for a name no command has (an ordinary call, so
/// generated code has no unreachable code when every command is compiled
/// out).
pub fn unknown_command(name: &str) -> Result<Value, QmpError> {
    Err(QmpError::command_not_found(name))
}

/// Reads a command's arguments object as an argument struct: QEMU's
/// marshaller visits it as an unnamed struct, strictly. The arguments are
/// given up, so their strings move into the struct (a `guest-file-write`
/// buffer is not copied).
pub fn visit_arguments<T: super::VisitMembers>(
    v: &mut Input,
    mut arguments: Map<String, Value>,
) -> Result<T, QmpError> {
    v.start_struct_map(&arguments);
    let this = T::visit_members(v, &mut arguments)?;
    v.end_struct(&arguments)?;
    Ok(this)
}

/// A command, for clients: its name and typed arguments and return value.
pub trait Command {
    const NAME: &'static str;
    /// The argument struct (`()` without arguments).
    type Arguments: super::VisitMembers + super::SerializeMembers;
    /// The return type ([`Empty`] without `returns`: QMP sends `{}`).
    type Returns: super::Visit + serde::Serialize;
}

/// Called by a generated `visit_commands()` once per command of the schema.
pub trait CommandVisitor {
    fn visit<C: Command>(&mut self);
}

/// The `{}` a command without `returns` answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Empty;

impl super::Visit for Empty {
    fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> super::VisitResult<Self> {
        super::visit_struct::<()>(v, name, value).map(|()| Empty)
    }
}

impl serde::Serialize for Empty {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        super::serialize_struct(&(), serializer)
    }
}
