//! Who reads the connection, and how responses reach their callers.
//!
//! Whoever waits for a response reads the connection itself, inside its
//! own poll, and hands any other message to its addressee. So a caller
//! sending commands one after another needs no second task and no
//! wake-up between tasks or threads: one send, one wait in the reactor,
//! one read per command. When nobody waits, a background task reads
//! (events, late answers): a caller done reading hands the reader's
//! wake-up back to that task, so it is only woken by input that arrives
//! while the client is idle.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{BuildHasherDefault, Hasher};
use std::pin::Pin;
use std::sync::{Arc, Mutex, TryLockError};
use std::task::{Context, Poll, Waker};

use serde_json::{Map, Value};
use tokio::sync::broadcast;

use super::error::ClientError;
use super::events::Event;
use super::message::{Message, Response};
use super::reader::ResponseReader;
use crate::sync::lock;

pub(crate) type Reply = Result<Response, ClientError>;

enum Slot {
    /// Not answered yet; wakes the caller when it is.
    Waiting(Option<Waker>),
    Answered(Reply),
}

/// Hashes our own sequential request ids: one multiply (SipHash's
/// protection against chosen keys is not needed for ids we pick).
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, id: u64) {
        // Fibonacci hashing: spreads consecutive ids over the high bits,
        // which hashbrown uses for its control bytes.
        self.0 = (self.0 ^ id).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[derive(Default)]
struct Routing {
    pending: HashMap<u64, Slot, BuildHasherDefault<IdHasher>>,
    /// Why the connection ended, once it has.
    closed: Option<String>,
    /// The background reader's waker.
    idle: Option<Waker>,
}

/// The reading side; `None` once the connection has ended.
struct Input {
    reader: ResponseReader,
    events: broadcast::Sender<Event>,
}

pub(crate) struct Shared {
    routing: Mutex<Routing>,
    input: Mutex<Option<Input>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

impl Shared {
    pub(crate) fn new(reader: ResponseReader, events: broadcast::Sender<Event>) -> Arc<Shared> {
        Arc::new(Shared {
            routing: Mutex::new(Routing::default()),
            input: Mutex::new(Some(Input { reader, events })),
        })
    }

    /// Registers a request that expects an answer; fails once closed.
    pub(crate) fn expect(&self, id: u64) -> Result<(), ClientError> {
        let mut routing = lock(&self.routing);
        if let Some(why) = &routing.closed {
            return Err(ClientError::Closed(why.clone()));
        }
        routing.pending.insert(id, Slot::Waiting(None));
        Ok(())
    }

    pub(crate) fn check_open(&self) -> Result<(), ClientError> {
        match &lock(&self.routing).closed {
            Some(why) => Err(ClientError::Closed(why.clone())),
            None => Ok(()),
        }
    }

    /// Forgets a request nobody waits for any more.
    pub(crate) fn forget(&self, id: u64) {
        lock(&self.routing).pending.remove(&id);
    }

    /// Reads and routes everything available; `cx` is woken when more
    /// input comes. `me` is the caller's own request, whose answer needs
    /// no wake-up. Does nothing while someone else is reading.
    fn pump(&self, cx: &mut Context<'_>, me: Option<u64>) {
        let mut input = match self.input.try_lock() {
            Ok(input) => input,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return,
        };
        let Some(Input { reader, events }) = input.as_mut() else {
            return;
        };
        let why = loop {
            match reader.poll_next_message(cx) {
                Poll::Pending => return,
                Poll::Ready(Ok(Some(Message::Return { id, value, .. }))) => {
                    self.deliver(Some(id), Response::Return(value), me);
                }
                Poll::Ready(Ok(Some(Message::Other(Value::Object(message))))) => {
                    self.route(events, message, me);
                }
                Poll::Ready(Ok(Some(Message::Other(other)))) => {
                    tracing::warn!(%other, "ignoring a non-object message");
                }
                Poll::Ready(Ok(None)) => break "end of input".to_owned(),
                Poll::Ready(Err(ClientError::Protocol(why))) => {
                    tracing::warn!(why, "ignoring bad input");
                }
                Poll::Ready(Err(error)) => break error.to_string(),
            }
        };
        // Dropping the event sender ends every event stream.
        *input = None;
        drop(input);
        self.close(why);
    }

    fn route(
        &self,
        events: &broadcast::Sender<Event>,
        message: Map<String, Value>,
        me: Option<u64>,
    ) {
        if message.contains_key("event") {
            if let Some(event) = Event::from_message(message) {
                // No receivers is fine: nobody asked for events.
                let _ = events.send(event);
            }
            return;
        }
        let id = message.get("id").and_then(Value::as_u64);
        self.deliver(id, Response::Full(message), me);
    }

    /// Hands a response to whoever waits for `id`.
    fn deliver(&self, id: Option<u64>, response: Response, me: Option<u64>) {
        let mut routing = lock(&self.routing);
        match id.and_then(|id| routing.pending.get_mut(&id)) {
            Some(slot @ Slot::Waiting(_)) => {
                let Slot::Waiting(waker) = std::mem::replace(slot, Slot::Answered(Ok(response)))
                else {
                    return;
                };
                drop(routing);
                if id != me {
                    waker.into_iter().for_each(Waker::wake);
                }
            }
            // Stale answers after a resync, errors of no-reply commands.
            _ => tracing::debug!(?response, "dropping a response nobody waits for"),
        }
    }

    /// Fails every waiter: the connection is gone.
    fn close(&self, why: String) {
        let mut wakers = Vec::new();
        let mut routing = lock(&self.routing);
        for slot in routing.pending.values_mut() {
            if let Slot::Waiting(waker) = slot {
                wakers.extend(waker.take());
                *slot = Slot::Answered(Err(ClientError::Closed(why.clone())));
            }
        }
        routing.closed = Some(why);
        wakers.extend(routing.idle.take());
        drop(routing);
        wakers.into_iter().for_each(Waker::wake);
    }

    /// Lets the background reader be woken by the next input again.
    fn hand_back(&self) {
        let idle = lock(&self.routing).idle.clone();
        if let Some(idle) = idle {
            self.pump(&mut Context::from_waker(&idle), None);
        }
    }

    /// Takes the answer to `id` if it came; otherwise records `waker`.
    fn take_answer(&self, id: u64, waker: Option<&Waker>) -> Option<Reply> {
        let mut routing = lock(&self.routing);
        match routing.pending.get_mut(&id) {
            Some(Slot::Answered(_)) => match routing.pending.remove(&id) {
                Some(Slot::Answered(reply)) => Some(reply),
                _ => None,
            },
            Some(Slot::Waiting(old)) => {
                if let Some(waker) = waker
                    && !old.as_ref().is_some_and(|old| old.will_wake(waker))
                {
                    *old = Some(waker.clone());
                }
                None
            }
            None => Some(Err(ClientError::Closed("request forgotten".to_owned()))),
        }
    }

    /// The background reader: reads whenever input comes while no caller
    /// is reading, until the connection ends.
    pub(crate) async fn read_while_idle(self: Arc<Self>) {
        std::future::poll_fn(|cx| {
            {
                let mut routing = lock(&self.routing);
                if routing.closed.is_some() {
                    return Poll::Ready(());
                }
                if !routing
                    .idle
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    routing.idle = Some(cx.waker().clone());
                }
            }
            self.pump(cx, None);
            match lock(&self.routing).closed {
                Some(_) => Poll::Ready(()),
                None => Poll::Pending,
            }
        })
        .await
    }
}

/// The answer to one request; reads the connection while polled.
pub(crate) struct Answer<'a> {
    shared: &'a Shared,
    id: u64,
    /// Whether this caller has read (its waker may be the reader's).
    read: bool,
    done: bool,
}

impl<'a> Answer<'a> {
    /// For a request registered with [`Shared::expect`].
    pub(crate) fn new(shared: &'a Shared, id: u64) -> Self {
        Answer {
            shared,
            id,
            read: false,
            done: false,
        }
    }

    fn finish(&mut self, reply: Reply) -> Poll<Reply> {
        self.done = true;
        if self.read {
            self.shared.hand_back();
        }
        Poll::Ready(reply)
    }
}

impl Future for Answer<'_> {
    type Output = Reply;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Reply> {
        let this = self.get_mut();
        if let Some(reply) = this.shared.take_answer(this.id, Some(cx.waker())) {
            return this.finish(reply);
        }
        this.read = true;
        this.shared.pump(cx, Some(this.id));
        match this.shared.take_answer(this.id, None) {
            Some(reply) => this.finish(reply),
            None => Poll::Pending,
        }
    }
}

impl Drop for Answer<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.shared.forget(self.id);
            if self.read {
                self.shared.hand_back();
            }
        }
    }
}
