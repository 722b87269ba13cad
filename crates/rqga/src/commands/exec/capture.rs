//! Bounded capture of a child's output, as qemu-ga's output watch.

use tokio::io::AsyncReadExt;
use tokio::net::unix::pipe;

/// At most this much of each stream is kept (`GUEST_EXEC_MAX_OUTPUT`).
pub const MAX_OUTPUT: usize = 16 * 1024 * 1024;

/// What was kept of one stream.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Captured {
    pub data: Vec<u8>,
    /// More than [`MAX_OUTPUT`] bytes came; the rest was read and dropped.
    pub truncated: bool,
}

/// Reads `rx` until end of file (or a read error, which qemu-ga also
/// treats as the end), keeping the first [`MAX_OUTPUT`] bytes.  Reading
/// goes on past the limit so that the child never blocks on a full pipe.
pub async fn capture(rx: Option<pipe::Receiver>, limit: usize) -> Captured {
    let mut kept = Captured::default();
    let Some(mut rx) = rx else {
        return kept;
    };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match rx.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => {
                let room = limit - kept.data.len();
                if n > room {
                    kept.truncated = true;
                }
                kept.data.extend_from_slice(&buf[..n.min(room)]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    async fn through_pipe(data: Vec<u8>, limit: usize) -> Captured {
        let (mut tx, rx) = pipe::pipe().unwrap();
        let writer = tokio::spawn(async move {
            tx.write_all(&data).await.unwrap();
        });
        let kept = capture(Some(rx), limit).await;
        writer.await.unwrap();
        kept
    }

    #[tokio::test]
    async fn keeps_up_to_the_limit() {
        let exact = through_pipe(vec![7; 1000], 1000).await;
        assert_eq!((exact.data.len(), exact.truncated), (1000, false));
        let over = through_pipe(vec![7; 200_001], 200_000).await;
        assert_eq!((over.data.len(), over.truncated), (200_000, true));
        assert_eq!(capture(None, 10).await, Captured::default());
    }
}
