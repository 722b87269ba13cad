//! `rqapi shell SOCKET`: an interactive QMP / guest-agent shell.
//!
//! Lines are `command key=value ...` (as `rqapi call` takes them) or a
//! whole request `{"execute": ..., "arguments": {...}}`; answers are
//! printed as JSON, errors as `CLASS: desc` on stderr. Tab completes
//! command names and, with QMP introspection, argument names. History
//! is kept across sessions (see [`history::history_path`]). Events are
//! printed as they arrive; when input is not a terminal, after each line.

mod editor;
mod history;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use rqapi_cli::args::parse_line;
use rqapi_cli::complete::Completions;
use rqapi_cli::session::{CallError, CallMode, Session, format_json};
use rqapi_runtime::client::Event;
use serde_json::{Map, Value};
use tokio::runtime::Runtime;
use tokio::sync::broadcast;

use super::connect::{ConnectArgs, runtime};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Print answers as compact JSON on one line.
    #[arg(long)]
    pub raw: bool,
    /// The history file (default: $RQAPI_HISTORY, else
    /// $XDG_STATE_HOME/rqapi/history, else ~/.rqapi_history).
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
}

pub fn run(args: &Args) -> ExitCode {
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&CallError::local(format!("cannot start tokio: {error}"))),
    };
    let options = args.connect.session_options();
    let session = match runtime.block_on(Session::connect(&args.connect.address, &options)) {
        Ok(session) => session,
        Err(error) => return fail(&error),
    };
    let completions = runtime.block_on(load_completions(&session));
    eprintln!("{}", banner(&session, &completions));
    let shell = Shell {
        runtime,
        session,
        raw: args.raw,
    };
    let history = history::history_path(args.history.clone());
    match editor::run(&shell, completions, history.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&CallError::local(error.to_string())),
    }
}

fn fail(error: &CallError) -> ExitCode {
    eprintln!("rqapi shell: {error}");
    ExitCode::from(error.exit_status())
}

/// What the editor loop drives.
#[derive(Debug)]
struct Shell {
    runtime: Runtime,
    session: Session,
    raw: bool,
}

impl Shell {
    fn prompt(&self) -> &'static str {
        match self.session {
            Session::Qmp(_) => "(QEMU) ",
            Session::Agent(_) => "(QGA) ",
        }
    }

    fn interactive() -> bool {
        std::io::stdin().is_terminal()
    }

    /// Runs one input line; `false` once the connection is gone.
    fn run_line(&self, line: &str) -> bool {
        let request = match parse_line(line) {
            Ok(Some(request)) => request,
            Ok(None) => return true,
            Err(error) => {
                eprintln!("error: {error}");
                eprintln!("usage: COMMAND [KEY=VALUE ...] or {{\"execute\": COMMAND, ...}}");
                return true;
            }
        };
        let mode = CallMode {
            oob: request.oob,
            no_reply: false,
        };
        let answer = self.runtime.block_on(self.session.execute(
            &request.command,
            request.arguments,
            mode,
        ));
        match answer {
            Ok(Some(value)) => println!("{}", format_json(&value, self.raw)),
            Ok(None) => eprintln!("(sent; this command gives no answer)"),
            Err(CallError::Disconnected(why)) => {
                eprintln!("Disconnected: {why}");
                return false;
            }
            Err(error @ CallError::Server(_)) => eprintln!("{error}"),
            Err(error) => eprintln!("error: {error}"),
        }
        true
    }

    fn events(&self) -> Option<broadcast::Receiver<Event>> {
        // Entered so that the subscription belongs to this runtime.
        let _guard = self.runtime.enter();
        self.session.events().map(|stream| stream.into_inner())
    }
}

/// Command names from the server, argument names from QMP introspection
/// when the server has it; whatever fails just completes less.
async fn load_completions(session: &Session) -> Completions {
    let ask = |command: &'static str| async move {
        session
            .execute(command, Map::new(), CallMode::default())
            .await
            .ok()
            .flatten()
            .unwrap_or(Value::Null)
    };
    match session {
        Session::Qmp(_) => {
            let mut completions =
                Completions::new(Completions::command_names(&ask("query-commands").await));
            completions.add_schema(&ask("query-qmp-schema").await);
            completions
        }
        Session::Agent(_) => Completions::new(Completions::command_names(&ask("guest-info").await)),
    }
}

fn banner(session: &Session, completions: &Completions) -> String {
    let count = completions.commands().len();
    let version = session
        .greeting()
        .and_then(|g| g.pointer("/QMP/version/qemu"))
        .map(|v| format!(" to QEMU {}.{}.{}", v["major"], v["minor"], v["micro"]))
        .unwrap_or_default();
    format!(
        "Connected{version} ({}, {count} commands). Tab completes; Ctrl-D quits.",
        session.flavour_name()
    )
}
