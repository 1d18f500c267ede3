// Length-prefixed framing over a stream socket: 4-byte big-endian length, size limit checked before allocating, validation.
use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::thread;
use std::time::Duration;

const MAX_FRAME: usize = ${1:1048576}; // 1 MiB

/// Writes header and payload with one write: two small writes can cost an extra round trip on TCP.
fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    if payload.is_empty() || payload.len() > MAX_FRAME {
        return Err(io::Error::new(ErrorKind::InvalidInput, "frame must be 1..=MAX_FRAME bytes"));
    }
    let mut buf = Vec::with_capacity(4 + payload.len());
    buf.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    buf.extend_from_slice(payload);
    w.write_all(&buf)
}

/// Ok(None) on a clean end of stream between frames; UnexpectedEof if the peer stops mid-frame.
fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut header[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let len = u32::from_be_bytes(header) as usize;
    // Check the length BEFORE allocating: a hostile peer could announce 4 GiB.
    if len == 0 || len > MAX_FRAME {
        return Err(io::Error::new(ErrorKind::InvalidData, format!("rejected frame of {len} bytes")));
    }
    let mut payload = vec![0u8; len];
    r.read_exact(&mut payload)?;
    Ok(Some(payload))
}

/// Application-level validation: UTF-8 text without control characters. Never execute what a peer sends.
fn validate(payload: &[u8]) -> io::Result<&str> {
    let text = std::str::from_utf8(payload).map_err(|_| io::Error::new(ErrorKind::InvalidData, "not UTF-8"))?;
    if text.chars().any(|c| c.is_control()) {
        return Err(io::Error::new(ErrorKind::InvalidData, "control characters"));
    }
    Ok(text)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut client, mut server) = UnixStream::pair()?; // works the same over TcpStream
    server.set_read_timeout(Some(Duration::from_secs(5)))?;
    client.set_read_timeout(Some(Duration::from_secs(5)))?;
    let peer = thread::spawn(move || -> io::Result<usize> {
        let mut served = 0;
        loop {
            let frame = match read_frame(&mut server) {
                Ok(Some(f)) => f,
                Ok(None) => return Ok(served),
                Err(e) if e.kind() == ErrorKind::InvalidData => {
                    // The stream is out of sync after a bad header: report and drop the connection.
                    write_frame(&mut server, format!("error: {e}").as_bytes())?;
                    return Ok(served);
                }
                Err(e) => return Err(e),
            };
            let reply = match validate(&frame) {
                Ok(text) => format!("ok: {text}"),
                Err(e) => format!("error: {e}"),
            };
            write_frame(&mut server, reply.as_bytes())?;
            served += 1;
        }
    });

    let messages = ["${2:first message}", "second message", "bad\u{7}bell"];
    let mut replies = Vec::new();
    for m in messages {
        write_frame(&mut client, m.as_bytes())?;
        replies.push(String::from_utf8(read_frame(&mut client)?.ok_or("server hung up")?)?);
    }
    $0
    // A header announcing more than MAX_FRAME is refused without reading (or allocating) the body.
    client.write_all(&((MAX_FRAME as u32) + 1).to_be_bytes())?;
    let refusal = String::from_utf8(read_frame(&mut client)?.ok_or("server hung up")?)?;
    let served = peer.join().map_err(|_| "server thread panicked")??;
    for r in &replies {
        println!("{r}");
    }
    println!("{refusal}");
    if served != 3 || replies[0] != "ok: $2" || !replies[2].starts_with("error:") || !refusal.contains("rejected frame") {
        return Err("unexpected protocol behaviour".into());
    }
    Ok(())
}
