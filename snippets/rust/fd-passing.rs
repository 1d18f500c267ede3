// Passing an open file descriptor to another process over a Unix socket (SCM_RIGHTS), here to a re-executed child.
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};

/// Sends `fd` with one data byte (a message must carry at least one byte of data).
fn send_fd(sock: &UnixStream, fd: RawFd) -> std::io::Result<()> {
    let mut byte = [b'F'];
    let mut iov = libc::iovec { iov_base: byte.as_mut_ptr().cast(), iov_len: 1 };
    let mut cbuf = [0u64; 4]; // u64 keeps the control buffer aligned for cmsghdr
    // SAFETY: the msghdr points at live buffers; CMSG_SPACE(4) = 24 bytes fits in cbuf (32 bytes).
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr().cast();
        msg.msg_controllen = libc::CMSG_SPACE(std::mem::size_of::<RawFd>() as u32) as _;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<RawFd>() as u32) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<RawFd>(), fd);
        if libc::sendmsg(sock.as_raw_fd(), &msg, libc::MSG_NOSIGNAL) != 1 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Receives one descriptor; the caller owns it from here on (MSG_CMSG_CLOEXEC: not leaked into exec'd children).
fn recv_fd(sock: &UnixStream) -> std::io::Result<OwnedFd> {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec { iov_base: byte.as_mut_ptr().cast(), iov_len: 1 };
    let mut cbuf = [0u64; 4];
    // SAFETY: as in send_fd; every cmsg is read within msg_controllen as set by the kernel.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&cbuf) as _;
        let n = libc::recvmsg(sock.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC);
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut received: Option<OwnedFd> = None;
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(cmsg).cast::<RawFd>();
                let count = ((*cmsg).cmsg_len as usize - libc::CMSG_LEN(0) as usize) / std::mem::size_of::<RawFd>();
                for i in 0..count {
                    // Take ownership of every fd we were given, even unexpected extra ones, so they get closed.
                    let fd = OwnedFd::from_raw_fd(std::ptr::read_unaligned(data.add(i)));
                    received.get_or_insert(fd);
                }
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
        if msg.msg_flags & libc::MSG_CTRUNC != 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "control data truncated"));
        }
        received.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "no descriptor in message"))
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("--child") {
        // Our stdin is the socket the parent gave us.
        // SAFETY: fd 0 is the socket set up by the parent and nothing else in this process uses it.
        let sock = unsafe { UnixStream::from_raw_fd(0) };
        let file = File::from(recv_fd(&sock)?);
        // The descriptor shares its file offset with the sender: read at an explicit offset.
        let mut buf = vec![0u8; 4096];
        let n = file.read_at(&mut buf, 0)?;
        (&sock).write_all(&buf[..n])?;
        return Ok(());
    }
    let (parent_sock, child_sock) = UnixStream::pair()?;
    // Giving the child its socket as stdin is the simple way across exec: std opens its own descriptors
    // with O_CLOEXEC, so the socket would not survive exec under its own number.
    let mut child = Command::new(std::env::current_exe()?)
        .arg("--child")
        .stdin(Stdio::from(OwnedFd::from(child_sock)))
        .spawn()?;

    // A file only we can open, removed at once: the child can only reach it through the passed descriptor.
    let path = std::env::temp_dir().join(format!("${1:myapp}-secret-{}", std::process::id()));
    let mut file = OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(&path)?;
    fs::remove_file(&path)?;
    let content = "${2:contents only reachable through the passed fd}";
    file.write_all(content.as_bytes())?;
    send_fd(&parent_sock, file.as_raw_fd())?;
    $0
    parent_sock.shutdown(std::net::Shutdown::Write)?;
    let mut echoed = String::new();
    (&parent_sock).read_to_string(&mut echoed)?;
    let status = child.wait()?;
    if !status.success() || echoed != content {
        return Err(format!("child {status} read {echoed:?}").into());
    }
    println!("child read through the passed fd: {echoed}");
    Ok(())
}
