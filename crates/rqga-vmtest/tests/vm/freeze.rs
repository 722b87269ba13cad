//! fsfreeze on the guest's ext4 test disk, with proof that the kernel
//! really blocks writers while it is frozen.
//!
//! While frozen the agent only accepts its freeze allow list (no exec, no
//! files), so the writer starts before the freeze: a busybox shell that
//! rewrites `/mnt/test/tick` ten times a second and logs the guest's
//! uptime after each write to `/run` (tmpfs, never frozen). Holding the
//! freeze for [`HOLD`] must leave a gap of about that length in the log,
//! and ticks must continue after the thaw.

use std::time::Duration;

use rqapi_runtime::client::GuestAgentClient;
use rqga_vmtest::Outcome;
use rqga_vmtest::outcome::ensure;
use serde_json::json;

use crate::guest::{read_file, spawn, wait_exited, write_file};

/// How long the host keeps the filesystem frozen.
const HOLD: Duration = Duration::from_secs(3);
/// The shortest gap that proves writes were held (a thawed write takes
/// milliseconds; the ticks are 0.1 s apart).
const MIN_GAP: f64 = 2.0;

const WRITER: &str = "while [ ! -e /run/stop-ticks ]; do \
    echo tick > /mnt/test/tick; read up idle < /proc/uptime; echo $up >> /run/ticks; \
    sleep 0.1; done";

async fn ticks(agent: &GuestAgentClient) -> Outcome<Vec<f64>> {
    let text = String::from_utf8_lossy(&read_file(agent, "/run/ticks").await?).into_owned();
    Ok(text.lines().filter_map(|l| l.trim().parse().ok()).collect())
}

async fn status_is(agent: &GuestAgentClient, expected: &str) -> Outcome {
    let status = agent.execute("guest-fsfreeze-status", json!({})).await?;
    ensure(status == json!(expected), || {
        format!("guest-fsfreeze-status {status}, expected {expected}")
    })
}

pub async fn freeze_blocks_writers(agent: &GuestAgentClient) -> Outcome {
    status_is(agent, "thawed").await?;
    let writer = spawn(
        agent,
        json!({"path": "/bin/busybox", "arg": ["sh", "-c", WRITER]}),
    )
    .await?;
    // Freeze only once the writer is demonstrably writing.
    let mut waited = 0;
    while ticks(agent).await.unwrap_or_default().len() < 3 {
        waited += 1;
        ensure(waited < 100, || {
            "the writer never wrote to /mnt/test".into()
        })?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let frozen = agent.execute("guest-fsfreeze-freeze", json!({})).await?;
    ensure(frozen.as_i64().is_some_and(|n| n >= 1), || {
        format!("freeze answered {frozen}")
    })?;
    let held = tokio::time::Instant::now();
    status_is(agent, "frozen").await?;
    // The command filter: file and exec commands are off while frozen.
    let refused = agent
        .execute("guest-file-open", json!({"path": "/mnt/test/x"}))
        .await;
    let class = refused
        .as_ref()
        .err()
        .and_then(|e| e.as_qmp())
        .map(|e| e.class.as_str());
    ensure(class == Some("CommandNotFound"), || {
        format!("guest-file-open while frozen: {refused:?}, expected CommandNotFound")
    })?;
    tokio::time::sleep_until(held + HOLD).await;

    let thawed = agent.execute("guest-fsfreeze-thaw", json!({})).await?;
    ensure(thawed == frozen, || {
        format!("thaw answered {thawed}, freeze {frozen}")
    })?;
    status_is(agent, "thawed").await?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    write_file(agent, "/run/stop-ticks", b"").await?;
    let status = wait_exited(agent, writer, Duration::from_secs(20)).await?;
    ensure(status["exitcode"] == json!(0), || {
        format!("writer ended with {status}")
    })?;

    let log = ticks(agent).await?;
    let (gap_at, gap) =
        log.windows(2)
            .map(|w| w[1] - w[0])
            .enumerate()
            .fold(
                (0, 0.0),
                |best, (i, gap)| if gap > best.1 { (i, gap) } else { best },
            );
    println!(
        "fsfreeze: {} ticks, longest gap {gap:.2}s (frozen {HOLD:?})",
        log.len()
    );
    ensure(gap >= MIN_GAP, || {
        format!("no write was held while frozen: ticks {log:?}")
    })?;
    ensure(gap_at + 2 < log.len(), || {
        format!("writes did not resume after the thaw: ticks {log:?}")
    })?;
    Ok(())
}
