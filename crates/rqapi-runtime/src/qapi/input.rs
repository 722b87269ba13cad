//! The QObject input visitor, over [`serde_json::Value`]: walks a JSON value
//! the way QEMU's `qobject-input-visitor.c` does and fails with its exact
//! error texts (full member paths such as `a.b[0].c`, checks for unexpected
//! members after all known members were visited).

use serde_json::{Map, Value};

use super::Visit;
use super::compat::{CompatPolicy, Features};
use crate::qmp::{ErrorClass, QmpError};

/// Result of visiting input.
pub type VisitResult<T> = Result<T, QmpError>;

#[derive(Debug)]
enum Container {
    /// An object, with the names of the members consumed so far.
    Dict(Vec<&'static str>),
    /// An array, with the index of the element last taken (-1 before any).
    List(i64),
}

#[derive(Debug)]
struct Frame {
    name: Option<&'static str>,
    container: Container,
}

/// Input visitor state: the stack of containers being visited, the
/// strictness, and the compatibility policy for marked input.
#[derive(Debug)]
pub struct Input {
    stack: Vec<Frame>,
    strict: bool,
    policy: CompatPolicy,
}

impl Input {
    /// `strict`: reject members no type declares ("Parameter 'x' is
    /// unexpected"), as a QMP server must; a tolerant client ignores them.
    pub fn new(strict: bool) -> Self {
        Input {
            stack: Vec::new(),
            strict,
            policy: CompatPolicy::default(),
        }
    }

    pub fn with_policy(mut self, policy: CompatPolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn is_strict(&self) -> bool {
        self.strict
    }

    pub fn policy(&self) -> &CompatPolicy {
        &self.policy
    }

    /// QEMU's `full_name()`: the path of `name` inside the containers being
    /// visited (`a.b`, `l[2].x`; `<anonymous>` when there is none).
    pub fn full_name(&self, name: Option<&str>) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut name = name;
        for frame in self.stack.iter().rev() {
            match frame.container {
                Container::Dict(_) => {
                    parts.push(name.unwrap_or("<anonymous>").to_owned());
                    parts.push(".".to_owned());
                }
                Container::List(index) => parts.push(format!("[{}]", index as u32)),
            }
            name = frame.name;
        }
        let mut out: String = parts.iter().rev().map(String::as_str).collect();
        if let Some(name) = name {
            out.insert_str(0, name);
        } else if out.starts_with('.') {
            out.remove(0);
        } else if out.is_empty() {
            return "<anonymous>".to_owned();
        }
        out
    }

    /// "Invalid parameter type for 'a.b', expected: integer".
    pub fn invalid_type(&self, name: Option<&str>, expected: &str) -> QmpError {
        QmpError::generic(format!(
            "Invalid parameter type for '{}', expected: {expected}",
            self.full_name(name)
        ))
    }

    /// "Parameter 'a.b' is missing".
    pub fn missing(&self, name: Option<&str>) -> QmpError {
        QmpError::generic(format!("Parameter '{}' is missing", self.full_name(name)))
    }

    /// QERR_INVALID_PARAMETER_VALUE with the full name ("expects uint64").
    pub fn invalid_value_full(&self, name: Option<&str>, expects: &str) -> QmpError {
        QmpError::generic(format!(
            "Parameter '{}' expects {expects}",
            self.full_name(name)
        ))
    }

    /// Range and enum errors use the plain name, `null` for list elements,
    /// as `visit_type_intN()` and `input_type_enum()` do.
    pub fn out_of_range(name: Option<&str>, expects: &str) -> QmpError {
        QmpError::generic(format!(
            "Parameter '{}' expects {expects}",
            name.unwrap_or("null")
        ))
    }

    /// An alternate got a JSON type none of its branches takes.
    pub fn alternate_mismatch(name: Option<&str>, alternate: &str) -> QmpError {
        QmpError::generic(format!(
            "Invalid parameter type for '{}', expected: {alternate}",
            name.unwrap_or("null")
        ))
    }

    /// Enters an object (`visit_start_struct`).
    pub fn start_struct<'v>(
        &mut self,
        name: Option<&'static str>,
        value: &'v Value,
    ) -> VisitResult<&'v Map<String, Value>> {
        let Value::Object(members) = value else {
            return Err(self.invalid_type(name, "object"));
        };
        self.stack.push(Frame {
            name,
            container: Container::Dict(Vec::new()),
        });
        Ok(members)
    }

    /// [`start_struct`](Self::start_struct) for a value given up.
    pub fn start_struct_owned(
        &mut self,
        name: Option<&'static str>,
        value: Value,
    ) -> VisitResult<Map<String, Value>> {
        let Value::Object(members) = value else {
            return Err(self.invalid_type(name, "object"));
        };
        self.stack.push(Frame {
            name,
            container: Container::Dict(Vec::new()),
        });
        Ok(members)
    }

    /// Enters an object already known to be one (command arguments).
    pub fn start_struct_map(&mut self, _members: &Map<String, Value>) {
        self.stack.push(Frame {
            name: None,
            container: Container::Dict(Vec::new()),
        });
    }

    /// Leaves an object, first rejecting members nobody visited when strict
    /// (`visit_check_struct`). With several such members, reports the one
    /// QEMU reports (see [`super::ghash`]).
    pub fn end_struct(&mut self, members: &Map<String, Value>) -> VisitResult<()> {
        if self.strict
            && let Some(Frame {
                container: Container::Dict(consumed),
                ..
            }) = self.stack.last()
        {
            let mut extras = members.keys().filter(|k| !consumed.contains(&k.as_str()));
            if let Some(first) = extras.next() {
                let extra = if extras.next().is_some() {
                    let keys: Vec<&str> = members.keys().map(String::as_str).collect();
                    super::ghash::first_unexpected(&keys, consumed).unwrap_or(first)
                } else {
                    first
                };
                return Err(QmpError::generic(format!(
                    "Parameter '{}' is unexpected",
                    self.full_name(Some(extra))
                )));
            }
        }
        self.stack.pop();
        Ok(())
    }

    /// Takes a member's value out, leaving `null` under its key.
    fn consume(&mut self, members: &mut Map<String, Value>, name: &'static str) -> Option<Value> {
        let value = std::mem::take(members.get_mut(name)?);
        if let Some(Frame {
            container: Container::Dict(consumed),
            ..
        }) = self.stack.last_mut()
        {
            consumed.push(name);
        }
        Some(value)
    }

    fn reject_marked(&self, name: &str, features: Features) -> VisitResult<()> {
        if features.is_empty() {
            return Ok(());
        }
        self.policy
            .check_input(features, ErrorClass::GenericError, "parameter", name)
    }

    /// A mandatory member without special features (`visit_type_T`).
    pub fn member<T: Visit>(
        &mut self,
        members: &mut Map<String, Value>,
        name: &'static str,
    ) -> VisitResult<T> {
        match self.consume(members, name) {
            Some(value) => T::visit_owned(self, Some(name), value),
            None => Err(self.missing(Some(name))),
        }
    }

    /// A mandatory member marked `deprecated` or `unstable`: the input
    /// policy check, then as [`member`](Self::member).
    pub fn member_marked<T: Visit>(
        &mut self,
        members: &mut Map<String, Value>,
        name: &'static str,
        features: Features,
    ) -> VisitResult<T> {
        self.reject_marked(name, features)?;
        self.member(members, name)
    }

    /// An optional member (`visit_optional`, then as [`member`](Self::member)).
    pub fn optional<T: Visit>(
        &mut self,
        members: &mut Map<String, Value>,
        name: &'static str,
    ) -> VisitResult<Option<T>> {
        if !members.contains_key(name) {
            return Ok(None);
        }
        self.member(members, name).map(Some)
    }

    /// An optional member marked `deprecated` or `unstable`.
    pub fn optional_marked<T: Visit>(
        &mut self,
        members: &mut Map<String, Value>,
        name: &'static str,
        features: Features,
    ) -> VisitResult<Option<T>> {
        if !members.contains_key(name) {
            return Ok(None);
        }
        self.member_marked(members, name, features).map(Some)
    }

    /// A whole array (`visit_start_list` .. `visit_end_list`); elements are
    /// visited without a name.
    pub fn list<T: Visit>(
        &mut self,
        name: Option<&'static str>,
        value: &Value,
    ) -> VisitResult<Vec<T>> {
        let Value::Array(elements) = value else {
            return Err(self.invalid_type(name, "array"));
        };
        self.elements(name, elements.iter(), |v, element| {
            T::visit(v, None, element)
        })
    }

    /// [`list`](Self::list) for a value given up: elements are moved.
    pub fn list_owned<T: Visit>(
        &mut self,
        name: Option<&'static str>,
        value: Value,
    ) -> VisitResult<Vec<T>> {
        let Value::Array(elements) = value else {
            return Err(self.invalid_type(name, "array"));
        };
        self.elements(name, elements.into_iter(), |v, element| {
            T::visit_owned(v, None, element)
        })
    }

    /// Visits each element inside a list frame, so errors name `a[i]`.
    fn elements<E, T>(
        &mut self,
        name: Option<&'static str>,
        elements: impl ExactSizeIterator<Item = E>,
        mut visit: impl FnMut(&mut Self, E) -> VisitResult<T>,
    ) -> VisitResult<Vec<T>> {
        self.stack.push(Frame {
            name,
            container: Container::List(-1),
        });
        let mut out = Vec::with_capacity(elements.len());
        for element in elements {
            if let Some(Frame {
                container: Container::List(index),
                ..
            }) = self.stack.last_mut()
            {
                *index += 1;
            }
            out.push(visit(self, element)?);
        }
        self.stack.pop();
        Ok(out)
    }

    /// An enum value: a string among `E`'s values, checked against the
    /// policy when marked; unknown values are kept when `E` allows it.
    pub fn enum_value<E: super::QapiEnum>(
        &mut self,
        name: Option<&'static str>,
        value: &Value,
    ) -> VisitResult<E> {
        let Value::String(text) = value else {
            return Err(self.invalid_type(name, "string"));
        };
        let Some(parsed) = E::from_wire(text) else {
            return Err(QmpError::generic(format!(
                "Parameter '{}' does not accept value '{text}'",
                name.unwrap_or("null")
            )));
        };
        let features = parsed.features();
        if !features.is_empty() {
            self.policy
                .check_input(features, ErrorClass::GenericError, "value", text)?;
        }
        Ok(parsed)
    }

    /// The policy check for a command (class `CommandNotFound`).
    pub fn check_command(&self, name: &str, features: Features) -> VisitResult<()> {
        self.policy
            .check_input(features, ErrorClass::CommandNotFound, "command", name)
    }
}
