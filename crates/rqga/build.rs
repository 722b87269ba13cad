//! Temporary build step: list the guest-agent commands compiled into a
//! Linux build of the agent, in schema order, for `--block-rpcs=help`.
//!
//! This goes away once the generated command table exists: the generator
//! will then provide the registered command names.  Until then we read
//! `schema/qga.json` (QAPI syntax, not JSON: single quotes and `#`
//! comments) with a tiny literal reader and evaluate each command's `if`
//! condition against the configuration symbols of a Linux build.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::Path;

/// The QEMU build-configuration symbols that hold for the Linux agent
/// we replace (Debian/Fedora builds: libudev, utmpx, getifaddrs, fsfreeze,
/// fstrim and getloadavg are all available).
const LINUX_SYMBOLS: &[&str] = &[
    "CONFIG_LINUX",
    "CONFIG_POSIX",
    "CONFIG_FSFREEZE",
    "CONFIG_FSTRIM",
    "CONFIG_LIBUDEV",
    "CONFIG_GETLOADAVG",
    "HAVE_GETIFADDRS",
    "HAVE_UTMPX",
];

#[derive(Debug)]
enum Value {
    Str(String),
    Bool,
    List(Vec<Value>),
    Dict(BTreeMap<String, Value>),
}

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl Reader<'_> {
    fn err(&self, what: &str) -> String {
        format!("schema/qga.json:{}: {what}", self.line)
    }

    fn skip_blank(&mut self) {
        while let Some(&c) = self.text.get(self.pos) {
            match c {
                b'#' => {
                    while self.text.get(self.pos).is_some_and(|&c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                b'\n' => {
                    self.line += 1;
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                _ => return,
            }
        }
    }

    fn expect(&mut self, want: u8) -> Result<(), String> {
        self.skip_blank();
        if self.text.get(self.pos) == Some(&want) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected '{}'", want as char)))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'\'')?;
        let mut out = Vec::new();
        loop {
            match self.text.get(self.pos) {
                None | Some(b'\n') => return Err(self.err("unterminated string")),
                Some(b'\'') => break,
                Some(b'\\') => {
                    self.pos += 1;
                    let c = *self
                        .text
                        .get(self.pos)
                        .ok_or_else(|| self.err("bad escape"))?;
                    out.push(c);
                }
                Some(&c) => out.push(c),
            }
            self.pos += 1;
        }
        self.pos += 1;
        String::from_utf8(out).map_err(|_| self.err("string is not UTF-8"))
    }

    fn value(&mut self) -> Result<Value, String> {
        self.skip_blank();
        match self.text.get(self.pos) {
            Some(b'\'') => self.string().map(Value::Str),
            Some(b'{') => {
                self.pos += 1;
                let mut map = BTreeMap::new();
                self.skip_blank();
                if self.text.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return Ok(Value::Dict(map));
                }
                loop {
                    let key = self.string()?;
                    self.expect(b':')?;
                    map.insert(key, self.value()?);
                    self.skip_blank();
                    match self.text.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Value::Dict(map));
                        }
                        _ => return Err(self.err("expected ',' or '}'")),
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut list = Vec::new();
                self.skip_blank();
                if self.text.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(Value::List(list));
                }
                loop {
                    list.push(self.value()?);
                    self.skip_blank();
                    match self.text.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Value::List(list));
                        }
                        _ => return Err(self.err("expected ',' or ']'")),
                    }
                }
            }
            _ if self.text[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Ok(Value::Bool)
            }
            _ if self.text[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Ok(Value::Bool)
            }
            _ => Err(self.err("expected a value")),
        }
    }
}

fn condition_holds(cond: &Value) -> Result<bool, String> {
    match cond {
        Value::Str(sym) => Ok(LINUX_SYMBOLS.contains(&sym.as_str())),
        Value::Dict(map) if map.len() == 1 => {
            let (op, arg) = map.iter().next().ok_or("empty condition")?;
            match (op.as_str(), arg) {
                ("not", inner) => Ok(!condition_holds(inner)?),
                ("any", Value::List(items)) => {
                    let results: Result<Vec<bool>, String> =
                        items.iter().map(condition_holds).collect();
                    Ok(results?.into_iter().any(|b| b))
                }
                ("all", Value::List(items)) => {
                    let results: Result<Vec<bool>, String> =
                        items.iter().map(condition_holds).collect();
                    Ok(results?.into_iter().all(|b| b))
                }
                _ => Err(format!("unknown condition operator '{op}'")),
            }
        }
        _ => Err("malformed condition".to_string()),
    }
}

fn linux_commands(text: &str) -> Result<Vec<String>, String> {
    let mut reader = Reader {
        text: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    let mut names = Vec::new();
    loop {
        reader.skip_blank();
        if reader.pos >= reader.text.len() {
            return Ok(names);
        }
        let Value::Dict(expr) = reader.value()? else {
            return Err(reader.err("top-level expression is not an object"));
        };
        let Some(Value::Str(name)) = expr.get("command") else {
            continue;
        };
        let enabled = match expr.get("if") {
            Some(cond) => condition_holds(cond)?,
            None => true,
        };
        if enabled {
            names.push(name.clone());
        }
    }
}

fn main() -> Result<(), String> {
    let schema = Path::new("schema/qga.json");
    println!("cargo:rerun-if-changed={}", schema.display());
    println!("cargo:rerun-if-changed=build.rs");
    let text = fs::read_to_string(schema).map_err(|e| format!("{}: {e}", schema.display()))?;
    let names = linux_commands(&text)?;
    let mut out = String::from(
        "/// Guest-agent commands of a Linux build, in schema (registration) order.\n\
         pub const LINUX_COMMANDS: &[&str] = &[\n",
    );
    for name in &names {
        out.push_str(&format!("    {name:?},\n"));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").map_err(|e| e.to_string())?).join("commands.rs");
    fs::write(&dest, out).map_err(|e| format!("{}: {e}", dest.display()))
}
