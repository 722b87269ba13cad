//! guest-get-fsinfo and guest-get-disks against the C agent on this
//! machine.  Only used-bytes may differ (the disk is in use between the
//! two calls).  10.2 added total-bytes-privileged, which the installed
//! 7.2 lacks: checked against statvfs's block count instead.

use crate::support::CAgent;
use crate::support::calls::blocking::call;
use rqapi_runtime::qapi::serde_json::{Value, json};
use rqga::commands::Handlers;

#[test]
fn fsinfo_equals_the_c_agent() {
    let Some(mut c) = CAgent::start() else { return };
    let theirs = c.call_result("guest-get-fsinfo", json!({})).unwrap();
    let ours = call(&Handlers::default(), "guest-get-fsinfo", json!({})).unwrap();
    let (theirs, mut ours) = (
        theirs.as_array().unwrap().clone(),
        ours.as_array().unwrap().clone(),
    );
    assert_eq!(ours.len(), theirs.len(), "{ours:?}\n{theirs:?}");
    for (o, t) in ours.iter_mut().zip(&theirs) {
        let o = o.as_object_mut().unwrap();
        let privileged = o.remove("total-bytes-privileged");
        assert_eq!(privileged.is_some(), o.contains_key("total-bytes"));
        if let Some(p) = privileged {
            assert!(p.as_u64() >= o["total-bytes"].as_u64());
        }
        let used = |v: &Value| v.get("used-bytes").and_then(Value::as_u64);
        let (ou, tu) = (used(&Value::Object(o.clone())), used(t));
        assert_eq!(ou.is_some(), tu.is_some());
        if let (Some(a), Some(b)) = (ou, tu) {
            assert!(a.abs_diff(b) < 256 << 20, "used-bytes {a} vs {b}");
        }
        o.remove("used-bytes");
        let mut t = t.clone();
        t.as_object_mut().unwrap().remove("used-bytes");
        assert_eq!(Value::Object(o.clone()), t);
    }
}

#[test]
fn disks_equal_the_c_agent() {
    let Some(mut c) = CAgent::start() else { return };
    let theirs = c.call_result("guest-get-disks", json!({})).unwrap();
    let ours = call(&Handlers::default(), "guest-get-disks", json!({})).unwrap();
    assert_eq!(ours, theirs);
}

#[test]
fn thaw_when_nothing_is_frozen_equals_the_c_agent() {
    // Thawing is harmless: FITHAW on a filesystem that is not frozen
    // fails with EINVAL and changes nothing.
    let Some(mut c) = CAgent::start() else { return };
    let h = Handlers::default();
    assert_eq!(
        call(&h, "guest-fsfreeze-status", json!({})).unwrap(),
        c.call_result("guest-fsfreeze-status", json!({})).unwrap()
    );
    assert_eq!(
        call(&h, "guest-fsfreeze-thaw", json!({})).unwrap(),
        c.call_result("guest-fsfreeze-thaw", json!({})).unwrap()
    );
}
