#!/usr/bin/env python3
"""Checks that sampling a pipe does not disturb it. Two pipes between this process (writer) and a forked
reader. Prints the setup as JSON, then on each stdin command prints one JSON result line:
  eof    -> the writer closes pipe 1; the reader drains it: {"read": n, "eof": true|false}
  epipe  -> the reader closes pipe 2's read end; the writer writes: {"epipe": true|false}
"""
import ctypes
import json
import os
import select
import signal
import sys

libc = ctypes.CDLL(None)
r1, w1 = os.pipe()
r2, w2 = os.pipe()
ctl_r, ctl_w = os.pipe()
res_r, res_w = os.pipe()
os.write(w1, b"d" * 100)
os.write(w2, b"e" * 10)

pid = os.fork()
if pid == 0:
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    for fd in (w1, w2, ctl_w, res_r):
        os.close(fd)
    while True:
        cmd = os.read(ctl_r, 16)
        if not cmd:
            os._exit(0)
        if cmd.startswith(b"eof"):
            total, eof = 0, False
            while select.select([r1], [], [], 2.0)[0]:
                chunk = os.read(r1, 4096)
                if not chunk:
                    eof = True
                    break
                total += len(chunk)
            os.write(res_w, json.dumps({"read": total, "eof": eof}).encode())
        elif cmd.startswith(b"close2"):
            os.close(r2)
            os.write(res_w, b"{}")
os.close(r1)
os.close(r2)
os.close(ctl_r)
os.close(res_w)
st = os.fstat(w1)
st2 = os.fstat(w2)
print(json.dumps({"writer": os.getpid(), "reader": pid, "pipe1": {"ino": st.st_ino, "r": r1, "w": w1},
                  "pipe2": {"ino": st2.st_ino, "r": r2, "w": w2}}), flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "eof":
        os.close(w1)
        os.write(ctl_w, b"eof")
        print(os.read(res_r, 4096).decode(), flush=True)
    elif cmd == "epipe":
        os.write(ctl_w, b"close2")
        os.read(res_r, 16)
        try:
            os.write(w2, b"x")
            print(json.dumps({"epipe": False}), flush=True)
        except BrokenPipeError:
            print(json.dumps({"epipe": True}), flush=True)
