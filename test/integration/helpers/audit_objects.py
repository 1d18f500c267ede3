#!/usr/bin/env python3
"""Creates the objects the security audit must judge, prints them as one JSON line, holds them until
stdin closes: a 0777 listening socket, a 0660 held FIFO, a 0600 socket, sockets in a world-writable
directory with and without the sticky bit, a stale socket file, the file of a listener closed while a connection it accepted lives on, an orphan FIFO, a 0666 /dev/shm file,
TCP listeners on 0.0.0.0 and 127.0.0.1, UDP on 0.0.0.0, sockets bound to relative paths (0777 and 0600).

Usage: audit_objects.py <workdir>
"""
import json
import os
import socket
import sys

work = sys.argv[1]
out = {}
keep = []


def ino(path):
    st = os.lstat(path)
    return {"dev": st.st_dev, "ino": st.st_ino, "path": path}


def listener(path, mode=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(4)
    if mode is not None:
        os.chmod(path, mode)
    keep.append(s)
    return ino(path)


os.umask(0)
out["open"] = listener(os.path.join(work, "open.sock"), 0o777)
# Two clients connected to it and accepted: the accepted sockets carry the listener's name and file.
open_listener = keep[-1]
accepted = []
for _ in range(2):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(out["open"]["path"])
    a, _ = open_listener.accept()
    keep.extend([c, a])
    accepted.append(os.fstat(a.fileno()).st_ino)
out["open"]["accepted"] = accepted
out["private"] = listener(os.path.join(work, "private.sock"), 0o600)

fifo = os.path.join(work, "group.fifo")
os.mkfifo(fifo, 0o660)
r = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
keep.append(r)
out["groupFifo"] = ino(fifo)

loose = os.path.join(work, "loose")
os.mkdir(loose, 0o777)
os.chmod(loose, 0o777)  # world-writable, no sticky bit
out["loose"] = listener(os.path.join(loose, "in-loose.sock"), 0o600)
sticky = os.path.join(work, "sticky")
os.mkdir(sticky)
os.chmod(sticky, 0o1777)
out["sticky"] = listener(os.path.join(sticky, "in-sticky.sock"), 0o600)

stale = os.path.join(work, "stale.sock")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(stale)
s.listen(1)
s.close()  # the file stays: nobody is bound to it any more
out["stale"] = ino(stale)

# A listener closed while a connection it accepted lives on: the connection keeps the name, connect() is refused.
gone = os.path.join(work, "closed-listener.sock")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(gone)
os.chmod(gone, 0o600)
s.listen(1)
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect(gone)
accepted, _ = s.accept()
s.close()
keep.extend([client, accepted])
out["closedListener"] = ino(gone)
out["closedListener"]["accepted"] = os.fstat(accepted.fileno()).st_ino

orphan = os.path.join(work, "orphan.fifo")
os.mkfifo(orphan, 0o600)
out["orphan"] = ino(orphan)

shm = "/dev/shm/ipci-audit-%d" % os.getpid()
fd = os.open(shm, os.O_CREAT | os.O_RDWR, 0o666)
os.chmod(shm, 0o666)
keep.append(fd)
out["shm"] = ino(shm)

ports = {}
for name, addr, kind in (("tcpAll", "0.0.0.0", socket.SOCK_STREAM), ("tcpLocal", "127.0.0.1", socket.SOCK_STREAM),
                         ("udpAll", "0.0.0.0", socket.SOCK_DGRAM)):
    t = socket.socket(socket.AF_INET, kind)
    t.bind((addr, 0))
    if kind == socket.SOCK_STREAM:
        t.listen(4)
    keep.append(t)
    ports[name] = {"port": t.getsockname()[1], "ino": os.fstat(t.fileno()).st_ino}
out.update(ports)
# Sockets bound to relative paths (named from the binder's working directory), which stays in the loose directory.
os.chdir(loose)
out["relOpen"] = listener("rel-open.sock", 0o777)
out["relOpen"]["path"] = os.path.join(loose, "rel-open.sock")
out["relPrivate"] = listener("rel-private.sock", 0o600)
out["pid"] = os.getpid()

print(json.dumps(out), flush=True)
try:
    sys.stdin.read()
finally:
    os.unlink(shm)
