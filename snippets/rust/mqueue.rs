// POSIX message queue with priorities: send messages of mixed priority, a child receives them highest first.
use std::ffi::CString;
use std::process::Command;

/// Queues live in /dev/mqueue until unlinked, even after every process has exited.
struct Unlink(CString);
impl Drop for Unlink {
    fn drop(&mut self) {
        // SAFETY: valid C string.
        unsafe { libc::mq_unlink(self.0.as_ptr()) };
    }
}

fn receive_all(name: &str) -> Result<(), Box<dyn std::error::Error>> {
    let c_name = CString::new(name)?;
    // O_NONBLOCK: an empty queue gives EAGAIN instead of blocking forever.
    // SAFETY: valid C string; the descriptor is closed below.
    let mq = unsafe { libc::mq_open(c_name.as_ptr(), libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC) };
    if mq < 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    let result = (|| -> Result<(), Box<dyn std::error::Error>> {
        // SAFETY: mq_attr is plain data; mq is an open queue.
        let mut attr: libc::mq_attr = unsafe { std::mem::zeroed() };
        if unsafe { libc::mq_getattr(mq, &mut attr) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        // The buffer must hold mq_msgsize bytes or mq_receive fails with EMSGSIZE.
        let mut buf = vec![0u8; attr.mq_msgsize as usize];
        let mut last_prio = u32::MAX;
        let mut received = 0;
        loop {
            let mut prio: libc::c_uint = 0;
            // SAFETY: buf is writable for buf.len() bytes.
            let n = unsafe { libc::mq_receive(mq, buf.as_mut_ptr().cast(), buf.len(), &mut prio) };
            if n < 0 {
                let err = std::io::Error::last_os_error();
                if err.raw_os_error() == Some(libc::EAGAIN) { break; }
                return Err(err.into());
            }
            let text = std::str::from_utf8(&buf[..n as usize])?;
            if prio > last_prio {
                return Err(format!("priority {prio} arrived after {last_prio}").into());
            }
            last_prio = prio;
            received += 1;
            println!("received priority {prio}: {text}");
        }
        if received == 0 { Err("queue was empty".into()) } else { Ok(()) }
    })();
    // SAFETY: mq is open and closed once.
    unsafe { libc::mq_close(mq) };
    result
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "--receive" {
        return receive_all(&args[2]);
    }
    let name = format!("/${1:myapp}-mq-{}", std::process::id());
    let c_name = CString::new(name.clone())?;
    // SAFETY: mq_attr is plain data.
    let mut attr: libc::mq_attr = unsafe { std::mem::zeroed() };
    attr.mq_maxmsg = ${2:10}; // unprivileged limits: /proc/sys/fs/mqueue/msg_max (10) and msgsize_max (8192)
    attr.mq_msgsize = ${3:1024};
    // SAFETY: valid C string and attr; the descriptor is closed below.
    let mq = unsafe {
        libc::mq_open(c_name.as_ptr(), libc::O_CREAT | libc::O_EXCL | libc::O_WRONLY | libc::O_CLOEXEC,
            0o600 as libc::mode_t, &attr as *const libc::mq_attr)
    };
    if mq < 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    let _unlink = Unlink(c_name);
    let messages: [(&str, u32); 4] = [("${4:routine report}", 1), ("${5:urgent alarm}", 9), ("normal job", 5), ("second alarm", 9)];
    for (text, prio) in messages {
        // SAFETY: text is readable for text.len() bytes.
        if unsafe { libc::mq_send(mq, text.as_ptr().cast(), text.len(), prio) } != 0 {
            let err = std::io::Error::last_os_error();
            unsafe { libc::mq_close(mq) };
            return Err(err.into());
        }
    }
    // SAFETY: mq is open and closed once.
    unsafe { libc::mq_close(mq) };
    $0
    let out = Command::new(std::env::current_exe()?).args(["--receive", &name]).output()?;
    let got = String::from_utf8(out.stdout)?;
    print!("{got}");
    // Highest priority first, first-in first-out within a priority.
    let order: Vec<&str> = got.lines().filter_map(|l| l.split_once(": ").map(|(_, t)| t)).collect();
    if !out.status.success() || order != ["$5", "second alarm", "normal job", "$4"] {
        return Err(format!("receiver failed ({}), order {order:?}", out.status).into());
    }
    println!("sent {} messages, received in priority order", messages.len());
    Ok(())
}
