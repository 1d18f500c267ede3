// Abstract-namespace Unix socket (Linux): no file to clean up, but no permissions either, so check the peer's uid.
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
use std::process::Command;
use std::time::Duration;

/// uid of the process at the other end (SO_PEERCRED): anyone in this network namespace can connect.
fn peer_uid(stream: &UnixStream) -> std::io::Result<libc::uid_t> {
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: cred and len describe a properly sized ucred buffer.
    let rc = unsafe {
        libc::getsockopt(stream.as_raw_fd(), libc::SOL_SOCKET, libc::SO_PEERCRED,
            &mut cred as *mut libc::ucred as *mut libc::c_void, &mut len)
    };
    if rc != 0 { Err(std::io::Error::last_os_error()) } else { Ok(cred.uid) }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "--client" {
        // Client side: the name is given without the leading NUL.
        let addr = SocketAddr::from_abstract_name(args[2].as_bytes())?;
        let mut stream = UnixStream::connect_addr(&addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(b"${2:hello over an abstract socket}")?;
        stream.shutdown(std::net::Shutdown::Write)?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply)?;
        println!("client got: {reply}");
        return Ok(());
    }
    // Unique per process: abstract names are global in the network namespace.
    let name = format!("${1:myapp}-{}", std::process::id());
    let listener = UnixListener::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes())?)?;
    println!("listening on @{name}");
    let mut child = Command::new(std::env::current_exe()?).args(["--client", &name]).spawn()?;

    let (mut stream, _) = listener.accept()?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    // SAFETY: getuid cannot fail.
    if peer_uid(&stream)? != unsafe { libc::getuid() } {
        return Err("refusing a client running as another user".into());
    }
    let mut request = String::new();
    stream.read_to_string(&mut request)?;
    $0
    stream.write_all(format!("got {} bytes", request.len()).as_bytes())?;
    drop(stream);
    let status = child.wait()?;
    if !status.success() || request != "$2" {
        return Err(format!("exchange failed: client {status}, request {request:?}").into());
    }
    println!("server got: {request}");
    Ok(())
}
