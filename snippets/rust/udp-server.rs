// UDP echo server: one datagram in, one datagram out, with a buffer larger than any UDP payload.
use std::net::UdpSocket;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let socket = UdpSocket::bind("${1:127.0.0.1}:${2:0}")?;
    println!("listening on {}", socket.local_addr()?);
    // recv_from silently truncates a datagram larger than the buffer: 65536 > the 65507-byte UDP maximum.
    let mut buf = vec![0u8; 65536];
    let max_datagrams = ${3:1}; // 0 = serve forever
    let mut served = 0;
    while max_datagrams == 0 || served < max_datagrams {
        let (n, peer) = match socket.recv_from(&mut buf) {
            Ok(x) => x,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        let request = &buf[..n];
        $0
        // Datagrams can come from anyone: validate before use, here at least that it is text.
        let text = match std::str::from_utf8(request) {
            Ok(t) => t,
            Err(_) => { eprintln!("ignoring non-UTF-8 datagram from {peer}"); continue; }
        };
        socket.send_to(format!("echo: {text}").as_bytes(), peer)?;
        println!("echoed {n} bytes to {peer}: {text}");
        served += 1;
    }
    Ok(())
}
