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

/// Size of the buffer for bytes past the limit.
const READ_CHUNK: usize = 64 * 1024;

/// Reads `rx` until end of file (or a read error, which qemu-ga also
/// treats as the end), keeping the first [`MAX_OUTPUT`] bytes.  Reading
/// goes on past the limit so that the child never blocks on a full pipe.
///
/// Bytes are read straight into the kept data, so a child that writes
/// nothing (the common case) costs no zeroed scratch buffer: only a small
/// allocation for the read that sees end of file.
pub async fn capture(rx: Option<pipe::Receiver>, limit: usize) -> Captured {
    let mut kept = Captured::default();
    let Some(mut rx) = rx else {
        return kept;
    };
    // Only for bytes past the limit, which are read and dropped.
    let mut discard = Vec::new();
    loop {
        let read = if kept.data.len() < limit {
            let data = &mut kept.data;
            if data.capacity() == data.len() {
                // Doubling, but never past the limit: the spare room is
                // all a read fills, so nothing beyond the limit is held.
                let grow = data.len().max(4096).min(limit - data.len());
                data.reserve_exact(grow);
            }
            rx.read_buf(data).await
        } else {
            if discard.is_empty() {
                discard = vec![0u8; READ_CHUNK];
            }
            let read = rx.read(&mut discard).await;
            if matches!(read, Ok(n) if n > 0) {
                kept.truncated = true;
            }
            read
        };
        match read {
            Ok(0) => break,
            Ok(_) => {
                if kept.data.len() > limit {
                    kept.truncated = true;
                    kept.data.truncate(limit);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    if kept.data.is_empty() {
        kept.data = Vec::new();
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
        let far_over = through_pipe((0..=255).cycle().take(500_000).collect(), 70_000).await;
        assert_eq!((far_over.data.len(), far_over.truncated), (70_000, true));
        let expected: Vec<u8> = (0..=255).cycle().take(70_000).collect();
        assert!(far_over.data == expected, "the first bytes are kept");
        assert!(
            far_over.data.capacity() <= 70_000,
            "nothing past the limit held"
        );
        let none = through_pipe(Vec::new(), 1000).await;
        assert_eq!((none.data.capacity(), none.truncated), (0, false));
        assert_eq!(capture(None, 10).await, Captured::default());
    }
}
