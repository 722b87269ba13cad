//! Memory blocks: `/sys/devices/system/memory/memoryN/{state,removable}`
//! (qemu-ga's `transfer_memory_block`).
//!
//! guest-set-memory-blocks reports per block, with errno as the error
//! code.  qemu-ga's quirks are kept, since clients may rely on them: a
//! block without a `state` file asked to stay online answers `success`
//! with error code ENOENT, and a sysfs directory that cannot be opened
//! for another reason than ENOENT answers `success` with that errno.

use std::fs::{File, OpenOptions};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, OpenOptionsExt};

use crate::commands::system::root::FsRoot;
use crate::commands::system::scan::{strtol, strtoul};
use crate::qapi::types::{
    GuestMemoryBlock, GuestMemoryBlockResponse, GuestMemoryBlockResponseType,
};
use crate::sys::{io_error_text, strerror};

const MEMORY_DIR: &str = "/sys/devices/system/memory/";

/// A failed sysfs access: qemu-ga's message and the errno it leaves.
#[derive(Debug)]
struct SysfsError {
    msg: String,
    errno: i32,
}

fn errno_of(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(0)
}

fn open_dir(root: &FsRoot, shown: &str) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(root.path(shown))
}

/// `ga_read_sysfs_file`: up to `size` bytes of `dir/name`.
fn read_sysfs(root: &FsRoot, dir: &str, name: &str, size: usize) -> Result<Vec<u8>, SysfsError> {
    let f = File::open(root.path(&format!("{dir}{name}"))).map_err(|e| SysfsError {
        msg: format!("open sysfs file \"{name}\": {}", io_error_text(&e)),
        errno: errno_of(&e),
    })?;
    let mut buf = vec![0; size];
    match f.read_at(&mut buf, 0) {
        Err(e) => Err(SysfsError {
            msg: format!("pread sysfs file \"{name}\": {}", io_error_text(&e)),
            errno: errno_of(&e),
        }),
        Ok(0) => Err(SysfsError {
            msg: format!("pread sysfs file \"{name}\": unexpected EOF"),
            errno: 0,
        }),
        Ok(n) => {
            buf.truncate(n);
            Ok(buf)
        }
    }
}

fn write_sysfs(root: &FsRoot, dir: &str, name: &str, data: &[u8]) -> Result<(), i32> {
    let f = OpenOptions::new()
        .write(true)
        .open(root.path(&format!("{dir}{name}")))
        .map_err(|e| errno_of(&e))?;
    f.write_at(data, 0).map(drop).map_err(|e| errno_of(&e))
}

fn block_dir(index: u64) -> String {
    format!("{MEMORY_DIR}memory{index}/")
}

/// One block's (online, can_offline).
fn read_block(root: &FsRoot, index: u64) -> Result<(bool, bool), String> {
    let dir = block_dir(index);
    open_dir(root, &dir).map_err(|e| format!("Could not open '{dir}': {}", io_error_text(&e)))?;
    let state = match read_sysfs(root, &dir, "state", 10) {
        Ok(state) => state,
        // Old kernels have no state file: always online.
        Err(e) if e.errno == libc::ENOENT => return Ok((true, false)),
        Err(e) => return Err(e.msg),
    };
    let online = state.starts_with(b"online");
    let can_offline = match read_sysfs(root, &dir, "removable", 1) {
        Ok(removable) => removable[0] != b'0',
        Err(e) if e.errno == libc::ENOENT => false,
        Err(e) => return Err(e.msg),
    };
    Ok((online, can_offline))
}

/// `qmp_guest_get_memory_blocks`, in directory order.
pub fn get_blocks(root: &FsRoot) -> Result<Vec<GuestMemoryBlock>, String> {
    let entries = match std::fs::read_dir(root.path(MEMORY_DIR)) {
        Ok(entries) => entries,
        // No memory blocks in sysfs is fine: an empty list.
        Err(e) if errno_of(&e) == libc::ENOENT => return Ok(Vec::new()),
        Err(e) => {
            return Err(format!(
                "Can't open directory\"{MEMORY_DIR}\": {}",
                io_error_text(&e)
            ));
        }
    };
    let mut blocks = Vec::new();
    for entry in entries.map_while(Result::ok) {
        let name = entry.file_name();
        let Some(number) = name.as_bytes().strip_prefix(b"memory") else {
            continue;
        };
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let phys_index = strtoul(number, 10).0;
        let (online, can_offline) = read_block(root, phys_index)?;
        blocks.push(GuestMemoryBlock {
            phys_index,
            online,
            can_offline: Some(can_offline),
        });
    }
    if blocks.is_empty() {
        return Err("guest reported zero memory blocks!".into());
    }
    Ok(blocks)
}

/// One block of guest-set-memory-blocks.
fn set_block(root: &FsRoot, blk: &GuestMemoryBlock) -> GuestMemoryBlockResponse {
    use GuestMemoryBlockResponseType as R;
    let answer = |response, errno: Option<i32>| GuestMemoryBlockResponse {
        phys_index: blk.phys_index,
        response,
        error_code: errno.map(i64::from),
    };
    if let Err(e) = std::fs::read_dir(root.path(MEMORY_DIR)) {
        let errno = errno_of(&e);
        let response = if errno == libc::ENOENT {
            R::OperationNotSupported
        } else {
            R::Success
        };
        return answer(response, Some(errno));
    }
    let dir = block_dir(blk.phys_index);
    if let Err(e) = open_dir(root, &dir) {
        let errno = errno_of(&e);
        let response = if errno == libc::ENOENT {
            R::NotFound
        } else {
            R::OperationFailed
        };
        return answer(response, Some(errno));
    }
    let state = match read_sysfs(root, &dir, "state", 10) {
        Ok(state) => state,
        Err(e) if e.errno == libc::ENOENT && blk.online => {
            return answer(R::Success, Some(e.errno));
        }
        Err(e) if e.errno == libc::ENOENT => {
            return answer(R::OperationNotSupported, Some(e.errno));
        }
        Err(e) => return answer(R::OperationFailed, Some(e.errno)),
    };
    if blk.online != state.starts_with(b"online") {
        let new_state: &[u8] = if blk.online { b"online" } else { b"offline" };
        if let Err(errno) = write_sysfs(root, &dir, "state", new_state) {
            return answer(R::OperationFailed, Some(errno));
        }
    }
    answer(R::Success, None)
}

/// `qmp_guest_set_memory_blocks`.
pub fn set_blocks(root: &FsRoot, blocks: &[GuestMemoryBlock]) -> Vec<GuestMemoryBlockResponse> {
    blocks.iter().map(|b| set_block(root, b)).collect()
}

/// `qmp_guest_get_memory_block_info`: `block_size_bytes`, in hex.
pub fn block_size(root: &FsRoot) -> Result<u64, String> {
    open_dir(root, MEMORY_DIR)
        .map_err(|e| format!("open(\"{MEMORY_DIR}\"): {}", strerror(errno_of(&e))))?;
    let text = read_sysfs(root, MEMORY_DIR, "block_size_bytes", 20).map_err(|e| e.msg)?;
    // strtol stops at a NUL; the long is stored in a uint64.
    let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
    Ok(strtol(&text[..end], 16) as u64)
}
