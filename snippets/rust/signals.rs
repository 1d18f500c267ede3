// Signal handling with signal-hook: a child handles SIGUSR1 in an iterator thread and exits cleanly on SIGTERM.
use signal_hook::consts::{SIGTERM, SIGUSR1};
use signal_hook::iterator::Signals;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn send_signal(pid: u32, sig: libc::c_int) -> std::io::Result<()> {
    // SAFETY: kill() has no memory-safety preconditions.
    if unsafe { libc::kill(pid as libc::pid_t, sig) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count = ${1:3};
    if std::env::args().nth(1).as_deref() == Some("--child") {
        // Register before announcing "ready": a signal that arrives earlier would kill us (default action).
        let mut signals = Signals::new([SIGUSR1, SIGTERM])?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "ready")?;
        out.flush()?;
        let mut seen = 0;
        // The handler itself only records the signal; this loop runs in normal context, so any code is allowed.
        for sig in signals.forever() {
            match sig {
                SIGUSR1 => {
                    seen += 1;
                    $0
                    writeln!(out, "got SIGUSR1 #{seen}")?; // the ack lets the sender send the next one
                    out.flush()?;
                }
                SIGTERM => {
                    writeln!(out, "got SIGTERM after {seen} SIGUSR1, exiting")?;
                    return if seen == count { Ok(()) } else { Err("missed a signal".into()) };
                }
                _ => {}
            }
        }
        return Ok(());
    }
    let mut child = Command::new(std::env::current_exe()?).arg("--child").stdout(Stdio::piped()).spawn()?;
    let mut lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
    let mut next_line = || -> Result<String, Box<dyn std::error::Error>> {
        Ok(lines.next().ok_or("child closed its output")??)
    };
    if next_line()? != "ready" {
        return Err("child did not get ready".into());
    }
    for i in 1..=count {
        // Standard signals don't queue: a second SIGUSR1 sent before the first is handled is merged with it.
        send_signal(child.id(), SIGUSR1)?;
        let ack = next_line()?;
        if ack != format!("got SIGUSR1 #{i}") {
            return Err(format!("unexpected ack {ack:?}").into());
        }
        println!("child acknowledged: {ack}");
    }
    send_signal(child.id(), SIGTERM)?;
    println!("child said: {}", next_line()?);
    let status = child.wait()?;
    if !status.success() {
        return Err(format!("child failed: {status}").into());
    }
    Ok(())
}
