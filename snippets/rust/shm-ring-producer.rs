// POSIX shared memory SPSC ring, producer side: creates the segment, pushes messages, unlinks it when the consumer is done.
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::ffi::CString;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

// Layout shared with the consumer: head, tail and flags on separate cache lines, then the slots.
const SLOTS: u64 = ${2:64};
const SLOT_SIZE: usize = ${3:256}; // u32 length + payload
const HEAD: usize = 0; // written by the producer only
const TAIL: usize = 64; // written by the consumer only
const PRODUCER_DONE: usize = 128;
const CONSUMER_DONE: usize = 192;
const DATA: usize = 256;
const SIZE: usize = DATA + SLOTS as usize * SLOT_SIZE;

/// The mapping: only ever accessed through raw pointers and atomics, never through &[u8] / &mut [u8],
/// because the other process writes to it concurrently.
struct Mapping(*mut u8);
impl Mapping {
    fn atomic(&self, offset: usize) -> &AtomicU64 {
        // SAFETY: offset is 8-aligned, inside the mapping, and only ever used atomically by both sides.
        unsafe { &*(self.0.add(offset) as *const AtomicU64) }
    }
}
impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: self.0 was returned by mmap with length SIZE.
        unsafe { libc::munmap(self.0.cast(), SIZE) };
    }
}
/// shm objects outlive every process that maps them: unlink on every exit path.
struct Unlink(CString);
impl Drop for Unlink {
    fn drop(&mut self) {
        // SAFETY: valid C string.
        unsafe { libc::shm_unlink(self.0.as_ptr()) };
    }
}

fn wait_until(deadline: Instant, what: &str, mut ready: impl FnMut() -> Result<bool, String>) -> Result<(), String> {
    while !ready()? {
        if Instant::now() > deadline {
            return Err(format!("timed out waiting for {what}"));
        }
        std::thread::yield_now();
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One leading slash, no other: the object appears as /dev/shm/<name>.
    let name = CString::new(format!("/${1:myapp}-ring-{}", std::process::id()))?;
    // SAFETY: valid C string; O_EXCL fails rather than reuse a segment somebody else created.
    let fd = unsafe { libc::shm_open(name.as_ptr(), libc::O_CREAT | libc::O_EXCL | libc::O_RDWR | libc::O_CLOEXEC, 0o600) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    let _unlink = Unlink(name.clone());
    // Drop does not run when a signal kills the process: take SIGINT/SIGTERM on a thread that unlinks and exits.
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let on_signal = Unlink(name.clone());
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            drop(on_signal);
            std::process::exit(128 + sig);
        }
    });
    // SAFETY: fd is ours; ftruncate zero-fills, so head = tail = 0 and both flags are clear from the start.
    let map = unsafe {
        let ok = libc::ftruncate(fd, SIZE as libc::off_t) == 0;
        let p = if ok {
            libc::mmap(std::ptr::null_mut(), SIZE, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, fd, 0)
        } else {
            libc::MAP_FAILED
        };
        let err = std::io::Error::last_os_error();
        libc::close(fd); // the mapping stays valid without the descriptor
        if p == libc::MAP_FAILED {
            return Err(err.into());
        }
        Mapping(p.cast())
    };
    println!("shm at {}", name.to_string_lossy());

    let count: u64 = ${4:1000};
    let deadline = Instant::now() + Duration::from_secs(${5:10});
    let (head, tail) = (map.atomic(HEAD), map.atomic(TAIL));
    for i in 0..count {
        let msg = format!("${6:message} {i}");
        let bytes = msg.as_bytes();
        if bytes.len() > SLOT_SIZE - 4 {
            return Err("message larger than a slot".into());
        }
        let h = head.load(Ordering::Relaxed);
        // Acquire pairs with the consumer's Release store of tail: the slot we reuse has been read.
        wait_until(deadline, "a free slot", || {
            // tail comes from the other process: never trust it (tail > head would underflow h - t).
            let t = tail.load(Ordering::Acquire);
            if t > h {
                return Err(format!("corrupt ring: tail {t} is ahead of head {h}"));
            }
            Ok(h - t < SLOTS)
        })?;
        // SAFETY: the slot lies inside the mapping and the consumer does not touch it until head moves past it.
        unsafe {
            let slot = map.0.add(DATA + (h % SLOTS) as usize * SLOT_SIZE);
            std::ptr::copy_nonoverlapping((bytes.len() as u32).to_ne_bytes().as_ptr(), slot, 4);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), slot.add(4), bytes.len());
        }
        head.store(h + 1, Ordering::Release); // publishes the slot contents written above
        $0
    }
    map.atomic(PRODUCER_DONE).store(1, Ordering::Release);
    wait_until(deadline, "the consumer", || Ok(map.atomic(CONSUMER_DONE).load(Ordering::Acquire) == 1))?;
    println!("sent {count} messages through {} slots", SLOTS);
    Ok(())
}
