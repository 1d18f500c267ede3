"""Non-blocking pipe reads: put a child's stdout in O_NONBLOCK mode, treat BlockingIOError as "nothing yet", wait with poll()."""
import os
import select
import subprocess
import sys
import time

COUNT = ${1:5}


def child() -> int:
    # The child writes slowly, so the parent really finds the pipe empty in between.
    for i in range(1, COUNT + 1):
        print(f"tick {i}", flush=True)
        time.sleep(${2:0.02})
    return 0


def main() -> int:
    if sys.argv[1:] == ["--child"]:
        return child()
    with subprocess.Popen([sys.executable, __file__, "--child"], stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        os.set_blocking(fd, False)
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        deadline = time.monotonic() + ${3:10}
        data, empty_reads = b"", 0
        while True:
            try:
                chunk = os.read(fd, 4096)
            except BlockingIOError:
                empty_reads += 1  # nothing queued right now: do other work here, then wait for the fd
                $0
                left = deadline - time.monotonic()
                if left <= 0:
                    proc.kill()
                    print("timed out waiting for the child", file=sys.stderr)
                    return 1
                poller.poll(left * 1000)
                continue
            if not chunk:
                break  # EOF: the child closed its end
            data += chunk
        if proc.wait(timeout=5) != 0:
            print("child failed", file=sys.stderr)
            return 1
    expected = "".join(f"tick {i}\n" for i in range(1, COUNT + 1))
    if data.decode() != expected:
        print(f"unexpected data: {data!r}", file=sys.stderr)
        return 1
    print(f"read {COUNT} lines without blocking ({empty_reads} reads found the pipe empty)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
