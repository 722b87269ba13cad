//! Every request and successful response the C qemu-ga 7.2 gave
//! (`shared/reference/c-qga-7.2.jsonl`) parses into the types generated
//! for our agent schema and serialises back to the same JSON value.

use rqapi_codegen_tests::qga::commands;
use rqapi_runtime::qapi::dispatch::{Command, CommandVisitor};
use rqapi_runtime::qapi::{CompatPolicy, Input, SerializeMembers, Visit, VisitMembers};
use serde_json::{Map, Value, json};

/// Round-trips one record through the marker type of its command.
struct RoundTrip<'a> {
    name: &'a str,
    arguments: &'a Map<String, Value>,
    ret: Option<&'a Value>,
    found: bool,
    failures: Vec<String>,
}

impl CommandVisitor for RoundTrip<'_> {
    fn visit<C: Command>(&mut self) {
        if C::NAME != self.name {
            return;
        }
        self.found = true;
        let mut input = Input::new(true);
        input.start_struct_map(self.arguments);
        let args = C::Arguments::visit_members(&mut input, &mut self.arguments.clone())
            .and_then(|a| input.end_struct(self.arguments).map(|()| a));
        match args {
            Ok(args) => {
                let mut out = serde_json::Map::new();
                let back = serialize_members(&args, &mut out);
                if back != *self.arguments {
                    self.failures.push(format!(
                        "{}: arguments {back:?} != {:?}",
                        self.name, self.arguments
                    ));
                }
            }
            Err(e) => self
                .failures
                .push(format!("{}: arguments rejected: {}", self.name, e.desc)),
        }
        if let Some(ret) = self.ret {
            match rqapi_runtime::qapi::from_value::<C::Returns>(ret, true, CompatPolicy::default())
            {
                Ok(typed) => {
                    let back = serde_json::to_value(&typed).unwrap();
                    if back != *ret {
                        self.failures
                            .push(format!("{}: return {back} != {ret}", self.name));
                    }
                }
                Err(e) => self
                    .failures
                    .push(format!("{}: return rejected: {}", self.name, e.desc)),
            }
        }
    }
}

fn serialize_members<T: SerializeMembers>(
    value: &T,
    _: &mut Map<String, Value>,
) -> Map<String, Value> {
    struct Members<'a, T>(&'a T);
    impl<T: SerializeMembers> serde::Serialize for Members<'_, T> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            rqapi_runtime::qapi::serialize_struct(self.0, s)
        }
    }
    match serde_json::to_value(Members(value)) {
        Ok(Value::Object(m)) => m,
        other => panic!("members serialise to an object, not {other:?}"),
    }
}

#[test]
fn c_agent_requests_and_returns_round_trip() {
    let Some(dir) = rqapi_testdata::reference() else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("c-qga-7.2.jsonl")).unwrap();
    let empty = Map::new();
    let (mut checked, mut failures) = (0, Vec::new());
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let Some(request) = record.get("request").and_then(Value::as_object) else {
            continue;
        };
        let Some(name) = request.get("execute").and_then(Value::as_str) else {
            continue;
        };
        let responses = record["responses"].as_array().cloned().unwrap_or_default();
        let ret = responses.iter().find_map(|r| r.get("json")?.get("return"));
        let errored = responses
            .iter()
            .any(|r| r.get("json").and_then(|j| j.get("error")).is_some());
        // Requests the agent refused are not expected to parse.
        if errored || !request.get("arguments").is_none_or(Value::is_object) {
            continue;
        }
        let arguments = request
            .get("arguments")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut visitor = RoundTrip {
            name,
            arguments,
            ret,
            found: false,
            failures: Vec::new(),
        };
        commands::visit_commands(&mut visitor);
        if !visitor.found {
            failures.push(format!("{name}: not in the schema"));
        }
        failures.extend(visitor.failures);
        checked += 1;
    }
    assert!(checked > 50, "only {checked} records checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let _ = json!(null);
    let _ = <i64 as Visit>::visit;
}

/// Visits a command's arguments strictly and keeps the error text.
struct Reject<'a> {
    name: &'a str,
    arguments: &'a Map<String, Value>,
    desc: Option<String>,
}

impl CommandVisitor for Reject<'_> {
    fn visit<C: Command>(&mut self) {
        if C::NAME == self.name {
            let mut input = Input::new(true);
            input.start_struct_map(self.arguments);
            let result = C::Arguments::visit_members(&mut input, &mut self.arguments.clone())
                .and_then(|_| input.end_struct(self.arguments));
            self.desc = result.err().map(|e| e.desc);
        }
    }
}

/// Every "is unexpected" error of the C agent, including the one it
/// picks among several extra members (GLib hash-table order).
#[test]
fn c_agent_unexpected_member_errors_match() {
    let Some(dir) = rqapi_testdata::reference() else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("c-qga-7.2.jsonl")).unwrap();
    let mut checked = 0;
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let request = &record["request"];
        let (Some(name), Some(arguments)) = (
            request.get("execute").and_then(Value::as_str),
            request.get("arguments").and_then(Value::as_object),
        ) else {
            continue;
        };
        let Some(expected) = record["responses"]
            .as_array()
            .and_then(|r| r.first())
            .and_then(|r| r["json"]["error"]["desc"].as_str())
            .filter(|d| d.ends_with("is unexpected"))
        else {
            continue;
        };
        let mut visitor = Reject {
            name,
            arguments,
            desc: None,
        };
        commands::visit_commands(&mut visitor);
        assert_eq!(
            visitor.desc.as_deref(),
            Some(expected),
            "{name} {arguments:?}"
        );
        checked += 1;
    }
    assert!(checked > 5, "only {checked} records checked");
}
