"""TCP server: TCP_NODELAY, timeouts and keepalive on every connection, one thread per client, line echo."""
import socket
import sys
import threading

MAX_LINE = ${4:65536}


def tune(conn: socket.socket) -> None:
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # small replies go out at once (no Nagle delay)
    conn.settimeout(${5:30})  # applies to every recv/send on this socket
    # Keepalive finds dead peers after idle + interval * count seconds (the TCP_KEEP* options are Linux names).
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, ${6:60})
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 10)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)


def serve(conn: socket.socket, peer: tuple, results: list) -> None:
    with conn, conn.makefile("rb") as stream:
        try:
            tune(conn)
            while line := stream.readline(MAX_LINE + 1):
                if len(line) > MAX_LINE or not line.endswith(b"\n"):
                    raise ValueError("line too long or cut off")
                text = line[:-1].decode("utf-8")
                $0
                conn.sendall(b"echo: " + line)  # one send per reply
                results.append(text)
        except TimeoutError:
            print(f"client {peer} idle too long", file=sys.stderr)
            results.append(None)
        except (OSError, ValueError) as e:
            print(f"client {peer} failed: {e}", file=sys.stderr)
            results.append(None)


def main() -> int:
    # create_server sets SO_REUSEADDR; port 0 lets the kernel pick a free port.
    with socket.create_server(("${1:127.0.0.1}", ${2:0})) as listener:
        host, port = listener.getsockname()[:2]
        print(f"listening on {host}:{port}", flush=True)
        max_clients = ${3:1}  # 0 = serve forever
        results: list = []
        workers = []
        while max_clients == 0 or len(workers) < max_clients:
            conn, peer = listener.accept()
            worker = threading.Thread(target=serve, args=(conn, peer, results))
            worker.start()
            workers.append(worker)
        for worker in workers:
            worker.join()
    if None in results or not results:
        return 1
    print(f"client done, last line: {results[-1]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
