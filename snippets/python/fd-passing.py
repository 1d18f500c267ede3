"""Passing an open file descriptor to another process over a Unix socket (SCM_RIGHTS, socket.send_fds, Python 3.9+)."""
import os
import socket
import subprocess
import sys
import tempfile


def child(sock_fd: int) -> int:
    with socket.socket(fileno=sock_fd) as sock:
        # recv_fds returns every descriptor received; close any we did not expect.
        _, fds, flags, _ = socket.recv_fds(sock, 1, 4)
        if flags & socket.MSG_CTRUNC or not fds:
            print("no descriptor received (or control data truncated)", file=sys.stderr)
            return 1
        for extra in fds[1:]:
            os.close(extra)
        # The descriptor shares its file offset with the sender: read at an explicit offset.
        with open(fds[0], "rb", closefd=True) as f:
            data = os.pread(f.fileno(), 4096, 0)
        sock.sendall(data)
    return 0


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        return child(int(sys.argv[2]))
    parent_sock, child_sock = socket.socketpair()
    with parent_sock:
        with child_sock:
            # pass_fds keeps exactly this descriptor open across exec.
            proc = subprocess.Popen([sys.executable, __file__, "--child", str(child_sock.fileno())], pass_fds=[child_sock.fileno()])
        with proc:  # always waited for, even on errors
            content = b"${2:contents only reachable through the passed fd}"
            # A file only we can open, removed at once: the child can only reach it through the passed descriptor.
            with tempfile.TemporaryFile(prefix="${1:myapp}-secret-") as f:
                f.write(content)
                f.flush()
                socket.send_fds(parent_sock, [b"F"], [f.fileno()])  # at least one data byte must go with the fd
            $0
            parent_sock.shutdown(socket.SHUT_WR)
            parent_sock.settimeout(5)
            echoed = b""
            while chunk := parent_sock.recv(4096):
                echoed += chunk
    if proc.wait(timeout=5) != 0 or echoed != content:
        print(f"child read {echoed!r}", file=sys.stderr)
        return 1
    print(f"child read through the passed fd: {echoed.decode()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
