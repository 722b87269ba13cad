//! rqga: a drop-in replacement for QEMU's guest agent (`qemu-ga`) on Linux.
//!
//! This part is the agent's shell: command line ([`cli`]), configuration
//! file and `--dump-conf` ([`config`]), logging ([`log`]), pid file and
//! daemonizing, persistent state ([`state`]) and the command filters
//! ([`filter`]), all compatible with qemu-ga 10.2.  The server (transports,
//! JSON parsing, command dispatch) plugs in through [`Server`] and
//! [`run`]; [`server::AgentServer`] is the real one.

pub mod activation;
pub mod agent;
pub mod cli;
pub mod commands;
pub mod config;
pub mod daemon;
pub mod filter;
pub mod getopt;
pub mod keyfile;
pub mod log;
pub mod pidfile;
pub mod qapi;
pub mod server;
pub mod signals;
pub mod state;
pub mod sys;
pub mod syslog;

use std::ffi::OsString;
use std::io::Write;

pub use agent::Agent;
pub use config::Config;

/// The QEMU version whose guest-agent interface rqga implements.  `-V`
/// prints it as qemu-ga does (`QEMU Guest Agent 10.2.0`), and `guest-info`
/// should report it: clients such as libvirt compare that version to decide
/// which commands and fields to expect, so it must describe the interface,
/// not our own release number.
pub const QEMU_VERSION: &str = "10.2.0";

/// The long version (`QEMU_FULL_VERSION`): the interface version plus the
/// package, the way distributions append theirs (`7.2.22 (Debian ...)`).
pub const QEMU_FULL_VERSION: &str = concat!("10.2.0 (rqga ", env!("CARGO_PKG_VERSION"), ")");

/// What the server side provides: the transports and the dispatcher.
pub trait Server {
    /// Opens the channel described by `agent.config` (`method`,
    /// `channel_path`, or the activated socket on fd 3 when
    /// `socket_activation` is set).  Called before daemonizing, so errors
    /// still reach the terminal.  The error is logged as critical.
    fn open_channel(&mut self, agent: &mut Agent) -> Result<(), String>;

    /// Serves until asked to stop (SIGINT/SIGTERM), re-opening the channel
    /// every 5 s when `retry_path` is set; returns the exit status.
    fn serve(&mut self, agent: &mut Agent) -> i32;
}

/// Starts the agent for a final configuration (after `--dump-conf` would
/// have been handled) and serves until it stops: qemu-ga's
/// `initialize_agent` + `run_agent` + clean-up.  Returns the exit status.
pub fn run(config: Config, server: &mut dyn Server) -> i32 {
    signals::hold_termination();
    let Some(mut agent) = Agent::initialize(config, server) else {
        log::critical("error initializing guest agent");
        // qemu-ga 10.2 exits 1 here; 7.2 exited 0.
        return 1;
    };
    let status = server.serve(&mut agent);
    agent.finish();
    status
}

/// The whole program: parse, apply defaults, dump or run.  Returns the exit
/// status.  Call with the process's single thread (it may fork).
pub fn main_with(argv: &[OsString], env: &cli::Environment, server: &mut dyn Server) -> i32 {
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let mut config = match cli::parse(argv, env, &mut out, &mut err) {
        Ok(cli::Parsed::Run(config)) => *config,
        Ok(cli::Parsed::Exit(status)) => return status,
        Err(_) => return 1,
    };
    let activated = match activation::detect() {
        Ok(method) => method,
        Err(msg) => {
            log::critical(msg);
            return 1;
        }
    };
    if let Err(msg) = config.apply_defaults(activated) {
        log::critical(msg);
        return 1;
    }
    if config.dump_conf {
        let written = out.write_all(&config.dump()).and_then(|()| out.flush());
        return if written.is_ok() { 0 } else { 1 };
    }
    run(config, server)
}
