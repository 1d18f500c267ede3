// Peer credentials (SO_PEERCRED): learn the pid/uid/gid of a Unix socket client and authorise it by uid.
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
use std::process::Command;
use std::time::Duration;

/// The kernel records these when the client calls connect(): they cannot be forged by the client.
fn peer_credentials(stream: &UnixStream) -> std::io::Result<libc::ucred> {
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: cred and len describe a properly sized ucred buffer.
    let rc = unsafe {
        libc::getsockopt(stream.as_raw_fd(), libc::SOL_SOCKET, libc::SO_PEERCRED,
            &mut cred as *mut libc::ucred as *mut libc::c_void, &mut len)
    };
    if rc != 0 { Err(std::io::Error::last_os_error()) } else { Ok(cred) }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "--client" {
        let mut stream = UnixStream::connect_addr(&SocketAddr::from_abstract_name(args[2].as_bytes())?)?;
        stream.write_all(b"${2:request from a client}")?;
        return Ok(());
    }
    let name = format!("${1:myapp}-cred-{}", std::process::id());
    let listener = UnixListener::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes())?)?;
    let mut child = Command::new(std::env::current_exe()?).args(["--client", &name]).spawn()?;

    let (mut stream, _) = listener.accept()?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let cred = peer_credentials(&stream)?;
    println!("peer pid={} uid={} gid={}", cred.pid, cred.uid, cred.gid);
    // SAFETY: getuid cannot fail.
    let allowed_uid = unsafe { libc::getuid() }; // only our own user may talk to us
    if cred.uid != allowed_uid {
        return Err(format!("uid {} is not allowed", cred.uid).into());
    }
    $0
    let mut request = String::new();
    stream.read_to_string(&mut request)?;
    let status = child.wait()?;
    if !status.success() || cred.pid as u32 != child.id() || request != "$2" {
        return Err(format!("unexpected: client {status}, pid {}, request {request:?}", cred.pid).into());
    }
    println!("authorised pid {} and read: {request}", cred.pid);
    Ok(())
}
