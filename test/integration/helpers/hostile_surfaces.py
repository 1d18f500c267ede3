#!/usr/bin/env python3
"""Hostile names on every kind of named object, for the surfaces test (CLI table, JSON, watch, tree model, notices):
a FIFO (5 bytes queued), a socket file, an abstract socket, a POSIX shm segment and a POSIX message queue per name,
a comm with ESC, OSC, BEL, a C1 control and a bidi override, and a command-line argument (argv[2]) with the same.
Prints one JSON line, holds everything until stdin closes, then removes what it created.

Usage: hostile_surfaces.py <workdir> <hostile argument>
"""
import atexit
import base64
import ctypes
import json
import os
import socket
import sys

libc = ctypes.CDLL(None, use_errno=True)

# Each is a file name (no "/"); the abstract sockets get an extra "/" variant with a bare URL.
NAMES = [
    b"esc\x1b[2J\x1b[31mred",
    b"osc8\x1b]8;;https:__evil.example\x1b\\click\x1b]8;;\x1b\\",
    "c1\u009b31m\u009d0;title\u0007".encode(),
    b"raw\x9b2J\x9d",
    "bidi\u202etxt.exe\u2066x\u2069".encode(),
    "inv\u2061\u206a\ufff9x".encode(),
    b"nl\nline2",
    b"<img src=x onerror=alert(1)>",
    b"[Show Log](command:workbench.action.quit)",
    b"$(pass) trusted",
]


class MqAttr(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_long), ("maxmsg", ctypes.c_long), ("msgsize", ctypes.c_long), ("curmsgs", ctypes.c_long), ("pad", ctypes.c_long * 4)]


def b64(b):
    return base64.b64encode(b).decode()


def main():
    work = sys.argv[1].encode()
    libc.prctl(15, b"\x1b]0;pwn\x07\xc2\x9b\xe2\x80\xae", 0, 0, 0)  # PR_SET_NAME (15 bytes at most)
    keep, objs = [], []
    tag = b"%d-" % os.getpid()
    long_name = b"L" * (255 - len(b"fifo-"))
    for i, n in enumerate(NAMES + [long_name]):
        fifo = os.path.join(work, b"fifo-" + n)
        os.mkfifo(fifo, 0o600)
        r = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        w = os.open(fifo, os.O_WRONLY)
        os.write(w, b"h" * 5)
        keep += [r, w]
        st = os.fstat(r)
        objs.append({"kind": "fifo", "raw": b64(fifo), "dev": st.st_dev, "ino": st.st_ino})
        if n is long_name:
            continue
        path = os.path.join(work, b"s" + n)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen(1)
        keep.append(s)
        objs.append({"kind": "unix", "raw": b64(path), "ino": os.fstat(s.fileno()).st_ino})
        a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        abstract = b"ipci-" + tag + n
        a.bind(b"\0" + abstract)
        a.listen(1)
        keep.append(a)
        objs.append({"kind": "unix", "raw": b64(abstract), "abstract": True, "ino": os.fstat(a.fileno()).st_ino})
        shm = b"ipci-" + tag + n
        fd = os.open(b"/dev/shm/" + shm, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        atexit.register(os.unlink, b"/dev/shm/" + shm)
        os.ftruncate(fd, 4096)
        keep.append(fd)
        objs.append({"kind": "posix-shm", "raw": b64(shm), "ino": os.fstat(fd).st_ino})
        attr = MqAttr(0, 4, 64, 0)
        q = libc.mq_open(b"/" + shm, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600, ctypes.byref(attr))
        if q >= 0:
            atexit.register(libc.mq_unlink, b"/" + shm)
            libc.mq_send(q, b"hi", 2, 0)
            objs.append({"kind": "posix-mq", "raw": b64(shm), "ino": os.fstat(q).st_ino})
    # A bare URL (a "/" is possible in an abstract name only) and an OSC 8 hyperlink with its real URL.
    for n in [b"https://evil.example/login", b"osc8\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"]:
        a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        a.bind(b"\0ipci-" + tag + n)
        a.listen(1)
        keep.append(a)
        objs.append({"kind": "unix", "raw": b64(b"ipci-" + tag + n), "abstract": True, "ino": os.fstat(a.fileno()).st_ino})
    print(json.dumps({"pid": os.getpid(), "objects": objs}), flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
