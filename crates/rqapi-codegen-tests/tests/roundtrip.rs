//! Plain serde round trips of generated types, the tolerant client side,
//! events and the embedded introspection.

use proptest::prelude::*;
use rqapi_codegen_tests::everything::{events, introspect, types};
use rqapi_codegen_tests::everything_client::types as client;
use rqapi_runtime::qapi::event::{from_message, to_message};
use rqapi_runtime::qapi::{CompatPolicy, Null};
use rqapi_runtime::qmp::Timestamp;
use serde_json::{Value, json};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    wire: Value,
) -> T {
    let typed: T = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), wire);
    let text = serde_json::to_string(&typed).unwrap();
    assert_eq!(serde_json::from_str::<T>(&text).unwrap(), typed);
    typed
}

#[test]
fn wire_json_round_trips() {
    let tree: types::Tree = round_trip(
        json!({"value": 1, "left": {"value": 2}, "children": [{"value": 3, "children": []}]}),
    );
    assert_eq!(tree.left.as_ref().unwrap().value, 2);
    round_trip::<types::Value>(json!(null));
    round_trip::<types::Value>(json!(false));
    round_trip::<types::Value>(json!({"id": 1}));
    round_trip::<types::Level>(json!("green"));
    round_trip::<types::Level>(json!({"value": 0}));
    round_trip::<types::Text>(json!({"name": "s", "kind": "square", "side": 2, "tilt": 0.5}));
    round_trip::<types::NamedBaseUnion>(json!({"kind": "circle", "radius": 1.0}));
    round_trip::<types::NamedBaseUnion>(json!({"kind": "square"}));
    round_trip::<types::Awkward>(json!("__org.rqapi_x-value"));
    assert_eq!(
        serde_json::to_value(types::Awkward::V32bit).unwrap(),
        json!("32bit")
    );
    assert_eq!(
        serde_json::to_value(types::Awkward::SelfValue).unwrap(),
        json!("self")
    );
    let camel: types::CamelMembers = round_trip(json!({"maxBytes": 1, "max-bytes": 2}));
    assert_eq!((camel.max_bytes, camel.max_bytes_2), (1, 2));
    assert!(
        serde_json::from_value::<types::Empty>(json!({"x": 1})).is_err(),
        "server side is strict"
    );
}

#[test]
fn optional_null_is_kept_apart_from_absent() {
    let present: types::Nullable =
        serde_json::from_str(r#"{"maybe-any": null, "maybe-null": null}"#).unwrap();
    assert_eq!(present.maybe_any, Some(Value::Null));
    assert_eq!(present.maybe_null, Some(Null));
    assert_eq!(
        serde_json::to_value(&present).unwrap(),
        json!({"maybe-any": null, "maybe-null": null})
    );
    let absent: types::Nullable = serde_json::from_str("{}").unwrap();
    assert_eq!((&absent.maybe_any, absent.maybe_null), (&None, None));
    assert_eq!(serde_json::to_value(&absent).unwrap(), json!({}));
    round_trip::<types::Nullable>(json!({"maybe-any": null}));
    round_trip::<types::Nullable>(json!({"maybe-null": null}));
}

#[test]
fn events_all_compiled_out() {
    use rqapi_codegen_tests::events_compiled_out::events::Event;
    use rqapi_runtime::qapi::event::QapiEvent;
    for name in ["WITH_DATA", "WITH_TYPE", "WITHOUT_DATA"] {
        let read = Event::from_parts(name, Some(&json!({"x": 1, "n": 1})));
        assert_eq!(read.unwrap(), None, "{name} is compiled out");
    }
}

#[test]
fn client_side_is_tolerant() {
    let c: client::Circle =
        serde_json::from_value(json!({"radius": 1.0, "new-member": true})).unwrap();
    assert_eq!(c.radius, 1.0);
    let colour: client::Colour = serde_json::from_value(json!("octarine")).unwrap();
    assert_eq!(colour, client::Colour::Unknown("octarine".into()));
    assert_eq!(serde_json::to_value(&colour).unwrap(), json!("octarine"));
    let shape: client::Shape =
        serde_json::from_value(json!({"name": "x", "kind": "blob", "size": 3})).unwrap();
    assert_eq!(shape.kind, client::ShapeBranch::Unknown("blob".into()));
    // CONFIG_LINUX was defined at generation time, CONFIG_NEVER not.
    assert_eq!(
        serde_json::to_value(client::Colour::Blue).unwrap(),
        json!("blue")
    );
}

#[test]
#[allow(deprecated)] // member `old` is deprecated, and says so
fn events_as_qmp_messages() {
    let event = events::Event::ShapeDrawn(types::ShapeDrawnEvent {
        name: "c".into(),
        old: Some(1),
    });
    let ts = Timestamp {
        seconds: 1,
        microseconds: 2,
    };
    let msg = to_message(&event, ts, CompatPolicy::default()).unwrap();
    assert_eq!(
        msg,
        json!({"event": "SHAPE_DRAWN", "timestamp": {"seconds": 1, "microseconds": 2}, "data": {"name": "c", "old": 1}})
    );
    assert_eq!(
        from_message::<events::Event>(&msg).unwrap(),
        Some(event.clone())
    );
    let hide = CompatPolicy {
        deprecated_output: rqapi_runtime::qapi::OutputPolicy::Hide,
        ..CompatPolicy::default()
    };
    assert_eq!(
        to_message(&event, ts, hide).unwrap()["data"],
        json!({"name": "c"})
    );
    let started = to_message(&events::Event::Started, ts, CompatPolicy::default()).unwrap();
    assert!(started.get("data").is_none());
    assert_eq!(
        from_message::<events::Event>(&json!({"event": "OTHER"})).unwrap(),
        None
    );
}

#[test]
fn introspection_matches_rqapi_introspect() {
    let schema = rqapi_schema::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/everything.json"
    ))
    .unwrap();
    let mut want = rqapi_schema::introspect::introspect(
        &schema,
        &rqapi_schema::introspect::IntrospectOptions {
            unmask: false,
            annotated: true,
        },
    );
    // Conditions as compiled here: CONFIG_LINUX per target, CONFIG_NEVER false.
    let holds = |c: &str| {
        !c.contains("CONFIG_NEVER") && (cfg!(target_os = "linux") || !c.contains("CONFIG_LINUX"))
    };
    want = rqapi_runtime::qapi::filter_introspection(&want, &holds).unwrap();
    assert_eq!(introspect::schema(), &want);
    let text = introspect::schema().to_string();
    assert!(!text.contains("\"never\"") && !text.contains("\"if\""));
    assert_eq!(text.contains("linux-only"), cfg!(target_os = "linux"));
}

fn base() -> impl Strategy<Value = types::Base> {
    (any::<i64>(), proptest::option::of("[a-z]{0,4}"))
        .prop_map(|(id, label)| types::Base { id, label })
}

fn shape() -> impl Strategy<Value = types::Shape> {
    let leaf = prop_oneof![
        (-1e9f64..1e9).prop_map(|radius| types::ShapeBranch::Circle(types::Circle { radius })),
        (any::<u32>(), proptest::option::of(-1e9f64..1e9))
            .prop_map(|(side, tilt)| types::ShapeBranch::Square(types::Square { side, tilt })),
        Just(types::ShapeBranch::Point),
    ];
    let branch = leaf.prop_recursive(3, 8, 2, |inner| {
        (
            proptest::collection::vec(any::<i64>(), 0..3),
            proptest::option::of(inner),
        )
            .prop_map(|(corners, inner)| {
                types::ShapeBranch::Polygon(Box::new(types::Polygon {
                    corners,
                    inner: inner.map(|kind| {
                        Box::new(types::Shape {
                            name: "in".into(),
                            kind,
                            colour: None,
                        })
                    }),
                }))
            })
    });
    (
        ".{0,6}",
        branch,
        proptest::option::of(prop_oneof![
            Just(types::Colour::Red),
            Just(types::Colour::Infrared)
        ]),
    )
        .prop_map(|(name, kind, colour)| types::Shape { name, kind, colour })
}

proptest! {
    #[test]
    fn arbitrary_values_round_trip(b in base(), s in shape(), nothing in Just(Null)) {
        let wire = serde_json::to_value(&b).unwrap();
        prop_assert_eq!(serde_json::from_value::<types::Base>(wire).unwrap(), b);
        // As JSON values: serde_json's text parser rounds some doubles
        // (QEMU's reader in rqapi_runtime::json does not).
        let wire = serde_json::to_value(&s).unwrap();
        prop_assert_eq!(serde_json::from_value::<types::Shape>(wire).unwrap(), s);
        prop_assert_eq!(serde_json::to_value(nothing).unwrap(), Value::Null);
    }
}
