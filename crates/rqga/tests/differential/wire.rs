//! Both agents side by side on unix sockets, fed the same raw bytes: the
//! protocol cases of the C agent's recorded transcript
//! (`c-qga-7.2.jsonl`, malformed input and request-shape errors) and its
//! command cases that failed before touching the machine (argument
//! errors).  Only the request bytes are taken from the recording; the
//! answers compared are those of the installed C agent and of rqga,
//! running now.
//!
//! After each case both agents get `0xFF` + `guest-sync-delimited` with
//! a fresh id: that ends any partial input, and every line before the
//! delimited answer belongs to the case.  Lines are compared parsed (the
//! C agent orders members by hash) together with their 0xFF flag.

use std::path::PathBuf;

use crate::support::{AgentProcess, CAgent, Value, serde_json};

/// Cases whose answers differ on purpose between qemu-ga 10.2 (rqga)
/// and the installed 7.2, by recorded name.
const DIFFERENT_IN_10_2: &[(&str, &str)] = &[(
    "guest-exec capture-output wrong type",
    "10.2's capture-output is an alternate (bool or GuestExecCaptureOutputMode): \
     a string is checked as the enum, 'does not accept value'",
)];

/// Too large to replay in a unit test run (sizes over this are skipped).
const MAX_CASE_BYTES: usize = 64 * 1024;

fn reference_file() -> Option<PathBuf> {
    let dir = match std::env::var_os("RQAPI_REFERENCE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
    };
    let file = dir.join("c-qga-7.2.jsonl");
    file.is_file().then_some(file)
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The bytes a record sent, when stored in full.
fn request_bytes(record: &Value) -> Option<Vec<u8>> {
    let rb = record.get("request_bytes")?;
    let len = rb.get("len")?.as_u64()? as usize;
    let bytes = match (rb.get("text"), rb.get("hex")) {
        (Some(Value::String(t)), _) => t.as_bytes().to_vec(),
        (_, Some(Value::String(h))) => hex_bytes(h)?,
        _ => return None,
    };
    (bytes.len() == len && len <= MAX_CASE_BYTES).then_some(bytes)
}

/// Machine-independent cases: every protocol case, and the command cases
/// whose every recorded answer was an argument error.
fn replayable(record: &Value) -> bool {
    match record["category"].as_str() {
        Some("protocol") => true,
        Some("command") => {
            let responses = record["responses"].as_array();
            responses.is_some_and(|r| {
                !r.is_empty()
                    && r.iter().all(|line| {
                        let desc = line["json"]["error"]["desc"].as_str().unwrap_or("");
                        desc.starts_with("Parameter ")
                            || desc.starts_with("Invalid parameter type")
                            || desc.starts_with("QMP input")
                    })
            })
        }
        _ => false,
    }
}

/// One answer line: whether 0xFF preceded it, and its parsed JSON.
type Line = (bool, Value);

fn parse_line(raw: &[u8]) -> Line {
    let (ff, text) = match raw.split_first() {
        Some((0xFF, rest)) => (true, rest),
        _ => (false, raw),
    };
    let value = serde_json::from_slice(text)
        .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(raw)));
    (ff, value)
}

/// Sends `bytes`, then the resync; the lines answering `bytes`.
fn answers(agent: &mut AgentProcess, bytes: &[u8], sync_id: u64) -> Vec<Line> {
    agent.send(bytes);
    let resync =
        format!("\u{0}{{\"execute\":\"guest-sync-delimited\",\"arguments\":{{\"id\":{sync_id}}}}}");
    let mut resync = resync.into_bytes();
    resync[0] = 0xFF;
    agent.send(&resync);
    let mut lines = Vec::new();
    loop {
        let line = parse_line(&agent.read_line());
        if line == (true, serde_json::json!({ "return": sync_id })) {
            return lines;
        }
        lines.push(line);
        assert!(lines.len() < 5000, "no end to the answers");
    }
}

#[test]
fn recorded_requests_get_the_c_agents_answers() {
    let Some(file) = reference_file() else {
        eprintln!("skipped: c-qga-7.2.jsonl not found (set RQAPI_REFERENCE)");
        return;
    };
    let Some(mut c) = CAgent::start() else { return };
    let mut ours = AgentProcess::ours(&[]);
    let text = std::fs::read_to_string(file).unwrap();
    let (mut compared, mut skipped) = (0, 0);
    let mut different: Vec<String> = Vec::new();
    let mut mismatches: Vec<String> = Vec::new();
    for (n, record) in text.lines().enumerate() {
        let record: Value = serde_json::from_str(record).unwrap();
        let name = record["name"].as_str().unwrap_or_default().to_owned();
        let bytes = match request_bytes(&record) {
            Some(b) if replayable(&record) => b,
            _ => {
                skipped += 1;
                continue;
            }
        };
        let sync_id = 1_000_000 + n as u64;
        let theirs = answers(&mut c, &bytes, sync_id);
        let mine = answers(&mut ours, &bytes, sync_id);
        if DIFFERENT_IN_10_2.iter().any(|(case, _)| *case == name) {
            assert_ne!(mine, theirs, "{name}: expected to differ from 7.2");
            different.push(name);
            continue;
        }
        if mine == theirs {
            compared += 1;
        } else {
            let sent = String::from_utf8_lossy(&bytes);
            mismatches.push(format!(
                "{name:?} ({sent:?}):\n ours   {mine:?}\n theirs {theirs:?}"
            ));
        }
    }
    eprintln!(
        "{compared} cases answered alike, {} known differences, {skipped} not replayable",
        different.len()
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert_eq!(different.len(), DIFFERENT_IN_10_2.len(), "{different:?}");
    assert!(compared > 80, "only {compared} cases compared");
}
