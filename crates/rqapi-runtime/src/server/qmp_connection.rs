//! One QMP client: the reader, the in-band queue and out-of-band commands
//! (QEMU's monitor/qmp.c behaviour).
//!
//! The reader takes a queue slot before reading each message, so when the
//! in-band queue is full nothing is read, not even `exec-oob` requests:
//! QEMU suspends the whole monitor then. Without the `oob` capability one
//! slot exists and is held until its request has been answered; with it,
//! [`QmpConfig::max_queued`](super::QmpConfig::max_queued) slots are each
//! freed as soon as the request leaves the queue.
//!
//! An in-band request that finds the queue empty is run by the reader
//! itself; only when it has to wait does it move to the in-band task (and
//! later requests queue behind it). Quick commands so cost no task switch.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::Poll;

use serde_json::{Map, Value};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::capabilities::{self, BUILTIN_INFO, QMP_CAPABILITIES};
use super::context::{ClientShared, Context};
use super::execute::respond;
use super::input::MessageInput;
use super::output::{Output, qmp_line, response_line};
use super::qmp::Shared;
use crate::json::Message;
use crate::qmp::{Flavor, QmpError, Request, parse_request};
use crate::transport::Connection;

struct Session {
    shared: Arc<Shared>,
    client: Arc<ClientShared>,
    output: Arc<Output>,
    negotiated: AtomicBool,
    oob_enabled: AtomicBool,
    queue_slots: Arc<Semaphore>,
    /// Set at disconnect: queued requests are dropped, as QEMU does.
    closing: AtomicBool,
    /// In-band requests sent to the in-band task and not finished.
    in_band_busy: AtomicUsize,
}

type Running = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Work for the in-band task, in order.
enum InBand {
    Queued(Message, OwnedSemaphorePermit),
    /// Started by the reader; waits for something.
    Started(Running, Option<OwnedSemaphorePermit>),
}

pub(crate) async fn run(
    shared: Arc<Shared>,
    id: u64,
    connection: Connection,
    shutdown: CancellationToken,
) {
    let client = Arc::new(ClientShared::new(id, connection.peer().clone()));
    let (reader, writer) = connection.into_split();
    let (output, writer_task) = Output::spawn(writer);
    let config = &shared.config;
    output.push_now(&qmp_line(&capabilities::greeting(
        config.version,
        &config.package,
        config.offer_oob,
    )));
    let high_water = config.output_high_water;
    let session = Arc::new(Session {
        shared: shared.clone(),
        client: client.clone(),
        output: output.clone(),
        negotiated: AtomicBool::new(false),
        oob_enabled: AtomicBool::new(false),
        queue_slots: Arc::new(Semaphore::new(1)),
        closing: AtomicBool::new(false),
        in_band_busy: AtomicUsize::new(0),
    });
    let (queue, queue_rx) = mpsc::unbounded_channel::<InBand>();
    let in_band = tokio::spawn(session.clone().run_in_band(queue_rx));
    let mut out_of_band = JoinSet::new();
    let mut input = MessageInput::new(reader, client);
    // One registration with the token for the whole connection.
    let cancelled = shutdown.cancelled();
    tokio::pin!(cancelled);
    loop {
        let step = async {
            session.output.wait_below(high_water).await;
            let slot = session.queue_slots.clone().acquire_owned().await;
            (slot, input.next().await)
        };
        let (slot, message) = tokio::select! {
            biased;
            () = &mut cancelled => break,
            step = step => step,
        };
        let (Ok(slot), Ok(Some(message))) = (slot, message) else {
            break;
        };
        let work = if is_oob(&message) {
            drop(slot);
            out_of_band.spawn(session.clone().run_out_of_band(message));
            None
        } else if session.in_band_busy.load(Ordering::Acquire) == 0 {
            session.clone().start_in_band(message, slot).await
        } else {
            Some(InBand::Queued(message, slot))
        };
        if let Some(work) = work {
            session.in_band_busy.fetch_add(1, Ordering::AcqRel);
            if queue.send(work).is_err() {
                break;
            }
        }
        while out_of_band.try_join_next().is_some() {}
    }
    session.closing.store(true, Ordering::Relaxed);
    drop(queue);
    let _ = in_band.await;
    out_of_band.join_all().await;
    shared.events.unsubscribe(id);
    output.close();
    let _ = writer_task.await;
}

/// QEMU's `qmp_is_oob`: such requests bypass the queue even when `oob` is
/// not enabled (they are then rejected at once).
fn is_oob(message: &Message) -> bool {
    let Ok(Value::Object(members)) = message else {
        return false;
    };
    // A scan beats two hash lookups on a request's few members.
    let (mut oob, mut execute) = (false, false);
    for name in members.keys() {
        match name.as_str() {
            "exec-oob" => oob = true,
            "execute" => execute = true,
            _ => {}
        }
    }
    oob && !execute
}

impl Session {
    fn negotiated(&self) -> bool {
        self.negotiated.load(Ordering::Acquire)
    }

    fn oob_enabled(&self) -> bool {
        self.oob_enabled.load(Ordering::Acquire)
    }

    async fn run_in_band(self: Arc<Self>, mut queue: mpsc::UnboundedReceiver<InBand>) {
        while let Some(work) = queue.recv().await {
            match work {
                InBand::Queued(_, _) if self.closing.load(Ordering::Relaxed) => {}
                InBand::Queued(message, slot) => {
                    let held = self.hold_slot(slot);
                    self.handle(message).await;
                    drop(held);
                }
                InBand::Started(running, held) => {
                    running.await;
                    drop(held);
                }
            }
            self.in_band_busy.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// The queue slot stays taken until the answer is out only without
    /// `oob` (decided before running: qmp_capabilities may enable oob).
    fn hold_slot(&self, slot: OwnedSemaphorePermit) -> Option<OwnedSemaphorePermit> {
        if self.oob_enabled() {
            drop(slot);
            None
        } else {
            Some(slot)
        }
    }

    /// Runs an in-band request in the reader's task as far as it goes
    /// without waiting; what is left is returned for the in-band task.
    async fn start_in_band(
        self: Arc<Self>,
        message: Message,
        slot: OwnedSemaphorePermit,
    ) -> Option<InBand> {
        let held = self.hold_slot(slot);
        let mut running: Running = Box::pin(async move { self.handle(message).await });
        let done =
            std::future::poll_fn(|cx| Poll::Ready(running.as_mut().poll(cx).is_ready())).await;
        match done {
            true => None,
            false => Some(InBand::Started(running, held)),
        }
    }

    async fn run_out_of_band(self: Arc<Self>, message: Message) {
        self.handle(message).await;
    }

    async fn handle(&self, message: Message) {
        let flavor = Flavor::Qmp {
            oob_enabled: self.oob_enabled(),
        };
        let response = match parse_request(message, flavor) {
            Err(rejection) => Some(rejection.response()),
            Ok(request) if request.command == QMP_CAPABILITIES => self.capabilities(request),
            Ok(request) if !self.negotiated() => {
                let error = QmpError::command_not_found(&request.command);
                Some(respond(
                    Err(capabilities::expecting_negotiation(error)),
                    request.id,
                ))
            }
            Ok(request) => {
                let ctx = Context::new(
                    self.client.clone(),
                    Some(self.shared.events.clone()),
                    self.shared.commands.state.clone(),
                    request.oob,
                );
                let answer = self.shared.commands.run_unwrapped(&ctx, request).await;
                if let Some((result, id)) = answer {
                    self.output.push_now(&response_line(result, id));
                }
                return;
            }
        };
        if let Some(response) = response {
            self.output.push_now(&qmp_line(&response));
        }
    }

    /// `qmp_capabilities`, in either mode. On success the response goes out
    /// before the client is subscribed to events.
    fn capabilities(&self, request: Request) -> Option<Value> {
        let negotiated = self.negotiated();
        let commands = &self.shared.commands;
        let info = match negotiated {
            true => commands.table.find(QMP_CAPABILITIES).copied(),
            false => None,
        }
        .unwrap_or(BUILTIN_INFO);
        let result = match negotiated {
            true => commands.check(&info, request.oob),
            false if request.oob => Err(QmpError::no_oob(QMP_CAPABILITIES)),
            false => Ok(()),
        }
        .and_then(|()| self.negotiate(&request.arguments, negotiated));
        match result {
            Ok(()) => {
                let response = respond(Ok(Value::Object(Map::new())), request.id);
                self.output.push_now(&qmp_line(&response));
                self.shared
                    .events
                    .subscribe(self.client.id, self.output.clone());
                None
            }
            Err(error) if !negotiated => Some(respond(
                Err(capabilities::expecting_negotiation(error)),
                request.id,
            )),
            Err(error) => Some(respond(Err(error), request.id)),
        }
    }

    fn negotiate(&self, arguments: &Map<String, Value>, negotiated: bool) -> Result<(), QmpError> {
        let mut input = self
            .shared
            .commands
            .state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .input(true);
        let config = &self.shared.config;
        let enable_oob =
            capabilities::negotiate(&mut input, arguments, negotiated, config.offer_oob)?;
        if enable_oob {
            self.oob_enabled.store(true, Ordering::Release);
            self.queue_slots
                .add_permits(config.max_queued.saturating_sub(1));
        }
        self.negotiated.store(true, Ordering::Release);
        Ok(())
    }
}
