//! Agent start-up and shut-down around the server (`initialize_agent` and
//! the end of `main` in qemu-ga).
//!
//! Start-up order is qemu-ga's: frozen-marker check (still in GLib's log
//! format), switch to qemu-ga's log format, log file, persistent state,
//! command filters, channel, then daemonize, so that every start-up error
//! still reaches the terminal.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::commands::fs::ops::SystemFsOps;
use crate::commands::fs::{FreezeNotify, FsConfig, FsState};
use crate::commands::runner::SystemRunner;
use crate::commands::{CommandState, Handlers, file::FileHandles};
use crate::config::Config;
use crate::filter::CommandFilter;
use crate::log::{self, Sink};
use crate::pidfile::Pidfile;
use crate::state::{PersistentState, frozen_marker_path, state_path};
use crate::{Server, daemon};

/// The running agent's state that outlives start-up.
#[derive(Debug)]
pub struct Agent {
    /// The final configuration.
    pub config: Config,
    /// Allow/block lists.
    pub filter: CommandFilter,
    /// `qga.state` (file handle counter), shared with the file commands.
    pub state: Arc<Mutex<PersistentState>>,
    started_frozen: bool,
    hooks: Arc<FreezeHooks>,
}

/// What the agent itself does when filesystems freeze and thaw (the
/// logging and pid-file half of qemu-ga's `ga_set_frozen` and
/// `ga_unset_frozen`; the freeze itself and its marker file belong to
/// [`FsState`](crate::commands::fs::FsState)).
#[derive(Debug, Default)]
pub struct FreezeHooks {
    files: Mutex<AgentFiles>,
}

#[derive(Debug, Default)]
struct AgentFiles {
    /// Log and pid files not opened yet because the agent started frozen.
    deferred_logfile: Option<OsString>,
    deferred_pidfile: Option<OsString>,
    /// The pid file we wrote, removed on exit.
    pidfile: Option<Pidfile>,
}

impl FreezeHooks {
    fn files(&self) -> std::sync::MutexGuard<'_, AgentFiles> {
        crate::commands::lock(&self.files)
    }
}

impl FreezeNotify for FreezeHooks {
    fn frozen(&self) {
        log::warning("disabling logging due to filesystem freeze");
        log::set_enabled(false);
    }

    /// Opens the deferred log and pid files, logs again.
    fn thawed(&self) {
        let mut files = self.files();
        if let Some(path) = files.deferred_logfile.take() {
            log::set_sink(open_logfile(&path).map_or(Sink::Stderr, Sink::File));
        }
        log::set_enabled(true);
        log::warning("logging re-enabled due to filesystem unfreeze");
        if let Some(path) = files.deferred_pidfile.take() {
            match Pidfile::write(&path) {
                Ok(p) => files.pidfile = Some(p),
                Err(msg) => log::warning(&msg),
            }
        }
    }
}

fn open_logfile(path: &OsString) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
}

/// `check_is_frozen`: a marker left by a previous instance means the
/// filesystems may still be frozen.  An unreadable marker counts as
/// frozen too (qemu-ga returns 1 from this boolean check).
fn check_is_frozen(marker: &Path) -> bool {
    match std::fs::metadata(marker) {
        Ok(_) => {
            log::warning(&format!(
                "previous instance appears to have exited with frozen filesystems. deferring \
                 logging/pidfile creation and disabling non-fsfreeze-safe commands until \
                 guest-fsfreeze-thaw is issued, or filesystems are manually unfrozen and the \
                 file {} is removed",
                marker.display()
            ));
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            log::critical(&format!(
                "unable to access state file at path {}: {}",
                marker.display(),
                crate::sys::io_error_text(&e)
            ));
            true
        }
    }
}

impl Agent {
    /// `initialize_agent`.  `None` after logging why; the caller then logs
    /// `error initializing guest agent` and exits 1.
    pub fn initialize(config: Config, server: &mut dyn Server) -> Option<Agent> {
        let state_dir = PathBuf::from(config.state_dir.clone().unwrap_or_default());
        let frozen_marker = frozen_marker_path(&state_dir);
        let frozen = check_is_frozen(&frozen_marker);

        log::install_agent_logger(config.verbose);
        log::debug(&format!(
            "Guest agent version {} started",
            crate::QEMU_FULL_VERSION
        ));

        let (mut deferred_logfile, mut deferred_pidfile) = (None, None);
        if frozen {
            if config.daemonize {
                deferred_pidfile = config.pid_filepath.clone();
            }
            deferred_logfile = config.log_filepath.clone();
            log::set_enabled(false);
        } else if let Some(path) = &config.log_filepath {
            match open_logfile(path) {
                Ok(f) => log::set_sink(Sink::File(f)),
                Err(e) => {
                    let text = crate::sys::io_error_text(&e);
                    log::critical(&format!("unable to open specified log file: {text}"));
                    return None;
                }
            }
        }

        let state = match PersistentState::load(&state_path(&state_dir), frozen) {
            Ok(state) => Arc::new(Mutex::new(state)),
            Err(messages) => {
                for msg in messages {
                    log::critical(&msg);
                }
                log::critical("failed to load persistent state");
                return None;
            }
        };
        let hooks = FreezeHooks {
            files: Mutex::new(AgentFiles {
                deferred_logfile,
                deferred_pidfile,
                pidfile: None,
            }),
        };
        let mut agent = Agent {
            filter: CommandFilter::from_config(&config),
            state,
            started_frozen: frozen,
            hooks: Arc::new(hooks),
            config,
        };

        for name in crate::commands::command_names() {
            if !agent.filter.is_allowed(name, frozen) {
                log::debug(&format!("disabling command: {name}"));
            }
        }

        if agent.open_channel(server).is_err() {
            if agent.config.retry_path {
                log::info("failed to initialize guest agent channel, will retry");
            } else {
                log::critical("failed to initialize guest agent channel");
                return None;
            }
        }

        if agent.config.daemonize {
            let pidfile = if frozen {
                None
            } else {
                agent.config.pid_filepath.clone()
            };
            agent.hooks.files().pidfile = daemon::become_daemon(pidfile.as_deref());
        }
        Some(agent)
    }

    /// `channel_init`: checks the method, then lets the server open it.
    /// Errors are logged here; the text is returned for the caller.
    pub fn open_channel(&mut self, server: &mut dyn Server) -> Result<(), String> {
        if self.config.channel_method().is_none() {
            let name = self.config.method.clone().unwrap_or_default();
            let msg = format!(
                "unsupported channel method/type: {}",
                name.to_string_lossy()
            );
            log::critical(&msg);
            return Err(msg);
        }
        server
            .open_channel(self)
            .inspect_err(|msg| log::critical(msg))
    }

    /// Whether a previous instance left filesystems (possibly) frozen:
    /// the agent then starts with logging off and only the freeze-safe
    /// commands enabled.
    pub fn started_frozen(&self) -> bool {
        self.started_frozen
    }

    /// The command handlers for this agent: persistent file handles, the
    /// freeze configured from the agent's settings, and the command
    /// state and the agent's own hooks following the freeze.
    pub fn handlers(&self) -> Handlers {
        let frozen = self.started_frozen;
        let command_state = CommandState::new(self.filter.clone(), frozen);
        let fs = FsState::new(
            FsConfig::from_config(&self.config, frozen),
            Arc::new(SystemFsOps),
            Arc::new(SystemRunner),
        );
        fs.add_notify(Arc::new(command_state.clone()));
        fs.add_notify(self.hooks.clone());
        Handlers {
            command_state,
            fs,
            files: FileHandles::persistent(Arc::clone(&self.state)),
            ..Handlers::default()
        }
    }

    /// End of `main`: remove the pid file we wrote.  (qemu-ga unlinks the
    /// configured pid file whenever `-d` was given, even one it never
    /// wrote, such as a running agent's after `-d -D`; we do not.)
    pub fn finish(self) {
        if let Some(p) = self.hooks.files().pidfile.take() {
            p.remove();
        }
    }
}
