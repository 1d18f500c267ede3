// Unix stream socket client: connect to a socket path, send a line with timeouts, check the echoed reply.
use std::io::{BufRead, BufReader, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: unix-stream-client SOCKET_PATH")?;
    // ENOENT: no server bound there; ECONNREFUSED: a stale socket file whose server is gone.
    let stream = UnixStream::connect(&path).map_err(|e| format!("connect {path}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(${2:5})))?;
    stream.set_write_timeout(Some(Duration::from_secs($2)))?;
    let message = "${1:hello over a Unix socket}";
    (&stream).write_all(format!("{message}\n").as_bytes())?;
    stream.shutdown(Shutdown::Write)?; // tell the server we are done sending
    let mut reply = String::new();
    BufReader::new(&stream).read_line(&mut reply)?;
    $0
    if reply.trim_end() != format!("echo: {message}") {
        return Err(format!("unexpected reply {reply:?}").into());
    }
    println!("server replied: {}", reply.trim_end());
    Ok(())
}
