//! A recording fake for the clock (the program runner's fake is the
//! library's `FakeRunner`), and handlers that use them, so no test
//! changes anything real.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rqga::commands::Handlers;
pub use rqga::commands::runner::FakeRunner;
use rqga::commands::system::clock::ClockSetter;

/// A clock that records instead of setting anything.
#[derive(Debug, Default)]
pub struct FakeClock {
    pub set: Mutex<Vec<(i64, i64)>>,
    pub fail_with: Mutex<Option<i32>>,
}

impl ClockSetter for FakeClock {
    fn set_realtime(&self, sec: i64, usec: i64) -> Result<(), i32> {
        if let Some(errno) = *self.fail_with.lock().unwrap() {
            return Err(errno);
        }
        self.set.lock().unwrap().push((sec, usec));
        Ok(())
    }
}

/// Handlers whose runners and clock are fakes and whose filesystem root
/// is `root`, so nothing real is ever changed.
pub fn fake_handlers(root: &Path, runner: &Arc<FakeRunner>, clock: &Arc<FakeClock>) -> Handlers {
    let mut h = Handlers::default();
    let fs_root = rqga::commands::system::root::FsRoot::new(root);
    h.power.runner = runner.clone();
    h.power.root = fs_root.clone();
    h.system.runner = runner.clone();
    h.accounts.runner = runner.clone();
    h.system.clock = clock.clone();
    h.system.root = fs_root.clone();
    h.hardware.root = fs_root;
    h
}

/// Writes `content` at `root` + `path`, creating directories.
pub fn put(root: &Path, path: &str, content: &str) {
    let full = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, content).unwrap();
}
