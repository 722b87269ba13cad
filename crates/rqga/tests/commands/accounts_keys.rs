//! guest-set-user-password through a recording runner (chpasswd never
//! runs) and the ssh key commands on a temporary home (no real user's
//! files), with qemu-ga's texts; the C agent's answers recorded in the
//! reference transcript for the same cases are in the comments.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::support::calls::blocking::{call, error_of};
use rqapi_runtime::qapi::serde_json::json;
use rqga::commands::Handlers;
use rqga::commands::accounts::{AccountsState, PasswdEntry, PasswdLookup, SystemPasswd};
use rqga::commands::runner::{Captured, FakeRunner};

#[derive(Debug)]
struct OneUser(PathBuf);

impl PasswdLookup for OneUser {
    fn lookup(&self, username: &str) -> Result<PasswdEntry, String> {
        if username != "qgatest" {
            return Err("Success".into());
        }
        // Our own ids: chown to them always works.
        let me = std::fs::metadata("/proc/self").map_err(|e| e.to_string())?;
        Ok(PasswdEntry {
            dir: self.0.clone(),
            uid: me.uid(),
            gid: me.gid(),
        })
    }
}

fn handlers(home: &Path, runner: Arc<FakeRunner>) -> Handlers {
    Handlers {
        accounts: AccountsState {
            runner,
            passwd: Arc::new(OneUser(home.to_path_buf())),
        },
        ..Handlers::default()
    }
}

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHFha3Rlc3RrZXlvbmx5Zm9ycWdhcmVmZXJlbmNl qgatest@example";

#[test]
fn password_goes_to_chpasswd() {
    let runner = FakeRunner::new();
    let dir = tempfile::tempdir().unwrap();
    let h = handlers(dir.path(), runner.clone());
    let args = |user: &str, pw: &str, crypted: bool| json!({"username": user, "password": pw, "crypted": crypted});
    call(
        &h,
        "guest-set-user-password",
        args("qgatest", "c2VjcmV0", false),
    )
    .unwrap();
    call(
        &h,
        "guest-set-user-password",
        args("qgatest", "JDEkYWIkY2Q=", true),
    )
    .unwrap();
    let calls = runner.runs();
    assert_eq!(calls[0].argv, ["chpasswd"]);
    assert_eq!(calls[0].input.as_deref(), Some(&b"qgatest:secret\n"[..]));
    assert_eq!(calls[1].argv, ["chpasswd", "-e"]);
    assert_eq!(calls[1].input.as_deref(), Some(&b"qgatest:$1$ab$cd\n"[..]));

    // C 7.2: "Base64 data contains invalid characters".
    let e = error_of(call(
        &h,
        "guest-set-user-password",
        args("qgatest", "!!!", false),
    ));
    assert_eq!(e, "Base64 data contains invalid characters");
    // C 7.2: "forbidden characters in username".
    let e = error_of(call(
        &h,
        "guest-set-user-password",
        args("qga:test", "eA==", false),
    ));
    assert_eq!(e, "forbidden characters in username");
    // C 7.2: "forbidden characters in raw password".
    let e = error_of(call(
        &h,
        "guest-set-user-password",
        args("qgatest", "YQpi", false),
    ));
    assert_eq!(e, "forbidden characters in raw password");
    let e = error_of(call(
        &h,
        "guest-set-user-password",
        json!({"username": "u", "password": "eA=="}),
    ));
    assert_eq!(e, "Parameter 'crypted' is missing");
    assert_eq!(runner.runs().len(), 2);

    runner.on_captured(
        "chpasswd",
        Captured::Exited {
            code: 1,
            output: Vec::new(),
        },
    );
    let e = error_of(call(
        &h,
        "guest-set-user-password",
        args("qgatest", "eA==", false),
    ));
    assert_eq!(
        e,
        "child process has failed to set user password: exit status 1"
    );
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn authorized_keys_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let h = handlers(&home, FakeRunner::new());
    let path = home.join(".ssh/authorized_keys");
    let user = |key: &str| json!({"username": "qgatest", "keys": [key]});

    let e = error_of(call(
        &h,
        "guest-ssh-get-authorized-keys",
        json!({"username": "qgatest"}),
    ));
    assert_eq!(
        e,
        format!(
            "failed to read '{0}': Failed to open file \u{201c}{0}\u{201d}: No such file or directory",
            path.display()
        )
    );
    call(&h, "guest-ssh-add-authorized-keys", user(KEY)).unwrap();
    assert_eq!(mode(&home.join(".ssh")), 0o700);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), KEY);
    // A duplicate is not added again.
    call(&h, "guest-ssh-add-authorized-keys", user(KEY)).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), KEY);
    let v = call(
        &h,
        "guest-ssh-get-authorized-keys",
        json!({"username": "qgatest"}),
    )
    .unwrap();
    assert_eq!(v, json!({"keys": [KEY]}));

    // Listing strips blanks, skips comments and empty lines, last first.
    std::fs::write(&path, "# c\n  a 1  \n\nb 2\n").unwrap();
    let v = call(
        &h,
        "guest-ssh-get-authorized-keys",
        json!({"username": "qgatest"}),
    )
    .unwrap();
    assert_eq!(v, json!({"keys": ["b 2", "a 1"]}));
    // Adding keeps the lines as they are (the trailing newline makes an
    // empty line, as in qemu-ga).
    call(&h, "guest-ssh-add-authorized-keys", user("c 3")).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# c\n  a 1  \n\nb 2\n\nc 3"
    );
    call(&h, "guest-ssh-remove-authorized-keys", user("b 2")).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# c\n  a 1  \n\n\nc 3"
    );
    // reset replaces everything.
    let mut args = user("d 4");
    args["reset"] = json!(true);
    call(&h, "guest-ssh-add-authorized-keys", args).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "d 4");

    // C 7.2: "invalid OpenSSH public key: '#comment'".
    let e = error_of(call(&h, "guest-ssh-add-authorized-keys", user("#comment")));
    assert_eq!(e, "invalid OpenSSH public key: '#comment'");
    let e = error_of(call(&h, "guest-ssh-remove-authorized-keys", user("a\nb")));
    assert_eq!(e, "invalid OpenSSH public key: 'a\nb'");
    // C 7.2: "failed to lookup user 'no-such-user-qga': Success".
    let e = error_of(call(
        &h,
        "guest-ssh-get-authorized-keys",
        json!({"username": "no-such-user-qga"}),
    ));
    assert_eq!(e, "failed to lookup user 'no-such-user-qga': Success");
    let e = error_of(call(
        &h,
        "guest-ssh-add-authorized-keys",
        json!({"username": "qgatest"}),
    ));
    assert_eq!(e, "Parameter 'keys' is missing");

    // Removing from a missing file is fine.
    std::fs::remove_file(&path).unwrap();
    call(&h, "guest-ssh-remove-authorized-keys", user("d 4")).unwrap();
    assert!(!path.exists());
}

#[test]
fn missing_home_fails_like_qemu_ga() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("absent");
    let h = handlers(&home, FakeRunner::new());
    let e = error_of(call(
        &h,
        "guest-ssh-add-authorized-keys",
        json!({"username": "qgatest", "keys": ["k 1"]}),
    ));
    assert_eq!(
        e,
        format!(
            "failed to create directory '{}/.ssh': No such file or directory",
            home.display()
        )
    );
}

#[test]
fn real_user_database() {
    // Looking up is harmless; nothing is written.
    let root = SystemPasswd.lookup("root").unwrap();
    assert_eq!((root.uid, root.gid), (0, 0));
    assert_eq!(
        SystemPasswd.lookup("no-such-user-qga"),
        Err("Success".to_string())
    );
}
