#!/usr/bin/env python3
"""A population of IPC objects for timing scans: <procs> holder processes sharing <pipes> pipes,
<pairs> unix socketpairs and <fifos> FIFOs (each with a few bytes queued), and optionally <tcp> loopback
TCP connections, <shm> /dev/shm segments (held by fd) and <mq> POSIX message queues (one message each).
Prints {"pids": [...], "fds": n} when ready; everything dies when stdin closes (shm/mq names removed).

Usage: population.py <workdir> <procs> <pipes> <pairs> <fifos> [<tcp> <shm> <mq>]
"""
import json
import os
import resource
import signal
import socket
import sys
import ctypes

libc = ctypes.CDLL(None)
work, procs, pipes, pairs, fifos = sys.argv[1], *map(int, sys.argv[2:6])
tcp, shm, mq = (list(map(int, sys.argv[6:9])) + [0, 0, 0])[:3]
tag = "ipci-pop-%d" % os.getpid()
libc.mq_open.restype = ctypes.c_int
libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p]
libc.mq_send.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint]
listener = None
if tcp:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4096)
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))



def remove_names():
    for i in range(shm):
        try:
            os.unlink("/dev/shm/%s-%d" % (tag, i))
        except OSError:
            pass
    for i in range(mq):
        libc.mq_unlink(("/%s-%d" % (tag, i)).encode())


def leave(signum, frame):
    sys.exit(128 + signum)


# Killed instead of stopped, the shm and mq names must not outlive us (they would fill RLIMIT_MSGQUEUE for
# later runs): SIGTERM/SIGINT/SIGHUP run the finally below, and a janitor process removes the names when
# this one dies of anything, SIGKILL included (PR_SET_PDEATHSIG).
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, leave)
if shm or mq:
    parent = os.getpid()
    janitor_r, janitor_w = os.pipe()
    if os.fork() == 0:
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)
        os.close(janitor_r)
        os.write(janitor_w, b".")  # armed
        if os.getppid() == parent:
            try:
                signal.sigwait([signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
            except BaseException:
                pass
        remove_names()
        os._exit(0)
    os.close(janitor_w)
    os.read(janitor_r, 1)
    os.close(janitor_r)

ready_r, ready_w = os.pipe()
pids = []
for p in range(procs):
    pid = os.fork()
    if pid == 0:
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # die with the parent
        os.close(ready_r)
        keep = []
        n = 0
        for i in range(p, pipes, procs):
            r, w = os.pipe()
            os.write(w, b"x" * (i % 7))
            n += 2
        for i in range(p, pairs, procs):
            a, b = socket.socketpair()
            a.send(b"y" * (i % 5))
            keep.extend([a, b])
            n += 2
        for i in range(p, fifos, procs):
            path = os.path.join(work, "f%d" % i)
            os.mkfifo(path)
            r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            w = os.open(path, os.O_WRONLY)
            os.write(w, b"z")
            n += 2
        for i in range(p, tcp, procs):
            c = socket.create_connection(listener.getsockname())
            a, _ = listener.accept()
            c.send(b"t" * (i % 3))
            keep.extend([a, c])
            n += 2
        for i in range(p, shm, procs):
            fd = os.open("/dev/shm/%s-%d" % (tag, i), os.O_CREAT | os.O_RDWR, 0o600)
            os.ftruncate(fd, 4096)
            n += 1
        for i in range(p, mq, procs):
            q = libc.mq_open(("/%s-%d" % (tag, i)).encode(), os.O_CREAT | os.O_RDWR, 0o600, None)
            if q >= 0:
                libc.mq_send(q, b"m", 1, 0)
                n += 1
        os.write(ready_w, b"%d\n" % n)
        while True:
            signal.pause()
    pids.append(pid)
os.close(ready_w)
total, got = 0, 0
buf = b""
while got < procs:
    chunk = os.read(ready_r, 4096)
    if not chunk:
        break
    buf += chunk
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        total += int(line)
        got += 1
try:
    # Inside the try: a reader that is already gone (BrokenPipeError) must not leave shm/mq names behind.
    print(json.dumps({"pids": pids, "fds": total}), flush=True)
    sys.stdin.read()
finally:
    remove_names()
