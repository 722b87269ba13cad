//! Conditions nested as deep as the front end allows go through every
//! backend on an ordinary test thread's stack (debug build): the bound
//! (`MAX_IF_NESTING`) is what keeps their recursion safe.

#[path = "support/backends.rs"]
mod backends;

use rqapi_schema::expr::MAX_IF_NESTING;

fn nested(depth: usize, leaf: &str) -> String {
    // Alternate the operators so every kind of level is walked.
    let mut cond = format!("'{leaf}'");
    for i in 0..depth {
        cond = match i % 3 {
            0 => format!("{{ 'not': {cond} }}"),
            1 => format!("{{ 'all': [ 'CONFIG_A', {cond} ] }}"),
            _ => format!("{{ 'any': [ {cond}, 'CONFIG_B' ] }}"),
        };
    }
    cond
}

fn load_deep(depth: usize) -> Result<rqapi_schema::Schema, String> {
    let c = |leaf| nested(depth, leaf);
    let text = format!(
        "{{ 'enum': 'Enum', 'data': [ {{ 'name': 'v', 'if': {} }}, 'w' ], 'if': {} }}\n\
         {{ 'struct': 'Struct', 'data': {{ 'a': {{ 'type': 'Enum', 'if': {} }} }},\n  \
           'features': [ {{ 'name': 'f', 'if': {} }} ] }}\n\
         {{ 'command': 'cmd', 'data': 'Struct', 'boxed': true, 'returns': 'Struct', 'if': {} }}\n\
         {{ 'event': 'EV', 'data': 'Struct', 'boxed': true, 'if': {} }}\n",
        c("CONFIG_E"),
        c("CONFIG_LINUX"),
        c("CONFIG_M"),
        c("CONFIG_F"),
        c("CONFIG_C"),
        c("CONFIG_V"),
    );
    let path =
        std::env::temp_dir().join(format!("rqapi-deep-if-{}-{depth}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let result = rqapi_schema::load(&path.display().to_string()).map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&path);
    result
}

#[test]
fn deepest_allowed_conditions_pass_every_backend() {
    let schema = load_deep(MAX_IF_NESTING).unwrap();
    let original = load_deep(1).unwrap();
    backends::run_backends(&original, &schema);
    backends::run_backends(&schema, &schema);
}

#[test]
fn deeper_conditions_are_rejected_with_a_location() {
    let err = load_deep(MAX_IF_NESTING + 1).unwrap_err();
    assert!(err.contains(".json: In enum 'Enum':\n"), "{err}");
    assert!(err.ends_with("is nested deeper than 100 levels"), "{err}");
}
