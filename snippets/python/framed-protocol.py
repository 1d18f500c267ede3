"""Length-prefixed framing over a stream socket: 4-byte big-endian length, size limit checked before allocating, validation."""
import socket
import struct
import sys
import threading

MAX_FRAME = ${1:1048576}  # 1 MiB
HEADER = struct.Struct(">I")


class FrameError(ValueError):
    pass


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 65536))
        if not chunk:
            raise EOFError("peer closed the connection mid-frame" if buf else "peer closed the connection")
        buf += chunk
    return bytes(buf)


def send_frame(sock: socket.socket, payload: bytes) -> None:
    if not 0 < len(payload) <= MAX_FRAME:
        raise FrameError("frame must be 1..MAX_FRAME bytes")
    sock.sendall(HEADER.pack(len(payload)) + payload)  # one buffer: header and body in one send


def recv_frame(sock: socket.socket) -> bytes:
    (length,) = HEADER.unpack(recv_exact(sock, HEADER.size))
    if not 0 < length <= MAX_FRAME:  # checked BEFORE reading/allocating: a hostile peer could announce 4 GiB
        raise FrameError(f"rejected frame of {length} bytes")
    return recv_exact(sock, length)


def validate(payload: bytes) -> str:
    """Application-level validation: printable UTF-8 text. Never execute what a peer sends."""
    text = payload.decode("utf-8")  # UnicodeDecodeError is a ValueError
    if not text.isprintable():
        raise ValueError("control characters")
    return text


def server(sock: socket.socket, served: list) -> None:
    with sock:
        while True:
            try:
                frame = recv_frame(sock)
            except EOFError:
                return
            except FrameError as e:
                send_frame(sock, f"error: {e}".encode())  # out of sync after a bad header: drop the connection
                return
            try:
                reply = f"ok: {validate(frame)}"
            except ValueError as e:
                reply = f"error: {e}"
            send_frame(sock, reply.encode())
            served.append(frame)


def main() -> int:
    client, peer = socket.socketpair()  # works the same over TCP
    client.settimeout(5)
    peer.settimeout(5)
    served: list = []
    thread = threading.Thread(target=server, args=(peer, served))
    thread.start()
    with client:
        replies = []
        for message in ["${2:first message}", "second message", "bad\abell"]:
            send_frame(client, message.encode())
            replies.append(recv_frame(client).decode())
        $0
        client.sendall(HEADER.pack(MAX_FRAME + 1))  # refused without reading (or allocating) the body
        refusal = recv_frame(client).decode()
    thread.join()
    print("\n".join(replies + [refusal]))
    if len(served) != 3 or replies[0] != "ok: $2" or not replies[2].startswith("error:") or "rejected frame" not in refusal:
        print("unexpected protocol behaviour", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
