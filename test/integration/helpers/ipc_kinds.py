#!/usr/bin/env python3
"""Creates real shm, semaphores, memfds, mqueues, SysV objects, eventfds, signalfds and signal states for
the integration tests, prints them as one JSON line, holds them until stdin closes, then removes them.

Usage: ipc_kinds.py <scenario> <workdir>
"""
import atexit
import ctypes
import json
import os
import signal
import sys
import threading

from ipc_objects import HOSTILE, b64

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.sem_open.restype = ctypes.c_void_p
libc.sem_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_uint, ctypes.c_uint]
PROT_RW, MAP_SHARED, IPC_CREAT, IPC_RMID, IPC_PRIVATE = 3, 1, 0o1000, 0, 0
PR_SET_PDEATHSIG = 1
COMMANDS = {}


def check(r, what):
    if r is None or r == -1 or r == ctypes.c_void_p(-1).value:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")
    return r


def mmap_fd(fd, size):
    """libc mmap (Python's mmap.mmap would dup the fd)."""
    return check(libc.mmap(None, size, PROT_RW, MAP_SHARED, fd, 0), "mmap")


def fork_holder(before_pause=lambda: None):
    """Fork a child that runs before_pause(), reports ready through a pipe, and waits (dies with us)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        os.close(r)
        before_pause()
        os.write(w, b"!")
        os.close(w)
        while True:
            signal.pause()
    os.close(w)
    assert os.read(r, 1) == b"!"
    os.close(r)
    return pid


def ident(fd):
    st = os.fstat(fd)
    return {"dev": st.st_dev, "ino": st.st_ino}


def shm_name(n):
    return (b"ipci-%d-" % os.getpid() + n)[:255]


def scenario_shm(work, out):
    """POSIX shm held by fd + mapping in this process, mapping-only in a child; hostile names; a semaphore."""
    objs = []
    for n in [b"plain"] + HOSTILE + [b"N" * 255]:
        name = shm_name(n)
        path = b"/dev/shm/" + name
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o640)
        atexit.register(os.unlink, path)
        os.ftruncate(fd, 8192)
        mmap_fd(fd, 8192)
        objs.append({"fd": fd, "raw": b64(name), **ident(fd)})
    fds = [o["fd"] for o in objs]
    mapper = fork_holder(lambda: [os.close(fd) for fd in fds])  # keeps the mappings only
    sem = shm_name(b"sem")
    check(libc.sem_open(b"/" + sem, os.O_CREAT | os.O_EXCL, 0o600, 3), "sem_open")  # maps /dev/shm/sem.<name>, no fd
    atexit.register(os.unlink, b"/dev/shm/sem." + sem)
    out.update(pid=os.getpid(), mapper=mapper, shm=objs, sem={"raw": b64(sem), **ident(os.open(b"/dev/shm/sem." + sem, os.O_PATH))})


def scenario_memfd(work, out):
    fd = os.memfd_create("ipci-memfd\x1b[31m")
    os.ftruncate(fd, 12288)
    mmap_fd(fd, 12288)
    mapper = fork_holder(lambda: os.close(fd))
    out.update(pid=os.getpid(), mapper=mapper, fd=fd, size=12288, **ident(fd))


class MqAttr(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_long), ("maxmsg", ctypes.c_long), ("msgsize", ctypes.c_long), ("curmsgs", ctypes.c_long), ("pad", ctypes.c_long * 4)]


def scenario_mqueue(work, out):
    queues = []
    for i, n in enumerate([b"plain"] + HOSTILE + [b"Q" * 255]):
        name = (b"ipci-%d-" % os.getpid() + n)[:255]
        attr = MqAttr(0, 8, 128, 0)
        q = check(libc.mq_open(b"/" + name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600, ctypes.byref(attr)), "mq_open")
        atexit.register(libc.mq_unlink, b"/" + name)
        sent = [b"m" * (10 + i), b"x" * 20, b"y" * 30][: 1 + i % 3]
        for m in sent:
            check(libc.mq_send(q, m, len(m), 0), "mq_send")
        queues.append({"fd": q, "raw": b64(name), "curmsgs": len(sent), "bytes": sum(map(len, sent)), **ident(q)})
    out.update(pid=os.getpid(), queues=queues, maxmsg=8, msgsize=128)


def scenario_mqueue_held(work, out):
    """A queue unlinked while held (through a write-only and a read-only descriptor) and, under the same
    name, a new listed queue; plus a queue that stays linked (for runs without a /dev/mqueue mount)."""
    name = b"/ipci-%d-held" % os.getpid()
    gone = check(libc.mq_open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640, ctypes.byref(MqAttr(0, 6, 64, 0))), "mq_open")
    gone_r = check(libc.mq_open(name, os.O_RDONLY), "mq_open")
    for m in (b"a" * 11, b"b" * 22):
        check(libc.mq_send(gone, m, len(m), 0), "mq_send")
    check(libc.mq_unlink(name), "mq_unlink")
    new = check(libc.mq_open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600, ctypes.byref(MqAttr(0, 4, 32, 0))), "mq_open")
    atexit.register(libc.mq_unlink, name)
    check(libc.mq_send(new, b"c" * 5, 5, 0), "mq_send")

    def send_gone():
        check(libc.mq_send(gone, b"d" * 7, 7, 0), "mq_send")
        return {"curmsgs": 3}

    COMMANDS["send-gone"] = send_gone
    out.update(pid=os.getpid(), raw=b64(name[1:]),
               gone={"w": gone, "r": gone_r, "curmsgs": 2, "bytes": 33, "maxmsg": 6, "msgsize": 64, **ident(gone)},
               new={"fd": new, "curmsgs": 1, "bytes": 5, "maxmsg": 4, "msgsize": 32, **ident(new)})


def scenario_sysv(work, out):
    key = 0x1C000000 | (os.getpid() & 0xFFFFFF)
    shmid = check(libc.shmget(key, 8192, IPC_CREAT | 0o600), "shmget")
    atexit.register(libc.shmctl, shmid, IPC_RMID, None)
    check(libc.shmat(shmid, None, 0), "shmat")
    child = fork_holder()  # inherits the attachment: nattch 2
    msqid = check(libc.msgget(key, IPC_CREAT | 0o600), "msgget")
    atexit.register(libc.msgctl, msqid, IPC_RMID, None)
    sizes = [10, 20, 30]
    for n in sizes:
        buf = ctypes.create_string_buffer(8 + n)
        ctypes.c_long.from_buffer(buf).value = 1
        check(libc.msgsnd(msqid, buf, n, 0), "msgsnd")
    semid = check(libc.semget(key, 3, IPC_CREAT | 0o600), "semget")
    atexit.register(libc.semctl, semid, 0, IPC_RMID)
    with open("/proc/sys/kernel/msgmnb") as f:
        msgmnb = int(f.read())
    out.update(pid=os.getpid(), child=child, key=key, shmid=shmid, size=8192, msqid=msqid, qnum=3, cbytes=sum(sizes),
               msgmnb=msgmnb, semid=semid, nsems=3)


def scenario_sysv_modes(work, out):
    """SysV objects whose modes other users can write through (0777, 0622, 0666) and private ones (0660, 0644)."""
    made = []
    for i, (kind, mode) in enumerate([("shm", 0o777), ("msg", 0o622), ("sem", 0o666), ("shm", 0o660), ("msg", 0o644)]):
        if kind == "shm":
            ident_ = check(libc.shmget(IPC_PRIVATE, 4096, IPC_CREAT | mode), "shmget")
            atexit.register(libc.shmctl, ident_, IPC_RMID, None)
        elif kind == "msg":
            ident_ = check(libc.msgget(IPC_PRIVATE, IPC_CREAT | mode), "msgget")
            atexit.register(libc.msgctl, ident_, IPC_RMID, None)
        else:
            ident_ = check(libc.semget(IPC_PRIVATE, 1, IPC_CREAT | mode), "semget")
            atexit.register(libc.semctl, ident_, 0, IPC_RMID)
        made.append({"kind": "sysv-" + kind, "id": ident_, "mode": mode})
    out.update(pid=os.getpid(), objects=made)


def fdinfo(fd):
    with open(f"/proc/self/fdinfo/{fd}") as f:
        return dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)


def scenario_events(work, out):
    shared = os.eventfd(7)
    alone = os.eventfd(0, os.EFD_SEMAPHORE)
    child = fork_holder(lambda: os.close(alone))
    mask = (ctypes.c_ulong * 16)()
    mask[0] = (1 << (signal.SIGUSR2 - 1)) | (1 << (36 - 1))  # SIGUSR2 and SIGRTMIN+2
    sfd = check(libc.signalfd(-1, mask, os.O_CLOEXEC), "signalfd")
    out.update(pid=os.getpid(), child=child, shared={"fd": shared, "id": int(fdinfo(shared)["eventfd-id"]), "count": 7},
               alone={"fd": alone, "id": int(fdinfo(alone)["eventfd-id"]), "count": 0}, signalfd={"fd": sfd, "signals": ["SIGUSR2", "SIGRTMIN+2"]})


def scenario_signals(work, out):
    signal.signal(signal.SIGUSR1, lambda *a: None)
    signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, 37])
    os.kill(os.getpid(), signal.SIGTERM)  # process-directed: ShdPnd
    signal.pthread_kill(threading.get_ident(), 37)  # to this (main) thread: SigPnd
    out.update(pid=os.getpid(), blocked=["SIGTERM", "SIGRTMIN+3"], pending=["SIGTERM"], pendingThread=["SIGRTMIN+3"])


def scenario_thread_signals(work, out):
    """A worker thread that blocks SIGUSR1 and SIGRTMIN+6 and has both sent to it alone (pending for it only);
    the main thread blocks nothing."""
    ready = threading.Event()

    def worker():
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1, 40])
        ready.set()
        threading.Event().wait()

    t = threading.Thread(target=worker, name="ipci-worker", daemon=True)
    t.start()
    ready.wait()
    signal.signal(signal.SIGUSR1, lambda *a: None)
    signal.pthread_kill(t.ident, signal.SIGUSR1)
    signal.pthread_kill(t.ident, 40)
    out.update(pid=os.getpid(), tid=t.native_id, name="ipci-worker", blocked=["SIGUSR1", "SIGRTMIN+6"], pending=["SIGUSR1", "SIGRTMIN+6"])


def main():
    scenario, work = sys.argv[1], sys.argv[2]
    out = {"holder": os.getpid()}
    try:
        globals()["scenario_" + scenario](work, out)
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
        for line in sys.stdin:
            # A scenario may take commands (one line each, answered with one JSON line).
            cmd = COMMANDS.get(line.strip())
            if cmd:
                sys.stdout.write(json.dumps(cmd()) + "\n")
                sys.stdout.flush()
    finally:
        if os.getpid() == out["holder"]:
            for pid in [v for k, v in out.items() if k in ("mapper", "child")]:
                os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
