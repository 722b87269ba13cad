//! The steps of the Rust-driven session, each against the agent in the VM.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rqapi_runtime::client::{GuestAgentClient, GuestAgentOptions};
use rqapi_runtime::transport::{Address, connect};
use rqga_vmtest::outcome::ensure;
use rqga_vmtest::proxmox;
use rqga_vmtest::{Harness, Outcome};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::guest::{read_file, run, unb64, write_file};

/// What `make_disk` of the harness puts on the test disk.
const DISK_TEXT: &[u8] = b"hello from the rqapi test disk\n";

/// A `GuestAgentClient` session (it resyncs with 0xFF +
/// guest-sync-delimited on connect).
pub async fn session(socket: &Path) -> Outcome<GuestAgentClient> {
    let connection = connect(&Address::Unix(socket.to_owned())).await?;
    let options = GuestAgentOptions {
        timeout: Some(Duration::from_secs(60)),
        ..GuestAgentOptions::default()
    };
    Ok(GuestAgentClient::from_connection(connection, options).await?)
}

/// Proxmox's own way, one connection per command, as `qm agent` does,
/// and once with the documented leading 0xFF.
pub async fn proxmox_commands(socket: &Path) -> Outcome {
    for (command, leading_ff) in [
        ("guest-info", false),
        ("guest-get-host-name", false),
        ("guest-get-osinfo", true),
    ] {
        let answer = proxmox::execute(
            socket,
            command,
            json!({}),
            leading_ff,
            Duration::from_secs(30),
        )
        .await
        .map_err(|e| rqga_vmtest::VmTestError::Fail(format!("Proxmox-style {command}: {e}")))?;
        ensure(answer.get("return").is_some(), || {
            format!("Proxmox-style {command}: {answer}")
        })?;
    }
    Ok(())
}

pub async fn information(agent: &GuestAgentClient, harness: &Harness) -> Outcome {
    let ping = agent.execute("guest-ping", json!({})).await?;
    ensure(ping == json!({}), || format!("guest-ping {ping}"))?;

    let info = agent.execute("guest-info", json!({})).await?;
    let enabled = |name: &str| {
        info["supported_commands"].as_array().is_some_and(|list| {
            list.iter()
                .any(|c| c["name"] == name && c["enabled"] == true)
        })
    };
    ensure(info["version"].is_string() && enabled("guest-exec"), || {
        format!("guest-info {info}")
    })?;

    let os = agent.execute("guest-get-osinfo", json!({})).await?;
    ensure(
        os["id"] == "rqapi-vm" && os["kernel-release"] == harness.kernel_version(),
        || format!("guest-get-osinfo {os}"),
    )?;

    let host = agent.execute("guest-get-host-name", json!({})).await?;
    ensure(host == json!({"host-name": "rqapi-vm"}), || {
        format!("guest-get-host-name {host}")
    })?;

    let interfaces = agent
        .execute("guest-network-get-interfaces", json!({}))
        .await?;
    let lo = interfaces
        .as_array()
        .and_then(|list| list.iter().find(|i| i["name"] == "lo"));
    ensure(
        lo.is_some_and(|lo| lo["hardware-address"] == "00:00:00:00:00:00"),
        || format!("guest-network-get-interfaces {interfaces}"),
    )?;

    let filesystems = agent.execute("guest-get-fsinfo", json!({})).await?;
    let test_fs = filesystems
        .as_array()
        .and_then(|list| list.iter().find(|fs| fs["mountpoint"] == "/mnt/test"));
    let virtio_ext4 = test_fs.is_some_and(|fs| {
        fs["type"] == "ext4"
            && fs["disk"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["bus-type"] == "virtio"))
    });
    ensure(virtio_ext4, || {
        format!("guest-get-fsinfo: no virtio ext4 /mnt/test in {filesystems}")
    })
}

pub async fn files(agent: &GuestAgentClient) -> Outcome {
    let hello = read_file(agent, "/mnt/test/hello.txt").await?;
    ensure(hello == DISK_TEXT, || format!("hello.txt holds {hello:?}"))?;

    // Binary data, larger than one read of the C agent's default count.
    let data: Vec<u8> = (0..20 * 256).map(|i| (i % 256) as u8).collect();
    write_file(agent, "/mnt/test/roundtrip.bin", &data).await?;
    let back = read_file(agent, "/mnt/test/roundtrip.bin").await?;
    ensure(back == data, || {
        format!("round trip gave {} bytes back", back.len())
    })?;

    // The same handle for writing, seeking and reading again.
    let handle = agent
        .execute(
            "guest-file-open",
            json!({"path": "/mnt/test/rw.txt", "mode": "w+"}),
        )
        .await?;
    let write = json!({"handle": handle, "buf-b64": crate::guest::b64(b"seek and read")});
    agent.execute("guest-file-write", write).await?;
    let seek = agent
        .execute(
            "guest-file-seek",
            json!({"handle": handle, "offset": 5, "whence": "set"}),
        )
        .await?;
    ensure(seek == json!({"position": 5, "eof": false}), || {
        format!("guest-file-seek {seek}")
    })?;
    let read = agent
        .execute("guest-file-read", json!({"handle": handle}))
        .await?;
    agent
        .execute("guest-file-close", json!({"handle": handle}))
        .await?;
    ensure(unb64(&read["buf-b64"])? == b"and read", || {
        format!("read after seek {read}")
    })
}

pub async fn exec(agent: &GuestAgentClient) -> Outcome {
    let echo = run(agent, "/bin/busybox", &["echo", "hello from rqga"], None).await?;
    ensure(
        echo["exitcode"] == 0 && unb64(&echo["out-data"])? == b"hello from rqga\n",
        || format!("busybox echo: {echo}"),
    )?;
    let cat = run(agent, "/bin/busybox", &["cat"], Some(b"through stdin")).await?;
    ensure(unb64(&cat["out-data"])? == b"through stdin", || {
        format!("busybox cat: {cat}")
    })?;
    let failing = run(
        agent,
        "/bin/busybox",
        &["sh", "-c", "echo oops >&2; exit 3"],
        None,
    )
    .await?;
    ensure(
        failing["exitcode"] == 3 && unb64(&failing["err-data"])? == b"oops\n",
        || format!("sh exit 3: {failing}"),
    )
}

/// The static build's user lookup (getpwnam_r with glibc linked in):
/// root's authorized_keys are found through /etc/passwd.
pub async fn ssh_keys(agent: &GuestAgentClient) -> Outcome {
    let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHJxZ2Etdm10ZXN0LWtleS1ub3QtcmVhbA rqga@vmtest";
    let add = json!({"username": "root", "keys": [key]});
    agent.execute("guest-ssh-add-authorized-keys", add).await?;
    let keys = agent
        .execute("guest-ssh-get-authorized-keys", json!({"username": "root"}))
        .await?;
    ensure(keys == json!({"keys": [key]}), || {
        format!("authorized keys {keys}")
    })?;
    let stored = read_file(agent, "/root/.ssh/authorized_keys").await?;
    // Joined with newlines and none at the end, as qemu-ga writes it.
    ensure(stored == key.as_bytes(), || {
        format!(
            "authorized_keys holds {:?}",
            String::from_utf8_lossy(&stored)
        )
    })?;
    let nobody = agent
        .execute(
            "guest-ssh-get-authorized-keys",
            json!({"username": "nobody"}),
        )
        .await;
    let desc = nobody
        .as_ref()
        .err()
        .and_then(|e| e.as_qmp())
        .map(|e| e.desc.clone());
    ensure(
        desc.as_deref()
            .is_some_and(|d| d.starts_with("failed to lookup user 'nobody'")),
        || format!("unknown user: {nobody:?}"),
    )
}

/// guest-set-time to a fixed instant, then back to the host's time.
pub async fn set_time(agent: &GuestAgentClient) -> Outcome {
    const Y2030_NS: i64 = 1_893_456_000 * 1_000_000_000;
    let set = agent
        .execute("guest-set-time", json!({"time": Y2030_NS}))
        .await?;
    ensure(set == json!({}), || format!("guest-set-time {set}"))?;
    let now = agent.execute("guest-get-time", json!({})).await?;
    let after = now.as_i64().unwrap_or_default() - Y2030_NS;
    ensure((0..60_000_000_000).contains(&after), || {
        format!("guest-get-time {now} after setting {Y2030_NS}")
    })?;
    let host_ns = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos() as i64;
    agent
        .execute("guest-set-time", json!({"time": host_ns}))
        .await?;
    Ok(())
}

/// Drops the session with half a request left in the channel, then a new
/// client (resync) gets answers: the agent survived the host's hangup.
pub async fn reconnect(agent: GuestAgentClient, socket: &Path) -> Outcome<GuestAgentClient> {
    drop(agent);
    let mut raw = tokio::net::UnixStream::connect(socket).await?;
    raw.write_all(b"{\"execute\": \"guest-ping\", \"argu")
        .await?;
    drop(raw);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let agent = session(socket).await?;
    let ping = agent.execute("guest-ping", json!({})).await?;
    ensure(ping == json!({}), || {
        format!("guest-ping after reconnect {ping}")
    })?;
    let name = agent.execute("guest-get-host-name", json!({})).await?;
    ensure(name["host-name"] == "rqapi-vm", || {
        format!("after reconnect: {name}")
    })?;
    Ok(agent)
}

/// The QMP `SHUTDOWN` event after guest-shutdown, as QEMU reports it.
pub fn is_guest_shutdown(data: &Option<Value>) -> bool {
    data.as_ref() == Some(&json!({"guest": true, "reason": "guest-shutdown"}))
}
