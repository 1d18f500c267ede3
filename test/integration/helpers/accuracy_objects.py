"""Objects whose figures are easy to misreport, for accuracy.test.ts. Prints one JSON line, then waits for stdin to close.

- a Unix datagram socketpair with three 50-byte datagrams queued (the kernel reports the first one's size)
- a UDP socket with three 100-byte datagrams queued (the kernel reports receive-buffer memory)
- a loopback TCP connection whose receiver never reads: the sender's send queue fills
- a TCP listener with a connection it never accepts, 123 bytes queued on it
- a FIFO opened and then unlinked; a live FIFO literally named "real (deleted)"
- a Unix listener whose socket file is deleted, another whose file is replaced by a regular file
- a POSIX shm segment mapped (no fd) and unlinked
- a SysV shm segment attached, then removed (IPC_RMID): "dest" until the last detach
- a pipe and a FIFO with data queued whose readers have closed, held by their writer only
"""
import ctypes, json, mmap, os, socket, sys

d = sys.argv[1]
out = {"pid": os.getpid()}

a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
for _ in range(3):
    a.send(b"x" * 50)
out["dgram"] = os.fstat(b.fileno()).st_ino

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(b"y" * 100, u.getsockname())
out["udp"] = os.fstat(u.fileno()).st_ino

lst = socket.socket()
lst.bind(("127.0.0.1", 0))
lst.listen(4)
snd = socket.create_connection(lst.getsockname())
rcv, _ = lst.accept()
rcv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
snd.setblocking(False)
sent = 0
try:
    while sent < 64 << 20:
        sent += snd.send(b"z" * 65536)
except BlockingIOError:
    pass
out["tcpSender"] = os.fstat(snd.fileno()).st_ino

lst2 = socket.socket()
lst2.bind(("127.0.0.1", 0))
lst2.listen(4)
cli = socket.create_connection(lst2.getsockname())
cli.send(b"q" * 123)
out["unacceptedClient"] = os.fstat(cli.fileno()).st_ino

f1 = os.path.join(d, "gone.fifo")
os.mkfifo(f1, 0o600)
gone = os.open(f1, os.O_RDWR)
os.unlink(f1)
out["goneFifo"] = os.fstat(gone).st_ino
out["goneFifoPath"] = f1
f2 = os.path.join(d, "real (deleted)")
os.mkfifo(f2, 0o600)
real = os.open(f2, os.O_RDWR)
out["realFifo"] = os.fstat(real).st_ino
out["realFifoPath"] = f2

p1 = os.path.join(d, "deleted.sock")
l1 = socket.socket(socket.AF_UNIX)
l1.bind(p1)
l1.listen(1)
os.unlink(p1)
out["deletedSock"] = os.fstat(l1.fileno()).st_ino
out["deletedSockPath"] = p1
p2 = os.path.join(d, "replaced.sock")
l2 = socket.socket(socket.AF_UNIX)
l2.bind(p2)
l2.listen(1)
os.unlink(p2)
open(p2, "w").close()
out["replacedSock"] = os.fstat(l2.fileno()).st_ino
out["replacedSockPath"] = p2

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
name = "/ipci-acc-%d" % os.getpid()
fd = os.open("/dev/shm" + name, os.O_RDWR | os.O_CREAT, 0o600)
os.ftruncate(fd, 8192)
# (Python's mmap keeps a duplicate of the fd: a bare mmap(2) leaves the mapping as the only holder.)
m = libc.mmap(None, 8192, mmap.PROT_READ | mmap.PROT_WRITE, mmap.MAP_SHARED, fd, 0)
out["shmIno"] = os.fstat(fd).st_ino
os.close(fd)
os.unlink("/dev/shm" + name)
out["shmName"] = name

libc.shmat.restype = ctypes.c_void_p
shmid = libc.shmget(0, 4096, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
addr = libc.shmat(shmid, None, 0)
libc.shmctl(shmid, 0, None)  # IPC_RMID: destroyed on the last detach
out["sysvShmid"] = shmid

# A pipe and a FIFO whose readers are gone, data still queued, the writer holding its end (a stalled pipeline).
r, w = os.pipe()
os.write(w, b"p" * 12000)
os.close(r)
out["unreadPipe"] = os.fstat(w).st_ino
out["unreadPipeFd"] = w
f3 = os.path.join(d, "unread.fifo")
os.mkfifo(f3, 0o600)
fr = os.open(f3, os.O_RDONLY | os.O_NONBLOCK)
fw = os.open(f3, os.O_WRONLY)
os.write(fw, b"f" * 3000)
os.close(fr)
out["unreadFifo"] = os.fstat(fw).st_ino

print(json.dumps(out), flush=True)
sys.stdin.read()
libc.shmdt(ctypes.c_void_p(addr))
