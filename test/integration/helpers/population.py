#!/usr/bin/env python3
"""A population of IPC objects for timing scans: <procs> holder processes sharing <pipes> pipes,
<pairs> unix socketpairs and <fifos> FIFOs (each with a few bytes queued). Prints {"pids": [...], "fds": n}
when ready; everything dies when stdin closes.

Usage: population.py <workdir> <procs> <pipes> <pairs> <fifos>
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
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

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
print(json.dumps({"pids": pids, "fds": total}), flush=True)
sys.stdin.read()
