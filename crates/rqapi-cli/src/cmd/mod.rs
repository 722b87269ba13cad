//! One module per subcommand.

pub mod call;
pub mod check;
pub mod compat;
mod connect;
pub mod dump;
pub mod generate;
pub mod introspect;
pub mod shell;

use std::process::ExitCode;

use rqapi_schema::Schema;

/// Loads `path`, or prints the schema error as QEMU does and gives the
/// failing exit status.
pub fn load_or_report(path: &str) -> Result<Schema, ExitCode> {
    rqapi_schema::load(path).map_err(|e| {
        eprintln!("{e}");
        ExitCode::FAILURE
    })
}
