//! One test VM: the initramfs around the agent, QEMU started with the
//! harness's command line (`run-vm --print-command`), its sockets, logs
//! and exit.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::harness::Harness;
use crate::outcome::{Outcome, VmTestError};
use crate::proxmox::{self, ProxmoxError};

/// What the guest's `/init` prints right before starting the agent.
const AGENT_STARTING: &str = "rqapi-vm: starting agent";

/// A booted (or booting) test VM. QEMU is killed when this is dropped.
#[derive(Debug)]
pub struct Vm {
    /// Sockets, logs, initramfs and disk image; removed by [`Vm::finish`].
    pub dir: PathBuf,
    qemu: Child,
    started: Instant,
}

impl Vm {
    /// Builds the initramfs around `agent` and starts QEMU.
    pub async fn boot(harness: &Harness, agent: &Path, name: &str) -> Outcome<Vm> {
        // Unix socket paths are limited to 108 bytes: stay in /tmp.
        let dir = std::env::temp_dir().join(format!("rqga-vm-{name}-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        let initrd = dir.join("initramfs.cpio.gz");
        python(
            harness,
            "build-initramfs",
            &[agent.as_os_str(), "-o".as_ref(), initrd.as_os_str()],
        )
        .await?;
        let printed = python(
            harness,
            "run-vm",
            &[
                "--dir".as_ref(),
                dir.as_os_str(),
                "--initrd".as_ref(),
                initrd.as_os_str(),
                "--print-command".as_ref(),
            ],
        )
        .await?;
        let command: Value = serde_json::from_str(&printed)?;
        let argv: Vec<&str> = command["argv"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some((program, args)) = argv.split_first() else {
            return Err(VmTestError::Fail(format!(
                "run-vm printed no command: {printed}"
            )));
        };
        let log = std::fs::File::create(dir.join("qemu.log"))?;
        let mut qemu = Command::new(program);
        qemu.args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true);
        if let Some(env) = command["env"].as_object() {
            for (key, value) in env {
                qemu.env(key, value.as_str().unwrap_or_default());
            }
        }
        let started = Instant::now();
        let qemu = qemu
            .spawn()
            .map_err(|e| VmTestError::Skip(format!("cannot start QEMU {program}: {e}")))?;
        Ok(Vm { dir, qemu, started })
    }

    /// The host end of the agent's virtio-serial port.
    pub fn qga_socket(&self) -> PathBuf {
        self.dir.join("qga.sock")
    }

    /// QEMU's QMP monitor.
    pub fn qmp_socket(&self) -> PathBuf {
        self.dir.join("qmp.sock")
    }

    /// The guest's serial console so far.
    pub fn console(&self) -> String {
        std::fs::read_to_string(self.dir.join("console.log")).unwrap_or_default()
    }

    /// Waits until the agent answers `guest-ping` the Proxmox way, trying
    /// again every second while the guest boots; returns the time from
    /// QEMU's start. A guest that never started the agent (QEMU failing,
    /// a boot too slow for `boot_timeout`) skips the test; an agent that
    /// started and never answered fails it.
    pub async fn first_answer(&mut self, boot_timeout: Duration) -> Outcome<Duration> {
        let deadline = self.started + boot_timeout;
        loop {
            let attempt = proxmox::execute(
                &self.qga_socket(),
                "guest-ping",
                json!({}),
                false,
                Duration::from_secs(1),
            )
            .await;
            match attempt {
                Ok(answer) if answer == json!({"return": {}}) => return Ok(self.started.elapsed()),
                Ok(answer) => {
                    return Err(VmTestError::Fail(format!("guest-ping answered {answer}")));
                }
                Err(ProxmoxError::Protocol(why)) => {
                    return Err(VmTestError::Fail(format!("first exchange: {why}")));
                }
                // Not listening yet, or the guest is not reading yet.
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
            if let Some(status) = self.qemu.try_wait()? {
                return Err(
                    self.no_answer(format!("QEMU exited ({status}) before the agent answered"))
                );
            }
            if Instant::now() >= deadline {
                return Err(self.no_answer(format!("no answer within {boot_timeout:?}")));
            }
        }
    }

    fn no_answer(&self, what: String) -> VmTestError {
        let logs = self.logs();
        match self.console().contains(AGENT_STARTING) {
            true => VmTestError::Fail(format!("the agent started but {what}\n{logs}")),
            false => {
                VmTestError::Skip(format!("the guest never started the agent: {what}\n{logs}"))
            }
        }
    }

    /// Waits for QEMU to exit.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Outcome<ExitStatus> {
        match tokio::time::timeout(timeout, self.qemu.wait()).await {
            Ok(status) => Ok(status?),
            Err(_) => Err(VmTestError::Fail(format!(
                "QEMU still running after {timeout:?}"
            ))),
        }
    }

    /// Whether QEMU is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.qemu.try_wait(), Ok(None))
    }

    /// The last lines of the console and of QEMU's own output.
    pub fn logs(&self) -> String {
        let mut text = String::new();
        for name in ["console.log", "qemu.log"] {
            let content = std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
            let lines: Vec<&str> = content.lines().collect();
            let tail = &lines[lines.len().saturating_sub(40)..];
            text += &format!(
                "--- {name} (last {} lines)\n{}\n",
                tail.len(),
                tail.join("\n")
            );
        }
        text
    }

    /// Ends the VM: on success the run directory goes away, otherwise it
    /// is kept for a look and the logs are attached to the failure.
    pub async fn finish(mut self, outcome: Outcome) -> Outcome {
        let _ = self.qemu.start_kill();
        let _ = self.qemu.wait().await;
        match outcome {
            Ok(()) => {
                let _ = std::fs::remove_dir_all(&self.dir);
                Ok(())
            }
            Err(VmTestError::Fail(why)) => Err(VmTestError::Fail(format!(
                "{why}\nrun directory kept: {}\n{}",
                self.dir.display(),
                self.logs()
            ))),
            Err(skip) => Err(skip),
        }
    }
}

/// Runs a harness script with `python3`; its standard output.
async fn python(harness: &Harness, script: &str, args: &[&std::ffi::OsStr]) -> Outcome<String> {
    let output = Command::new("python3")
        .arg(harness.script(script))
        .args(args)
        .output()
        .await?;
    if !output.status.success() {
        return Err(VmTestError::Fail(format!(
            "tests/vm/{script} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
