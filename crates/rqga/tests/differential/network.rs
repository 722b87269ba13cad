//! guest-network-get-interfaces against the C agent on this machine, and
//! guest-network-get-route (which the installed 7.2 lacks) on text
//! tables written by us.

use crate::support::CAgent;
use crate::support::calls::blocking::call;
use rqapi_runtime::qapi::serde_json::{Value, json};
use rqga::commands::Handlers;
use rqga::commands::network::route::{parse_ipv4_line, parse_ipv6_line, parse_routes};

/// Interfaces with the traffic counters reduced to their presence (they
/// move between the two calls).
fn without_counters(v: &Value) -> Value {
    let mut v = v.clone();
    for iface in v.as_array_mut().unwrap() {
        if let Some(s) = iface.get_mut("statistics") {
            *s = json!("present");
        }
    }
    v
}

#[test]
fn interfaces_equal_the_c_agent() {
    let Some(mut c) = CAgent::start() else { return };
    let theirs = c
        .call_result("guest-network-get-interfaces", json!({}))
        .unwrap();
    let ours = call(
        &Handlers::default(),
        "guest-network-get-interfaces",
        json!({}),
    )
    .unwrap();
    assert_eq!(without_counters(&ours), without_counters(&theirs));
    // Counters of lo only grow; ours were read after theirs.
    let lo = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == "lo")
            .and_then(|i| {
                i.get("statistics")
                    .map(|s| s["rx-packets"].as_u64().unwrap())
            })
    };
    if let (Some(a), Some(b)) = (lo(&theirs), lo(&ours)) {
        assert!(b >= a);
    }
}

#[test]
fn interfaces_rejects_arguments() {
    let err = crate::support::calls::blocking::error_of(call(
        &Handlers::default(),
        "guest-network-get-interfaces",
        json!({"x": 1}),
    ));
    assert_eq!(err, "Parameter 'x' is unexpected");
}

const ROUTE: &str =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t0102000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t0002000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t1500\t0\t0
bad line
";

const ROUTE6: &str = "\
fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 ffffffff 00000002 0000001a 80200001       lo
";

#[test]
fn ipv4_routes_as_qemu_ga() {
    let r =
        parse_ipv4_line("eth0\t00000000\t0102000A\t0003\t0\t0\t100\t00000000\t0\t0\t0").unwrap();
    assert_eq!(r.destination, "0.0.0.0");
    assert_eq!(r.gateway.as_deref(), Some("10.0.2.1"));
    assert_eq!(r.mask.as_deref(), Some("0.0.0.0"));
    assert_eq!((r.metric, r.flags, r.version), (100, Some(3), 4));
    assert_eq!((r.mtu, r.window, r.irtt), (Some(0), Some(0), Some(0)));
    assert!(r.nexthop.is_none() && r.desprefixlen.is_none());
    let all = parse_routes(Some(ROUTE), Some(ROUTE6));
    assert_eq!(all.len(), 4, "header and bad line skipped");
    assert_eq!(all[1].mask.as_deref(), Some("255.255.255.0"));
    assert_eq!(all[1].mtu, Some(1500));
}

#[test]
fn ipv6_routes_as_qemu_ga() {
    let r = parse_ipv6_line(ROUTE6.lines().next().unwrap()).unwrap();
    assert_eq!(r.destination, "fd00::");
    assert_eq!(r.desprefixlen.as_deref(), Some("64"));
    assert_eq!(r.srcprefixlen.as_deref(), Some("0"));
    assert_eq!(
        (r.source.as_deref(), r.nexthop.as_deref()),
        (Some("::"), Some("::"))
    );
    assert_eq!(
        (r.metric, r.refcnt, r.r#use, r.flags),
        (256, Some(1), Some(0), Some(1))
    );
    assert!(r.gateway.is_none() && r.mtu.is_none() && r.irtt.is_none());
    // %x into an int: ffffffff is -1, and the flags keep their sign.
    let r = parse_ipv6_line(ROUTE6.lines().nth(1).unwrap()).unwrap();
    assert_eq!(r.metric, -1);
    assert_eq!(r.nexthop.as_deref(), Some("fe80::1"));
    assert_eq!(r.flags, Some(0xffff_ffff_8020_0001));
    assert_eq!((r.iface.as_str(), r.r#use), ("lo", Some(26)));
}

#[test]
fn routes_of_this_machine() {
    let v = call(&Handlers::default(), "guest-network-get-route", json!({})).unwrap();
    for r in v.as_array().unwrap() {
        let version = r["version"].as_i64().unwrap();
        assert!(version == 4 || version == 6);
        assert_eq!(r.get("mtu").is_some(), version == 4, "{r}");
        assert_eq!(r.get("nexthop").is_some(), version == 6, "{r}");
    }
}
