/* C reference worker for `npm run bench:fidelity`: the same control protocol, setup and timed loops as
 * native/bench/bench.worker.ts (see src/core/bench/protocol.ts), so its figures show what the mechanism
 * costs without Node and koffi. Build: gcc -O2 -o cref cref.c (Linux, glibc >= 2.34). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define HEADROOM 8
#define PATTERNS 4
#define RING_HEADER 4096

static struct { char mech[32], role, kind[16], name[256], path[256]; long size, iters, warmup, cpu, key, ringcap, seed; } cfg;
static long peer_port, peer_pid, peer_window, my_window, my_ackevery;
/* calldelay=NS: spin NS after every channel call, so bench:fidelity can show what a harness with that much
 * overhead per call would measure ("C + delta" in its table). 0 in every normal run. */
static long call_delay;
static int a_role;
static char cleanup_paths[3][300];
static int sysv_id = -1;

static void die(const char *fmt, ...) {
  int e = errno; char msg[512], esc[1100], *o = esc; va_list ap;
  va_start(ap, fmt); vsnprintf(msg, sizeof msg, fmt, ap); va_end(ap);
  for (const char *c = msg; *c; c++) { if (*c == '"' || *c == '\\') *o++ = '\\'; *o++ = (unsigned char)*c < 32 ? ' ' : *c; }
  *o = 0;
  printf("{\"t\":\"error\",\"message\":\"%s%s%s\"}\n", esc, e ? ": " : "", e ? strerror(e) : ""); fflush(stdout);
  for (int i = 0; i < 3; i++) if (cleanup_paths[i][0]) unlink(cleanup_paths[i]);
  if (a_role && sysv_id >= 0) msgctl(sysv_id, IPC_RMID, NULL);
  exit(1);
}
static long chk(long r, const char *what) { if (r < 0) die("%s", what); return r; }
static int64_t clock_ns(clockid_t id) { struct timespec t; clock_gettime(id, &t); return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }
static int64_t now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
/* CPU time of the timed phase (process and main thread), as loops.ts reports it. */
static int64_t cpu_p0, cpu_t0, cpu_used, thread_used;
static void cpu_start(void) { cpu_p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID); cpu_t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID); }
static void cpu_stop(void) { thread_used = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_t0; cpu_used = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu_p0; }
#define CPU_FIELDS ",\"cpu_ns\":%lld,\"thread_ns\":%lld"
#define CPU_ARGS (long long)cpu_used, (long long)thread_used

/* ---- channels ---- */
enum kind { STREAM, SOCKSTREAM, DGRAM, EVENTFD, MQ, SYSV, SIGNAL, SHM };
typedef struct { unsigned char *raw, *payload; long cap; } frame_t;
typedef struct { uint32_t *w, *r, *rwait, *wwait; unsigned char *data; uint32_t cap, pos; } ring_t;
static struct { enum kind k; int rfd, wfd; long msgsize, sendtype, recvtype; sigset_t set; ring_t in, out; int futex; } ch;

static frame_t frame(long cap) { frame_t f; f.raw = calloc(1, HEADROOM + cap); f.payload = f.raw + HEADROOM; f.cap = cap; return f; }

static void futex(uint32_t *addr, int op, uint32_t val) { syscall(SYS_futex, addr, op, val, NULL, NULL, 0); }
static void sleep_on(uint32_t *word, uint32_t *flag, int (*ready)(uint32_t, uint32_t, uint32_t), uint32_t p, uint32_t n) {
  __atomic_exchange_n(flag, 1, __ATOMIC_SEQ_CST);
  uint32_t x = __atomic_load_n(word, __ATOMIC_SEQ_CST);
  if (!ready(x, p, n)) futex(word, FUTEX_WAIT, x);
  __atomic_store_n(flag, 0, __ATOMIC_SEQ_CST);
}
static int space_ok(uint32_t rpos, uint32_t w, uint32_t limit) { return w - rpos <= limit; }
static int data_ok(uint32_t wpos, uint32_t r, uint32_t n) { return wpos - r >= n; }

static void shm_send(const unsigned char *src, uint32_t n) {
  ring_t *r = &ch.out; uint32_t w = r->pos, limit = r->cap - n;
  if (ch.futex) { while (w - __atomic_load_n(r->r, __ATOMIC_SEQ_CST) > limit) sleep_on(r->r, r->wwait, space_ok, w, limit); }
  else while (w - __atomic_load_n(r->r, __ATOMIC_SEQ_CST) > limit);
  uint32_t off = w & (r->cap - 1), first = n < r->cap - off ? n : r->cap - off;
  if (n <= 64) { for (uint32_t i = 0; i < first; i++) r->data[off + i] = src[i]; for (uint32_t i = first; i < n; i++) r->data[i - first] = src[i]; }
  else { memcpy(r->data + off, src, first); if (first < n) memcpy(r->data, src + first, n - first); }
  r->pos = w + n;
  if (ch.futex) { __atomic_exchange_n(r->w, r->pos, __ATOMIC_SEQ_CST); if (__atomic_load_n(r->rwait, __ATOMIC_SEQ_CST)) futex(r->w, FUTEX_WAKE, 1); }
  else __atomic_store_n(r->w, r->pos, __ATOMIC_SEQ_CST);
}
static void shm_recv(unsigned char *dst, uint32_t n) {
  ring_t *r = &ch.in; uint32_t p = r->pos;
  if (ch.futex) { while (__atomic_load_n(r->w, __ATOMIC_SEQ_CST) - p < n) sleep_on(r->w, r->rwait, data_ok, p, n); }
  else while (__atomic_load_n(r->w, __ATOMIC_SEQ_CST) - p < n);
  uint32_t off = p & (r->cap - 1), first = n < r->cap - off ? n : r->cap - off;
  if (n <= 64) { for (uint32_t i = 0; i < first; i++) dst[i] = r->data[off + i]; for (uint32_t i = first; i < n; i++) dst[i] = r->data[i - first]; }
  else { memcpy(dst, r->data + off, first); if (first < n) memcpy(dst + first, r->data, n - first); }
  r->pos = p + n;
  if (ch.futex) { __atomic_exchange_n(r->r, r->pos, __ATOMIC_SEQ_CST); if (__atomic_load_n(r->wwait, __ATOMIC_SEQ_CST)) futex(r->r, FUTEX_WAKE, 1); }
  else __atomic_store_n(r->r, r->pos, __ATOMIC_SEQ_CST);
}

static void ch_send_raw(frame_t *f, long n) {
  long r; uint64_t v;
  switch (ch.k) {
  case STREAM: case SOCKSTREAM:
    for (long off = 0; off < n;) {
      r = ch.k == SOCKSTREAM ? send(ch.wfd, f->payload + off, n - off, MSG_NOSIGNAL) : write(ch.wfd, f->payload + off, n - off);
      if (r < 0 && errno == EINTR) continue;
      off += chk(r, "write");
    }
    return;
  case DGRAM:
    do r = send(ch.wfd, f->payload, n, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
    if (chk(r, "send") != n) die("short datagram send");
    return;
  case EVENTFD:
    v = f->payload[0] + 1;
    do r = write(ch.wfd, &v, 8); while (r < 0 && errno == EINTR);
    chk(r, "eventfd write"); return;
  case MQ:
    do r = mq_send(ch.wfd, (char *)f->payload, n, 0); while (r < 0 && errno == EINTR);
    chk(r, "mq_send"); return;
  case SYSV:
    *(long *)f->raw = ch.sendtype;
    do r = msgsnd(ch.wfd, f->raw, n, 0); while (r < 0 && errno == EINTR);
    chk(r, "msgsnd"); return;
  case SIGNAL: chk(syscall(SYS_tgkill, peer_pid, peer_pid, SIGUSR2), "tgkill"); return;
  case SHM: shm_send(f->payload, n); return;
  }
}
static void ch_recv_raw(frame_t *f, long n) {
  long r; uint64_t v; int sig;
  switch (ch.k) {
  case STREAM: case SOCKSTREAM:
    for (long off = 0; off < n;) {
      r = ch.k == SOCKSTREAM ? recv(ch.rfd, f->payload + off, n - off, 0) : read(ch.rfd, f->payload + off, n - off);
      if (r < 0 && errno == EINTR) continue;
      if (chk(r, "read") == 0) { errno = 0; die("peer closed the channel"); }
      off += r;
    }
    return;
  case DGRAM:
    do r = recv(ch.rfd, f->payload, f->cap, MSG_TRUNC); while (r < 0 && errno == EINTR);
    if (chk(r, "recv") != n) { errno = 0; die("received a %ld-byte datagram, expected %ld", r, n); }
    return;
  case EVENTFD:
    do r = read(ch.rfd, &v, 8); while (r < 0 && errno == EINTR);
    chk(r, "eventfd read");
    if (v < 1 || v > 256) { errno = 0; die("eventfd counter %lu", (unsigned long)v); }
    f->payload[0] = (unsigned char)(v - 1); return;
  case MQ:
    do r = mq_receive(ch.rfd, (char *)f->payload, f->cap, NULL); while (r < 0 && errno == EINTR);
    if (chk(r, "mq_receive") != n) { errno = 0; die("received a %ld-byte message", r); }
    return;
  case SYSV:
    do r = msgrcv(ch.rfd, f->raw, f->cap, ch.recvtype, 0); while (r < 0 && errno == EINTR);
    if (chk(r, "msgrcv") != n) { errno = 0; die("received a %ld-byte message", r); }
    return;
  case SIGNAL:
    do sig = sigwaitinfo(&ch.set, NULL); while (sig < 0 && errno == EINTR);
    if (chk(sig, "sigwaitinfo") != SIGUSR2) { errno = 0; die("sigwaitinfo returned %d", sig); }
    return;
  case SHM: shm_recv(f->payload, n); return;
  }
}

static void spin_ns(long ns) { int64_t t = now_ns() + ns; while (now_ns() < t) {} }
static void ch_send(frame_t *f, long n) { ch_send_raw(f, n); if (call_delay) spin_ns(call_delay); }
static void ch_recv(frame_t *f, long n) { ch_recv_raw(f, n); if (call_delay) spin_ns(call_delay); }

/* ---- setup (mirrors endpoints.ts) ---- */
static struct sockaddr_in sin_of(long port) { struct sockaddr_in s = {0}; s.sin_family = AF_INET; s.sin_port = htons(port); s.sin_addr.s_addr = htonl(INADDR_LOOPBACK); return s; }
static struct sockaddr_un sun_of(const char *p) { struct sockaddr_un s = {0}; s.sun_family = AF_UNIX; snprintf(s.sun_path, sizeof s.sun_path, "%s", p); return s; }
static long port_of(int fd) { struct sockaddr_in s; socklen_t l = sizeof s; chk(getsockname(fd, (void *)&s, &l), "getsockname"); return ntohs(s.sin_port); }
static int is(const char *m) { return strcmp(cfg.mech, m) == 0; }
static int lfd = -1, shm_fd = -1;

static void setup1(void) {
  char p[300];
  if (is("fifo") && a_role) {
    snprintf(cleanup_paths[0], 300, "%s.ab", cfg.path); snprintf(cleanup_paths[1], 300, "%s.ba", cfg.path);
    chk(mkfifo(cleanup_paths[0], 0600), "mkfifo"); chk(mkfifo(cleanup_paths[1], 0600), "mkfifo");
  } else if (is("unix-stream") || is("unix-seqpacket")) {
    lfd = chk(socket(AF_UNIX, (is("unix-stream") ? SOCK_STREAM : SOCK_SEQPACKET) | SOCK_CLOEXEC, 0), "socket");
    if (a_role) {
      snprintf(cleanup_paths[0], 300, "%s.sock", cfg.path);
      struct sockaddr_un s = sun_of(cleanup_paths[0]);
      chk(bind(lfd, (void *)&s, sizeof s), "bind"); chk(listen(lfd, 1), "listen");
    }
  } else if (is("unix-dgram")) {
    lfd = chk(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket");
    snprintf(cleanup_paths[0], 300, "%s.%c", cfg.path, cfg.role);
    struct sockaddr_un s = sun_of(cleanup_paths[0]);
    chk(bind(lfd, (void *)&s, sizeof s), "bind");
  } else if (is("tcp") || is("tcp-nodelay")) {
    lfd = chk(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
    if (a_role) { struct sockaddr_in s = sin_of(0); chk(bind(lfd, (void *)&s, sizeof s), "bind"); chk(listen(lfd, 1), "listen"); }
  } else if (is("udp")) {
    lfd = chk(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket");
    struct sockaddr_in s = sin_of(0); chk(bind(lfd, (void *)&s, sizeof s), "bind");
    if (a_role && strcmp(cfg.kind, "throughput") == 0) {
      int want = 8 << 20, got; socklen_t l = sizeof got;
      if (setsockopt(lfd, SOL_SOCKET, SO_RCVBUFFORCE, &want, 4) < 0) setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &want, 4);
      chk(getsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &got, &l), "getsockopt");
      long truesize = 1024; while (truesize < cfg.size + 512) truesize *= 2; truesize += 1024;
      my_window = got / truesize - 1; if (my_window > 16) my_window = 16; if (my_window < 1) my_window = 1;
      my_ackevery = my_window / 2 > 1 ? my_window / 2 : 1;
    }
    struct timeval tv = {5, 0}; chk(setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), "SO_RCVTIMEO");
  } else if ((is("shm-spin") || is("shm-futex")) && a_role) {
    shm_fd = chk(shm_open(cfg.name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600), "shm_open");
    chk(ftruncate(shm_fd, 2 * (RING_HEADER + cfg.ringcap)), "ftruncate");
  } else if (is("posix-mq") && a_role) {
    struct mq_attr at = {0}; FILE *fp = fopen("/proc/sys/fs/mqueue/msg_max", "r"); long mx = 10;
    if (fp) { if (fscanf(fp, "%ld", &mx) != 1) mx = 10; fclose(fp); }
    at.mq_maxmsg = mx < 10 ? (mx < 1 ? 1 : mx) : 10; at.mq_msgsize = cfg.size > 4 ? cfg.size : 4;
    for (int i = 0; i < 2; i++) { snprintf(p, sizeof p, "%s-%s", cfg.name, i ? "ba" : "ab"); mq_close(chk(mq_open(p, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &at), "mq_open")); }
  } else if (is("sysv-msg") && a_role) {
    sysv_id = chk(msgget(cfg.key, IPC_CREAT | IPC_EXCL | 0600), "msgget");
  } else if (is("signal")) {
    sigemptyset(&ch.set); sigaddset(&ch.set, SIGUSR2); chk(sigprocmask(SIG_BLOCK, &ch.set, NULL), "sigprocmask");
  }
  printf("{\"t\":\"ready\"");
  if ((is("tcp") || is("tcp-nodelay")) && a_role) printf(",\"port\":%ld", port_of(lfd));
  if (is("udp")) { printf(",\"port\":%ld", port_of(lfd)); if (my_window) printf(",\"window\":%ld,\"ackevery\":%ld", my_window, my_ackevery); }
  if (is("signal")) printf(",\"pid\":%d", getpid());
  printf("}\n"); fflush(stdout);
}

static void setup2(void) {
  char p[300]; int one = 1;
  if (is("pipe") || is("pipe-1m")) { ch.k = STREAM; ch.rfd = 3; ch.wfd = 4; }
  else if (is("eventfd")) { ch.k = EVENTFD; ch.rfd = 3; ch.wfd = 4; }
  else if (is("fifo")) {
    char ab[300], ba[300]; snprintf(ab, 300, "%s.ab", cfg.path); snprintf(ba, 300, "%s.ba", cfg.path); ch.k = STREAM;
    if (a_role) { ch.rfd = chk(open(ab, O_RDONLY | O_CLOEXEC), "open fifo"); ch.wfd = chk(open(ba, O_WRONLY | O_CLOEXEC), "open fifo"); }
    else { ch.wfd = chk(open(ab, O_WRONLY | O_CLOEXEC), "open fifo"); ch.rfd = chk(open(ba, O_RDONLY | O_CLOEXEC), "open fifo"); }
  } else if (is("unix-stream") || is("unix-seqpacket") || is("tcp") || is("tcp-nodelay")) {
    int fd;
    if (a_role) { fd = chk(accept(lfd, NULL, NULL), "accept"); close(lfd); }
    else if (cfg.mech[0] == 'u') {
      snprintf(p, 300, "%s.sock", cfg.path); struct sockaddr_un s = sun_of(p);
      chk(connect(lfd, (void *)&s, sizeof s), "connect"); fd = lfd;
    } else { struct sockaddr_in s = sin_of(peer_port); chk(connect(lfd, (void *)&s, sizeof s), "connect"); fd = lfd; }
    if (is("tcp-nodelay")) chk(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, 4), "TCP_NODELAY");
    ch.k = is("unix-seqpacket") ? DGRAM : SOCKSTREAM; ch.rfd = ch.wfd = fd;
  } else if (is("unix-dgram")) {
    snprintf(p, 300, "%s.%c", cfg.path, a_role ? 'b' : 'a'); struct sockaddr_un s = sun_of(p);
    chk(connect(lfd, (void *)&s, sizeof s), "connect"); ch.k = DGRAM; ch.rfd = ch.wfd = lfd;
  } else if (is("udp")) {
    struct sockaddr_in s = sin_of(peer_port); chk(connect(lfd, (void *)&s, sizeof s), "connect"); ch.k = DGRAM; ch.rfd = ch.wfd = lfd;
  } else if (is("shm-spin") || is("shm-futex")) {
    if (!a_role) shm_fd = chk(shm_open(cfg.name, O_RDWR | O_CLOEXEC, 0600), "shm_open");
    long len = 2 * (RING_HEADER + cfg.ringcap);
    unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, shm_fd, 0);
    if (m == MAP_FAILED) die("mmap");
    close(shm_fd);
    ring_t r[2];
    for (int i = 0; i < 2; i++) {
      unsigned char *b = m + i * (RING_HEADER + cfg.ringcap);
      r[i].w = (uint32_t *)b; r[i].r = (uint32_t *)(b + 64); r[i].rwait = (uint32_t *)(b + 128); r[i].wwait = (uint32_t *)(b + 192);
      r[i].data = b + RING_HEADER; r[i].cap = cfg.ringcap; r[i].pos = 0;
    }
    ch.in = r[a_role ? 0 : 1]; ch.out = r[a_role ? 1 : 0]; ch.k = SHM; ch.futex = is("shm-futex");
  } else if (is("posix-mq")) {
    snprintf(p, 300, "%s-ab", cfg.name); int ab = chk(mq_open(p, O_RDWR | O_CLOEXEC), "mq_open");
    snprintf(p, 300, "%s-ba", cfg.name); int ba = chk(mq_open(p, O_RDWR | O_CLOEXEC), "mq_open");
    ch.k = MQ; ch.rfd = a_role ? ab : ba; ch.wfd = a_role ? ba : ab; ch.msgsize = cfg.size > 4 ? cfg.size : 4;
  } else if (is("sysv-msg")) {
    if (!a_role) sysv_id = chk(msgget(cfg.key, 0), "msgget");
    ch.k = SYSV; ch.rfd = ch.wfd = sysv_id; ch.sendtype = a_role ? 2 : 1; ch.recvtype = a_role ? 1 : 2;
  } else if (is("signal")) ch.k = SIGNAL;
  else { errno = EINVAL; die("unknown mechanism %s", cfg.mech); }
}

/* ---- timed loops (mirror loops.ts) ---- */
static void fill_pattern(unsigned char *b, long n, uint32_t seed) {
  uint32_t x = seed ? seed : 0x9e3779b9u;
  for (long i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; b[i] = x & 0xff; }
}
static void stamp(unsigned char *p, uint32_t seq) { uint32_t v[2] = {seq, ~seq}; memcpy(p, v, 8); }

static void latency(void) {
  long n = cfg.size, total = cfg.warmup + cfg.iters; frame_t f = frame(n > 8 ? n : 8);
  if (a_role) {
    for (long i = 0; i < total; i++) { if (i == cfg.warmup) cpu_start(); ch_recv(&f, n); ch_send(&f, n); }
    cpu_stop(); printf("{\"t\":\"result\"" CPU_FIELDS "}\n", CPU_ARGS); return;
  }
  int64_t *t = malloc(sizeof(int64_t) * (cfg.iters + 1)), prev = now_ns();
  for (long i = 0; i < total; i++) {
    if (i == cfg.warmup) cpu_start();
    unsigned char tag = i & 255; f.payload[0] = tag;
    ch_send(&f, n); ch_recv(&f, n);
    if (f.payload[0] != tag) { errno = 0; die("round trip %ld: got back %d, sent %d", i, f.payload[0], tag); }
    int64_t x = now_ns();
    if (i >= cfg.warmup) t[i - cfg.warmup] = x - prev;
    prev = x;
  }
  cpu_stop();
  printf("{\"t\":\"result\"" CPU_FIELDS ",\"samples\":[", CPU_ARGS);
  for (long i = 0; i < cfg.iters; i++) printf(i ? ",%lld" : "%lld", (long long)t[i]);
  printf("]}\n");
}

static void throughput(void) {
  long n = cfg.size, total = cfg.warmup + cfg.iters; frame_t pats[PATTERNS], ack = frame(n > 8 ? n : 8);
  for (int k = 0; k < PATTERNS; k++) { pats[k] = frame(n); fill_pattern(pats[k].payload, n, (uint32_t)(cfg.seed + k)); }
  if (!a_role) {
    long sent = 0, acked = 0; int64_t start = 0;
    for (;;) {
      if (sent == cfg.warmup) {
        while (acked < cfg.warmup) { ch_recv(&ack, 4); uint32_t v; memcpy(&v, ack.payload, 4); acked = v; }
        start = now_ns(); cpu_start();
      }
      if (sent == total) break;
      if (peer_window > 0) while (sent - acked >= peer_window) { ch_recv(&ack, 4); uint32_t v; memcpy(&v, ack.payload, 4); acked = v; }
      frame_t *f = &pats[sent % PATTERNS]; stamp(f->payload, (uint32_t)sent); ch_send(f, n); sent++;
    }
    while (acked < total) { ch_recv(&ack, 4); uint32_t v; memcpy(&v, ack.payload, 4); acked = v; }
    cpu_stop();
    printf("{\"t\":\"result\",\"t_start\":%lld,\"msgs\":%ld" CPU_FIELDS "}\n", (long long)start, cfg.iters, CPU_ARGS);
    return;
  }
  frame_t r = frame(n > 8 ? n : 8), a = frame(8); int64_t end = 0;
  if (cfg.warmup == 0) cpu_start();
  for (long c = 0; c < total;) {
    ch_recv(&r, n);
    frame_t *e = &pats[c % PATTERNS]; stamp(e->payload, (uint32_t)c);
    if (memcmp(r.payload, e->payload, n) != 0) {
      uint32_t seq; memcpy(&seq, r.payload, 4); errno = 0;
      if (seq != (uint32_t)c) die("data lost or reordered: message %ld arrived as message %u", c, seq);
      die("data corrupted in message %ld", c);
    }
    c++;
    if (c == total) { end = now_ns(); cpu_stop(); }
    if (c == cfg.warmup || c == total || (my_ackevery > 0 && c % my_ackevery == 0)) { uint32_t v = c; memcpy(a.payload, &v, 4); ch_send(&a, 4); }
    if (c == cfg.warmup) cpu_start();
  }
  printf("{\"t\":\"result\",\"t_end\":%lld,\"bytes\":%ld" CPU_FIELDS "}\n", (long long)end, cfg.iters * n, CPU_ARGS);
}

/* `cref calibrate`: what one syscall costs from C (best of 5 runs of 100,000), for bench:fidelity's
 * per-call comparison with the same calls made through koffi from Node. */
static int calibrate(void) {
  int fd = open("/dev/null", O_WRONLY | O_CLOEXEC); char b[8] = {0}; volatile long r = 0; double g = 1e18, w = 1e18;
  for (int k = 0; k < 6; k++) {
    int64_t t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    for (int i = 0; i < 100000; i++) r += getppid();
    int64_t t1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    for (int i = 0; i < 100000; i++) r += write(fd, b, 1);
    int64_t t2 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    if (k && (t1 - t0) / 1e5 < g) g = (t1 - t0) / 1e5; /* k == 0 is a warm-up */
    if (k && (t2 - t1) / 1e5 < w) w = (t2 - t1) / 1e5;
  }
  printf("{\"getppid_ns\":%.1f,\"write_ns\":%.1f}\n", g, w);
  return r == 42;
}

int main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "calibrate")) return calibrate();
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '='); if (!eq) continue; *eq = 0; const char *k = argv[i], *v = eq + 1;
    if (!strcmp(k, "mech")) snprintf(cfg.mech, 32, "%s", v); else if (!strcmp(k, "role")) cfg.role = v[0];
    else if (!strcmp(k, "kind")) snprintf(cfg.kind, 16, "%s", v); else if (!strcmp(k, "name")) snprintf(cfg.name, 256, "%s", v);
    else if (!strcmp(k, "path")) snprintf(cfg.path, 256, "%s", v); else if (!strcmp(k, "size")) cfg.size = atol(v);
    else if (!strcmp(k, "iters")) cfg.iters = atol(v); else if (!strcmp(k, "warmup")) cfg.warmup = atol(v);
    else if (!strcmp(k, "cpu")) cfg.cpu = atol(v); else if (!strcmp(k, "key")) cfg.key = atol(v);
    else if (!strcmp(k, "ringcap")) cfg.ringcap = atol(v); else if (!strcmp(k, "seed")) cfg.seed = atol(v);
    else if (!strcmp(k, "calldelay")) call_delay = atol(v);
  }
  static char obuf[1 << 20]; setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
  a_role = cfg.role == 'a';
  signal(SIGPIPE, SIG_IGN); /* as in Node */
  pid_t ppid = getppid(); prctl(PR_SET_PDEATHSIG, SIGKILL); if (getppid() != ppid) return 1;
  if (cfg.cpu >= 0) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cfg.cpu, &s); chk(sched_setaffinity(0, sizeof s, &s), "sched_setaffinity"); }
  setup1();
  char line[4096]; if (!fgets(line, sizeof line, stdin) || strncmp(line, "go", 2)) { errno = EPROTO; die("expected go"); }
  for (char *tok = strtok(line + 2, " \n"); tok; tok = strtok(NULL, " \n")) {
    char *eq = strchr(tok, '='); if (!eq) continue; *eq = 0;
    if (!strcmp(tok, "port")) peer_port = atol(eq + 1); else if (!strcmp(tok, "pid")) peer_pid = atol(eq + 1);
    else if (!strcmp(tok, "window")) peer_window = atol(eq + 1);
  }
  setup2();
  if (strcmp(cfg.kind, "latency") == 0) latency(); else throughput();
  fflush(stdout);
  for (int i = 0; i < 3; i++) if (cleanup_paths[i][0] && (a_role || is("unix-dgram"))) unlink(cleanup_paths[i]);
  if (a_role && (is("shm-spin") || is("shm-futex"))) shm_unlink(cfg.name);
  if (a_role && is("posix-mq")) { char p[300]; snprintf(p, 300, "%s-ab", cfg.name); mq_unlink(p); snprintf(p, 300, "%s-ba", cfg.name); mq_unlink(p); }
  /* The sysv queue is left to the runner: IPC_RMID here could destroy the peer's last message. */
  return 0;
}
