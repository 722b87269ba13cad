//! Each compatibility rule on small schemas of our own, in both
//! directions (QEMU's docs/devel/qapi-code-gen "Compatibility
//! considerations").

mod support;

use rqapi_compat::ChangeKind::*;
use rqapi_compat::Direction::{Input, Output};
use rqapi_compat::Severity::*;
use support::{assert_changes, diff, only};

const RET: &str = "{ 'struct': 'Ret', 'data': { 'a': 'int', '*b': 'str' } }\n";

#[test]
fn identical_schemas_have_no_changes() {
    let s = "{ 'command': 'c', 'data': { 'a': 'int' }, 'returns': 'Ret' }\n";
    assert!(
        diff(&format!("{RET}{s}"), &format!("{RET}{s}"))
            .changes
            .is_empty()
    );
}

#[test]
fn commands_added_and_removed() {
    let r = diff("{ 'command': 'a' }", "{ 'command': 'b' }");
    assert_changes(
        &r,
        &[
            (CommandRemoved, Input, Breaking),
            (CommandAdded, Input, Compatible),
        ],
    );
    let removed = only(&r, CommandRemoved, Input);
    assert_eq!(removed.message, "command 'a' removed");
    assert_eq!(removed.old_loc.as_deref(), Some("schema.json:1"));
    assert_eq!(removed.new_loc, None);
}

#[test]
fn deprecated_and_unstable_removals_are_marked() {
    let old = "{ 'command': 'a', 'features': ['deprecated'] }\n\
               { 'command': 'x-b', 'features': ['unstable'] }\n";
    let r = diff(old, "{ 'command': 'c' }");
    assert_changes(
        &r,
        &[
            (CommandRemoved, Input, BreakingDeprecatedRemoval),
            (CommandRemoved, Input, Unstable),
            (CommandAdded, Input, Compatible),
        ],
    );
    assert!(r.is_breaking(false));
    assert!(!r.is_breaking(true));
}

#[test]
fn arguments_follow_the_send_rules() {
    let old =
        "{ 'command': 'c', 'data': { 'keep': 'int', 'gone': 'int', 'opt': 'int', 'man': 'int' } }";
    let new = "{ 'command': 'c', 'data': { 'keep': 'int', '*new-opt': 'int', 'new-man': 'int', \
               'opt': 'int', '*man': 'int' } }";
    // 'opt' was mandatory in old too: rewrite it as optional-to-mandatory.
    let old = old.replace("'opt'", "'*opt'");
    let r = diff(&old, new);
    assert_changes(
        &r,
        &[
            (MemberRemoved, Input, Breaking),
            (MemberAdded, Input, Compatible),
            (MemberAdded, Input, Breaking),
            (MemberBecameMandatory, Input, Breaking),
            (MemberBecameOptional, Input, Compatible),
        ],
    );
    let removed = only(&r, MemberRemoved, Input);
    assert_eq!(removed.path, "c(args).gone");
    assert_eq!(
        removed.message,
        "mandatory parameter 'gone' of command 'c' removed"
    );
}

#[test]
fn return_members_follow_the_receive_rules() {
    let old = "{ 'struct': 'Reply', 'data': { 'man': 'int', '*opt': 'int', 'to-opt': 'int', '*to-man': 'int' } }\n\
               { 'command': 'c', 'returns': 'Reply' }";
    let new = "{ 'struct': 'Reply', 'data': { 'added': 'int', '*to-opt': 'int', 'to-man': 'int' } }\n\
               { 'command': 'c', 'returns': 'Reply' }";
    let r = diff(old, new);
    assert_changes(
        &r,
        &[
            (MemberRemoved, Output, Breaking),   // mandatory 'man'
            (MemberRemoved, Output, Compatible), // optional 'opt'
            (MemberAdded, Output, Compatible),
            (MemberBecameOptional, Output, Breaking),
            (MemberBecameMandatory, Output, Compatible),
        ],
    );
}

#[test]
fn command_gaining_a_return_value_is_compatible() {
    let r = diff(
        "{ 'command': 'c' }",
        &format!("{RET}{{ 'command': 'c', 'returns': 'Ret' }}"),
    );
    assert_changes(
        &r,
        &[
            (MemberAdded, Output, Compatible),
            (MemberAdded, Output, Compatible),
        ],
    );
}

#[test]
fn enum_values_by_direction() {
    let schema = |values: &str| {
        format!(
            "{{ 'enum': 'Color', 'data': [{values}] }}\n\
             {{ 'command': 'set', 'data': {{ 'e': 'Color' }} }}\n\
             {{ 'struct': 'Reply', 'data': {{ 'e': 'Color' }} }}\n\
             {{ 'command': 'get', 'returns': 'Reply' }}"
        )
    };
    let r = diff(&schema("'a', 'b'"), &schema("'a', 'c'"));
    assert_changes(
        &r,
        &[
            (EnumValueRemoved, Input, Breaking),
            (EnumValueAdded, Input, Compatible),
            (EnumValueRemoved, Output, Compatible),
            (EnumValueAdded, Output, Compatible),
        ],
    );
    // Reordering values is invisible.
    assert!(
        diff(&schema("'a', 'b'"), &schema("'b', 'a'"))
            .changes
            .is_empty()
    );
}

#[test]
fn deprecated_enum_value_removal() {
    let old = "{ 'enum': 'Color', 'data': ['a', { 'name': 'b', 'features': ['deprecated'] }] }\n\
               { 'command': 'set', 'data': { 'e': 'Color' } }";
    let new = "{ 'enum': 'Color', 'data': ['a'] }\n{ 'command': 'set', 'data': { 'e': 'Color' } }";
    let r = diff(old, new);
    assert_changes(&r, &[(EnumValueRemoved, Input, BreakingDeprecatedRemoval)]);
}

const UNION_TAIL: &str = "{ 'struct': 'Apple', 'data': { 'x': 'int' } }\n\
                          { 'struct': 'Banana', 'data': { 'y': 'int' } }\n";

fn union_schema(values: &str, branches: &str) -> String {
    format!(
        "{UNION_TAIL}{{ 'enum': 'Kind', 'data': [{values}] }}\n\
         {{ 'union': 'Fruit', 'base': {{ 'kind': 'Kind' }}, 'discriminator': 'kind', 'data': {{ {branches} }} }}\n\
         {{ 'command': 'set', 'data': 'Fruit', 'boxed': true }}\n\
         {{ 'struct': 'Reply', 'data': {{ 'fruit': 'Fruit' }} }}\n\
         {{ 'command': 'get', 'returns': 'Reply' }}"
    )
}

#[test]
fn union_branches_by_direction() {
    let r = diff(
        &union_schema("'a', 'b'", "'a': 'Apple', 'b': 'Banana'"),
        &union_schema("'a', 'c'", "'a': 'Apple', 'c': 'Banana'"),
    );
    assert_changes(
        &r,
        &[
            (BranchRemoved, Input, Breaking),
            (BranchAdded, Input, Compatible),
            (BranchRemoved, Output, Compatible),
            (BranchAdded, Output, Compatible),
        ],
    );
    assert_eq!(only(&r, BranchRemoved, Input).path, "set(args)[kind=b]");
    // A member added to a branch is seen through the union.
    let r = diff(
        &union_schema("'a'", "'a': 'Apple'"),
        &union_schema("'a'", "'a': 'Banana'"),
    );
    assert_eq!(only(&r, MemberAdded, Input).path, "set(args)[kind=a].y");
}

#[test]
fn alternates_and_widening_to_one() {
    let schema = |arg: &str, ret: &str| {
        format!(
            "{{ 'struct': 'Obj', 'data': {{ 'x': 'int' }} }}\n\
             {{ 'alternate': 'Alt', 'data': {{ 'n': 'int', 'l': ['int'] }} }}\n\
             {{ 'alternate': 'Alt3', 'data': {{ 'n': 'int', 'l': ['int'], 'o': 'Obj' }} }}\n\
             {{ 'command': 'set', 'data': {{ 'v': '{arg}' }} }}\n\
             {{ 'struct': 'Reply', 'data': {{ 'v': '{ret}' }} }}\n\
             {{ 'command': 'get', 'returns': 'Reply' }}"
        )
    };
    // An argument turned into an alternate of its type: compatible.
    let r = diff(&schema("int", "int"), &schema("Alt", "int"));
    assert_changes(&r, &[(AlternativeAdded, Input, Compatible)]);
    // Adding a branch: compatible to send, breaking to receive.
    let r = diff(&schema("Alt", "Alt"), &schema("Alt3", "Alt3"));
    assert_changes(
        &r,
        &[
            (AlternativeAdded, Input, Compatible),
            (AlternativeAdded, Output, Breaking),
        ],
    );
    // Removing one: the reverse.
    let r = diff(&schema("Alt3", "Alt3"), &schema("Alt", "Alt"));
    assert_changes(
        &r,
        &[
            (AlternativeRemoved, Input, Breaking),
            (AlternativeRemoved, Output, Compatible),
        ],
    );
    // Branch names are invisible: only JSON types matter.
    let renamed = schema("Alt", "Alt").replace("'n': 'int', 'l'", "'num': 'int', 'list'");
    assert!(diff(&schema("Alt", "Alt"), &renamed).changes.is_empty());
}

#[test]
fn events_and_their_data() {
    let old = "{ 'event': 'GONE' }\n{ 'event': 'EV', 'data': { 'a': 'int' } }";
    let new = "{ 'event': 'EV', 'data': { 'a': 'int', 'b': 'int' } }\n{ 'event': 'NEW' }";
    let r = diff(old, new);
    assert_changes(
        &r,
        &[
            (EventRemoved, Output, Breaking),
            (EventAdded, Output, Compatible),
            (MemberAdded, Output, Compatible),
        ],
    );
    assert_eq!(only(&r, MemberAdded, Output).path, "EV(data).b");
}

#[test]
fn reordering_renaming_and_moving_into_a_base_are_invisible() {
    let old = "{ 'struct': 'Opts', 'data': { 'a': 'int', 'b': 'str', 'c': 'bool' } }\n\
               { 'command': 'c', 'data': { 'o': 'Opts' }, 'returns': 'Opts' }";
    let new = "{ 'struct': 'Common', 'data': { 'c': 'bool', 'a': 'int' } }\n\
               { 'struct': 'Options', 'base': 'Common', 'data': { 'b': 'str' } }\n\
               { 'command': 'c', 'data': { 'o': 'Options' }, 'returns': 'Options' }";
    let r = diff(old, new);
    assert!(r.changes.is_empty(), "{}", r.to_text());
    // Inline arguments vs a named struct are the same wire shape too.
    let r = diff(
        "{ 'command': 'c', 'data': { 'a': 'int' } }",
        "{ 'struct': 'Args', 'data': { 'a': 'int' } }\n{ 'command': 'c', 'data': 'Args' }",
    );
    assert!(r.changes.is_empty(), "{}", r.to_text());
}

#[test]
fn types_used_in_both_directions_get_both_rule_sets() {
    let schema = |members: &str| {
        format!(
            "{{ 'struct': 'Thing', 'data': {{ {members} }} }}\n\
             {{ 'command': 'set', 'data': {{ 't': 'Thing' }} }}\n\
             {{ 'command': 'get', 'returns': 'Thing' }}\n\
             {{ 'event': 'CHANGED', 'data': {{ 't': 'Thing' }} }}"
        )
    };
    let r = diff(&schema("'a': 'int'"), &schema("'a': 'int', 'b': 'int'"));
    assert_changes(
        &r,
        &[
            (MemberAdded, Input, Breaking),
            (MemberAdded, Output, Compatible),
        ],
    );
    let r = diff(&schema("'a': 'int', '*b': 'int'"), &schema("'a': 'int'"));
    assert_changes(
        &r,
        &[
            (MemberRemoved, Input, Breaking),
            (MemberRemoved, Output, Compatible),
        ],
    );
    // Reported once per direction, at the first path that reaches it.
    assert_eq!(only(&r, MemberRemoved, Output).path, "get(returns).b");
}

#[test]
fn recursive_types_terminate() {
    let schema = |extra: &str| {
        format!(
            "{{ 'struct': 'Node', 'data': {{ 'name': 'str', '*children': ['Node']{extra} }} }}\n\
             {{ 'command': 'tree', 'data': {{ 'root': 'Node' }}, 'returns': 'Node' }}"
        )
    };
    let r = diff(&schema(""), &schema(", '*tag': 'str'"));
    assert_changes(
        &r,
        &[
            (MemberAdded, Input, Compatible),
            (MemberAdded, Output, Compatible),
        ],
    );
}

#[test]
fn scalar_ranges() {
    let schema = |arg: &str, ret: &str| {
        format!(
            "{{ 'struct': 'Reply', 'data': {{ 'v': '{ret}' }} }}\n\
             {{ 'command': 'c', 'data': {{ 'v': '{arg}' }}, 'returns': 'Reply' }}"
        )
    };
    let r = diff(&schema("int32", "int32"), &schema("int64", "int64"));
    assert_changes(
        &r,
        &[
            (TypeWidened, Input, Compatible),
            (TypeWidened, Output, Breaking),
        ],
    );
    let r = diff(&schema("int64", "int64"), &schema("int8", "int8"));
    assert_changes(
        &r,
        &[
            (TypeNarrowed, Input, Breaking),
            (TypeNarrowed, Output, Compatible),
        ],
    );
    // QEMU's input visitor takes negative numbers for uint64 and size.
    let r = diff(&schema("int", "int"), &schema("uint64", "int"));
    assert_changes(&r, &[(TypeWidened, Input, Compatible)]);
    assert!(
        diff(&schema("size", "size"), &schema("uint64", "uint64"))
            .changes
            .is_empty()
    );
    let r = diff(&schema("int", "int"), &schema("str", "bool"));
    assert_changes(
        &r,
        &[
            (TypeChanged, Input, Breaking),
            (TypeChanged, Output, Breaking),
        ],
    );
    let r = diff(&schema("str", "str"), &schema("any", "any"));
    assert_changes(
        &r,
        &[
            (TypeWidened, Input, Compatible),
            (TypeWidened, Output, Breaking),
        ],
    );
}

#[test]
fn array_elements_are_compared() {
    let r = diff(
        "{ 'command': 'c', 'data': { 'l': ['int8'] } }",
        "{ 'command': 'c', 'data': { 'l': ['str'] } }",
    );
    assert_eq!(only(&r, TypeChanged, Input).path, "c(args).l[]");
    let r = diff(
        "{ 'command': 'c', 'data': { 'l': ['int8'] } }",
        "{ 'command': 'c', 'data': { 'l': 'int8' } }",
    );
    assert_eq!(only(&r, TypeChanged, Input).severity, Breaking);
}

#[test]
fn deprecated_and_unstable_members() {
    let old = "{ 'command': 'c', 'data': { 'a': 'int', \
               'old': { 'type': 'int', 'features': ['deprecated'] }, \
               'x-exp': { 'type': 'int', 'features': ['unstable'] } } }";
    let r = diff(old, "{ 'command': 'c', 'data': { 'a': 'int' } }");
    assert_changes(
        &r,
        &[
            (MemberRemoved, Input, BreakingDeprecatedRemoval),
            (MemberRemoved, Input, Unstable),
        ],
    );
    // Everything under a deprecated command counts as deprecated.
    let r = diff(
        "{ 'command': 'c', 'data': { 'a': 'int' }, 'features': ['deprecated'] }",
        "{ 'command': 'c', 'features': ['deprecated'] }",
    );
    assert_changes(&r, &[(MemberRemoved, Input, BreakingDeprecatedRemoval)]);
}

#[test]
fn features_gained_and_lost() {
    let r = diff(
        "{ 'command': 'c', 'data': { 'a': 'int' } }",
        "{ 'command': 'c', 'data': { 'a': { 'type': 'int', 'features': ['deprecated'] } } }",
    );
    let change = only(&r, FeatureAdded, Input);
    assert_eq!(change.severity, Compatible);
    assert_eq!(
        change.message,
        "parameter 'a' of command 'c' gained feature 'deprecated'"
    );
}

#[test]
fn conditions_as_written_and_evaluated() {
    use rqapi_compat::Config;
    let old = "{ 'command': 'c' }\n{ 'command': 'd', 'if': 'CONFIG_A' }";
    let new = "{ 'command': 'c', 'if': 'CONFIG_LINUX' }\n\
               { 'command': 'd', 'if': { 'any': ['CONFIG_A', 'CONFIG_B'] } }";
    let r = diff(old, new);
    assert_changes(
        &r,
        &[
            (ConditionChanged, Input, Conditional), // narrowed
            (ConditionChanged, Input, Compatible),  // widened
        ],
    );
    assert!(!r.is_breaking(false));
    // Evaluated: without CONFIG_LINUX, 'c' is gone; 'd' appears with CONFIG_B.
    let config = Config::with_symbols(["CONFIG_B"]);
    let r = support::diff_with(old, new, &config);
    assert_changes(
        &r,
        &[
            (CommandRemoved, Input, Breaking),
            (CommandAdded, Input, Compatible),
        ],
    );
    let config = Config::with_symbols(["CONFIG_LINUX", "CONFIG_A"]);
    assert!(support::diff_with(old, new, &config).changes.is_empty());
}

#[test]
fn struct_becoming_a_union_keeps_the_old_shape_as_a_branch() {
    let old = "{ 'struct': 'Info', 'data': { 'enabled': 'bool', 'policy': 'int' } }\n\
               { 'command': 'query', 'returns': 'Info' }";
    let new = "{ 'enum': 'Kind', 'data': ['classic', 'next'] }\n\
               { 'struct': 'Classic', 'data': { 'policy': 'int' } }\n\
               { 'struct': 'Next', 'data': { 'next-policy': 'int' } }\n\
               { 'union': 'Info', 'base': { 'enabled': 'bool', 'kind': 'Kind' }, \
                 'discriminator': 'kind', 'data': { 'classic': 'Classic', 'next': 'Next' } }\n\
               { 'command': 'query', 'returns': 'Info' }";
    let r = diff(old, new);
    assert_changes(
        &r,
        &[
            (MemberAdded, Output, Compatible),
            (BranchAdded, Output, Compatible),
        ],
    );
    assert_eq!(
        only(&r, BranchAdded, Output).path,
        "query(returns)[kind=next]"
    );
}

#[test]
fn command_flags() {
    let r = diff(
        "{ 'command': 'c', 'allow-oob': true }",
        "{ 'command': 'c', 'allow-preconfig': true }",
    );
    assert_changes(
        &r,
        &[
            (CommandFlagChanged, Input, Breaking),
            (CommandFlagChanged, Input, Compatible),
        ],
    );
}

#[test]
fn text_and_json_renderings() {
    let r = diff("{ 'command': 'a' }", "{ 'command': 'b' }");
    let text = r.to_text();
    assert!(
        text.contains("input  a: command 'a' removed [old schema.json:1, new -]"),
        "{text}"
    );
    assert!(text.ends_with(
        "1 compatible, 1 breaking, 0 breaking deprecated removals, 0 unstable, 0 conditional\n"
    ));
    let json = r.to_json();
    assert_eq!(json["summary"]["breaking"], 1);
    assert_eq!(json["changes"][0]["kind"], "command-removed");
    assert_eq!(json["changes"][0]["new-loc"], serde_json::Value::Null);
}
