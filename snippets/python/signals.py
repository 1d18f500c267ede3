"""Signal handling without races: block the signals, then take them one by one with sigwaitinfo (tells you the sender)."""
import os
import signal
import subprocess
import sys

COUNT = ${1:3}
WANTED = {signal.SIGUSR1, signal.SIGTERM}


def child() -> int:
    # Block first: a signal arriving before we wait stays pending instead of killing us (default action).
    signal.pthread_sigmask(signal.SIG_BLOCK, WANTED)
    print("ready", flush=True)  # only now may the parent send
    seen = 0
    while True:
        info = signal.sigwaitinfo(WANTED)  # normal context: no async-signal-safety limits on what we do next
        if info.si_signo == signal.SIGUSR1:
            seen += 1
            $0
            print(f"got SIGUSR1 #{seen} from pid {info.si_pid}", flush=True)  # the ack lets the sender go on
        else:
            print(f"got SIGTERM after {seen} SIGUSR1, exiting", flush=True)
            return 0 if seen == COUNT else 1


def main() -> int:
    if sys.argv[1:] == ["--child"]:
        return child()
    with subprocess.Popen([sys.executable, __file__, "--child"], stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        try:
            if proc.stdout.readline() != "ready\n":
                raise RuntimeError("child did not get ready")
            for i in range(1, COUNT + 1):
                # Standard signals don't queue: wait for the ack before sending the same signal again.
                os.kill(proc.pid, signal.SIGUSR1)
                ack = proc.stdout.readline()
                if not ack.startswith(f"got SIGUSR1 #{i} from pid {os.getpid()}"):
                    raise RuntimeError(f"unexpected ack {ack!r}")
                print(f"child acknowledged: {ack}", end="")
            os.kill(proc.pid, signal.SIGTERM)
            print(f"child said: {proc.stdout.readline()}", end="")
            if proc.wait(timeout=5) != 0:
                raise RuntimeError("child failed")
        except (OSError, RuntimeError, subprocess.TimeoutExpired) as e:
            proc.kill()
            print(e, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
