//! A real QEMU (`qemu-system-x86_64 -machine none`) with a QMP socket, from
//! the private prefix `.ci/fetch-qemu` unpacks. Absent prefix: skip.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Qemu {
    child: Child,
    pub socket: PathBuf,
    _dir: tempfile::TempDir,
}

/// `KEY='value'` lines of `env.sh`.
fn read_env(path: &Path) -> Option<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter_map(|line| {
                let (key, value) = line.split_once('=')?;
                let value = value.trim().trim_matches('\'');
                (!key.starts_with('#')).then(|| (key.to_owned(), value.to_owned()))
            })
            .collect(),
    )
}

fn env_file() -> PathBuf {
    let cache = std::env::var_os("RQAPI_VM_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/vm-cache"));
    cache.join("prefix/env.sh")
}

impl Qemu {
    /// Starts QEMU, or prints why not and returns `None`.
    pub fn start(test: &str) -> Option<Qemu> {
        let path = env_file();
        let Some(env) = read_env(&path) else {
            eprintln!(
                "skipped {test}: QEMU prefix not found ({}); run .ci/fetch-qemu",
                path.display()
            );
            return None;
        };
        let dir = tempfile::tempdir().ok()?;
        let socket = dir.path().join("qmp.sock");
        let firmware = env.get("QEMU_DATA_DIRS")?.split(':').next()?.to_owned();
        let child = Command::new(env.get("QEMU")?)
            .args([
                "-machine",
                "none",
                "-nodefaults",
                "-display",
                "none",
                "-L",
                &firmware,
            ])
            .arg("-qmp")
            .arg(format!("unix:{},server=on,wait=off", socket.display()))
            .env("LD_LIBRARY_PATH", env.get("QEMU_LD_LIBRARY_PATH")?)
            .env("QEMU_MODULE_DIR", env.get("QEMU_MODULE_DIR")?)
            .stdin(Stdio::null())
            .spawn()
            .expect("start QEMU");
        let qemu = Qemu {
            child,
            socket,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !qemu.socket.exists() {
            assert!(
                Instant::now() < deadline,
                "QEMU did not create its QMP socket"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(qemu)
    }

    #[allow(dead_code)]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Qemu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
