#!/usr/bin/env python3
"""Process churn for the integration tests: for <seconds> (or until stdin closes), keeps forking short-lived children that open
pipes and socketpairs and exit after a random few milliseconds (or up to [lifetime] seconds). Prints {"pid": ...} when it starts."""
import json
import os
import random
import select
import socket
import sys
import time

duration = float(sys.argv[1])
# Longest life of a child in seconds (random below it): 20 ms by default.
lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 0.02
print(json.dumps({"pid": os.getpid()}), flush=True)
end = time.time() + duration
alive = 0
while time.time() < end and not select.select([sys.stdin], [], [], 0)[0]:
    pid = os.fork()
    if pid == 0:
        r, w = os.pipe()
        os.write(w, b"c" * random.randint(0, 100))
        a, b = socket.socketpair()
        a.send(b"z")
        time.sleep(random.random() * lifetime)
        os._exit(0)
    alive += 1
    while alive > 20:
        os.waitpid(-1, 0)
        alive -= 1
    time.sleep(0.001)
while alive:
    os.waitpid(-1, 0)
    alive -= 1
print(json.dumps({"done": True}), flush=True)
