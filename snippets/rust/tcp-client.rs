// TCP client: connect with a timeout, TCP_NODELAY, read/write timeouts, send a line, check the echoed reply.
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = std::env::args().nth(1).unwrap_or_else(|| "${1:127.0.0.1:7878}".to_string());
    let timeout = Duration::from_secs(${2:5});
    let mut last_err = None;
    let mut stream = None;
    // A host name can resolve to several addresses (IPv6 and IPv4): try each with a bounded connect.
    for addr in target.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => { stream = Some(s); break; }
            Err(e) => last_err = Some(e),
        }
    }
    let stream = match (stream, last_err) {
        (Some(s), _) => s,
        (None, Some(e)) => return Err(format!("connect {target}: {e}").into()),
        (None, None) => return Err(format!("{target} resolved to no address").into()),
    };
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let message = "${3:hello over TCP}";
    (&stream).write_all(format!("{message}\n").as_bytes())?;
    stream.shutdown(Shutdown::Write)?;
    let mut reply = String::new();
    match BufReader::new(&stream).read_line(&mut reply) {
        Ok(_) => {}
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            return Err("server did not answer in time".into());
        }
        Err(e) => return Err(e.into()),
    }
    $0
    if reply.trim_end() != format!("echo: {message}") {
        return Err(format!("unexpected reply {reply:?}").into());
    }
    println!("server replied: {}", reply.trim_end());
    Ok(())
}
