// Unix stream socket server: fresh 0700 directory, 0600 socket, thread per client, cleanup on exit and on signals.
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::fs::{self, DirBuilder};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

const MAX_LINE: u64 = ${4:65536};

/// Removes the socket file and its directory: the file outlives the listener.
fn remove(dir: &Path, path: &Path) {
    let _ = fs::remove_file(path);
    let _ = fs::remove_dir(dir);
}

/// Cleans up however main ends: return, `?` or panic (signals are handled on their own thread).
struct Cleanup(PathBuf, PathBuf);
impl Drop for Cleanup {
    fn drop(&mut self) {
        remove(&self.0, &self.1);
    }
}

fn bind_private(path: &Path) -> std::io::Result<UnixListener> {
    // Nothing stale to remove: the directory is new. At a fixed path, remove a leftover socket file only if
    // connecting to it fails with ConnectionRefused; removing a live server's socket silently steals its address.
    let listener = UnixListener::bind(path)?;
    // The 0700 directory is what keeps others out between bind() and this chmod.
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// Answers every line with "echo: <line>"; returns the last line received.
fn serve(stream: UnixStream) -> std::io::Result<String> {
    stream.set_read_timeout(Some(Duration::from_secs(${5:30})))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut last = String::new();
    loop {
        let mut line = String::new();
        // Bound the line length: a peer must not make us buffer without limit.
        let n = (&mut reader).take(MAX_LINE).read_line(&mut line)?;
        if n == 0 {
            return Ok(last);
        }
        if !line.ends_with('\n') {
            return Err(std::io::Error::new(ErrorKind::InvalidData, "line too long or cut off"));
        }
        let line = line.trim_end_matches('\n');
        $0
        writer.write_all(format!("echo: {line}\n").as_bytes())?;
        last = line.to_string();
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("${1:myapp}-{}", std::process::id()));
    DirBuilder::new().mode(0o700).create(&dir)?;
    let path = dir.join("${2:server.sock}");
    let _cleanup = Cleanup(dir.clone(), path.clone());
    // Drop does not run when a signal kills the process: take SIGINT/SIGTERM on a thread that cleans up and exits.
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let (d, p) = (dir.clone(), path.clone());
    thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            remove(&d, &p);
            std::process::exit(128 + sig);
        }
    });
    let listener = bind_private(&path)?;
    println!("listening on {}", path.display());

    let max_clients = ${3:1}; // 0 = serve forever
    let mut workers = Vec::new();
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => workers.push(thread::spawn(move || serve(stream))),
            Err(e) => {
                // e.g. EMFILE: keep serving, but back off rather than spin while descriptors are short.
                eprintln!("accept failed: {e}");
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        }
        if max_clients != 0 && workers.len() >= max_clients {
            break;
        }
    }
    let mut failures = 0;
    for worker in workers {
        match worker.join() {
            Ok(Ok(last)) => println!("client done, last line: {last:?}"),
            Ok(Err(e)) => { failures += 1; eprintln!("client failed: {e}"); }
            Err(_) => { failures += 1; eprintln!("client thread panicked"); }
        }
    }
    if failures > 0 {
        return Err(format!("{failures} client(s) failed").into());
    }
    Ok(())
}
