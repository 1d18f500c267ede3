// POSIX shared memory SPSC ring, consumer side: attaches to the producer's segment and pops validated messages.
use std::ffi::CString;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

// Must match the producer's layout.
const SLOTS: u64 = ${1:64};
const SLOT_SIZE: usize = ${2:256};
const HEAD: usize = 0;
const TAIL: usize = 64;
const PRODUCER_DONE: usize = 128;
const CONSUMER_DONE: usize = 192;
const DATA: usize = 256;
const SIZE: usize = DATA + SLOTS as usize * SLOT_SIZE;

/// Accessed only through raw pointers and atomics: the producer writes to it concurrently.
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1).ok_or("usage: shm-ring-consumer /SHM_NAME")?;
    let c_name = CString::new(name.clone())?;
    // SAFETY: valid C string; the descriptor is checked, used for fstat/mmap, then closed.
    let map = unsafe {
        let fd = libc::shm_open(c_name.as_ptr(), libc::O_RDWR | libc::O_CLOEXEC, 0);
        if fd < 0 {
            return Err(format!("shm_open {name}: {}", std::io::Error::last_os_error()).into());
        }
        let mut st: libc::stat = std::mem::zeroed();
        let p = if libc::fstat(fd, &mut st) != 0 {
            libc::MAP_FAILED
        } else if st.st_size as usize != SIZE {
            libc::close(fd);
            return Err(format!("{name} is {} bytes, expected {SIZE}: layouts differ", st.st_size).into());
        } else {
            libc::mmap(std::ptr::null_mut(), SIZE, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, fd, 0)
        };
        let err = std::io::Error::last_os_error();
        libc::close(fd);
        if p == libc::MAP_FAILED {
            return Err(err.into());
        }
        Mapping(p.cast())
    };

    let deadline = Instant::now() + Duration::from_secs(${3:10});
    let (head, tail) = (map.atomic(HEAD), map.atomic(TAIL));
    let mut received = 0u64;
    loop {
        let t = tail.load(Ordering::Relaxed);
        // Acquire pairs with the producer's Release store of head: the slot contents are visible.
        if t == head.load(Ordering::Acquire) {
            // Empty: finished only if the producer said so and pushed nothing after our check.
            if map.atomic(PRODUCER_DONE).load(Ordering::Acquire) == 1 && head.load(Ordering::Acquire) == t {
                break;
            }
            if Instant::now() > deadline {
                return Err("timed out waiting for the producer".into());
            }
            std::thread::yield_now();
            continue;
        }
        let mut msg = vec![0u8; SLOT_SIZE - 4];
        // SAFETY: the slot is inside the mapping and the producer won't reuse it before tail moves past it.
        let len = unsafe {
            let slot = map.0.add(DATA + (t % SLOTS) as usize * SLOT_SIZE);
            let mut len = [0u8; 4];
            std::ptr::copy_nonoverlapping(slot, len.as_mut_ptr(), 4);
            // Never trust a length read from shared memory.
            let len = u32::from_ne_bytes(len) as usize;
            if len > SLOT_SIZE - 4 {
                return Err(format!("corrupt slot: length {len}").into());
            }
            std::ptr::copy_nonoverlapping(slot.add(4), msg.as_mut_ptr(), len);
            len
        };
        tail.store(t + 1, Ordering::Release); // hands the slot back to the producer
        msg.truncate(len);
        let text = String::from_utf8(msg)?;
        $0
        // The demo producer numbers its messages: check none was lost, duplicated or reordered.
        let seq: u64 = text.rsplit(' ').next().ok_or("empty message")?.parse()?;
        if seq != received {
            return Err(format!("expected message {received}, got {text:?}").into());
        }
        received += 1;
    }
    map.atomic(CONSUMER_DONE).store(1, Ordering::Release);
    println!("received {received} messages in order from {name}");
    Ok(())
}
