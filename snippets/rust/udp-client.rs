// UDP client: connect() to the server, send, wait with a timeout and resend a bounded number of times.
use std::io::ErrorKind;
use std::net::UdpSocket;
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = std::env::args().nth(1).unwrap_or_else(|| "${1:127.0.0.1:7879}".to_string());
    let socket = UdpSocket::bind("0.0.0.0:0")?;
    // connect() filters out datagrams from other senders and turns ICMP "port unreachable" into errors.
    socket.connect(&server)?;
    socket.set_read_timeout(Some(Duration::from_millis(${2:500})))?;
    let message = "${3:hello over UDP}";
    let mut buf = vec![0u8; 65536];
    for attempt in 1..=${4:3} {
        socket.send(message.as_bytes())?;
        match socket.recv(&mut buf) {
            Ok(n) => {
                let reply = std::str::from_utf8(&buf[..n])?;
                if reply != format!("echo: {message}") {
                    return Err(format!("unexpected reply {reply:?}").into());
                }
                $0
                println!("server replied: {reply}");
                return Ok(());
            }
            // Datagrams get lost: retry after the timeout (WouldBlock on Linux, TimedOut on Windows).
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                eprintln!("attempt {attempt}: no reply yet");
            }
            Err(e) => return Err(format!("send/recv to {server}: {e}").into()),
        }
    }
    Err("no reply from the server".into())
}
