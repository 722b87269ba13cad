//! The model's API on a small schema written by the test: lookup,
//! resolution, implicit types, modules and conditions.

use rqapi_schema::schema::{EntityKind, JsonType};

fn load_text(name: &str, files: &[(&str, &str)]) -> rqapi_schema::Schema {
    let dir = std::env::temp_dir().join(format!("rqapi-model-{}-{name}", std::process::id()));
    for (file, text) in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let main = dir.join(files[0].0);
    rqapi_schema::load(main.to_str().unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn resolves_types_and_builds_implicit_ones() {
    let schema = load_text(
        "resolve",
        &[
            (
                "main.json",
                "{ 'include': 'sub/types.json' }\n\
                 { 'command': 'get-things', 'data': { 'id': 'int', '*filter': ['str'] },\n\
                   'returns': ['Thing'], 'if': { 'all': [ 'CONFIG_A', { 'not': 'CONFIG_B' } ] } }\n",
            ),
            (
                "sub/types.json",
                "{ 'enum': 'Kind', 'data': [ 'a', { 'name': 'b', 'if': 'CONFIG_B' } ] }\n\
                 { 'struct': 'Thing', 'data': { 'kind': 'Kind' } }\n",
            ),
        ],
    );
    let modules: Vec<&str> = schema.modules().iter().map(|m| m.name.as_str()).collect();
    assert_eq!(modules, ["./builtin", "main.json", "sub/types.json"]);

    let (cmd_entity, cmd) = schema.commands().next().unwrap();
    assert_eq!(cmd_entity.name, "get-things");
    assert_eq!(
        cmd_entity.ifcond.cgen(),
        "defined(CONFIG_A) && !defined(CONFIG_B)"
    );
    let args = &schema[cmd.arg_type.unwrap()];
    assert_eq!(args.name, "q_obj_get-things-arg");
    assert!(args.is_implicit());
    let members = &args.as_object().unwrap().members;
    assert_eq!(members[1].name, "filter");
    assert!(members[1].optional);
    assert_eq!(schema[members[1].ty].name, "strList");

    let ret = &schema[cmd.ret_type.unwrap()];
    assert_eq!(ret.describe(), "array type ['Thing']");
    let thing = &schema[ret.as_array().unwrap().element_type];
    assert_eq!(thing.json_type(), Some(JsonType::Object));
    assert_eq!(schema.module(thing.module).name, "sub/types.json");
    // The array lives in its element type's module.
    assert_eq!(ret.module, thing.module);

    let kind = schema.lookup("Kind").unwrap();
    let EntityKind::Enum(e) = &kind.kind else {
        panic!("not an enum")
    };
    assert_eq!(e.members[1].ifcond.python_repr(), "'CONFIG_B'");
    assert!(schema.lookup_type("get-things").is_none());
}

/// QEMU resolves and clash-checks each member in turn, so the error met
/// first in member order wins.
#[test]
fn member_clash_and_unknown_type_report_the_first_in_order() {
    let load_err = |name: &str, text: &str| {
        let dir = std::env::temp_dir().join(format!("rqapi-model-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("main.json");
        std::fs::write(&path, text).unwrap();
        rqapi_schema::load(path.to_str().unwrap())
            .unwrap_err()
            .to_string()
    };
    let clash_first = load_err(
        "clash-first",
        "{ 'struct': 'Base', 'data': { 'a-b': 'int' } }\n\
         { 'struct': 'Thing', 'base': 'Base', 'data': { 'a-b': 'int', 'c': 'Nope' } }\n",
    );
    assert!(clash_first.contains("collides with"), "{clash_first}");
    let unknown_first = load_err(
        "unknown-first",
        "{ 'struct': 'Base', 'data': { 'a-b': 'int' } }\n\
         { 'struct': 'Thing', 'base': 'Base', 'data': { 'c': 'Nope', 'a-b': 'int' } }\n",
    );
    assert!(
        unknown_first.contains("uses unknown type 'Nope'"),
        "{unknown_first}"
    );
}
