//! Serial ttys (qemu-ga's `isa-serial` channel).

use std::io;
use std::os::fd::OwnedFd;
use std::path::Path;

use rustix::fs::{Mode, OFlags};
use rustix::termios::{
    InputModes, LocalModes, OptionalActions, OutputModes, QueueSelector, SpecialCodeIndex, Termios,
};

use super::connection::{Connection, PeerInfo};
use super::fd_stream;

/// Line speed qemu-ga sets on isa-serial ports.
const SERIAL_BAUD: u32 = 38400;

/// Opens a serial tty for byte streaming, configured as qemu-ga does: no
/// controlling terminal, non-blocking, raw (no echo, no line editing, no
/// CR/NL translation, no flow control), 38400 baud, one byte satisfies a
/// read, and input that was waiting before we opened it is discarded.
pub fn open_serial(path: &Path) -> io::Result<Connection> {
    let fd = rustix::fs::open(
        path,
        OFlags::RDWR | OFlags::NOCTTY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| {
        io::Error::new(
            io::Error::from(e).kind(),
            format!("error opening channel '{}': {e}", path.display()),
        )
    })?;
    configure_raw(&fd, path)?;
    fd_stream::fd_connection(
        fd,
        PeerInfo::Serial {
            path: path.to_owned(),
        },
    )
}

fn configure_raw(fd: &OwnedFd, path: &Path) -> io::Result<()> {
    let mut tio = match rustix::termios::tcgetattr(fd) {
        Ok(tio) => tio,
        Err(e) => {
            // qemu-ga carries on with non-tty devices too; so do we, but
            // without touching terminal settings.
            tracing::warn!(path = %path.display(), "not configuring serial line: {e}");
            return Ok(());
        }
    };
    make_dumb_byte_stream(&mut tio)?;
    rustix::termios::tcflush(fd, QueueSelector::IFlush)?;
    rustix::termios::tcsetattr(fd, OptionalActions::Now, &tio)?;
    Ok(())
}

fn make_dumb_byte_stream(tio: &mut Termios) -> io::Result<()> {
    tio.input_modes -= InputModes::IGNBRK
        | InputModes::BRKINT
        | InputModes::IGNPAR
        | InputModes::PARMRK
        | InputModes::INPCK
        | InputModes::ISTRIP
        | InputModes::INLCR
        | InputModes::IGNCR
        | InputModes::ICRNL
        | InputModes::IXON
        | InputModes::IXOFF
        | InputModes::IXANY
        | InputModes::IMAXBEL;
    tio.output_modes = OutputModes::empty();
    tio.local_modes = LocalModes::empty();
    tio.set_speed(SERIAL_BAUD)?;
    tio.special_codes[SpecialCodeIndex::VMIN] = 1;
    tio.special_codes[SpecialCodeIndex::VTIME] = 0;
    Ok(())
}
