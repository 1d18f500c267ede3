"""Unix stream socket server: fresh 0700 directory, 0600 socket, thread per client, cleanup on exit and on signals."""
import os
import signal
import socket
import sys
import tempfile
import threading

MAX_LINE = ${4:65536}


def serve(conn: socket.socket, results: list) -> None:
    with conn, conn.makefile("rwb") as stream:
        try:
            conn.settimeout(${5:30})
            while True:
                line = stream.readline(MAX_LINE + 1)  # bounded: a peer must not make us buffer without limit
                if not line:
                    break
                if len(line) > MAX_LINE or not line.endswith(b"\n"):
                    raise ValueError("line too long or cut off")
                text = line[:-1].decode("utf-8")
                $0
                stream.write(b"echo: " + line)
                stream.flush()
                results.append(text)
        except (OSError, ValueError) as e:  # socket.timeout is an OSError
            print(f"client failed: {e}", file=sys.stderr)
            results.append(None)


def main() -> int:
    # SIGTERM's default action skips the with-blocks' cleanup: make SIGINT and SIGTERM raise SystemExit instead.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    with tempfile.TemporaryDirectory(prefix="${1:myapp}-") as directory:  # 0700: keeps others out
        path = os.path.join(directory, "${2:server.sock}")
        # Nothing stale to remove: the directory is new. At a fixed path, unlink a leftover socket file only if
        # connecting to it raises ConnectionRefusedError; unlinking a live server's socket silently steals its address.
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(path)
            os.chmod(path, 0o600)
            listener.listen()
            print(f"listening on {path}", flush=True)
            max_clients = ${3:1}  # 0 = serve forever
            results: list = []
            workers = []
            served = 0
            while max_clients == 0 or served < max_clients:
                conn, _ = listener.accept()
                worker = threading.Thread(target=serve, args=(conn, results))
                worker.start()
                workers.append(worker)
                served += 1
            for worker in workers:
                worker.join()
        # Leaving the with-blocks closes the listener and removes the socket file and the directory.
    if None in results or not results:
        return 1
    print(f"client done, last line: {results[-1]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
