"""Pipe buffer size: read it with F_GETPIPE_SZ, raise it with F_SETPIPE_SZ (Python 3.10+), prove it by filling the pipe."""
import errno
import fcntl
import os
import sys


def main() -> int:
    r, w = os.pipe()
    try:
        print(f"default pipe size: {fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)} bytes")
        wanted = ${1:1048576}
        try:
            # Rounded up to a power-of-two number of pages; EPERM above /proc/sys/fs/pipe-max-size for
            # unprivileged users; EBUSY if more bytes are queued than the new size.
            fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, wanted)
        except PermissionError:
            print(f"not allowed to raise the pipe to {wanted} bytes (see /proc/sys/fs/pipe-max-size)")
        size = fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)
        print(f"pipe size now: {size} bytes")
        $0
        # Fill the pipe until the kernel says EAGAIN: that is exactly its capacity.
        os.set_blocking(w, False)
        os.set_blocking(r, False)
        queued = drained = 0
        chunk = b"\xa5" * 4096
        while True:
            try:
                queued += os.write(w, chunk)
            except BlockingIOError:
                break
        while True:
            try:
                data = os.read(r, 65536)
            except BlockingIOError:
                break
            if not data:
                break
            if data.count(0xA5) != len(data):
                print("read back different bytes", file=sys.stderr)
                return 1
            drained += len(data)
    except OSError as e:
        print(f"pipe: {e} ({errno.errorcode.get(e.errno or 0, '?')})", file=sys.stderr)
        return 1
    finally:
        os.close(r)
        os.close(w)
    if queued != size or drained != queued:
        print(f"pipe of {size} bytes held {queued}, read back {drained}", file=sys.stderr)
        return 1
    print(f"filled and drained {queued} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
