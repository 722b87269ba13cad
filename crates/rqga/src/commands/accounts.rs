//! User accounts: password changes and ssh authorized keys.

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::{Handlers, unsupported};

pub async fn guest_set_user_password(
    _h: &Handlers,
    _username: String,
    _password: String,
    _crypted: bool,
) -> Result<(), QmpError> {
    Err(unsupported())
}

pub async fn guest_ssh_get_authorized_keys(
    _h: &Handlers,
    _username: String,
) -> Result<types::GuestAuthorizedKeys, QmpError> {
    Err(unsupported())
}

pub async fn guest_ssh_add_authorized_keys(
    _h: &Handlers,
    _username: String,
    _keys: Vec<String>,
    _reset: Option<bool>,
) -> Result<(), QmpError> {
    Err(unsupported())
}

pub async fn guest_ssh_remove_authorized_keys(
    _h: &Handlers,
    _username: String,
    _keys: Vec<String>,
) -> Result<(), QmpError> {
    Err(unsupported())
}
