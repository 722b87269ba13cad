//! The `rqga` binary: qemu-ga's command line in front of [`rqga::run`].

use rqga::{Agent, Server};

/// Stand-in until the real server exists: says what it would serve.
#[derive(Debug)]
struct PendingServer;

impl Server for PendingServer {
    fn open_channel(&mut self, _agent: &mut Agent) -> Result<(), String> {
        Ok(())
    }

    fn serve(&mut self, agent: &mut Agent) -> i32 {
        let config = &agent.config;
        let path = match (&config.channel_path, config.socket_activation) {
            (_, true) => "the activated socket (fd 3)".to_string(),
            (Some(p), false) => p.to_string_lossy().into_owned(),
            (None, false) => String::new(),
        };
        eprintln!(
            "rqga: no server yet: would serve {} on {path}",
            config
                .method
                .as_deref()
                .unwrap_or_default()
                .to_string_lossy()
        );
        0
    }
}

fn main() {
    let argv: Vec<_> = std::env::args_os().collect();
    let env = rqga::cli::Environment::from_process();
    std::process::exit(rqga::main_with(&argv, &env, &mut PendingServer));
}
