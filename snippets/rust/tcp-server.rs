// TCP server: TCP_NODELAY, read/write timeouts and keepalive on every connection, one thread per client.
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::thread;
use std::time::Duration;

const MAX_LINE: u64 = ${4:65536};

fn set_int_opt(stream: &TcpStream, level: libc::c_int, name: libc::c_int, value: libc::c_int) -> std::io::Result<()> {
    // SAFETY: value is a c_int and we pass its size.
    let rc = unsafe {
        libc::setsockopt(stream.as_raw_fd(), level, name, &value as *const libc::c_int as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t)
    };
    if rc != 0 { Err(std::io::Error::last_os_error()) } else { Ok(()) }
}

/// Detects dead peers after idle + interval * count seconds (std has no keepalive setter).
fn set_keepalive(stream: &TcpStream, idle_secs: libc::c_int) -> std::io::Result<()> {
    set_int_opt(stream, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1)?;
    set_int_opt(stream, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, idle_secs)?;
    set_int_opt(stream, libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, 10)?;
    set_int_opt(stream, libc::IPPROTO_TCP, libc::TCP_KEEPCNT, 3)
}

fn serve(stream: TcpStream) -> std::io::Result<String> {
    stream.set_nodelay(true)?; // small replies go out at once instead of waiting for Nagle's algorithm
    stream.set_read_timeout(Some(Duration::from_secs(${5:30})))?;
    stream.set_write_timeout(Some(Duration::from_secs($5)))?;
    set_keepalive(&stream, ${6:60})?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut last = String::new();
    loop {
        let mut line = String::new();
        let n = match (&mut reader).take(MAX_LINE).read_line(&mut line) {
            Ok(n) => n,
            // On Linux a read timeout is WouldBlock (TimedOut on Windows).
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(std::io::Error::new(ErrorKind::TimedOut, "client idle too long"));
            }
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(last);
        }
        if !line.ends_with('\n') {
            return Err(std::io::Error::new(ErrorKind::InvalidData, "line too long or cut off"));
        }
        let line = line.trim_end_matches('\n');
        $0
        writer.write_all(format!("echo: {line}\n").as_bytes())?; // one write per reply
        last = line.to_string();
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Port 0 lets the kernel pick a free port; std sets SO_REUSEADDR so restarts don't hit TIME_WAIT.
    let listener = TcpListener::bind("${1:127.0.0.1}:${2:0}")?;
    println!("listening on {}", listener.local_addr()?);
    let max_clients = ${3:1}; // 0 = serve forever
    let mut workers = Vec::new();
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(e) => {
                // e.g. EMFILE: keep serving, but back off rather than spin while descriptors are short.
                eprintln!("accept failed: {e}");
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // A client that has already reset the connection has no peer address (ENOTCONN): fail it, not the server.
        let peer = stream.peer_addr().map_or_else(|e| format!("(gone: {e})"), |a| a.to_string());
        workers.push(thread::spawn(move || (peer, serve(stream))));
        if max_clients != 0 && workers.len() >= max_clients {
            break;
        }
    }
    let mut failures = 0;
    for worker in workers {
        match worker.join() {
            Ok((peer, Ok(last))) => println!("client {peer} done, last line: {last:?}"),
            Ok((peer, Err(e))) => { failures += 1; eprintln!("client {peer} failed: {e}"); }
            Err(_) => { failures += 1; eprintln!("client thread panicked"); }
        }
    }
    if failures > 0 {
        return Err(format!("{failures} client(s) failed").into());
    }
    Ok(())
}
