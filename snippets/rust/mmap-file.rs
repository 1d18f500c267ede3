// Memory-mapped file (memmap2): write a record through a shared mapping, flush it, and read it from another process.
use memmap2::{Mmap, MmapOptions};
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::process::Command;

const SIZE: u64 = ${2:4096};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "--reader" {
        let file = File::open(&args[2])?;
        // SAFETY: nobody modifies or truncates the file while we map it (the writer waits for us);
        // a concurrent truncate would make reads SIGBUS, and concurrent writes break &[u8] aliasing rules.
        let map = unsafe { Mmap::map(&file)? };
        let len = u32::from_le_bytes(map.get(..4).ok_or("file too short")?.try_into()?) as usize;
        let body = map.get(4..4 + len).ok_or("length field points past the end")?; // validate, don't trust
        println!("reader saw: {}", std::str::from_utf8(body)?);
        return Ok(());
    }
    let path = std::env::temp_dir().join(format!("${1:myapp}-{}.bin", std::process::id()));
    let file = OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(&path)?;
    let result = (|| -> Result<(), Box<dyn std::error::Error>> {
        file.set_len(SIZE)?; // a mapping cannot grow the file: size it first
        // SAFETY: the file is private to this demo and not resized while mapped.
        let mut map = unsafe { MmapOptions::new().len(SIZE as usize).map_mut(&file)? };
        let record = "${3:hello through a memory-mapped file}".as_bytes();
        if record.len() + 4 > map.len() {
            return Err("record does not fit".into());
        }
        map[..4].copy_from_slice(&(record.len() as u32).to_le_bytes());
        map[4..4 + record.len()].copy_from_slice(record);
        map.flush()?; // msync: on disk now; other mappings of the file see it at once anyway
        $0
        drop(map);
        let out = Command::new(std::env::current_exe()?).arg("--reader").arg(&path).output()?;
        let seen = String::from_utf8(out.stdout)?;
        if !out.status.success() || seen.trim_end() != format!("reader saw: {}", std::str::from_utf8(record)?) {
            return Err(format!("reader failed ({}): {seen}", out.status).into());
        }
        print!("{seen}");
        Ok(())
    })();
    fs::remove_file(&path)?;
    result
}
