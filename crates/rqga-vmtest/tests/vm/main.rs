//! rqga inside a real QEMU guest, reached over virtio-serial: one boot
//! driven by this crate's Rust clients (`GuestAgentClient`, `QmpClient`,
//! and Proxmox's wire exchange), one by QEMU's own Python client library
//! (`qemu.qmp`, through `tests/vm/qga_client_check.py`).
//!
//! Needs the private QEMU of `.ci/fetch-qemu` (skipped without it). The
//! static rqga is built into `target/vm-rqga` unless `RQAPI_VM_AGENT`
//! names one. `RQAPI_VM_ACCEL=kvm` speeds the boot up where allowed.

mod freeze;
mod guest;
mod sequence;

use std::time::Duration;

use rqapi_runtime::client::QmpClient;
use rqapi_runtime::transport::Address;
use rqga_vmtest::harness::static_agent;
use rqga_vmtest::outcome::{conclude, ensure};
use rqga_vmtest::{Harness, Outcome, Vm, VmTestError};
use serde_json::json;

const BOOT_TIMEOUT: Duration = Duration::from_secs(240);
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rqga_in_a_vm_with_the_rust_clients() {
    conclude("VM test with the Rust clients", rust_clients().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rqga_in_a_vm_with_qemu_python_client() {
    conclude("VM test with qemu.qmp", python_client().await);
}

async fn rust_clients() -> Outcome {
    let harness = Harness::locate()?;
    let agent = static_agent(&harness)?;
    let mut vm = Vm::boot(&harness, &agent, "rust").await?;
    let outcome = rust_session(&harness, &mut vm).await;
    vm.finish(outcome).await
}

async fn rust_session(harness: &Harness, vm: &mut Vm) -> Outcome {
    let first = vm.first_answer(BOOT_TIMEOUT).await?;
    println!(
        "boot to first answer (Proxmox-style guest-ping): {:.1}s",
        first.as_secs_f64()
    );
    let qmp = QmpClient::connect(&Address::Unix(vm.qmp_socket())).await?;
    sequence::proxmox_commands(&vm.qga_socket()).await?;

    let agent = sequence::session(&vm.qga_socket()).await?;
    sequence::information(&agent, harness).await?;
    sequence::files(&agent).await?;
    sequence::exec(&agent).await?;
    sequence::ssh_keys(&agent).await?;
    freeze::freeze_blocks_writers(&agent).await?;
    sequence::set_time(&agent).await?;
    let agent = sequence::reconnect(agent, &vm.qga_socket()).await?;

    let mut events = qmp.events();
    let sent = agent.execute("guest-shutdown", json!({})).await?;
    ensure(sent.is_null(), || format!("guest-shutdown answered {sent}"))?;
    let event = tokio::time::timeout(SHUTDOWN_TIMEOUT, events.next_named("SHUTDOWN"))
        .await
        .map_err(|_| VmTestError::Fail("no SHUTDOWN event after guest-shutdown".into()))?;
    let data = event.map(|e| e.data).unwrap_or_default();
    ensure(sequence::is_guest_shutdown(&data), || {
        format!("SHUTDOWN event data {data:?}")
    })?;
    let status = vm.wait_exit(SHUTDOWN_TIMEOUT).await?;
    ensure(status.success(), || format!("QEMU exited with {status}"))
}

async fn python_client() -> Outcome {
    let harness = Harness::locate()?;
    let importable = tokio::process::Command::new("python3")
        .args(["-c", "import qemu.qmp.legacy"])
        .output()
        .await?;
    if !importable.status.success() {
        return Err(VmTestError::Skip(
            "Python's qemu.qmp is not importable".into(),
        ));
    }
    let agent = static_agent(&harness)?;
    let mut vm = Vm::boot(&harness, &agent, "python").await?;
    let outcome = python_session(&harness, &mut vm).await;
    vm.finish(outcome).await
}

async fn python_session(harness: &Harness, vm: &mut Vm) -> Outcome {
    let first = vm.first_answer(BOOT_TIMEOUT).await?;
    println!("boot to first answer: {:.1}s", first.as_secs_f64());
    let script = harness.script("qga_client_check.py");
    let run = tokio::process::Command::new("python3")
        .arg(&script)
        .arg("--qga")
        .arg(vm.qga_socket())
        .arg("--qmp")
        .arg(vm.qmp_socket())
        .arg("--kernel-release")
        .arg(harness.kernel_version())
        .output();
    let output = tokio::time::timeout(Duration::from_secs(180), run)
        .await
        .map_err(|_| VmTestError::Fail("qga_client_check.py did not finish in 180 s".into()))??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    ensure(output.status.success(), || {
        format!(
            "qga_client_check.py failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let status = vm.wait_exit(SHUTDOWN_TIMEOUT).await?;
    ensure(status.success(), || format!("QEMU exited with {status}"))
}
