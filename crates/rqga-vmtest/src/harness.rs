//! Finding what the VM test needs: the QEMU prefix of `.ci/fetch-qemu`,
//! `python3` for the harness scripts, and a static rqga.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use crate::outcome::{Outcome, VmTestError};

/// The target the static agent is built for; the guest is x86-64 Linux.
pub const AGENT_TARGET: &str = "x86_64-unknown-linux-gnu";

/// The workspace, its `tests/vm` scripts and the fetched QEMU prefix.
#[derive(Debug, Clone)]
pub struct Harness {
    /// The workspace root.
    pub root: PathBuf,
    /// The `KEY='value'` lines of the prefix's `env.sh`.
    pub env: HashMap<String, String>,
}

impl Harness {
    /// Locates the prefix (`$RQAPI_VM_CACHE`, else `target/vm-cache`) and
    /// checks `python3`; skips when either is missing.
    pub fn locate() -> Outcome<Harness> {
        if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
            return Err(VmTestError::Skip("the VM test runs on x86-64 Linux".into()));
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let root = root.canonicalize()?;
        let cache = std::env::var_os("RQAPI_VM_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/vm-cache"));
        let env_file = cache.join("prefix/env.sh");
        let Ok(text) = std::fs::read_to_string(&env_file) else {
            return Err(VmTestError::Skip(format!(
                "VM harness prefix not found at {} (run .ci/fetch-qemu)",
                env_file.display()
            )));
        };
        let env = parse_env_file(&text);
        for key in ["QEMU", "KERNEL", "KERNEL_VERSION", "MODULES_DIR", "BUSYBOX"] {
            let present = env.get(key).is_some_and(|v| !v.is_empty());
            if !present || (key != "KERNEL_VERSION" && !Path::new(&env[key]).exists()) {
                return Err(VmTestError::Skip(format!(
                    "VM harness prefix {} is incomplete ({key}); rerun .ci/fetch-qemu",
                    env_file.display()
                )));
            }
        }
        let python = Command::new("python3").arg("--version").output();
        if !python.is_ok_and(|out| out.status.success()) {
            return Err(VmTestError::Skip(
                "python3 not found (the harness is Python)".into(),
            ));
        }
        Ok(Harness { root, env })
    }

    /// A script in `tests/vm`.
    pub fn script(&self, name: &str) -> PathBuf {
        self.root.join("tests/vm").join(name)
    }

    /// The guest's kernel release.
    pub fn kernel_version(&self) -> &str {
        self.env.get("KERNEL_VERSION").map_or("", String::as_str)
    }
}

/// Reads the `KEY='value'` lines `.ci/fetch-qemu` writes.
pub fn parse_env_file(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.trim_matches('\'').to_owned()))
        .collect()
}

/// One build at a time: both VM tests ask for the agent.
static BUILD_LOCK: Mutex<()> = Mutex::new(());

/// The agent for the initramfs: `$RQAPI_VM_AGENT` when set (any agent,
/// e.g. Debian's C qemu-ga to check the test itself: the initramfs builder
/// copies a dynamic agent's libraries), else the static rqga built here
/// (`cargo build --release` with `+crt-static` into `target/vm-rqga`, a
/// no-op when up to date), which must come out static.
pub fn static_agent(harness: &Harness) -> Outcome<PathBuf> {
    if let Some(path) = std::env::var_os("RQAPI_VM_AGENT") {
        let agent = PathBuf::from(path);
        return match agent.is_file() {
            true => Ok(agent),
            false => Err(VmTestError::Fail(format!(
                "agent {} not found",
                agent.display()
            ))),
        };
    }
    let agent = build_static_agent(harness)?;
    let ldd = Command::new("ldd").arg(&agent).output()?;
    let text =
        String::from_utf8_lossy(&ldd.stdout).into_owned() + &String::from_utf8_lossy(&ldd.stderr);
    if !(text.contains("not a dynamic executable") || text.contains("statically linked")) {
        return Err(VmTestError::Fail(format!(
            "{} is not static; ldd says: {}",
            agent.display(),
            text.trim()
        )));
    }
    Ok(agent)
}

fn build_static_agent(harness: &Harness) -> Outcome<PathBuf> {
    let _build = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let target_dir = harness.root.join("target/vm-rqga");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&harness.root)
        .args(["build", "--release", "-p", "rqga", "--target", AGENT_TARGET])
        .arg("--target-dir")
        .arg(&target_dir)
        .env("RUSTFLAGS", "-C target-feature=+crt-static")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .output()?;
    if !output.status.success() {
        return Err(VmTestError::Fail(format!(
            "building the static rqga failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(target_dir.join(AGENT_TARGET).join("release/rqga"))
}
