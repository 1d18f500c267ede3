"""UDP echo server: one datagram in, one datagram out, with a buffer larger than any UDP payload."""
import socket
import sys

PREFIX = b"echo: "
MAX_PAYLOAD = 65507  # largest IPv4 UDP payload (65535 - 20 IP - 8 UDP): a longer reply fails with EMSGSIZE


def main() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("${1:127.0.0.1}", ${2:0}))
        host, port = sock.getsockname()
        print(f"listening on {host}:{port}", flush=True)
        max_datagrams = ${3:1}  # 0 = serve forever
        served = 0
        while max_datagrams == 0 or served < max_datagrams:
            # recvfrom silently truncates a datagram larger than the buffer: 65536 > the 65507-byte UDP maximum.
            data, peer = sock.recvfrom(65536)
            try:
                text = data.decode("utf-8")  # datagrams can come from anyone: validate before use
            except UnicodeDecodeError:
                print(f"ignoring non-UTF-8 datagram from {peer}", file=sys.stderr)
                continue
            if len(PREFIX) + len(data) > MAX_PAYLOAD:
                print(f"ignoring {len(data)}-byte datagram from {peer}: its echo would not fit in one", file=sys.stderr)
                continue
            $0
            try:
                sock.sendto(PREFIX + data, peer)
            except OSError as e:  # one peer's failed reply (unreachable, EMSGSIZE...) must not stop the server
                print(f"reply to {peer} failed: {e}", file=sys.stderr)
                continue
            print(f"echoed {len(data)} bytes to {peer}: {text}")
            served += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
