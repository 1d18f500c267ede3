// A cross-platform IpcChannel: framed send/recv of byte messages over a Unix socket (local) or TCP (otherwise).
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::thread;
use std::time::Duration;

const MAX_MESSAGE: usize = ${1:1048576};

pub trait IpcChannel: Send {
    fn send(&mut self, msg: &[u8]) -> io::Result<()>;
    /// One whole message, exactly as sent: framing keeps messages from being split or merged.
    fn recv(&mut self) -> io::Result<Vec<u8>>;
}

/// Any byte stream becomes a channel by adding a 4-byte big-endian length prefix.
pub struct Framed<S: Read + Write + Send>(pub S);

impl<S: Read + Write + Send> IpcChannel for Framed<S> {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        if msg.len() > MAX_MESSAGE {
            return Err(io::Error::new(ErrorKind::InvalidInput, "message too large"));
        }
        let mut buf = Vec::with_capacity(4 + msg.len());
        buf.extend_from_slice(&(msg.len() as u32).to_be_bytes());
        buf.extend_from_slice(msg);
        self.0.write_all(&buf)
    }
    fn recv(&mut self) -> io::Result<Vec<u8>> {
        let mut header = [0u8; 4];
        self.0.read_exact(&mut header)?;
        let len = u32::from_be_bytes(header) as usize;
        if len > MAX_MESSAGE {
            return Err(io::Error::new(ErrorKind::InvalidData, format!("peer announced {len} bytes")));
        }
        let mut msg = vec![0u8; len];
        self.0.read_exact(&mut msg)?;
        Ok(msg)
    }
}

/// "unix:/path" -> Unix socket (on Unix); "host:port" -> TCP with a connect timeout. Errors, never panics.
pub fn connect(address: &str, timeout: Duration) -> io::Result<Box<dyn IpcChannel>> {
    if let Some(path) = address.strip_prefix("unix:") {
        #[cfg(unix)]
        {
            let s = std::os::unix::net::UnixStream::connect(path)?;
            s.set_read_timeout(Some(timeout))?;
            return Ok(Box::new(Framed(s)));
        }
        #[cfg(not(unix))]
        return Err(io::Error::new(ErrorKind::Unsupported, format!("no Unix sockets here: {path}")));
    }
    let mut last = io::Error::new(ErrorKind::InvalidInput, format!("{address} resolved to no address"));
    for addr in address.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                s.set_nodelay(true)?;
                s.set_read_timeout(Some(timeout))?;
                return Ok(Box::new(Framed(s)));
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Demo server: echoes one message back on the given channel.
fn echo_once(mut ch: impl IpcChannel) -> io::Result<()> {
    let msg = ch.recv()?;
    ch.send(&msg)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let timeout = Duration::from_secs(${2:5});
    let tcp = TcpListener::bind("127.0.0.1:0")?;
    let mut addresses = vec![tcp.local_addr()?.to_string()];
    let mut servers = vec![thread::spawn(move || -> io::Result<()> { echo_once(Framed(tcp.accept()?.0)) })];
    #[cfg(unix)]
    let dir = {
        use std::os::unix::fs::DirBuilderExt;
        let dir = std::env::temp_dir().join(format!("${3:myapp}-{}", std::process::id()));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        let unix = std::os::unix::net::UnixListener::bind(dir.join("chan.sock"))?;
        addresses.push(format!("unix:{}", dir.join("chan.sock").display()));
        servers.push(thread::spawn(move || -> io::Result<()> { echo_once(Framed(unix.accept()?.0)) }));
        dir
    };
    let message = "${4:hello through IpcChannel}".repeat(1000); // larger than one read: framing matters
    let mut result: Result<(), Box<dyn std::error::Error>> = Ok(());
    for (address, server) in addresses.iter().zip(servers) {
        let outcome = connect(address, timeout).and_then(|mut ch| {
            ch.send(message.as_bytes())?;
            ch.recv()
        });
        match outcome {
            Ok(reply) if reply == message.as_bytes() => println!("{address}: echoed {} bytes intact", reply.len()),
            Ok(reply) => result = Err(format!("{address}: got {} bytes back", reply.len()).into()),
            // The server may still wait in accept(): leave its thread detached rather than join it.
            Err(e) => { result = Err(format!("{address}: {e}").into()); continue; }
        }
        if let Err(e) = server.join().map_err(|_| "server panicked")? {
            result = Err(e.into());
        }
    }
    $0
    #[cfg(unix)]
    std::fs::remove_dir_all(&dir)?;
    result
}
