//! Reading, writing and seeking one open file with qemu-ga's results.
//!
//! qemu-ga goes through stdio; we use the descriptor directly, which
//! gives the same answers (stdio's buffer is invisible to the client, and
//! every stdio error ends the call with the same errno), except that
//! written data reaches the file at once rather than at the next flush.
//! The read/write state is kept because qemu-ga's switch from reading to
//! writing is a `fseek(fh, 0, SEEK_CUR)`, which fails on pipes.

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::ops::ControlFlow;

use rqapi_runtime::qmp::QmpError;

use crate::commands::base64;
use crate::qapi::types;
use crate::sys::io_error_text;

/// Bytes read (or decoded) per step: a multiple of 3 so that each full
/// step encodes on its own, and small next to the 48 MiB maximum.
const STEP: usize = 3 * 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RwState {
    New,
    Reading,
    Writing,
}

/// One handle's file and what it last did.
#[derive(Debug)]
pub struct OpenFile {
    file: File,
    state: RwState,
}

fn error(what: &str, e: &std::io::Error) -> QmpError {
    QmpError::generic(format!("{what}: {}", io_error_text(e)))
}

fn invalid_count(count: i64) -> QmpError {
    QmpError::generic(format!("value '{count}' is invalid for argument count"))
}

impl OpenFile {
    pub fn new(file: File) -> OpenFile {
        OpenFile {
            file,
            state: RwState::New,
        }
    }

    pub fn into_file(self) -> File {
        self.file
    }

    /// `guest_file_read_unsafe`: up to `count` bytes, stopping early only
    /// at end of file (then `eof` is true); any error discards what was
    /// read.  The bytes are encoded step by step, so only the base64 text
    /// is ever held in full.
    pub fn read(&mut self, count: usize) -> Result<types::GuestFileRead, QmpError> {
        let mut step = vec![0u8; count.min(STEP)];
        let mut encoded = String::new();
        let (mut total, mut filled, mut eof) = (0, 0, false);
        while total < count {
            let want = (step.len() - filled).min(count - total);
            match self.file.read(&mut step[filled..filled + want]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => {
                    total += n;
                    filled += n;
                    if filled == step.len() {
                        if encoded.capacity() == 0 {
                            // Untouched capacity costs no memory.
                            encoded.reserve_exact(base64::encoded_len(count));
                            rqapi_runtime::memory::prefer_huge_pages(
                                encoded.as_ptr(),
                                encoded.capacity(),
                            );
                        }
                        base64::encode_append(&step, &mut encoded);
                        filled = 0;
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(error("failed to read file", &e)),
            }
        }
        base64::encode_append(&step[..filled], &mut encoded);
        encoded.shrink_to_fit();
        self.state = RwState::Reading;
        Ok(types::GuestFileRead {
            count: total as i64,
            buf_b64: encoded,
            eof,
        })
    }

    /// `qmp_guest_file_write`: decodes `buf_b64` (qemu-ga's checks, in its
    /// order) and writes its first `count` bytes, decoding a step at a
    /// time straight into the file.
    pub fn write(
        &mut self,
        buf_b64: &str,
        count: Option<i64>,
    ) -> Result<types::GuestFileWrite, QmpError> {
        if self.state == RwState::Reading {
            self.file
                .stream_position()
                .map_err(|e| error("failed to seek file", &e))?;
            self.state = RwState::New;
        }
        let text = base64::Text::new(buf_b64)?;
        let available = text.decoded_len();
        let count = match count {
            None => available,
            Some(n) if n < 0 || n as u64 > available as u64 => return Err(invalid_count(n)),
            Some(n) => n as usize,
        };
        let mut written = 0;
        let flow = text.decode_in_steps(STEP, |decoded| {
            let take = decoded.len().min(count - written);
            if let Err(e) = self.file.write_all(&decoded[..take]) {
                return ControlFlow::Break(Err(error("failed to write to file", &e)));
            }
            written += take;
            if written == count {
                // The rest is not decoded.
                return ControlFlow::Break(Ok(()));
            }
            ControlFlow::Continue(())
        });
        if let ControlFlow::Break(Err(e)) = flow {
            return Err(e);
        }
        self.state = RwState::Writing;
        Ok(types::GuestFileWrite {
            count: written as i64,
            eof: false,
        })
    }

    /// `qmp_guest_file_seek` with a checked `whence` (0, 1 or 2).
    pub fn seek(&mut self, offset: i64, whence: i64) -> Result<types::GuestFileSeek, QmpError> {
        let to = match whence {
            0 if offset < 0 => {
                return Err(error(
                    "failed to seek file",
                    &std::io::Error::from_raw_os_error(libc::EINVAL),
                ));
            }
            0 => SeekFrom::Start(offset as u64),
            1 => SeekFrom::Current(offset),
            _ => SeekFrom::End(offset),
        };
        match self.file.seek(to) {
            Ok(position) => {
                self.state = RwState::New;
                Ok(types::GuestFileSeek {
                    position: position as i64,
                    eof: false,
                })
            }
            Err(e) => {
                if e.raw_os_error() == Some(libc::ESPIPE) {
                    self.state = RwState::New;
                }
                Err(error("failed to seek file", &e))
            }
        }
    }

    /// `qmp_guest_file_flush`: nothing is buffered here, so it cannot
    /// fail.
    pub fn flush(&mut self) {
        self.state = RwState::New;
    }
}

/// `guest-file-read`'s count: 4 KiB by default, at most 48 MiB.
pub fn read_count(count: Option<i64>) -> Result<usize, QmpError> {
    const DEFAULT: i64 = 4096;
    const MAX: i64 = 48 * 1024 * 1024;
    match count {
        None => Ok(DEFAULT as usize),
        Some(n) if !(0..=MAX).contains(&n) => Err(invalid_count(n)),
        Some(n) => Ok(n as usize),
    }
}

/// `ga_parse_whence`: a name or the numbers 0, 1, 2.
pub fn whence_code(whence: &types::GuestFileWhence) -> Result<i64, QmpError> {
    use types::{GuestFileWhence, QGASeek};
    let code = match whence {
        GuestFileWhence::Name(QGASeek::Set) => 0,
        GuestFileWhence::Name(QGASeek::Cur) => 1,
        GuestFileWhence::Name(QGASeek::End) => 2,
        GuestFileWhence::Value(v) => *v,
    };
    if (0..=2).contains(&code) {
        Ok(code)
    } else {
        Err(QmpError::generic(format!("invalid whence code {code}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(data: &[u8]) -> (tempfile::TempDir, OpenFile) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, data).unwrap();
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&p)
            .unwrap();
        (dir, OpenFile::new(f))
    }

    #[test]
    fn read_steps_and_eof() {
        let data: Vec<u8> = (0..STEP * 2 + 7).map(|i| (i * 7 % 251) as u8).collect();
        let (_d, mut f) = file_with(&data);
        let r = f.read(STEP + 1).unwrap();
        assert_eq!((r.count, r.eof), (STEP as i64 + 1, false));
        assert_eq!(base64::decode(&r.buf_b64).unwrap(), &data[..STEP + 1]);
        let r = f.read(STEP * 4).unwrap();
        assert_eq!((r.count, r.eof), (STEP as i64 + 6, true));
        assert_eq!(base64::decode(&r.buf_b64).unwrap(), &data[STEP + 1..]);
        let r = f.read(0).unwrap();
        assert_eq!((r.count, r.eof, r.buf_b64.as_str()), (0, false, ""));
    }

    #[test]
    fn write_counts_and_seek() {
        let (_d, mut f) = file_with(b"");
        let w = f.write("aGVsbG8gcWdhCg==", None).unwrap();
        assert_eq!(w.count, 10);
        assert_eq!(f.write("aGVsbG8=", Some(2)).unwrap().count, 2);
        assert_eq!(
            f.write("aGVsbG8=", Some(6)).unwrap_err().desc,
            "value '6' is invalid for argument count"
        );
        assert_eq!(
            f.write("aGVsbG8=", Some(-1)).unwrap_err().desc,
            "value '-1' is invalid for argument count"
        );
        assert_eq!(f.seek(0, 0).unwrap().position, 0);
        let r = f.read(64).unwrap();
        assert_eq!(base64::decode(&r.buf_b64).unwrap(), b"hello qga\nhe");
        assert_eq!(
            f.seek(-1, 0).unwrap_err().desc,
            "failed to seek file: Invalid argument"
        );
        assert_eq!(f.seek(-3, 2).unwrap().position, 9);
    }

    #[test]
    fn counts_and_whence() {
        use types::{GuestFileWhence, QGASeek};
        assert_eq!(read_count(None).unwrap(), 4096);
        assert_eq!(read_count(Some(50331648)).unwrap(), 50331648);
        for bad in [-1, 50331649, i64::MIN] {
            assert_eq!(
                read_count(Some(bad)).unwrap_err().desc,
                format!("value '{bad}' is invalid for argument count")
            );
        }
        assert_eq!(
            whence_code(&GuestFileWhence::Name(QGASeek::End)).unwrap(),
            2
        );
        assert_eq!(whence_code(&GuestFileWhence::Value(1)).unwrap(), 1);
        assert_eq!(
            whence_code(&GuestFileWhence::Value(-1)).unwrap_err().desc,
            "invalid whence code -1"
        );
    }
}
