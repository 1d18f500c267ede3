"""Peer credentials (SO_PEERCRED): learn the pid/uid/gid of a Unix socket client and authorise it by uid."""
import os
import socket
import struct
import subprocess
import sys

UCRED = struct.Struct("3i")  # struct ucred { pid_t pid; uid_t uid; gid_t gid; }


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(b"\0" + sys.argv[2].encode())
            sock.sendall(b"${2:request from a client}")
        return 0
    name = f"${1:myapp}-cred-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(b"\0" + name.encode())
        listener.listen()
        listener.settimeout(10)
        with subprocess.Popen([sys.executable, __file__, "--client", name]) as child:
            conn, _ = listener.accept()
            with conn:
                # Recorded by the kernel at connect(): the client cannot forge them.
                pid, uid, gid = UCRED.unpack(conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, UCRED.size))
                print(f"peer pid={pid} uid={uid} gid={gid}")
                if uid != os.getuid():  # only our own user may talk to us
                    print(f"uid {uid} is not allowed", file=sys.stderr)
                    return 1
                $0
                conn.settimeout(5)
                request = b""
                while chunk := conn.recv(4096):
                    request += chunk
            if child.wait(timeout=5) != 0 or pid != child.pid or request.decode() != "$2":
                print(f"unexpected pid {pid} or request {request!r}", file=sys.stderr)
                return 1
    print(f"authorised pid {pid} and read: {request.decode()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
