// FIFO writer: opens an existing named pipe for writing and sends numbered lines, one write() per line.
use std::fs::OpenOptions;
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: fifo-writer FIFO_PATH")?;
    // Blocks until a reader opens the FIFO (use O_NONBLOCK to get ENXIO instead when no reader is there).
    let mut fifo = OpenOptions::new().write(true).open(&path)?;
    let count = ${1:3};
    for seq in 1..=count {
        // Writes of at most PIPE_BUF (4096) bytes are atomic: lines from several writers never interleave.
        let line = format!("{seq} ${2:hello through a FIFO}\n");
        fifo.write_all(line.as_bytes())?;
    }
    println!("sent {count} lines to {path}");
    Ok(()) // closing the last writer gives the reader EOF
}
