#!/usr/bin/env python3
"""Holds one anonymous pipe (both ends, in this process) and changes its fill on command, for the watch
tests. Prints {"pid", "dev", "ino", "r", "w"}; then reads commands from stdin: "write N", "read N",
"close" (closes both ends: the pipe vanishes), "resize N" (F_SETPIPE_SZ), "cycle N K" (K times: write N, read N). Each command answers one JSON line
{"ok": true}.
"""
import fcntl
import json
import os
import sys

r, w = os.pipe()
os.set_blocking(r, False)
st = os.fstat(r)
print(json.dumps({"pid": os.getpid(), "dev": st.st_dev, "ino": st.st_ino, "r": r, "w": w}), flush=True)
for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "write":
        os.write(w, b"q" * int(arg))
    elif cmd == "read":
        os.read(r, int(arg))
    elif cmd == "cycle":
        n, k = map(int, arg.split())
        for _ in range(k):
            os.write(w, b"c" * n)
            os.read(r, n)
    elif cmd == "resize":
        fcntl.fcntl(w, 1031, int(arg))  # F_SETPIPE_SZ
    elif cmd == "close":
        os.close(r)
        os.close(w)
    print(json.dumps({"ok": True}), flush=True)
