// Non-blocking pipe reads: set O_NONBLOCK on a child's stdout, treat EAGAIN as "nothing yet" and wait with poll().
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn set_nonblocking(fd: libc::c_int) -> std::io::Result<()> {
    // SAFETY: plain fcntl calls on a valid descriptor.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Waits until `fd` is readable (or has hung up); false on timeout.
fn wait_readable(fd: libc::c_int, timeout: Duration) -> std::io::Result<bool> {
    let mut pfd = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
    // SAFETY: pfd is one valid pollfd.
    let n = unsafe { libc::poll(&mut pfd, 1, timeout.as_millis().min(i32::MAX as u128) as libc::c_int) };
    match n {
        n if n < 0 => {
            let err = std::io::Error::last_os_error();
            if err.kind() == ErrorKind::Interrupted { Ok(false) } else { Err(err) }
        }
        0 => Ok(false),
        _ => Ok(true),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count = ${1:5};
    if std::env::args().nth(1).as_deref() == Some("--child") {
        // The child writes slowly, so the parent really sees an empty pipe in between.
        let mut out = std::io::stdout().lock();
        for i in 1..=count {
            writeln!(out, "tick {i}")?;
            out.flush()?;
            std::thread::sleep(Duration::from_millis(${2:20}));
        }
        return Ok(());
    }
    let mut child = Command::new(std::env::current_exe()?)
        .arg("--child")
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdout = child.stdout.take().ok_or("child has no stdout")?;
    set_nonblocking(stdout.as_raw_fd())?;

    let deadline = Instant::now() + Duration::from_secs(${3:10});
    let (mut data, mut empty_reads) = (Vec::new(), 0u32);
    let mut buf = [0u8; 4096];
    loop {
        match stdout.read(&mut buf) {
            Ok(0) => break, // EOF: the child closed its end
            Ok(n) => data.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                empty_reads += 1; // nothing queued right now: do other work here, then wait for the fd
                $0
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err("timed out waiting for the child".into());
                }
                wait_readable(stdout.as_raw_fd(), left)?;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let status = child.wait()?;
    if !status.success() {
        return Err(format!("child failed: {status}").into());
    }
    let text = String::from_utf8(data)?;
    let expected: String = (1..=count).map(|i| format!("tick {i}\n")).collect();
    if text != expected {
        return Err(format!("unexpected data from the child: {text:?}").into());
    }
    println!("read {} lines without blocking ({empty_reads} reads found the pipe empty)", count);
    Ok(())
}
