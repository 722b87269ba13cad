//! Expected outcomes, each confirmed against QEMU's expr.py.

use serde_json::json;

use super::Case;
use crate::parser::Pragma;

pub(super) fn cases() -> Vec<Case> {
    vec![
        (
            "no_meta_key",
            json!([{"data": {}}]),
            Pragma::default(),
            Err(
                "test.json:1: expression must have exactly one key 'enum', 'struct', 'union', 'alternate', 'command', 'event'",
            ),
        ),
        (
            "two_meta_keys",
            json!([{"struct": "Foo", "union": "Foo", "data": {}}]),
            Pragma::default(),
            Err(
                "test.json:1: expression must have exactly one key 'enum', 'struct', 'union', 'alternate', 'command', 'event'",
            ),
        ),
        (
            "meta_name_not_string",
            json!([{"enum": ["E"], "data": []}]),
            Pragma::default(),
            Err("test.json:1: 'enum' requires a string name"),
        ),
        (
            "error_after_good_expr_has_its_line",
            json!([{"struct": "Foo", "data": {}}, {"struct": "bar", "data": {}}]),
            Pragma::default(),
            Err("test.json: In struct 'bar':\ntest.json:2: name of struct must use CamelCase"),
        ),
        (
            "empty_name_has_no_defn_line",
            json!([{"struct": "", "data": {}}]),
            Pragma::default(),
            Err("test.json:1: struct has an invalid name"),
        ),
        (
            "event_name_lowercase",
            json!([{"event": "EVENT_a"}]),
            Pragma::default(),
            Err(
                "test.json: In event 'EVENT_a':\ntest.json:1: name of event must not use lowercase or '-'",
            ),
        ),
        (
            "event_name_dash",
            json!([{"event": "EV-X"}]),
            Pragma::default(),
            Err(
                "test.json: In event 'EV-X':\ntest.json:1: name of event must not use lowercase or '-'",
            ),
        ),
        (
            "command_name_upper",
            json!([{"command": "Cmd"}]),
            Pragma::default(),
            Err(
                "test.json: In command 'Cmd':\ntest.json:1: name of command must not use uppercase or '_'",
            ),
        ),
        (
            "command_name_underscore",
            json!([{"command": "my_cmd"}]),
            Pragma::default(),
            Err(
                "test.json: In command 'my_cmd':\ntest.json:1: name of command must not use uppercase or '_'",
            ),
        ),
        (
            "type_name_not_camel",
            json!([{"struct": "FOO", "data": {}}]),
            Pragma::default(),
            Err("test.json: In struct 'FOO':\ntest.json:1: name of struct must use CamelCase"),
        ),
        (
            "type_name_with_dash",
            json!([{"struct": "Foo-bar", "data": {}}]),
            Pragma::default(),
            Err("test.json: In struct 'Foo-bar':\ntest.json:1: name of struct must use CamelCase"),
        ),
        (
            "type_name_ends_in_list",
            json!([{"struct": "FooList", "data": {}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'FooList':\ntest.json:1: struct name should not end in 'List'",
            ),
        ),
        (
            "type_name_reserved_q",
            json!([{"enum": "q-Foo", "data": []}]),
            Pragma::default(),
            Err("test.json: In enum 'q-Foo':\ntest.json:1: enum has an invalid name"),
        ),
        (
            "type_name_invalid_chars",
            json!([{"alternate": "Foo.Bar", "data": {"a": "int"}}]),
            Pragma::default(),
            Err("test.json: In alternate 'Foo.Bar':\ntest.json:1: alternate has an invalid name"),
        ),
        (
            "downstream_prefix_missing_underscore",
            json!([{"struct": "__comFoo", "data": {}}]),
            Pragma::default(),
            Err("test.json: In struct '__comFoo':\ntest.json:1: struct has an invalid name"),
        ),
        (
            "struct_misses_data",
            json!([{"struct": "Foo"}]),
            Pragma::default(),
            Err("test.json: In struct 'Foo':\ntest.json:1: struct misses key 'data'"),
        ),
        (
            "union_misses_keys",
            json!([{"union": "Foo", "data": {}}]),
            Pragma::default(),
            Err(
                "test.json: In union 'Foo':\ntest.json:1: union misses keys 'base', 'discriminator'",
            ),
        ),
        (
            "struct_unknown_key",
            json!([{"struct": "Foo", "data": {}, "bogus": true}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: struct has unknown key 'bogus'\nValid keys are 'base', 'data', 'features', 'if', 'struct'.",
            ),
        ),
        (
            "enum_unknown_keys",
            json!([{"enum": "Foo", "data": [], "zz": true, "aa": "x"}]),
            Pragma::default(),
            Err(
                "test.json: In enum 'Foo':\ntest.json:1: enum has unknown keys 'aa', 'zz'\nValid keys are 'data', 'enum', 'features', 'if', 'prefix'.",
            ),
        ),
        (
            "command_unknown_key",
            json!([{"command": "cmd", "returnz": "int"}]),
            Pragma::default(),
            Err(
                "test.json: In command 'cmd':\ntest.json:1: command has unknown key 'returnz'\nValid keys are 'allow-oob', 'allow-preconfig', 'boxed', 'command', 'coroutine', 'data', 'features', 'gen', 'if', 'returns', 'success-response'.",
            ),
        ),
        (
            "event_unknown_key",
            json!([{"event": "EV", "returns": "int"}]),
            Pragma::default(),
            Err(
                "test.json: In event 'EV':\ntest.json:1: event has unknown key 'returns'\nValid keys are 'boxed', 'data', 'event', 'features', 'if'.",
            ),
        ),
        (
            "alternate_unknown_key",
            json!([{"alternate": "Alt", "data": {"a": "int"}, "base": "X"}]),
            Pragma::default(),
            Err(
                "test.json: In alternate 'Alt':\ntest.json:1: alternate has unknown key 'base'\nValid keys are 'alternate', 'data', 'features', 'if'.",
            ),
        ),
        (
            "if_bad_identifier",
            json!([{"struct": "Foo", "data": {}, "if": "defined(X)"}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition 'defined(X)' of struct is not a valid identifier",
            ),
        ),
        (
            "if_lowercase_identifier",
            json!([{"struct": "Foo", "data": {}, "if": "a"}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition 'a' of struct is not a valid identifier",
            ),
        ),
        (
            "if_not_string_or_object",
            json!([{"struct": "Foo", "data": {}, "if": ["A"]}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition of struct must be a string or an object",
            ),
        ),
        (
            "if_bool",
            json!([{"struct": "Foo", "data": {}, "if": true}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition of struct must be a string or an object",
            ),
        ),
        (
            "if_unknown_key",
            json!([{"struct": "Foo", "data": {}, "if": {"nay": "A"}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition of struct has unknown key 'nay'\nValid keys are 'all', 'any', 'not'.",
            ),
        ),
        (
            "if_empty_object",
            json!([{"struct": "Foo", "data": {}, "if": {}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition of struct has conflicting keys",
            ),
        ),
        (
            "if_conflicting_keys",
            json!([{"struct": "Foo", "data": {}, "if": {"all": ["A"], "any": ["B"]}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition of struct has conflicting keys",
            ),
        ),
        (
            "if_all_not_array",
            json!([{"struct": "Foo", "data": {}, "if": {"all": "A"}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'all' condition of struct must be an array",
            ),
        ),
        (
            "if_any_not_array",
            json!([{"struct": "Foo", "data": {}, "if": {"any": {"not": "A"}}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'any' condition of struct must be an array",
            ),
        ),
        (
            "if_useless_empty",
            json!([{"struct": "Foo", "data": {}, "if": {"any": []}}]),
            Pragma::default(),
            Err("test.json: In struct 'Foo':\ntest.json:1: 'if' condition [] of struct is useless"),
        ),
        (
            "if_nested_bad_operand",
            json!([{"struct": "Foo", "data": {}, "if": {"all": ["A", {"not": {"any": ["B", "c"]}}]}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition 'c' of struct is not a valid identifier",
            ),
        ),
        (
            "if_first_error_wins",
            json!([{"struct": "Foo", "data": {}, "if": {"all": [{"not": "x"}, "y"]}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition 'x' of struct is not a valid identifier",
            ),
        ),
        (
            "if_on_member",
            json!([{"struct": "Foo", "data": {"a": {"type": "int", "if": "bad one"}}}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition 'bad one' of 'data' member 'a' is not a valid identifier",
            ),
        ),
        (
            "if_on_enum_value",
            json!([{"enum": "Foo", "data": [{"name": "v", "if": ""}]}]),
            Pragma::default(),
            Err(
                "test.json: In enum 'Foo':\ntest.json:1: 'if' condition '' of 'data' member 'v' is not a valid identifier",
            ),
        ),
        (
            "if_on_feature",
            json!([{"struct": "Foo", "data": {}, "features": [{"name": "f", "if": {"not": []}}]}]),
            Pragma::default(),
            Err(
                "test.json: In struct 'Foo':\ntest.json:1: 'if' condition of 'features' member 'f' must be a string or an object",
            ),
        ),
        (
            "if_on_union_branch",
            json!([{"union": "Uni", "base": {"k": "E"}, "discriminator": "k", "data": {"a": {"type": "A", "if": false}}}]),
            Pragma::default(),
            Err(
                "test.json: In union 'Uni':\ntest.json:1: 'if' condition of 'data' member 'a' must be a string or an object",
            ),
        ),
        (
            "if_on_alternate_branch",
            json!([{"alternate": "Alt", "data": {"a": {"type": "int", "if": {"all": []}}}}]),
            Pragma::default(),
            Err(
                "test.json: In alternate 'Alt':\ntest.json:1: 'if' condition [] of 'data' member 'a' is useless",
            ),
        ),
    ]
}
