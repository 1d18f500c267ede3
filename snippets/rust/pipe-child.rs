// Anonymous pipes to a child process: feed its stdin from a thread, read its stdout, check its exit status.
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::thread;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lines = ["info: started", "error: disk full", "info: retrying", "error: gave up"];
    let mut child = Command::new("${1:grep}")
        .arg("${2:error}")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().ok_or("child has no stdin")?;
    // Write from another thread: writing everything before reading deadlocks once both pipes are full (64 KiB).
    let writer = thread::spawn(move || -> std::io::Result<()> {
        for line in lines {
            writeln!(stdin, "{line}")?;
        }
        Ok(()) // stdin is dropped here: the child sees EOF
    });
    let stdout = child.stdout.take().ok_or("child has no stdout")?;
    let mut received = Vec::new();
    for line in BufReader::new(stdout).lines() {
        received.push(line?);
    }
    // A child that exits early makes our writes fail with EPIPE (Rust ignores SIGPIPE): report it, don't panic.
    writer.join().map_err(|_| "writer thread panicked")??;
    let status = child.wait()?;
    if !status.success() {
        return Err(format!("child failed: {status}").into());
    }
    $0
    let expected: Vec<&str> = lines.iter().copied().filter(|l| l.contains("$2")).collect();
    if received != expected {
        return Err(format!("expected {expected:?}, got {received:?}").into());
    }
    println!("child returned {} of {} lines: {received:?}", received.len(), lines.len());
    Ok(())
}
