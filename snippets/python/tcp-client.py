"""TCP client: connect with a timeout, TCP_NODELAY, send a line, check the echoed reply."""
import socket
import sys


def main() -> int:
    target = sys.argv[1] if len(sys.argv) > 1 else "${1:127.0.0.1:7878}"
    host, _, port = target.rpartition(":")
    message = "${3:hello over TCP}"
    try:
        # create_connection tries every resolved address (IPv6 and IPv4) with the timeout; it also sets it on the socket.
        with socket.create_connection((host, int(port)), timeout=${2:5}) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(message.encode() + b"\n")
            sock.shutdown(socket.SHUT_WR)
            with sock.makefile("rb") as stream:
                reply = stream.readline(65536).decode()
    except TimeoutError:
        print(f"{target}: no answer in time", file=sys.stderr)
        return 1
    except (OSError, ValueError) as e:
        print(f"{target}: {e}", file=sys.stderr)
        return 1
    $0
    if reply.rstrip("\n") != f"echo: {message}":
        print(f"unexpected reply {reply!r}", file=sys.stderr)
        return 1
    print(f"server replied: {reply.rstrip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
