//! Expected outcomes, each confirmed against QEMU's expr.py.

use serde_json::json;

use super::{Case, names};
use crate::parser::Pragma;

pub(super) fn cases() -> Vec<Case> {
    vec![
        (
            "struct_member_empty_array",
            json!([{"struct": "Foo", "data": {"a": []}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' member 'a': array type must contain single type name",
            ),
        ),
        (
            "struct_member_array_two",
            json!([{"struct": "Foo", "data": {"a": ["int", "str"]}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' member 'a': array type must contain single type name",
            ),
        ),
        (
            "struct_member_array_of_array",
            json!([{"struct": "Foo", "data": {"a": [["int"]]}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' member 'a': array type must contain single type name",
            ),
        ),
        (
            "union_base_array",
            json!([{"union": "Uni", "base": ["Base"], "discriminator": "k", "data": {}}]),
            Pragma::default(),
            Err("test.json: In union 'Uni':\ntest.json:1: 'base' should be an object or type name"),
        ),
        (
            "union_base_member_bad",
            json!([{"union": "Uni", "base": {"K_k": "E"}, "discriminator": "K_k", "data": {}}]),
            Pragma::default(),
            Err(
                "test.json: In union 'Uni':\ntest.json:1: name of 'base' member 'K_k' must not use uppercase or '_'",
            ),
        ),
        (
            "union_discriminator_not_string",
            json!([{"union": "Uni", "base": "B", "discriminator": {}, "data": {}}]),
            Pragma::default(),
            Err("test.json: In union 'Uni':\ntest.json:1: 'discriminator' requires a string name"),
        ),
        (
            "union_data_not_object",
            json!([{"union": "Uni", "base": "B", "discriminator": "k", "data": ["a"]}]),
            Pragma::default(),
            Err("test.json: In union 'Uni':\ntest.json:1: 'data' must be an object"),
        ),
        (
            "union_branch_unknown_key",
            json!([{"union": "Uni", "base": "B", "discriminator": "k", "data": {"a": {"type": "A", "features": []}}}]),
            Pragma::default(),
            Err(
                "test.json: In union 'Uni':\ntest.json:1: 'data' member 'a' has unknown key 'features'\nValid keys are 'if', 'type'.",
            ),
        ),
        (
            "union_branch_array_type",
            json!([{"union": "Uni", "base": "B", "discriminator": "k", "data": {"a": ["A"]}}]),
            Pragma::default(),
            Err("test.json: In union 'Uni':\ntest.json:1: 'data' member 'a' should be a type name"),
        ),
        (
            "union_branch_missing_type",
            json!([{"union": "Uni", "base": "B", "discriminator": "k", "data": {"a": {}}}]),
            Pragma::default(),
            Err("test.json: In union 'Uni':\ntest.json:1: 'data' member 'a' misses key 'type'"),
        ),
        (
            "alternate_empty_data",
            json!([{"alternate": "Alt", "data": {}}]),
            Pragma::default(),
            Err("test.json: In alternate 'Alt':\ntest.json:1: 'data' must not be empty"),
        ),
        (
            "alternate_empty_string",
            json!([{"alternate": "Alt", "data": ""}]),
            Pragma::default(),
            Err("test.json: In alternate 'Alt':\ntest.json:1: 'data' must not be empty"),
        ),
        (
            "alternate_false_data",
            json!([{"alternate": "Alt", "data": false}]),
            Pragma::default(),
            Err("test.json: In alternate 'Alt':\ntest.json:1: 'data' must not be empty"),
        ),
        (
            "alternate_data_string",
            json!([{"alternate": "Alt", "data": "int"}]),
            Pragma::default(),
            Err("test.json: In alternate 'Alt':\ntest.json:1: 'data' must be an object"),
        ),
        (
            "alternate_data_array",
            json!([{"alternate": "Alt", "data": ["int"]}]),
            Pragma::default(),
            Err("test.json: In alternate 'Alt':\ntest.json:1: 'data' must be an object"),
        ),
        (
            "alternate_branch_uppercase",
            json!([{"alternate": "Alt", "data": {"A": "int"}}]),
            Pragma::default(),
            Err(
                "test.json: In alternate 'Alt':\ntest.json:1: name of 'data' member 'A' must not use uppercase or '_'",
            ),
        ),
        (
            "alternate_branch_pragma_ignored",
            json!([{"alternate": "Alt", "data": {"A": "int"}}]),
            Pragma {
                member_name_exceptions: names(&["Alt"]),
                ..Pragma::default()
            },
            Err(
                "test.json: In alternate 'Alt':\ntest.json:1: name of 'data' member 'A' must not use uppercase or '_'",
            ),
        ),
        (
            "alternate_branch_unknown_key",
            json!([{"alternate": "Alt", "data": {"a": {"type": "int", "features": []}}}]),
            Pragma::default(),
            Err(
                "test.json: In alternate 'Alt':\ntest.json:1: 'data' member 'a' has unknown key 'features'\nValid keys are 'if', 'type'.",
            ),
        ),
        (
            "alternate_branch_bad_type",
            json!([{"alternate": "Alt", "data": {"a": {"type": true}}}]),
            Pragma::default(),
            Err(
                "test.json: In alternate 'Alt':\ntest.json:1: 'data' member 'a' should be a type name or array",
            ),
        ),
        (
            "alternate_branch_array_two",
            json!([{"alternate": "Alt", "data": {"a": ["int", "str"]}}]),
            Pragma::default(),
            Err(
                "test.json: In alternate 'Alt':\ntest.json:1: 'data' member 'a': array type must contain single type name",
            ),
        ),
        (
            "command_data_array",
            json!([{"command": "cmd", "data": ["Args"]}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: 'data' should be an object or type name",
            ),
        ),
        (
            "command_data_bool",
            json!([{"command": "cmd", "data": true}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: 'data' should be an object or type name",
            ),
        ),
        (
            "command_member_pragma_not_applied",
            json!([{"command": "cmd", "data": {"a_b": "int"}}]),
            Pragma {
                member_name_exceptions: names(&["cmd"]),
                ..Pragma::default()
            },
            Err(
                "test.json: In command 'cmd':\ntest.json:1: name of 'data' member 'a_b' must not use uppercase or '_'",
            ),
        ),
        (
            "command_returns_object",
            json!([{"command": "cmd", "returns": {"a": "int"}}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: 'returns' should be a type name or array",
            ),
        ),
        (
            "command_returns_array_two",
            json!([{"command": "cmd", "returns": ["a", "b"]}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: 'returns': array type must contain single type name",
            ),
        ),
        (
            "command_boxed_without_data",
            json!([{"command": "cmd", "boxed": true}]),
            Pragma::default(),
            Err("test.json: In command 'cmd':\ntest.json:1: 'boxed': true requires 'data'"),
        ),
        (
            "command_boxed_string_without_data",
            json!([{"command": "cmd", "boxed": "yes"}]),
            Pragma::default(),
            Err("test.json: In command 'cmd':\ntest.json:1: 'boxed': true requires 'data'"),
        ),
        (
            "command_boxed_object_data",
            json!([{"command": "cmd", "boxed": true, "data": {"a": "int"}}]),
            Pragma::default(),
            Err("test.json: In command 'cmd':\ntest.json:1: 'data' should be a type name"),
        ),
        (
            "command_boxed_empty_list",
            json!([{"command": "cmd", "boxed": [], "data": {"a": "int"}}]),
            Pragma::default(),
            Err("test.json: In command 'cmd':\ntest.json:1: flag 'boxed' may only use true value"),
        ),
        (
            "event_data_array",
            json!([{"event": "EV", "data": ["Args"]}]),
            Pragma::default(),
            Err("test.json: In event 'EV':\ntest.json:1: 'data' should be an object or type name"),
        ),
        (
            "event_boxed_without_data",
            json!([{"event": "EV", "boxed": true}]),
            Pragma::default(),
            Err("test.json: In event 'EV':\ntest.json:1: 'boxed': true requires 'data'"),
        ),
        (
            "event_boxed_object_data",
            json!([{"event": "EV", "boxed": true, "data": {"a": "int"}}]),
            Pragma::default(),
            Err("test.json: In event 'EV':\ntest.json:1: 'data' should be a type name"),
        ),
        (
            "event_member_reserved",
            json!([{"event": "EV", "data": {"has-x": "int"}}]),
            Pragma::default(),
            Err("test.json: In event 'EV':\ntest.json:1: 'data' member 'has-x' uses reserved name"),
        ),
        (
            "keys_checked_before_data",
            json!([{"struct": "Foo", "data": "x", "extra": "y"}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: struct has unknown key 'extra'\nValid keys are 'base', 'data', 'features', 'if', 'struct'.",
            ),
        ),
        (
            "data_checked_before_if",
            json!([{"struct": "Foo", "data": [], "if": "bad"}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' should be an object or type name",
            ),
        ),
        (
            "if_checked_before_features",
            json!([{"struct": "Foo", "data": {}, "if": "bad", "features": "x"}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition 'bad' of struct is not a valid identifier",
            ),
        ),
        (
            "features_checked_before_flags",
            json!([{"command": "cmd", "features": "x", "gen": true}]),
            Pragma::default(),
            Err("test.json: In command 'cmd':\ntest.json:1: 'features' must be an array"),
        ),
        (
            "name_checked_before_keys",
            json!([{"struct": "foo", "extra": true}]),
            Pragma::default(),
            Err("test.json: In struct 'foo':\ntest.json:1: name of struct must use CamelCase"),
        ),
        (
            "doc_required_without_doc",
            json!([{"struct": "Foo", "data": {}}]),
            Pragma {
                doc_required: true,
                ..Pragma::default()
            },
            Err("test.json: In struct 'Foo':\ntest.json:1: documentation comment required"),
        ),
    ]
}
