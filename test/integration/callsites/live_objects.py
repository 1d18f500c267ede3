"""Holds real IPC objects for the code-lens integration test: a Unix listener with two clients in another
process, an abstract listener, a FIFO with bytes queued, a TCP listener with one connection, a SIGUSR1 handler.
Prints one JSON line, then holds everything until stdin closes."""
import json
import os
import signal
import socket
import sys


def main():
    work = sys.argv[1]
    path = os.path.join(work, "lens-%d.sock" % os.getpid())
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    abstract = b"\0ipci-lens-" + str(os.getpid()).encode()
    ab = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ab.bind(abstract)
    ab.listen(1)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(4)

    # Two clients in a child process; it exits when the parent does (its end of `hold` closes).
    hold_r, hold_w = os.pipe()
    ready_r, ready_w = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(hold_w)
        os.close(ready_r)
        addr = tcp.getsockname()
        for inherited in (srv, ab, tcp):  # the client process must not hold the listeners
            inherited.close()
        c1 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c1.connect(path)
        c1.sendall(b"hello")  # 5 bytes queued on the accepted side
        c2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c2.connect(path)
        t = socket.create_connection(addr)
        os.write(ready_w, b"x")
        os.read(hold_r, 1)
        os._exit(0)
    os.close(hold_r)
    os.close(ready_w)
    os.read(ready_r, 1)
    a1, _ = srv.accept()
    a2, _ = srv.accept()
    ta, _ = tcp.accept()

    fifo = os.path.join(work, "lens-%d.fifo" % os.getpid())
    os.mkfifo(fifo, 0o600)
    fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    os.write(fd, b"f" * 100)

    signal.signal(signal.SIGUSR1, lambda *_: None)
    print(json.dumps({"pid": os.getpid(), "client": child, "path": path, "abstract": abstract[1:].decode(),
                      "fifo": fifo, "port": tcp.getsockname()[1]}), flush=True)
    keep = [srv, ab, tcp, a1, a2, ta, fd, hold_w]
    for _ in sys.stdin:
        pass
    del keep
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)


if __name__ == "__main__":
    main()
