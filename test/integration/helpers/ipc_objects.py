#!/usr/bin/env python3
"""Creates real kernel IPC objects for the integration tests, prints what it created as one JSON line
on stdout, then holds everything until stdin closes (or the test kills it). Forked holders die with it.

Usage: ipc_objects.py <scenario> <workdir>
"""
import array
import ctypes
import json
import os
import signal
import socket
import sys

libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def fork_holder(keep_fds, close_fds):
    """Fork a child that keeps keep_fds open and closes close_fds, dies with its parent. Returns pid once the
    child has closed them (a snapshot taken after the scenario's JSON line must not see them still open)."""
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        os.close(ready_r)
        for fd in close_fds:
            os.close(fd)
        os.write(ready_w, b"!")
        os.close(ready_w)
        while True:
            signal.pause()
    os.close(ready_w)
    assert os.read(ready_r, 1) == b"!"
    os.close(ready_r)
    return pid


def ident(fd):
    st = os.fstat(fd)
    return {"dev": st.st_dev, "ino": st.st_ino}


def sock_ino(s):
    return os.fstat(s.fileno()).st_ino


def b64(b):
    import base64
    return base64.b64encode(b).decode()


def scenario_pipe(work, out):
    r, w = os.pipe()
    os.write(w, b"p" * 1234)
    COMMANDS["write"] = lambda n: {"written": os.write(w, b"p" * int(n))}
    reader = fork_holder([r], [w])
    os.close(r)  # the parent keeps only the write end
    out.update(pipe=ident(w), writer={"pid": os.getpid(), "fd": w}, reader={"pid": reader, "fd": r}, queued=1234)


def scenario_fifo(work, out):
    path = os.path.join(work, "fifo0")
    os.mkfifo(path, 0o600)
    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    w = os.open(path, os.O_WRONLY)
    os.write(w, b"f" * 777)
    reader = fork_holder([r], [w])
    os.close(r)
    globals()["_opath"] = os.open(path, os.O_PATH)  # an O_PATH fd: no end of the FIFO, not an endpoint
    out.update(fifo=ident(w), path=path, writer={"pid": os.getpid(), "fd": w}, reader={"pid": reader, "fd": r}, queued=777)


def scenario_socketpairs(work, out):
    pairs = {}
    for name, typ, sends in (("stream", socket.SOCK_STREAM, [500, 11]), ("dgram", socket.SOCK_DGRAM, [300, 40]),
                             ("seqpacket", socket.SOCK_SEQPACKET, [100, 200])):
        a, b = socket.socketpair(socket.AF_UNIX, typ)
        for n in sends:
            a.send(b"s" * n)
        pairs[name] = {"a": {"fd": a.fileno(), "ino": sock_ino(a)}, "b": {"fd": b.fileno(), "ino": sock_ino(b)}, "sent": sends}
        globals().setdefault("_keep", []).extend([a, b])
        COMMANDS["send-" + name] = lambda n, a=a: {"sent": a.send(b"m" * int(n))}
        COMMANDS["recv-" + name] = lambda n, b=b: {"received": len(b.recv(int(n)))}
    out.update(pid=os.getpid(), pairs=pairs)


def scenario_listeners(work, out):
    keep = globals().setdefault("_keep", [])
    path = os.path.join(work, "listen-%d.sock" % os.getpid())
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(5)
    c1 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c1.connect(path)
    conn, _ = srv.accept()
    conn.send(b"a" * 42)  # 42 bytes queued at c1
    c2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c2.connect(path)  # never accepted: pending
    abs_name = b"\0ipci-abs\0tail-" + str(os.getpid()).encode()
    ab = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ab.bind(abs_name)
    ab.listen(3)
    unnamed = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    os.chdir(work)
    rel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    rel_name = "@rel-" + str(os.getpid())
    rel.bind(rel_name)
    rel.listen(1)
    keep.extend([srv, c1, conn, c2, ab, unnamed, rel])
    st = os.stat(path)
    out.update(pid=os.getpid(), path=path, pathFile={"dev": st.st_dev, "ino": st.st_ino},
               listener={"fd": srv.fileno(), "ino": sock_ino(srv)},
               client={"fd": c1.fileno(), "ino": sock_ino(c1)}, accepted={"fd": conn.fileno(), "ino": sock_ino(conn)},
               pending={"fd": c2.fileno(), "ino": sock_ino(c2)},
               abstract={"fd": ab.fileno(), "ino": sock_ino(ab), "nameBase64": b64(abs_name[1:])},
               unnamed={"fd": unnamed.fileno(), "ino": sock_ino(unnamed)},
               relative={"fd": rel.fileno(), "ino": sock_ino(rel), "name": rel_name})


HOSTILE = [
    b"<img src=x onerror=alert(1)>",
    b"line1\nline2",
    b"esc\x1b[31mred",
    "bidi\u202etxt.exe".encode(),
    b"bad\xff\xfeutf8",
]


HOSTILE_ARG = b"arg-\xff\xfe\n<b>\x1b[31m"


def scenario_hostile(work, out):
    # An argument that is not UTF-8 (with a newline, markup and ESC): exec this script again with it, same pid
    # and pipes (nothing is written before this).
    if os.fsencode(sys.argv[-1]) != HOSTILE_ARG:
        os.execv(sys.executable, [os.fsencode(sys.executable), *map(os.fsencode, sys.argv), HOSTILE_ARG])
    keep = globals().setdefault("_keep", [])
    libc.prctl(15, b"x) (y\nz\x1b\xff", 0, 0, 0)  # PR_SET_NAME: a comm with ') (', newline, ESC, bad UTF-8
    socks, fifos = [], []
    names = HOSTILE + [b"L" * (107 - len(work.encode()) - 1)]
    for i, n in enumerate(names):
        p = os.path.join(work.encode(), n)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(p)
        s.listen(1)
        keep.append(s)
        socks.append({"fd": s.fileno(), "ino": sock_ino(s), "raw": b64(p)})
        a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        a.bind(b"\0" + n + b"\0" + str(os.getpid()).encode())
        keep.append(a)
        socks.append({"fd": a.fileno(), "ino": sock_ino(a), "raw": b64(b"\0" + n + b"\0" + str(os.getpid()).encode()), "abstract": True})
    for n in HOSTILE + [b"F" * 255, b"pipe:[4242]"]:
        p = os.path.join(work.encode(), b"fifo-" + n)[:len(work) + 1 + 255]
        os.mkfifo(p, 0o600)
        r = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
        w = os.open(p, os.O_WRONLY)
        os.write(w, b"h" * 5)
        fifos.append({"r": r, "w": w, "raw": b64(p), **ident(r)})
    out.update(pid=os.getpid(), sockets=socks, fifos=fifos)


def scenario_inflight(work, out):
    keep = globals().setdefault("_keep", [])
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    r, w = os.pipe()
    a.sendmsg([b"!"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r, w]))])
    os.close(r)
    os.close(w)  # the pipe now exists only in flight, inside b's receive queue
    keep.extend([a, b])
    out.update(pid=os.getpid(), sender={"fd": a.fileno(), "ino": sock_ino(a)}, receiver={"fd": b.fileno(), "ino": sock_ino(b)}, inflight=2)


def listener_with_client(path):
    """A Unix stream listener bound to `path` and a client connected to it, not accepted."""
    lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lst.bind(path)
    lst.listen(4)
    cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cli.connect(path)
    return lst, cli


def scenario_inflight_pending(work, out):
    """fds sent over a connection its listener has not accepted yet: in flight on the listener (scm_fds)."""
    keep = globals().setdefault("_keep", [])
    lst, cli = listener_with_client(os.path.join(work, "pending-fds.sock"))
    r, w = os.pipe()
    cli.sendmsg([b"!"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r, w, r]))])
    os.close(r)
    os.close(w)
    keep.extend([lst, cli])
    out.update(pid=os.getpid(), listener={"fd": lst.fileno(), "ino": sock_ino(lst)}, client={"fd": cli.fileno(), "ino": sock_ino(cli)}, inflight=3)


def scenario_inflight_kinds(work, out):
    """fds in flight on Unix sockets of every type and state fdinfo counts differently: established stream and
    seqpacket pairs, a connected dgram pair, a bound dgram socket that received from an unbound one, a
    listener with an unaccepted connection carrying fds, and sockets with nothing in flight. `expect` maps
    each socket's inode to its scm_fds."""
    keep = globals().setdefault("_keep", [])
    expect = {}

    def send(sock, n, to=None):
        r, w = os.pipe()
        fds = array.array("i", ([r, w] * n)[:n])
        if to is None:
            sock.sendmsg([b"!"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
        else:
            sock.sendmsg([b"!"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)], 0, to)
        os.close(r)
        os.close(w)

    for kind, n in ((socket.SOCK_STREAM, 2), (socket.SOCK_SEQPACKET, 3), (socket.SOCK_DGRAM, 1)):
        a, b = socket.socketpair(socket.AF_UNIX, kind)
        send(a, n)
        keep.extend([a, b])
        expect[sock_ino(a)] = 0
        expect[sock_ino(b)] = n
    name = b"\0ipci-inflight-dgram-%d" % os.getpid()
    rx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    rx.bind(name)
    tx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    send(tx, 5, name)
    send(tx, 2, name)
    keep.extend([rx, tx])
    expect[sock_ino(rx)] = 7
    expect[sock_ino(tx)] = 0
    lst, cli = listener_with_client(os.path.join(work, "inflight-kinds.sock"))
    send(cli, 4)
    idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # never connected
    keep.extend([lst, cli, idle])
    expect[sock_ino(lst)] = 4
    expect[sock_ino(cli)] = 0
    expect[sock_ino(idle)] = 0
    out.update(pid=os.getpid(), expect={str(k): v for k, v in expect.items()}, listener=sock_ino(lst))


def scenario_fifo_paths(work, out):
    """FIFOs whose paths the fd iterator writes or not: a plain one, one whose path is longer than the program
    writes (over 320 bytes), and one unlinked while held (" (deleted)")."""
    keep = globals().setdefault("_keep", [])
    fds = {}

    def hold(path, name):
        os.mkfifo(path)
        r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        w = os.open(path, os.O_WRONLY)
        keep.extend([r, w])
        fds[name] = r

    hold(os.path.join(work, "plain.fifo"), "plain")
    deep = work
    while len(deep) < 400:
        deep = os.path.join(deep, "d" * 60)
    os.makedirs(deep)
    hold(os.path.join(deep, "long.fifo"), "long")
    gone = os.path.join(work, "gone.fifo")
    hold(gone, "gone")
    os.unlink(gone)
    out.update(pid=os.getpid(), fds=fds, long=os.path.join(deep, "long.fifo"), plain=os.path.join(work, "plain.fifo"), gone=gone)


def scenario_inet(work, out):
    """Loopback TCP (IPv4, IPv6, v4-mapped) with bytes queued both ways and a pending connection; UDP."""
    import time
    keep = globals().setdefault("_keep", [])

    def ref(s):
        return {"fd": s.fileno(), "ino": sock_ino(s), "local": list(s.getsockname()[:2])}

    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(7)
    cli = socket.create_connection(lst.getsockname())
    acc, _ = lst.accept()
    cli.sendall(b"t" * 300)  # queued at acc
    acc.sendall(b"u" * 50)  # queued at cli
    pend = socket.create_connection(lst.getsockname())  # never accepted
    l6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    l6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    l6.bind(("::", 0))
    l6.listen(3)
    c6 = socket.create_connection(("::1", l6.getsockname()[1]))
    a6, _ = l6.accept()
    c6.sendall(b"6" * 66)
    cm = socket.create_connection(("127.0.0.1", l6.getsockname()[1]))  # v4 client, v4-mapped on the server
    am, _ = l6.accept()
    u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u1.bind(("127.0.0.1", 0))
    u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u2.bind(("127.0.0.1", 0))
    u2.connect(u1.getsockname())
    u1.connect(u2.getsockname())
    for _ in range(3):
        u2.send(b"d" * 100)
    time.sleep(0.05)  # let loopback delivery settle
    keep.extend([lst, cli, acc, pend, l6, c6, a6, cm, am, u1, u2])
    COMMANDS["send-tcp"] = lambda n: {"sent": cli.send(b"t" * int(n))}
    COMMANDS["accept"] = lambda: {"accepted": keep.append(lst.accept()[0]) or True}
    out.update(pid=os.getpid(), listener=ref(lst), client=ref(cli), accepted=ref(acc), pending=ref(pend),
               l6=ref(l6), c6=ref(c6), a6=ref(a6), cm=ref(cm), am=ref(am), u1=ref(u1), u2=ref(u2))


def scenario_tcpfixed(work, out):
    """One loopback TCP connection with fixed ports (127.0.0.1:40001 <- 127.0.0.1:40002), for namespaces."""
    keep = globals().setdefault("_keep", [])
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", 40001))
    lst.listen(1)
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    cli.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    cli.bind(("127.0.0.1", 40002))
    cli.connect(("127.0.0.1", 40001))
    acc, _ = lst.accept()
    a, b = socket.socketpair()
    a.send(b"n" * 17)
    keep.extend([lst, cli, acc, a, b])
    out.update(pid=os.getpid(), netns=os.stat("/proc/self/ns/net").st_ino, client={"fd": cli.fileno(), "ino": sock_ino(cli)},
               accepted={"fd": acc.fileno(), "ino": sock_ino(acc)}, a={"fd": a.fileno(), "ino": sock_ino(a)},
               b={"fd": b.fileno(), "ino": sock_ino(b)})


COMMANDS = {}


def main():
    scenario, work = sys.argv[1], sys.argv[2]
    out = {"holder": os.getpid()}
    globals()["scenario_" + scenario](work, out)
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    # Hold everything until the test closes stdin; run the scenario's commands meanwhile.
    for line in sys.stdin:
        cmd, *args = line.split()
        print(json.dumps(COMMANDS[cmd](*args)), flush=True)


if __name__ == "__main__":
    main()
