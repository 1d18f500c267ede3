// UDP echo server: one datagram in, one datagram out, with a buffer larger than any UDP payload.
use std::net::UdpSocket;

const PREFIX: &str = "echo: ";
/// The largest IPv4 UDP payload (65535 - 20 IP - 8 UDP): a longer reply fails with EMSGSIZE.
const MAX_PAYLOAD: usize = 65507;

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
        // Datagrams can come from anyone: validate before use, here that it is text whose echo fits in a datagram.
        let text = match std::str::from_utf8(request) {
            Ok(t) => t,
            Err(_) => { eprintln!("ignoring non-UTF-8 datagram from {peer}"); continue; }
        };
        if PREFIX.len() + n > MAX_PAYLOAD {
            eprintln!("ignoring {n}-byte datagram from {peer}: its echo would not fit in one");
            continue;
        }
        $0
        // One peer's failed reply (unreachable, EMSGSIZE...) must not stop the server.
        if let Err(e) = socket.send_to(format!("{PREFIX}{text}").as_bytes(), peer) {
            eprintln!("reply to {peer} failed: {e}");
            continue;
        }
        println!("echoed {n} bytes to {peer}: {text}");
        served += 1;
    }
    Ok(())
}
