// Pipe buffer size: read it with F_GETPIPE_SZ, raise it with F_SETPIPE_SZ, then prove the capacity by filling it.
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

fn pipe_size(fd: &OwnedFd) -> std::io::Result<usize> {
    // SAFETY: fcntl on a descriptor we own.
    let n = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETPIPE_SZ) };
    if n < 0 { Err(std::io::Error::last_os_error()) } else { Ok(n as usize) }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut fds = [0; 2];
    // SAFETY: fds has room for two descriptors. O_NONBLOCK lets us fill the pipe without hanging.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    // SAFETY: pipe2 just returned these descriptors and nothing else owns them.
    let (read_end, write_end) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    println!("default pipe size: {} bytes", pipe_size(&write_end)?);

    let wanted: libc::c_int = ${1:1048576};
    // The kernel rounds up to a power-of-two number of pages. Unprivileged processes get EPERM above
    // /proc/sys/fs/pipe-max-size (1 MiB by default); EBUSY means more bytes are queued than the new size.
    // SAFETY: fcntl on a descriptor we own.
    if unsafe { libc::fcntl(write_end.as_raw_fd(), libc::F_SETPIPE_SZ, wanted) } < 0 {
        let err = std::io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EPERM) {
            return Err(err.into());
        }
        println!("not allowed to raise the pipe to {wanted} bytes (see /proc/sys/fs/pipe-max-size)");
    }
    let size = pipe_size(&write_end)?;
    println!("pipe size now: {size} bytes");
    $0

    // Fill the pipe until the kernel says EAGAIN: that is exactly its capacity.
    let (mut reader, mut writer) = (File::from(read_end), File::from(write_end));
    let chunk = vec![0xA5u8; 4096];
    let mut queued = 0usize;
    loop {
        match writer.write(&chunk) {
            Ok(n) => queued += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => return Err(e.into()),
        }
    }
    let mut drained = 0usize;
    let mut buf = vec![0u8; 65536];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) if buf[..n].iter().all(|&b| b == 0xA5) => drained += n,
            Ok(_) => return Err("read back different bytes".into()),
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => return Err(e.into()),
        }
    }
    if queued != size || drained != queued {
        return Err(format!("pipe of {size} bytes held {queued}, read back {drained}").into());
    }
    println!("filled and drained {queued} bytes");
    Ok(())
}
