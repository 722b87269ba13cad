//! Request checks and responses in QEMU's words.

use rqapi_runtime::json::{Reader, to_line};
use rqapi_runtime::qmp::{
    ErrorClass, Flavor, QmpError, Timestamp, check_request, error_response, event_message,
    parse_request, success_response,
};
use serde_json::{Value, json};

const QGA: Flavor = Flavor::GuestAgent;

fn rejection(value: Value, flavor: Flavor) -> (String, Option<Value>) {
    let r = check_request(value, flavor).unwrap_err();
    assert_eq!(r.error.class, ErrorClass::GenericError);
    (r.error.desc, r.id)
}

#[test]
fn request_shape_errors() {
    let cases = [
        (
            json!([{"execute": "guest-ping"}]),
            "QMP input must be a JSON object",
        ),
        (json!(null), "QMP input must be a JSON object"),
        (json!({}), "QMP input lacks member 'execute'"),
        (json!({"arguments": {}}), "QMP input lacks member 'execute'"),
        (
            json!({"execute": 1}),
            "QMP input member 'execute' must be a string",
        ),
        (
            json!({"execute": null}),
            "QMP input member 'execute' must be a string",
        ),
        (
            json!({"execute": "x", "arguments": []}),
            "QMP input member 'arguments' must be an object",
        ),
        (
            json!({"execute": "x", "arguments": null}),
            "QMP input member 'arguments' must be an object",
        ),
        (
            json!({"execute": "x", "foo": 1}),
            "QMP input member 'foo' is unexpected",
        ),
        (
            json!({"exec-oob": "x"}),
            "QMP input member 'exec-oob' is unexpected",
        ),
        (
            json!({"execute": "x", "exec-oob": "x"}),
            "QMP input member 'exec-oob' is unexpected",
        ),
    ];
    for (value, want) in cases {
        assert_eq!(rejection(value.clone(), QGA).0, want, "{value}");
    }
}

#[test]
fn first_problem_in_qemu_hash_order() {
    // QEMU visits "bar" (hash bucket 254) before "execute" (bucket 299).
    let (desc, _) = rejection(json!({"execute": 1, "bar": 1}), QGA);
    assert_eq!(desc, "QMP input member 'bar' is unexpected");
    let (desc, _) = rejection(json!({"foo": 1, "execute": 1}), QGA);
    assert_eq!(desc, "QMP input member 'execute' must be a string");
}

#[test]
fn qmp_flavour_and_oob() {
    let closed = Flavor::Qmp { oob_enabled: false };
    let open = Flavor::Qmp { oob_enabled: true };
    assert_eq!(
        rejection(json!({"exec-oob": "x"}), closed).0,
        "QMP input member 'exec-oob' is unexpected"
    );
    let request = check_request(json!({"exec-oob": "migrate-pause", "id": 3}), open).unwrap();
    assert!(request.oob);
    assert_eq!(request.command, "migrate-pause");
    let (desc, id) = rejection(json!({"execute": "a", "exec-oob": "b", "id": "i"}), open);
    assert!(
        desc.starts_with("QMP input member '") && desc.contains("clashes with"),
        "{desc}"
    );
    assert_eq!(id, Some(json!("i")));
    assert_eq!(
        QmpError::no_oob("x").desc,
        "The command x does not support OOB"
    );
}

#[test]
fn id_is_echoed_except_for_parse_errors() {
    let id = json!({"a": [1, 2.5, null], "b": "x"});
    let request = check_request(json!({"execute": "guest-ping", "id": id.clone()}), QGA).unwrap();
    assert_eq!(request.id, Some(id.clone()));
    assert_eq!(request.arguments, serde_json::Map::new());
    assert_eq!(
        rejection(json!({"execute": "x", "foo": 1, "id": id.clone()}), QGA).1,
        Some(id)
    );
    let message = Reader::new().feed(b"{\"id\": 1,}").next().unwrap();
    let r = parse_request(message, QGA).unwrap_err();
    assert_eq!(r.id, None);
    assert_eq!(
        to_line(&r.response()),
        b"{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, expecting value\"}}\n"
    );
}

#[test]
fn responses() {
    assert_eq!(
        to_line(&success_response(json!({}), None)),
        b"{\"return\": {}}\n"
    );
    assert_eq!(
        to_line(&success_response(json!(5), Some(json!("d")))),
        b"{\"return\": 5, \"id\": \"d\"}\n"
    );
    let err = QmpError::command_not_found("guest-x");
    assert_eq!(
        to_line(&error_response(&err, Some(json!(1)))),
        b"{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command guest-x has not been found\"}, \"id\": 1}\n"
    );
    assert_eq!(
        QmpError::command_disabled("guest-get-devices", None).desc,
        "Command guest-get-devices has been disabled"
    );
    assert_eq!(
        QmpError::command_disabled("c", Some("why")).desc,
        "Command c has been disabled: why"
    );
    let classes = [
        ErrorClass::GenericError,
        ErrorClass::CommandNotFound,
        ErrorClass::DeviceNotActive,
        ErrorClass::DeviceNotFound,
        ErrorClass::KVMMissingCap,
    ];
    let names: Vec<_> = classes.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        names,
        [
            "GenericError",
            "CommandNotFound",
            "DeviceNotActive",
            "DeviceNotFound",
            "KVMMissingCap"
        ]
    );
}

#[test]
fn events() {
    let ts = Timestamp::from_micros(1_700_000_000_123_456);
    assert_eq!((ts.seconds, ts.microseconds), (1_700_000_000, 123_456));
    assert_eq!(
        to_line(&event_message("SHUTDOWN", Some(json!({"guest": true})), ts)),
        b"{\"event\": \"SHUTDOWN\", \"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}, \"data\": {\"guest\": true}}\n"
    );
    assert_eq!(
        Timestamp::from_micros(-1_500_000),
        Timestamp {
            seconds: -1,
            microseconds: -500_000
        }
    );
    assert!(Timestamp::now().seconds > 1_600_000_000);
}
