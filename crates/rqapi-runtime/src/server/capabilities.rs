//! The greeting and `qmp_capabilities` (QEMU's monitor/qmp-cmds-control.c
//! behaviour).

use serde_json::{Map, Value, json};

use crate::qapi::dispatch::{CommandInfo, visit_arguments};
use crate::qapi::{Input, QapiEnum, Visit, VisitMembers, VisitResult};
use crate::qmp::{ErrorClass, QmpError};

pub(crate) const QMP_CAPABILITIES: &str = "qmp_capabilities";

/// `qmp_capabilities` as QEMU registers it for negotiation mode; used
/// after negotiation too when the dispatcher has no entry of its own.
pub(crate) const BUILTIN_INFO: CommandInfo = CommandInfo::new(QMP_CAPABILITIES)
    .not_generated()
    .allow_preconfig();

/// The version a server announces (`query-version`'s `qemu` member).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QemuVersion {
    pub major: i64,
    pub minor: i64,
    pub micro: i64,
}

/// `{"QMP": {"version": {"qemu": {...}, "package": ...}, "capabilities": [...]}}`.
pub(crate) fn greeting(version: QemuVersion, package: &str, offer_oob: bool) -> Value {
    let capabilities: Vec<Value> = if offer_oob {
        vec!["oob".into()]
    } else {
        vec![]
    };
    json!({"QMP": {
        "version": {
            "qemu": {"micro": version.micro, "minor": version.minor, "major": version.major},
            "package": package,
        },
        "capabilities": capabilities,
    }})
}

/// The `QMPCapability` enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capability {
    Oob,
}

impl QapiEnum for Capability {
    const NAME: &'static str = "QMPCapability";
    fn from_wire(name: &str) -> Option<Self> {
        (name == "oob").then_some(Capability::Oob)
    }
    fn as_wire(&self) -> &str {
        "oob"
    }
}

impl Visit for Capability {
    fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
        v.enum_value(name, value)
    }
}

struct Arguments {
    enable: Option<Vec<Capability>>,
}

impl VisitMembers for Arguments {
    fn visit_members(v: &mut Input, members: &mut Map<String, Value>) -> VisitResult<Self> {
        Ok(Arguments {
            enable: v.optional(members, "enable")?,
        })
    }
}

/// Runs `qmp_capabilities`; returns whether `oob` was enabled.
pub(crate) fn negotiate(
    input: &mut Input,
    arguments: &Map<String, Value>,
    negotiated: bool,
    oob_offered: bool,
) -> Result<bool, QmpError> {
    let Arguments { enable } = visit_arguments(input, arguments.clone())?;
    if negotiated {
        return Err(QmpError::new(
            ErrorClass::CommandNotFound,
            "Capabilities negotiation is already complete, command ignored",
        ));
    }
    let enable = enable.unwrap_or_default();
    if !enable.is_empty() && !oob_offered {
        let names: Vec<&str> = enable.iter().map(QapiEnum::as_wire).collect();
        return Err(QmpError::generic(format!(
            "Capability {} not available",
            names.join(", ")
        )));
    }
    Ok(enable.contains(&Capability::Oob))
}

/// In negotiation mode QEMU replaces every CommandNotFound description.
pub(crate) fn expecting_negotiation(error: QmpError) -> QmpError {
    if error.class == ErrorClass::CommandNotFound {
        QmpError::new(
            ErrorClass::CommandNotFound,
            "Expecting capabilities negotiation with 'qmp_capabilities'",
        )
    } else {
        error
    }
}
