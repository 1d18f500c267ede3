"""Abstract-namespace Unix socket (Linux): no file to clean up, but no permissions either, so check the peer's uid."""
import os
import socket
import struct
import subprocess
import sys


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(b"\0" + sys.argv[2].encode())  # leading NUL = abstract name
            sock.sendall(b"${2:hello over an abstract socket}")
        return 0
    name = f"${1:myapp}-{os.getpid()}"  # unique: abstract names are global in the network namespace
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(b"\0" + name.encode())
        listener.listen()
        listener.settimeout(10)
        print(f"listening on @{name}", flush=True)
        with subprocess.Popen([sys.executable, __file__, "--client", name]) as child:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(5)
                pid, uid, gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
                if uid != os.getuid():
                    print(f"refusing a client running as uid {uid}", file=sys.stderr)
                    return 1
                chunks = []
                while chunk := conn.recv(4096):
                    chunks.append(chunk)
            request = b"".join(chunks).decode()
            $0
            if child.wait(timeout=5) != 0 or request != "$2":
                print(f"exchange failed: {request!r}", file=sys.stderr)
                return 1
    print(f"server got: {request}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
