//! Expected outcomes, each confirmed against QEMU's expr.py.

use serde_json::json;

use super::{Case, names};
use crate::parser::Pragma;

pub(super) fn cases() -> Vec<Case> {
    vec![
        (
            "features_not_array",
            json!([{"struct": "Foo", "data": {}, "features": "f"}]),
            Pragma::default(),
            Err("test.json: In struct 'Foo':\ntest.json:1: 'features' must be an array"),
        ),
        (
            "feature_missing_name",
            json!([{"struct": "Foo", "data": {}, "features": [{"if": "X"}]}]),
            Pragma::default(),
            Err("test.json: In struct 'Foo':\ntest.json:1: 'features' member misses key 'name'"),
        ),
        (
            "feature_unknown_key",
            json!([{"struct": "Foo", "data": {}, "features": [{"name": "f", "x": "y"}]}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'features' member has unknown key 'x'\nValid keys are 'if', 'name'.",
            ),
        ),
        (
            "feature_name_not_string",
            json!([{"struct": "Foo", "data": {}, "features": [["f"]]}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'features' member requires a string name",
            ),
        ),
        (
            "feature_name_uppercase",
            json!([{"command": "cmd", "features": ["Feat"]}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: name of 'features' member 'Feat' must not use uppercase or '_'",
            ),
        ),
        (
            "feature_name_invalid",
            json!([{"event": "EV", "features": ["f!"]}]),
            Pragma::default(),
            Err(
                "test.json: In event 'EV':\ntest.json:1: 'features' member 'f!' has an invalid name",
            ),
        ),
        (
            "member_features_checked",
            json!([{"struct": "Foo", "data": {"a": {"type": "int", "features": [true]}}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'features' member requires a string name",
            ),
        ),
        (
            "member_features_not_array",
            json!([{"struct": "Foo", "data": {"a": {"type": "int", "features": {}}}}]),
            Pragma::default(),
            Err("test.json: In struct 'Foo':\ntest.json:1: 'features' must be an array"),
        ),
        (
            "flag_gen_true",
            json!([{"command": "cmd", "gen": true}]),
            Pragma::default(),
            Err("test.json: In command 'cmd':\ntest.json:1: flag 'gen' may only use false value"),
        ),
        (
            "flag_success_response_string",
            json!([{"command": "cmd", "success-response": "no"}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: flag 'success-response' may only use false value",
            ),
        ),
        (
            "flag_boxed_false",
            json!([{"event": "EV", "boxed": false}]),
            Pragma::default(),
            Err("test.json: In event 'EV':\ntest.json:1: flag 'boxed' may only use true value"),
        ),
        (
            "flag_allow_oob_false",
            json!([{"command": "cmd", "allow-oob": false}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: flag 'allow-oob' may only use true value",
            ),
        ),
        (
            "flag_allow_preconfig_str",
            json!([{"command": "cmd", "allow-preconfig": "yes"}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: flag 'allow-preconfig' may only use true value",
            ),
        ),
        (
            "flag_coroutine_false",
            json!([{"command": "cmd", "coroutine": false}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: flag 'coroutine' may only use true value",
            ),
        ),
        (
            "flags_oob_and_coroutine",
            json!([{"command": "cmd", "allow-oob": true, "coroutine": true}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: flags 'allow-oob' and 'coroutine' are incompatible",
            ),
        ),
        (
            "enum_data_not_array",
            json!([{"enum": "Foo", "data": {"a": "b"}}]),
            Pragma::default(),
            Err("test.json: In enum 'Foo':\ntest.json:1: 'data' must be an array"),
        ),
        (
            "enum_prefix_not_string",
            json!([{"enum": "Foo", "data": [], "prefix": ["P"]}]),
            Pragma::default(),
            Err("test.json: In enum 'Foo':\ntest.json:1: 'prefix' must be a string"),
        ),
        (
            "enum_value_missing_name",
            json!([{"enum": "Foo", "data": [{"if": "X"}]}]),
            Pragma::default(),
            Err("test.json: In enum 'Foo':\ntest.json:1: 'data' member misses key 'name'"),
        ),
        (
            "enum_value_unknown_key",
            json!([{"enum": "Foo", "data": [{"name": "a", "type": "int"}]}]),
            Pragma::default(),
            Err(
                "test.json: In enum 'Foo':\ntest.json:1: 'data' member has unknown key 'type'\nValid keys are 'features', 'if', 'name'.",
            ),
        ),
        (
            "enum_value_not_string",
            json!([{"enum": "Foo", "data": [["a"]]}]),
            Pragma::default(),
            Err("test.json: In enum 'Foo':\ntest.json:1: 'data' member requires a string name"),
        ),
        (
            "enum_value_bool",
            json!([{"enum": "Foo", "data": [true]}]),
            Pragma::default(),
            Err("test.json: In enum 'Foo':\ntest.json:1: 'data' member requires a string name"),
        ),
        (
            "enum_value_uppercase",
            json!([{"enum": "Foo", "data": ["Aa"]}]),
            Pragma::default(),
            Err(
                "test.json: In enum 'Foo':\ntest.json:1: name of 'data' member 'Aa' must not use uppercase or '_'",
            ),
        ),
        (
            "enum_value_underscore",
            json!([{"enum": "Foo", "data": ["a_b"]}]),
            Pragma::default(),
            Err(
                "test.json: In enum 'Foo':\ntest.json:1: name of 'data' member 'a_b' must not use uppercase or '_'",
            ),
        ),
        (
            "enum_value_digit_then_invalid",
            json!([{"enum": "Foo", "data": ["1.5"]}]),
            Pragma::default(),
            Err("test.json: In enum 'Foo':\ntest.json:1: 'data' member '1.5' has an invalid name"),
        ),
        (
            "enum_value_invalid",
            json!([{"enum": "Foo", "data": ["a b"]}]),
            Pragma::default(),
            Err("test.json: In enum 'Foo':\ntest.json:1: 'data' member 'a b' has an invalid name"),
        ),
        (
            "enum_value_feature_bad",
            json!([{"enum": "Foo", "data": [{"name": "a", "features": ["F"]}]}]),
            Pragma::default(),
            Err(
                "test.json: In enum 'Foo':\ntest.json:1: name of 'features' member 'F' must not use uppercase or '_'",
            ),
        ),
        (
            "struct_data_string",
            json!([{"struct": "Foo", "data": "Bar"}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' should be an object or type name",
            ),
        ),
        (
            "struct_data_array",
            json!([{"struct": "Foo", "data": ["a"]}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' should be an object or type name",
            ),
        ),
        (
            "struct_base_not_name",
            json!([{"struct": "Foo", "data": {}, "base": {"a": "int"}}]),
            Pragma::default(),
            Err("test.json: In struct 'Foo':\ntest.json:1: 'base' should be a type name"),
        ),
        (
            "struct_member_uppercase",
            json!([{"struct": "Foo", "data": {"Abc": "int"}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: name of 'data' member 'Abc' must not use uppercase or '_'",
            ),
        ),
        (
            "struct_member_underscore_optional",
            json!([{"struct": "Foo", "data": {"*a_b": "int"}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: name of 'data' member '*a_b' must not use uppercase or '_'",
            ),
        ),
        (
            "struct_member_invalid",
            json!([{"struct": "Foo", "data": {"**a": "int"}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' member '**a' has an invalid name",
            ),
        ),
        (
            "struct_member_reserved_u",
            json!([{"struct": "Foo", "data": {"u": "int"}}]),
            Pragma::default(),
            Err("test.json: In struct 'Foo':\ntest.json:1: 'data' member 'u' uses reserved name"),
        ),
        (
            "struct_member_reserved_has",
            json!([{"struct": "Foo", "data": {"*has-x": "int"}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' member '*has-x' uses reserved name",
            ),
        ),
        (
            "struct_member_reserved_q",
            json!([{"struct": "Foo", "data": {"q_x": "int"}}]),
            Pragma {
                member_name_exceptions: names(&["Foo"]),
                ..Pragma::default()
            },
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' member 'q_x' has an invalid name",
            ),
        ),
        (
            "struct_member_missing_type",
            json!([{"struct": "Foo", "data": {"a": {"if": "X"}}}]),
            Pragma::default(),
            Err("test.json: In struct 'Foo':\ntest.json:1: 'data' member 'a' misses key 'type'"),
        ),
        (
            "struct_member_unknown_key",
            json!([{"struct": "Foo", "data": {"a": {"type": "int", "default": "x"}}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' member 'a' has unknown key 'default'\nValid keys are 'features', 'if', 'type'.",
            ),
        ),
        (
            "struct_member_type_bool",
            json!([{"struct": "Foo", "data": {"a": true}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' member 'a' should be a type name or array",
            ),
        ),
        (
            "struct_member_type_object",
            json!([{"struct": "Foo", "data": {"a": {"type": {"x": "int"}}}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'data' member 'a' should be a type name or array",
            ),
        ),
    ]
}
