//! guest-get-users: the login records of `/var/run/utmp`, read natively
//! (glibc's x86-64/aarch64 `struct utmp` layout, 384 bytes per record),
//! as qemu-ga reads them through `getutxent`.
//!
//! Only `USER_PROCESS` records count; each user appears once, at the
//! place of their first record, with the earliest login time
//! (`tv_sec + tv_usec / 1e6` as a double).  A missing or unreadable file
//! gives an empty list, as `getutxent` returning NULL does.

use crate::qapi::types::GuestUser;

/// `sizeof(struct utmp)` with glibc on 64-bit Linux.
const RECORD_SIZE: usize = 384;
const USER_PROCESS: i16 = 7;
const TYPE_AT: usize = 0;
const USER_AT: usize = 44;
const USER_LEN: usize = 32;
const TV_SEC_AT: usize = 340;
const TV_USEC_AT: usize = 344;

fn i32_at(record: &[u8], at: usize) -> i32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&record[at..at + 4]);
    i32::from_ne_bytes(b)
}

/// The users in `utmp` (the file's bytes).  A trailing partial record is
/// ignored, as glibc does.
pub fn users_from_utmp(utmp: &[u8]) -> Vec<GuestUser> {
    let mut users: Vec<GuestUser> = Vec::new();
    for record in utmp.chunks_exact(RECORD_SIZE) {
        let ut_type = i16::from_ne_bytes([record[TYPE_AT], record[TYPE_AT + 1]]);
        if ut_type != USER_PROCESS {
            continue;
        }
        let field = &record[USER_AT..USER_AT + USER_LEN];
        let name = &field[..field.iter().position(|&b| b == 0).unwrap_or(USER_LEN)];
        let name = String::from_utf8_lossy(name).into_owned();
        let login_time = f64::from(i32_at(record, TV_SEC_AT))
            + f64::from(i32_at(record, TV_USEC_AT)) / 1_000_000.0;
        match users.iter_mut().find(|u| u.user == name) {
            Some(u) if login_time < u.login_time => u.login_time = login_time,
            Some(_) => {}
            None => users.push(GuestUser {
                user: name,
                login_time,
                domain: None,
            }),
        }
    }
    users
}

/// Builds one utmp record (tests and tools).
pub fn utmp_record(ut_type: i16, user: &str, tv_sec: i32, tv_usec: i32) -> Vec<u8> {
    let mut r = vec![0u8; RECORD_SIZE];
    r[TYPE_AT..TYPE_AT + 2].copy_from_slice(&ut_type.to_ne_bytes());
    let n = user.len().min(USER_LEN);
    r[USER_AT..USER_AT + n].copy_from_slice(&user.as_bytes()[..n]);
    r[TV_SEC_AT..TV_SEC_AT + 4].copy_from_slice(&tv_sec.to_ne_bytes());
    r[TV_USEC_AT..TV_USEC_AT + 4].copy_from_slice(&tv_usec.to_ne_bytes());
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_matches_libc() {
        assert_eq!(std::mem::size_of::<libc::utmpx>(), RECORD_SIZE);
        // SAFETY: all-zero is a valid utmpx; only field addresses are taken.
        let u: libc::utmpx = unsafe { std::mem::zeroed() };
        let base = &u as *const _ as usize;
        assert_eq!(&u.ut_user as *const _ as usize - base, USER_AT);
        assert_eq!(&u.ut_tv.tv_sec as *const _ as usize - base, TV_SEC_AT);
        assert_eq!(&u.ut_tv.tv_usec as *const _ as usize - base, TV_USEC_AT);
    }
}
