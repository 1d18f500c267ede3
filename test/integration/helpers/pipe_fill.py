#!/usr/bin/env python3
"""Holds one anonymous pipe (both ends, in this process) and changes its fill on command, for the watch
tests. Prints {"pid", "dev", "ino", "r", "w"}; then reads commands from stdin: "write N", "read N",
"close" (closes both ends: the pipe vanishes). Each command answers one JSON line {"ok": true}.
"""
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
    elif cmd == "close":
        os.close(r)
        os.close(w)
    print(json.dumps({"ok": True}), flush=True)
