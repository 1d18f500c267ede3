"""FIFO reader: creates a named pipe (mode 0600 in a private 0700 directory), reads lines until EOF, removes it."""
import os
import signal
import sys
import tempfile


def main() -> int:
    # SIGTERM's default action skips the with-blocks' cleanup: make SIGINT and SIGTERM raise SystemExit instead.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    with tempfile.TemporaryDirectory(prefix="${1:myapp}-") as directory:  # mode 0700, removed with its content
        path = os.path.join(directory, "${2:events.fifo}")
        os.mkfifo(path, 0o600)
        print(f"fifo at {path}", flush=True)
        count = 0
        # open() blocks until a writer opens the other end; iteration ends at EOF, once every writer has closed.
        with open(path, encoding="utf-8") as fifo:
            for line in fifo:
                # Each line is "<sequence> <text>": check nothing was lost or reordered.
                seq, _, text = line.rstrip("\n").partition(" ")
                if not seq.isdigit() or int(seq) != count + 1:
                    print(f"expected message {count + 1}, got {line!r}", file=sys.stderr)
                    return 1
                count += 1
                print(f"received {seq}: {text}")
                $0
    if count == 0:
        print("writer closed the FIFO without sending anything", file=sys.stderr)
        return 1
    print(f"received {count} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
