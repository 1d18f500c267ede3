"""Memory-mapped file: write a record through a shared mapping, flush it, and read it from another process."""
import mmap
import os
import struct
import subprocess
import sys
import tempfile

SIZE = ${2:4096}
LENGTH = struct.Struct("<I")


def reader(path: str) -> int:
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        (length,) = LENGTH.unpack_from(m, 0)
        if LENGTH.size + length > len(m):  # validate, don't trust
            print("length field points past the end", file=sys.stderr)
            return 1
        print("reader saw: " + m[LENGTH.size : LENGTH.size + length].decode())
    return 0


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--reader":
        return reader(sys.argv[2])
    record = "${3:hello through a memory-mapped file}".encode()
    fd, path = tempfile.mkstemp(prefix="${1:myapp}-", suffix=".bin")  # mode 0600
    try:
        with os.fdopen(fd, "r+b") as f:
            f.truncate(SIZE)  # a mapping cannot grow the file: size it first
            with mmap.mmap(f.fileno(), SIZE) as m:  # MAP_SHARED: writes go to the file
                if LENGTH.size + len(record) > SIZE:
                    raise ValueError("record does not fit")
                LENGTH.pack_into(m, 0, len(record))
                m[LENGTH.size : LENGTH.size + len(record)] = record
                m.flush()  # msync: on disk now; other mappings of the file see it at once anyway
        $0
        out = subprocess.run([sys.executable, __file__, "--reader", path], capture_output=True, text=True, timeout=10)
        print(out.stdout, end="")
        if out.returncode != 0 or out.stdout.strip() != "reader saw: " + record.decode():
            print(f"reader failed: {out.stderr}", file=sys.stderr)
            return 1
        return 0
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        print(f"mmap demo failed: {e}", file=sys.stderr)
        return 1
    finally:
        os.unlink(path)


if __name__ == "__main__":
    sys.exit(main())
