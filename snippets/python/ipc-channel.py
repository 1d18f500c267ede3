"""A cross-platform IpcChannel: framed send/recv of byte messages over a Unix socket (local) or TCP (otherwise)."""
import os
import socket
import struct
import sys
import tempfile
import threading

MAX_MESSAGE = ${1:1048576}
HEADER = struct.Struct(">I")


class IpcChannel:
    """One whole message per recv(), exactly as sent: framing keeps messages from being split or merged."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def send(self, msg: bytes) -> None:
        if len(msg) > MAX_MESSAGE:
            raise ValueError("message too large")
        self._sock.sendall(HEADER.pack(len(msg)) + msg)

    def recv(self) -> bytes:
        (length,) = HEADER.unpack(self._recv_exact(HEADER.size))
        if length > MAX_MESSAGE:
            raise ValueError(f"peer announced {length} bytes")
        return self._recv_exact(length)

    def _recv_exact(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            chunk = self._sock.recv(min(n - len(buf), 65536))
            if not chunk:
                raise EOFError("connection closed")
            buf += chunk
        return bytes(buf)

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> "IpcChannel":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(address: str, timeout: float = ${2:5}) -> IpcChannel:
    """"unix:/path" -> Unix socket (where available); "host:port" -> TCP. Raises OSError, never exits."""
    if address.startswith("unix:"):
        if not hasattr(socket, "AF_UNIX"):
            raise OSError(f"no Unix sockets on this platform: {address}")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(address[5:])
        except OSError:
            sock.close()
            raise
        return IpcChannel(sock)
    host, _, port = address.rpartition(":")
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return IpcChannel(sock)


def echo_once(listener: socket.socket) -> None:
    conn, _ = listener.accept()
    with IpcChannel(conn) as ch:
        ch.send(ch.recv())


def main() -> int:
    failures = 0
    message = "${4:hello through IpcChannel}".encode() * 1000  # larger than one read: framing matters
    with tempfile.TemporaryDirectory(prefix="${3:myapp}-") as directory, \
            socket.create_server(("127.0.0.1", 0)) as tcp, \
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix:
        path = os.path.join(directory, "chan.sock")
        unix.bind(path)
        unix.listen()
        # Daemon threads: a server whose client never connected must not keep the process alive.
        servers = [threading.Thread(target=echo_once, args=(s,), daemon=True) for s in (tcp, unix)]
        for s in servers:
            s.start()
        for address in (f"127.0.0.1:{tcp.getsockname()[1]}", f"unix:{path}"):
            try:
                with connect(address) as ch:
                    ch.send(message)
                    reply = ch.recv()
            except (OSError, EOFError, ValueError) as e:
                print(f"{address}: {e}", file=sys.stderr)
                failures += 1
                continue
            if reply == message:
                print(f"{address}: echoed {len(reply)} bytes intact")
            else:
                print(f"{address}: got {len(reply)} bytes back", file=sys.stderr)
                failures += 1
        $0
        for s in servers:
            s.join(timeout=5)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
