"""FIFO writer: opens an existing named pipe for writing and sends numbered lines, one write() per line."""
import os
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: fifo-writer.py FIFO_PATH", file=sys.stderr)
        return 2
    path = sys.argv[1]
    count = ${1:3}
    try:
        # Blocks until a reader opens the FIFO (os.O_NONBLOCK would give ENXIO instead).
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    except OSError as e:
        print(f"open {path}: {e}", file=sys.stderr)
        return 1
    try:
        for seq in range(1, count + 1):
            data = f"{seq} ${2:hello through a FIFO}\n".encode()
            # At most PIPE_BUF (4096) bytes per write are atomic: lines from several writers never interleave.
            if os.write(fd, data) != len(data):
                raise OSError("short write")
    except OSError as e:  # BrokenPipeError if the reader went away
        print(f"write: {e}", file=sys.stderr)
        return 1
    finally:
        os.close(fd)  # the reader sees EOF once the last writer closes
    print(f"sent {count} lines to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
