#!/usr/bin/env python3
"""Creates one kind of queue for the watch and refresh tests, prints what it made as one JSON line, then
answers commands (one JSON line each) until stdin closes; removes what it created when it ends (stdin
closed, SIGTERM or SIGINT).

Usage: watch_objects.py <scenario>
  mq        a POSIX message queue (maxmsg 10, msgsize 64) holding 3 messages; commands: send, receive
  sysvmsg   a private System V message queue holding 2 messages of 10 bytes; commands: send N (bytes)
  tcpfull   a loopback TCP connection whose receiver never reads: the sender's send queue is full
  unaccepted  a TCP listener with one connection never accepted, 1000 bytes queued on the server side;
              commands: accept
"""
import atexit
import ctypes
import json
import os
import signal
import socket
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
COMMANDS = {}


def err(what):
    e = ctypes.get_errno()
    raise OSError(e, "%s: %s" % (what, os.strerror(e)))


class MqAttr(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_long), ("maxmsg", ctypes.c_long), ("msgsize", ctypes.c_long),
                ("curmsgs", ctypes.c_long), ("reserved", ctypes.c_long * 4)]


def scenario_mq(out):
    try:
        rt = ctypes.CDLL("librt.so.1", use_errno=True)
        rt.mq_open  # noqa: B018 (glibc < 2.34 keeps mq_* in librt)
    except (OSError, AttributeError):
        rt = libc
    rt.mq_open.restype = ctypes.c_int
    rt.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(MqAttr)]
    rt.mq_send.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint]
    rt.mq_receive.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
    rt.mq_receive.restype = ctypes.c_ssize_t
    rt.mq_unlink.argtypes = [ctypes.c_char_p]
    name = b"/ipci-watch-%d" % os.getpid()
    attr = MqAttr(0, 10, 64, 0)
    q = rt.mq_open(name, os.O_CREAT | os.O_EXCL | os.O_RDWR | os.O_NONBLOCK, 0o600, ctypes.byref(attr))
    if q < 0:
        err("mq_open")
    atexit.register(lambda: rt.mq_unlink(name))

    def send():
        if rt.mq_send(q, b"m" * 20, 20, 0) != 0:
            err("mq_send")
        return {"ok": True}

    def receive():
        buf = ctypes.create_string_buffer(64)
        if rt.mq_receive(q, buf, 64, None) < 0:
            err("mq_receive")
        return {"ok": True}

    for _ in range(3):
        send()
    COMMANDS["send"] = send
    COMMANDS["receive"] = receive
    st = os.stat(b"/dev/mqueue" + name)
    out.update(name=name.decode(), dev=st.st_dev, ino=st.st_ino, fd=q)


def scenario_sysvmsg(out):
    IPC_PRIVATE, IPC_CREAT, IPC_RMID = 0, 0o1000, 0
    libc.msgget.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.msgsnd.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    libc.msgctl.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
    msqid = libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
    if msqid < 0:
        err("msgget")
    atexit.register(lambda: libc.msgctl(msqid, IPC_RMID, None))

    def send(n):
        n = int(n)
        buf = ctypes.create_string_buffer(8 + n)
        ctypes.memmove(buf, (1).to_bytes(8, sys.byteorder), 8)  # mtype 1
        if libc.msgsnd(msqid, buf, n, 0) != 0:
            err("msgsnd")
        return {"ok": True}

    send(10)
    send(10)
    COMMANDS["send"] = send
    out.update(msqid=msqid, ipcns=os.stat("/proc/self/ns/ipc").st_ino)


def scenario_tcpfull(out):
    keep = globals().setdefault("_keep", [])
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    snd = socket.create_connection(lst.getsockname())
    rcv, _ = lst.accept()
    snd.setblocking(False)
    sent = 0
    deadline = time.monotonic() + 5
    # Fill the receiver's buffer and then the sender's: writes stop when both are full.
    while time.monotonic() < deadline:
        try:
            sent += snd.send(b"s" * 65536)
        except BlockingIOError:
            time.sleep(0.05)
            try:
                sent += snd.send(b"s" * 65536)
            except BlockingIOError:
                break
    keep.extend([lst, snd, rcv])
    out.update(sent=sent, sender={"ino": os.fstat(snd.fileno()).st_ino, "local": list(snd.getsockname())},
               receiver={"ino": os.fstat(rcv.fileno()).st_ino, "local": list(rcv.getsockname())})


def scenario_unaccepted(out):
    keep = globals().setdefault("_keep", [])
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(4)
    cli = socket.create_connection(lst.getsockname())  # completes the handshake; never accepted yet
    cli.sendall(b"p" * 1000)  # queued at the server side's (inode-less) socket
    time.sleep(0.05)
    keep.extend([lst, cli])

    def accept():
        keep.append(lst.accept()[0])
        return {"ok": True}

    COMMANDS["accept"] = accept
    out.update(listener={"ino": os.fstat(lst.fileno()).st_ino, "local": list(lst.getsockname())},
               client={"ino": os.fstat(cli.fileno()).st_ino, "local": list(cli.getsockname())},
               netns=os.stat("/proc/self/ns/net").st_ino)


def main():
    # SIGTERM/SIGINT end through sys.exit, so the atexit clean-up runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    out = {"pid": os.getpid()}
    globals()["scenario_" + sys.argv[1]](out)
    print(json.dumps(out), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd, *args = line.split()
        print(json.dumps(COMMANDS[cmd](*args)), flush=True)


if __name__ == "__main__":
    main()
