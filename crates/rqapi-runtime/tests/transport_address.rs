//! Address syntax accepted on command lines.

use std::path::PathBuf;

use rqapi_runtime::transport::Address;

fn parse(text: &str) -> Address {
    Address::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn socket_addresses() {
    assert_eq!(
        parse("unix:/run/qmp.sock"),
        Address::Unix("/run/qmp.sock".into())
    );
    assert_eq!(
        parse("unix:rel:with:colons"),
        Address::Unix("rel:with:colons".into())
    );
    assert_eq!(
        parse("tcp:localhost:4444"),
        Address::Tcp {
            host: "localhost".into(),
            port: 4444
        }
    );
    assert_eq!(
        parse("tcp:[::1]:4444"),
        Address::Tcp {
            host: "::1".into(),
            port: 4444
        }
    );
    assert_eq!(
        parse("tcp::4444"),
        Address::Tcp {
            host: String::new(),
            port: 4444
        }
    );
    assert_eq!(parse("vsock:3:1234"), Address::Vsock { cid: 3, port: 1234 });
    assert_eq!(
        parse("vsock:4294967295:4294967295"),
        Address::Vsock {
            cid: u32::MAX,
            port: u32::MAX
        }
    );
}

#[test]
fn device_and_stdio_addresses() {
    assert_eq!(
        parse("serial:/dev/ttyS0"),
        Address::Serial("/dev/ttyS0".into())
    );
    assert_eq!(
        parse("isa-serial:/dev/ttyS0"),
        Address::Serial("/dev/ttyS0".into())
    );
    assert_eq!(
        parse("virtio-serial:/dev/virtio-ports/org.qemu.guest_agent.0"),
        Address::VirtioSerial("/dev/virtio-ports/org.qemu.guest_agent.0".into())
    );
    assert_eq!(parse("stdio"), Address::Stdio);
    assert_eq!(parse("-"), Address::Stdio);
}

#[test]
fn bare_paths_are_unix_sockets() {
    assert_eq!(
        parse("/tmp/qga.sock"),
        Address::Unix("/tmp/qga.sock".into())
    );
    assert_eq!(parse("./a:b"), Address::Unix("./a:b".into()));
    assert_eq!(parse("/run/a:b"), Address::Unix("/run/a:b".into()));
    assert_eq!(parse("qga.sock"), Address::Unix(PathBuf::from("qga.sock")));
}

#[test]
fn rejects_malformed_addresses() {
    for (text, expect) in [
        ("", "empty address"),
        ("unix:", "missing path"),
        ("tcp:host", "expected tcp:HOST:PORT"),
        ("tcp:host:99999", "invalid port '99999'"),
        ("tcp:host:", "invalid port ''"),
        ("tcp:::1:80", "brackets"),
        ("tcp:[::1:80", "missing ']'"),
        ("vsock:3", "expected vsock:CID:PORT"),
        ("vsock:x:1", "Failed to parse cid 'x'"),
        ("vsock:-1:1", "Failed to parse cid '-1'"),
        ("vsock:3:4294967296", "Failed to parse port '4294967296'"),
        ("vsock:3:+1", "Failed to parse port '+1'"),
        ("http:x", "unknown transport 'http'"),
    ] {
        let err = Address::parse(text).expect_err(text);
        assert_eq!(err.input, text);
        assert!(
            err.to_string().contains(expect),
            "{text}: '{err}' lacks '{expect}'"
        );
    }
}

#[test]
fn display_round_trips() {
    for text in [
        "unix:/run/x.sock",
        "tcp:127.0.0.1:4444",
        "tcp:[::1]:4444",
        "vsock:2:9",
        "serial:/dev/ttyS0",
        "virtio-serial:/dev/vport0p1",
        "stdio",
    ] {
        assert_eq!(parse(text).to_string(), text);
        assert_eq!(parse(&parse(text).to_string()), parse(text));
    }
}

#[test]
fn qemu_ga_method_and_path() {
    let qga = |method, path| Address::from_qga_method(method, path).expect(method);
    assert_eq!(
        qga("unix-listen", "/tmp/qga.sock"),
        Address::Unix("/tmp/qga.sock".into())
    );
    assert_eq!(
        qga("vsock-listen", "3:1234"),
        Address::Vsock { cid: 3, port: 1234 }
    );
    assert_eq!(
        qga("isa-serial", "/dev/ttyS0"),
        Address::Serial("/dev/ttyS0".into())
    );
    assert_eq!(
        qga("virtio-serial", "/dev/vport0p1"),
        Address::VirtioSerial("/dev/vport0p1".into())
    );
    let err = Address::from_qga_method("pipe", "/x").unwrap_err();
    assert!(
        err.to_string()
            .contains("unsupported channel method/type: pipe")
    );
    let err = Address::from_qga_method("vsock-listen", "3:x").unwrap_err();
    assert!(err.to_string().contains("Failed to parse port 'x'"));
}
