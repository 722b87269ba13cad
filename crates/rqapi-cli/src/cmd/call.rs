//! `rqapi call SOCKET COMMAND [key=value ... | JSON]`
//!
//! Runs one command and prints its return value as JSON on stdout (exit
//! status 0). A server error prints `CLASS: desc` on stderr (exit status
//! 1); failing to connect, a timeout or a protocol error exits with 2.

use std::process::ExitCode;

use rqapi_cli::args::arguments_from_words;
use rqapi_cli::session::{CallError, CallMode, Session, event_message, format_json};
use rqapi_runtime::client::Event;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use super::connect::{ConnectArgs, current_thread_runtime};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  rqapi call /run/qemu.sock query-status
  rqapi call tcp:localhost:4444 blockdev-add driver=null-co node-name=n0 size=1048576
  rqapi call qmp.sock device_add '{\"driver\": \"virtio-rng-pci\", \"id\": \"rng0\"}'
  rqapi call /run/qga.sock guest-exec path=/bin/ls arg='[\"-l\"]' capture-output=true
  rqapi call qmp.sock stop --wait-event STOP")]
pub struct Args {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The command name.
    pub command: String,
    /// Arguments as key=value pairs (dotted keys nest; values that look
    /// like JSON numbers, true/false/null, [..] or {..} are JSON, others
    /// strings; quote a value to force a string), or one JSON object.
    #[arg(value_name = "ARGUMENT")]
    pub arguments: Vec<String>,
    /// Send with exec-oob (QMP, needs the server's oob capability).
    #[arg(long)]
    pub oob: bool,
    /// Print compact JSON on one line.
    #[arg(long)]
    pub raw: bool,
    /// Do not wait for an answer (guest-agent commands without success
    /// response; automatic for guest-shutdown and guest-suspend-*).
    #[arg(long)]
    pub no_reply: bool,
    /// After the answer, wait for this event and print it on stdout too.
    #[arg(long, value_name = "NAME")]
    pub wait_event: Option<String>,
    /// Print the events that arrive meanwhile on stderr.
    #[arg(long)]
    pub events: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let result = match current_thread_runtime() {
        Ok(runtime) => runtime.block_on(call(args)),
        Err(error) => Err(CallError::local(format!("cannot start tokio: {error}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error @ CallError::Server(_)) => {
            eprintln!("{error}");
            ExitCode::from(error.exit_status())
        }
        Err(error) => {
            eprintln!("rqapi call: {error}");
            ExitCode::from(error.exit_status())
        }
    }
}

async fn call(args: &Args) -> Result<(), CallError> {
    let arguments = arguments_from_words(&args.arguments)
        .map_err(|e| CallError::local(format!("bad arguments: {e}")))?;
    let address = &args.connect.address;
    let session = Session::connect(address, &args.connect.session_options()).await?;
    let mut events = session.events().map(|stream| stream.into_inner());
    if args.wait_event.is_some() && events.is_none() {
        return Err(CallError::local("guest agents send no events"));
    }
    let mode = CallMode {
        oob: args.oob,
        no_reply: args.no_reply,
    };
    let answer = session.execute(&args.command, arguments, mode).await;
    let wanted = args.wait_event.as_deref();
    // Events that came with the answer; the awaited one may be among them.
    let mut found = events
        .as_mut()
        .and_then(|events| take_pending_events(events, wanted, args.events));
    if let Some(value) = answer? {
        println!("{}", format_json(&value, args.raw));
    }
    if let (Some(name), Some(events)) = (wanted, &mut events)
        && found.is_none()
    {
        let wait = wait_for_event(events, name, args.events);
        found = Some(match args.connect.timeout {
            None => wait.await?,
            Some(limit) => tokio::time::timeout(limit, wait)
                .await
                .map_err(|_| CallError::local(format!("timed out waiting for event {name}")))??,
        });
    }
    if let Some(event) = found {
        println!("{}", format_json(&event_message(&event), args.raw));
    }
    Ok(())
}

/// Takes the events already received: the first named `wanted` is
/// returned, the others printed on stderr when `print` says so.
fn take_pending_events(
    events: &mut broadcast::Receiver<Event>,
    wanted: Option<&str>,
    print: bool,
) -> Option<Event> {
    loop {
        match events.try_recv() {
            Ok(event) if Some(event.name.as_str()) == wanted => return Some(event),
            Ok(event) if print => eprintln!("{}", format_json(&event_message(&event), true)),
            Ok(_) => {}
            Err(TryRecvError::Lagged(lost)) => eprintln!("rqapi call: {lost} events lost"),
            Err(TryRecvError::Empty | TryRecvError::Closed) => return None,
        }
    }
}

async fn wait_for_event(
    events: &mut broadcast::Receiver<Event>,
    name: &str,
    print_others: bool,
) -> Result<Event, CallError> {
    loop {
        match events.recv().await {
            Ok(event) if event.name == name => return Ok(event),
            Ok(event) if print_others => {
                eprintln!("{}", format_json(&event_message(&event), true));
            }
            Ok(_) => {}
            Err(RecvError::Lagged(lost)) => eprintln!("rqapi call: {lost} events lost"),
            Err(RecvError::Closed) => {
                return Err(CallError::local(format!(
                    "the connection closed before event {name}"
                )));
            }
        }
    }
}
