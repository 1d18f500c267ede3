// FIFO reader: creates a named pipe (0600, in a private 0700 directory), reads lines until EOF, removes it, on signals too.
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::ffi::CString;
use std::fs::{self, DirBuilder, File};
use std::io::{BufRead, BufReader};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the signal thread before it removes the FIFO and exits.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Removes the FIFO and its directory (the FIFO outlives every open end).
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("${1:myapp}-{}", std::process::id()));
    DirBuilder::new().mode(0o700).create(&dir)?; // fails if it exists: nobody can pre-plant it
    let path = dir.join("${2:events.fifo}");
    let _cleanup = Cleanup(dir.clone(), path.clone());
    // Drop does not run when a signal kills the process: take SIGINT/SIGTERM on a thread that cleans up and exits.
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let (d, p) = (dir.clone(), path.clone());
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            STOPPING.store(true, Ordering::SeqCst);
            remove(&d, &p);
            std::process::exit(128 + sig);
        }
    });
    let c_path = CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: c_path is a valid NUL-terminated string.
    if unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    println!("fifo at {}", path.display());
    // open() blocks until a writer opens the other end; read() returns EOF once every writer has closed it.
    let file = match File::open(&path) {
        Ok(f) => f,
        // The signal thread removed the FIFO before open() began: let it finish and exit with the signal's status.
        Err(_) if STOPPING.load(Ordering::SeqCst) => loop {
            std::thread::park();
        },
        Err(e) => return Err(e.into()),
    };
    let reader = BufReader::new(file);
    let mut count = 0u64;
    for line in reader.lines() {
        let line = line?;
        // Each line is "<sequence> <text>": check nothing was lost or reordered.
        let (seq, text) = line.split_once(' ').ok_or("malformed line")?;
        if seq.parse::<u64>()? != count + 1 {
            return Err(format!("expected message {}, got {line:?}", count + 1).into());
        }
        count += 1;
        println!("received {seq}: {text}");
        $0
    }
    if count == 0 {
        return Err("writer closed the FIFO without sending anything".into());
    }
    println!("received {count} lines");
    Ok(())
}
