//! Expected outcomes, each confirmed against QEMU's expr.py.

use serde_json::json;

use super::{Case, names};
use crate::parser::Pragma;

pub(super) fn cases() -> Vec<Case> {
    vec![
        (
            "include_is_skipped",
            json!([{"include": "x.json"}, {"struct": "Foo", "data": {}}]),
            Pragma::default(),
            Ok(json!([{"include": "x.json"}, {"struct": "Foo", "data": {}}])),
        ),
        (
            "event_name_ok_with_prefixes",
            json!([{"event": "__org.qemu_x-EVENT"}]),
            Pragma::default(),
            Ok(json!([{"event": "__org.qemu_x-EVENT"}])),
        ),
        (
            "command_name_exception",
            json!([{"command": "my_cmd"}]),
            Pragma {
                command_name_exceptions: names(&["my_cmd"]),
                ..Pragma::default()
            },
            Ok(json!([{"command": "my_cmd"}])),
        ),
        (
            "downstream_prefix_ok",
            json!([{"struct": "__com.example_Foo", "data": {"__com.example_x-member": "int"}}]),
            Pragma::default(),
            Ok(
                json!([{"struct": "__com.example_Foo", "data": {"__com.example_x-member": {"type": "int"}}}]),
            ),
        ),
        (
            "if_ok_nested",
            json!([{"struct": "Foo", "data": {}, "if": {"all": ["A", {"not": "B"}, {"any": ["C", "D_1"]}]}}]),
            Pragma::default(),
            Ok(
                json!([{"struct": "Foo", "data": {}, "if": {"all": ["A", {"not": "B"}, {"any": ["C", "D_1"]}]}}]),
            ),
        ),
        (
            "features_normalised",
            json!([{"struct": "Foo", "data": {}, "features": ["f", {"name": "g", "if": "X"}]}]),
            Pragma::default(),
            Ok(
                json!([{"struct": "Foo", "data": {}, "features": [{"name": "f"}, {"name": "g", "if": "X"}]}]),
            ),
        ),
        (
            "flags_all_good",
            json!([{"command": "cmd", "gen": false, "success-response": false, "allow-preconfig": true}]),
            Pragma::default(),
            Ok(
                json!([{"command": "cmd", "gen": false, "success-response": false, "allow-preconfig": true}]),
            ),
        ),
        (
            "enum_normalised",
            json!([{"enum": "Foo", "prefix": "FOO", "data": ["a", {"name": "b", "if": "X", "features": ["f"]}, "1x"]}]),
            Pragma::default(),
            Ok(
                json!([{"enum": "Foo", "prefix": "FOO", "data": [{"name": "a"}, {"name": "b", "if": "X", "features": [{"name": "f"}]}, {"name": "1x"}]}]),
            ),
        ),
        (
            "enum_value_permitted_by_pragma",
            json!([{"enum": "Foo", "data": ["A_b"]}]),
            Pragma {
                member_name_exceptions: names(&["Foo"]),
                ..Pragma::default()
            },
            Ok(json!([{"enum": "Foo", "data": [{"name": "A_b"}]}])),
        ),
        (
            "struct_normalised",
            json!([{"struct": "Foo", "base": "Base", "data": {"a": "int", "*b": ["str"], "c": {"type": "X", "features": ["f"]}}}]),
            Pragma::default(),
            Ok(
                json!([{"struct": "Foo", "base": "Base", "data": {"a": {"type": "int"}, "*b": {"type": ["str"]}, "c": {"type": "X", "features": [{"name": "f"}]}}}]),
            ),
        ),
        (
            "struct_member_pragma",
            json!([{"struct": "Foo", "data": {"*A_b": "int"}}]),
            Pragma {
                member_name_exceptions: names(&["Foo"]),
                ..Pragma::default()
            },
            Ok(json!([{"struct": "Foo", "data": {"*A_b": {"type": "int"}}}])),
        ),
        (
            "union_normalised",
            json!([{"union": "Uni", "base": {"*k": "E", "x": ["int"]}, "discriminator": "k", "data": {"a": "A", "b": {"type": "B", "if": "X"}}}]),
            Pragma::default(),
            Ok(
                json!([{"union": "Uni", "base": {"*k": {"type": "E"}, "x": {"type": ["int"]}}, "discriminator": "k", "data": {"a": {"type": "A"}, "b": {"type": "B", "if": "X"}}}]),
            ),
        ),
        (
            "union_base_name",
            json!([{"union": "Uni", "base": "Base", "discriminator": "k", "data": {}}]),
            Pragma::default(),
            Ok(json!([{"union": "Uni", "base": "Base", "discriminator": "k", "data": {}}])),
        ),
        (
            "union_base_member_pragma",
            json!([{"union": "Uni", "base": {"K_k": "E"}, "discriminator": "K_k", "data": {}}]),
            Pragma {
                member_name_exceptions: names(&["Uni"]),
                ..Pragma::default()
            },
            Ok(
                json!([{"union": "Uni", "base": {"K_k": {"type": "E"}}, "discriminator": "K_k", "data": {}}]),
            ),
        ),
        (
            "union_branch_name_not_checked",
            json!([{"union": "Uni", "base": "B", "discriminator": "k", "data": {"Odd_Name": "A"}}]),
            Pragma::default(),
            Ok(
                json!([{"union": "Uni", "base": "B", "discriminator": "k", "data": {"Odd_Name": {"type": "A"}}}]),
            ),
        ),
        (
            "alternate_normalised",
            json!([{"alternate": "Alt", "data": {"i": "int", "l": ["str"], "s": {"type": "S", "if": "X"}}}]),
            Pragma::default(),
            Ok(
                json!([{"alternate": "Alt", "data": {"i": {"type": "int"}, "l": {"type": ["str"]}, "s": {"type": "S", "if": "X"}}}]),
            ),
        ),
        (
            "command_normalised",
            json!([{"command": "cmd", "data": {"a": "int", "*b": {"type": "str"}}, "returns": ["Foo"], "features": ["deprecated"]}]),
            Pragma::default(),
            Ok(
                json!([{"command": "cmd", "data": {"a": {"type": "int"}, "*b": {"type": "str"}}, "returns": ["Foo"], "features": [{"name": "deprecated"}]}]),
            ),
        ),
        (
            "command_data_name",
            json!([{"command": "cmd", "data": "Args", "returns": "int"}]),
            Pragma::default(),
            Ok(json!([{"command": "cmd", "data": "Args", "returns": "int"}])),
        ),
        (
            "command_boxed_ok",
            json!([{"command": "cmd", "boxed": true, "data": "Args"}]),
            Pragma::default(),
            Ok(json!([{"command": "cmd", "boxed": true, "data": "Args"}])),
        ),
        (
            "event_normalised",
            json!([{"event": "EV", "data": {"a": "int"}, "if": "X", "features": ["f"]}]),
            Pragma::default(),
            Ok(
                json!([{"event": "EV", "data": {"a": {"type": "int"}}, "if": "X", "features": [{"name": "f"}]}]),
            ),
        ),
    ]
}
