//! User accounts: password changes and ssh authorized keys.
//!
//! The external program (`chpasswd`) and the user database are behind
//! [`AccountsState`]'s injectable runner and passwd lookup, so tests use a
//! recording runner and a temporary home instead of real users.

pub mod password;
pub mod ssh;

use std::sync::Arc;

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::Handlers;
use super::runner::{ProgramRunner, SystemRunner};
pub use ssh::{PasswdEntry, PasswdLookup, SystemPasswd};

/// What the account commands use to reach the system.
#[derive(Debug, Clone)]
pub struct AccountsState {
    pub runner: Arc<dyn ProgramRunner>,
    pub passwd: Arc<dyn PasswdLookup>,
}

impl Default for AccountsState {
    fn default() -> Self {
        AccountsState {
            runner: Arc::new(SystemRunner),
            passwd: Arc::new(SystemPasswd),
        }
    }
}

fn internal(e: tokio::task::JoinError) -> QmpError {
    QmpError::generic(format!("internal error: {e}"))
}

pub async fn guest_set_user_password(
    h: &Handlers,
    username: String,
    password: String,
    crypted: bool,
) -> Result<(), QmpError> {
    let runner = Arc::clone(&h.accounts.runner);
    tokio::task::spawn_blocking(move || {
        password::set_user_password(&*runner, &username, &password, crypted)
    })
    .await
    .map_err(internal)?
}

pub async fn guest_ssh_get_authorized_keys(
    h: &Handlers,
    username: String,
) -> Result<types::GuestAuthorizedKeys, QmpError> {
    let passwd = Arc::clone(&h.accounts.passwd);
    tokio::task::spawn_blocking(move || ssh::get_keys(&*passwd, &username))
        .await
        .map_err(internal)?
        .map(|keys| types::GuestAuthorizedKeys { keys })
}

pub async fn guest_ssh_add_authorized_keys(
    h: &Handlers,
    username: String,
    keys: Vec<String>,
    reset: Option<bool>,
) -> Result<(), QmpError> {
    let passwd = Arc::clone(&h.accounts.passwd);
    let reset = reset.unwrap_or(false);
    tokio::task::spawn_blocking(move || ssh::add_keys(&*passwd, &username, &keys, reset))
        .await
        .map_err(internal)?
}

pub async fn guest_ssh_remove_authorized_keys(
    h: &Handlers,
    username: String,
    keys: Vec<String>,
) -> Result<(), QmpError> {
    let passwd = Arc::clone(&h.accounts.passwd);
    tokio::task::spawn_blocking(move || ssh::remove_keys(&*passwd, &username, &keys))
        .await
        .map_err(internal)?
}
