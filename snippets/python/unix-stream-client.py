"""Unix stream socket client: connect to a socket path, send a line with a timeout, check the echoed reply."""
import socket
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: unix-stream-client.py SOCKET_PATH", file=sys.stderr)
        return 2
    message = "${1:hello over a Unix socket}"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(${2:5})
            # FileNotFoundError: nobody bound there; ConnectionRefusedError: a stale file whose server is gone.
            sock.connect(sys.argv[1])
            sock.sendall(message.encode() + b"\n")
            sock.shutdown(socket.SHUT_WR)  # tell the server we are done sending
            with sock.makefile("rb") as stream:
                reply = stream.readline(65536).decode()
    except OSError as e:
        print(f"{sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    $0
    if reply.rstrip("\n") != f"echo: {message}":
        print(f"unexpected reply {reply!r}", file=sys.stderr)
        return 1
    print(f"server replied: {reply.rstrip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
