//! The `rqga` binary: qemu-ga's command line in front of [`rqga::run`].

fn main() {
    let argv: Vec<_> = std::env::args_os().collect();
    let env = rqga::cli::Environment::from_process();
    let mut server = rqga::server::AgentServer::new();
    std::process::exit(rqga::main_with(&argv, &env, &mut server));
}
