//! Differential test against the real C qemu-ga 7.2 transcript
//! (`$RQAPI_REFERENCE` or `<workspace>/../shared/reference`).
//!
//! Every recorded case whose responses are produced before a real command
//! runs (parse errors, request-shape errors, unknown or disabled commands)
//! is replayed through our reader and request checker. A stub answers the
//! three commands whose results follow from their input (`guest-ping`,
//! `guest-sync`, `guest-sync-delimited`) so follow-up pings can be checked;
//! cases needing any other command are counted as skipped. Responses are
//! compared as parsed JSON and byte for byte (QEMU's hash member order).

use std::path::PathBuf;

use rqapi_runtime::json::{MemberOrder, Reader, qdict_order, write_value_with};
use rqapi_runtime::qmp::{Flavor, QmpError, Request, parse_request, success_response};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn reference_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("RQAPI_REFERENCE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
    };
    dir.join("c-qga-7.2.jsonl").is_file().then_some(dir)
}

/// One response line: whether 0xFF preceded it, and its JSON text.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    sentinel: bool,
    text: Vec<u8>,
}

/// What the agent's command table says about a name.
struct Commands {
    enabled: Vec<String>,
    disabled: Vec<String>,
}

enum Outcome {
    Lines(Vec<Line>),
    /// A command we cannot run here was reached.
    NeedsExecution(String),
}

fn line(value: &Value, sentinel: bool) -> Line {
    let mut text = Vec::new();
    write_value_with(value, MemberOrder::QDictHash, &mut text);
    Line { sentinel, text }
}

/// The first argument QEMU's visitor would find unexpected (hash order).
fn unexpected_argument(request: &Request, allowed: &[&str]) -> Option<String> {
    let keys: Vec<&str> = request.arguments.keys().map(String::as_str).collect();
    qdict_order(keys.iter().copied())
        .into_iter()
        .map(|i| keys[i])
        .find(|k| !allowed.contains(k))
        .map(|k| format!("Parameter '{k}' is unexpected"))
}

/// Stub of the agent's dispatcher: Ok((return value, delimited)) or error.
fn dispatch(
    request: &Request,
    commands: &Commands,
) -> Result<Result<(Value, bool), QmpError>, String> {
    let name = request.command.as_str();
    if commands.disabled.iter().any(|c| c == name) {
        return Ok(Err(QmpError::command_disabled(name, None)));
    }
    if !commands.enabled.iter().any(|c| c == name) {
        return Ok(Err(QmpError::command_not_found(name)));
    }
    match name {
        "guest-ping" => Ok(match unexpected_argument(request, &[]) {
            Some(desc) => Err(QmpError::generic(desc)),
            None => Ok((Value::Object(Default::default()), false)),
        }),
        "guest-sync" | "guest-sync-delimited" => {
            let id = match request.arguments.get("id") {
                None => return Ok(Err(QmpError::generic("Parameter 'id' is missing"))),
                Some(id) if id.is_i64() => id.clone(),
                Some(_) => {
                    let desc = "Invalid parameter type for 'id', expected: integer";
                    return Ok(Err(QmpError::generic(desc)));
                }
            };
            Ok(match unexpected_argument(request, &["id"]) {
                Some(desc) => Err(QmpError::generic(desc)),
                None => Ok((id, name == "guest-sync-delimited")),
            })
        }
        _ => Err(name.to_owned()),
    }
}

/// Feeds `bytes` and answers every message completed.
fn run(reader: &mut Reader, bytes: &[u8], commands: &Commands) -> Outcome {
    let mut lines = Vec::new();
    for message in reader.feed(bytes) {
        let request = match parse_request(message, Flavor::GuestAgent) {
            Ok(request) => request,
            Err(rejection) => {
                lines.push(line(&rejection.response(), false));
                continue;
            }
        };
        match dispatch(&request, commands) {
            Ok(Ok((ret, delimited))) => {
                lines.push(line(&success_response(ret, request.id), delimited))
            }
            Ok(Err(error)) => lines.push(line(
                &rqapi_runtime::qmp::error_response(&error, request.id),
                false,
            )),
            Err(command) => return Outcome::NeedsExecution(command),
        }
    }
    Outcome::Lines(lines)
}

fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The request bytes: `text`, `hex`, or for huge requests head + a repeated
/// unit + tail, verified against the recorded SHA-256.
fn request_bytes(record: &Value) -> Option<Vec<u8>> {
    let rb = record.get("request_bytes")?;
    if let Some(hex) = rb["hex"].as_str() {
        return Some(hex_decode(hex));
    }
    if let Some(text) = rb["text"].as_str() {
        return Some(text.as_bytes().to_vec());
    }
    let (head, tail) = (
        rb["head"].as_str()?.as_bytes(),
        rb["tail"].as_str()?.as_bytes(),
    );
    let len = rb["len"].as_u64()? as usize;
    let want = rb["sha256"].as_str()?;
    for period in 1..=4 {
        let unit = &head[head.len() - period..];
        let mut bytes = head.to_vec();
        while bytes.len() < len - tail.len() {
            bytes.push(unit[(bytes.len() - head.len()) % period]);
        }
        bytes.truncate(len - tail.len());
        bytes.extend_from_slice(tail);
        if sha256_hex(&bytes) == want {
            return Some(bytes);
        }
    }
    None
}

/// Recorded response lines, as (sentinel, raw) or a SHA-256 for huge ones.
fn matches_recorded(ours: &[Line], recorded: &[Value]) -> Result<(), String> {
    if ours.len() != recorded.len() {
        return Err(format!("{} lines, recorded {}", ours.len(), recorded.len()));
    }
    for (i, (our, rec)) in ours.iter().zip(recorded).enumerate() {
        if our.sentinel != rec["sentinel_ff"].as_bool().unwrap_or(false) {
            return Err(format!("line {i}: 0xFF sentinel differs"));
        }
        if let Some(raw) = rec["raw"].as_str() {
            let raw = raw.strip_prefix("\\xff").unwrap_or(raw);
            let theirs = Reader::new().feed(raw.as_bytes()).next();
            let mine = Reader::new().feed(&our.text).next();
            let (Some(Ok(theirs)), Some(Ok(mine))) = (theirs, mine) else {
                return Err(format!("line {i}: unparsable"));
            };
            if theirs != mine {
                return Err(format!(
                    "line {i}: ours {} recorded {raw}",
                    String::from_utf8_lossy(&our.text)
                ));
            }
            if our.text != raw.as_bytes() {
                return Err(format!(
                    "line {i}: bytes differ: {}",
                    String::from_utf8_lossy(&our.text)
                ));
            }
        } else {
            let want = rec["raw_sha256"].as_str().unwrap_or_default();
            if sha256_hex(&our.text) != want {
                return Err(format!(
                    "line {i}: SHA-256 differs ({} bytes)",
                    our.text.len()
                ));
            }
        }
    }
    Ok(())
}

fn lines_of(value: &Value) -> Vec<Value> {
    value.as_array().cloned().unwrap_or_default()
}

/// Replays one record: the request, then the recorder's liveness ping, then
/// (when the ping went unanswered) its 0xFF resync.
fn replay(record: &Value, commands: &Commands) -> Result<Result<(), String>, String> {
    let seq = record["seq"].as_u64().unwrap_or(0);
    let Some(bytes) = request_bytes(record) else {
        return Err("request bytes not recorded".to_owned());
    };
    let mut reader = Reader::new();
    let ours = match run(&mut reader, &bytes, commands) {
        Outcome::Lines(lines) => lines,
        Outcome::NeedsExecution(command) => return Err(format!("needs {command}")),
    };
    if let Err(e) = matches_recorded(&ours, &lines_of(&record["responses"])) {
        return Ok(Err(format!("response: {e}")));
    }
    let after = &record["after"];
    let ping = format!("{{\"execute\":\"guest-ping\",\"id\":\"alive-{seq}\"}}");
    let Outcome::Lines(ping_lines) = run(&mut reader, ping.as_bytes(), commands) else {
        return Ok(Err("ping needed execution".to_owned()));
    };
    if after["alive"].as_bool() == Some(true) {
        let mut expected = lines_of(&after["seen_before"]);
        expected.push(serde_json::json!({"sentinel_ff": false, "raw": after["ping_response"]}));
        return Ok(matches_recorded(&ping_lines, &expected).map_err(|e| format!("ping: {e}")));
    }
    if let Err(e) = matches_recorded(&ping_lines, &lines_of(&after["seen"])) {
        return Ok(Err(format!("swallowed ping: {e}")));
    }
    let resync = b"\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":4242}}";
    let Outcome::Lines(mut resync_lines) = run(&mut reader, resync, commands) else {
        return Ok(Err("resync needed execution".to_owned()));
    };
    if resync_lines.pop().map(|l| (l.sentinel, l.text))
        != Some((true, b"{\"return\": 4242}".to_vec()))
    {
        return Ok(Err("resync not answered".to_owned()));
    }
    Ok(
        matches_recorded(&resync_lines, &lines_of(&after["resync_discarded"]))
            .map_err(|e| format!("resync: {e}")),
    )
}

#[test]
fn replays_c_agent_transcript() {
    let Some(dir) = reference_dir() else {
        eprintln!("skipped: reference transcript not found (set RQAPI_REFERENCE)");
        return;
    };
    let text = std::fs::read_to_string(dir.join("c-qga-7.2.jsonl")).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let info = &records.iter().find(|r| r["name"] == "guest-info").unwrap()["responses"][0]["json"];
    let mut commands = Commands {
        enabled: Vec::new(),
        disabled: Vec::new(),
    };
    for cmd in info["return"]["supported_commands"].as_array().unwrap() {
        let name = cmd["name"].as_str().unwrap().to_owned();
        match cmd["enabled"].as_bool() {
            Some(true) => commands.enabled.push(name),
            _ => commands.disabled.push(name),
        }
    }
    let (mut matched, mut skipped, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for record in records.iter().filter(|r| r["category"] != "connection") {
        let seq = record["seq"].as_u64().unwrap_or(0);
        match replay(record, &commands) {
            Ok(Ok(())) => matched.push(seq),
            Ok(Err(e)) => failed.push(format!("#{seq} {}: {e}", record["name"])),
            Err(why) => skipped.push(format!("#{seq}: {why}")),
        }
    }
    eprintln!(
        "reference: {} matched, {} skipped (need real commands), {} differ",
        matched.len(),
        skipped.len(),
        failed.len()
    );
    eprintln!("matched cases: {matched:?}");
    assert!(failed.is_empty(), "differences:\n{}", failed.join("\n"));
    assert!(matched.len() >= 80, "too few cases checked: {matched:?}");
}
