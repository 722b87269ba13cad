//! A reader that first hands back bytes already read (the greeting that
//! told us the server speaks QMP), then reads on.

use std::io;
use std::os::fd::OwnedFd;
use std::pin::Pin;
use std::task::{Context, Poll};

use rqapi_runtime::transport::{BoxedReader, TransportRead};
use tokio::io::{AsyncRead, ReadBuf};

#[derive(Debug)]
pub(crate) struct Replay {
    pending: Vec<u8>,
    at: usize,
    inner: BoxedReader,
}

impl Replay {
    pub(crate) fn new(pending: Vec<u8>, inner: BoxedReader) -> Self {
        Replay {
            pending,
            at: 0,
            inner,
        }
    }
}

impl AsyncRead for Replay {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.at < this.pending.len() {
            let n = buf.remaining().min(this.pending.len() - this.at);
            buf.put_slice(&this.pending[this.at..this.at + n]);
            this.at += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut *this.inner).poll_read(cx, buf)
    }
}

impl TransportRead for Replay {
    fn take_received_fds(&mut self) -> Vec<OwnedFd> {
        self.inner.take_received_fds()
    }
}
