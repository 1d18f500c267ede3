/* `npm run bench:scan` helper: what the kernel charges per fd for the calls a /proc fd walk makes, measured
 * from C on the machine's current processes (best of 4 passes over every /proc/PID/fd/N): readlinkat (what
 * ss -p and lsof use), statx following the link (what the snapshot uses), statx of the link itself (the
 * snapshot's access-mode lstat of pipe and FIFO fds) and getppid (a bare syscall). Then the refresh path's
 * pipe sample, the same five calls it makes through the first read end of every pipe and FIFO (one pidfd per
 * process): pidfd_getfd, statx of the duplicate, FIONREAD, F_GETPIPE_SZ, close. And what a minor page fault
 * costs (16 MB of fresh anonymous memory touched page by page, best of 3). Prints one JSON line.
 * Build: gcc -O2 -o fd-call-cost fd-call-cost.c */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }

int main(void) {
  static int pids[65536], nfd[65536], *fds[65536];
  int npids = 0, total = 0;
  DIR *d = opendir("/proc");
  if (!d) return 1;
  for (struct dirent *e; (e = readdir(d)) && npids < 65536;) if (e->d_name[0] >= '1' && e->d_name[0] <= '9') pids[npids++] = atoi(e->d_name);
  closedir(d);
  for (int i = 0; i < npids; i++) {
    char p[64]; snprintf(p, sizeof p, "/proc/%d/fd", pids[i]);
    DIR *f = opendir(p);
    if (!f) continue;
    int cap = 256; fds[i] = malloc(cap * sizeof(int));
    for (struct dirent *e; (e = readdir(f));) {
      if (e->d_name[0] == '.') continue;
      if (nfd[i] == cap) fds[i] = realloc(fds[i], (cap *= 2) * sizeof(int));
      fds[i][nfd[i]++] = atoi(e->d_name);
    }
    closedir(f);
    total += nfd[i];
  }
  double best[4] = {1e18, 1e18, 1e18, 1e18};
  for (int mode = 0; mode < 4; mode++) {
    for (int rep = 0; rep < 4; rep++) {
      double t0 = now_ms();
      for (int i = 0; i < npids; i++) {
        if (!nfd[i]) continue;
        char p[64]; snprintf(p, sizeof p, "/proc/%d/fd", pids[i]);
        int dfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) continue;
        for (int j = 0; j < nfd[i]; j++) {
          char n[16], buf[256]; struct statx sx; snprintf(n, sizeof n, "%d", fds[i][j]);
          if (mode == 0) (void)!readlinkat(dfd, n, buf, sizeof buf);
          else if (mode == 1) statx(dfd, n, 0, STATX_TYPE | STATX_MODE | STATX_UID | STATX_INO | STATX_SIZE, &sx);
          else if (mode == 2) statx(dfd, n, AT_SYMLINK_NOFOLLOW, STATX_MODE, &sx);
          else getppid();
        }
        close(dfd);
      }
      double t = now_ms() - t0;
      if (t < best[mode]) best[mode] = t;
    }
  }
  // Pipe samples: the first read end (by pid, then fd) of every pipe/FIFO inode, as the refresh path picks them.
  static int spid[65536 * 4], sfd[65536 * 4];
  static unsigned long long seen[1 << 20];
  int nsample = 0;
  for (int i = 0; i < npids && nsample < 65536 * 4; i++) {
    char p[64]; snprintf(p, sizeof p, "/proc/%d/fd", pids[i]);
    int dfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) continue;
    for (int j = 0; j < nfd[i] && nsample < 65536 * 4; j++) {
      char n[16]; struct statx sx, lx; snprintf(n, sizeof n, "%d", fds[i][j]);
      if (statx(dfd, n, 0, STATX_TYPE | STATX_INO, &sx) || !S_ISFIFO(sx.stx_mode)) continue;
      if (statx(dfd, n, AT_SYMLINK_NOFOLLOW, STATX_MODE, &lx) || !(lx.stx_mode & S_IRUSR)) continue;
      unsigned long long key = (sx.stx_ino << 12) ^ ((unsigned long long)sx.stx_dev_major << 8) ^ sx.stx_dev_minor ^ 1;
      unsigned h = (unsigned)((key * 0x9E3779B97F4A7C15ull) >> 44), dup = 0;
      while (seen[h]) { if (seen[h] == key) { dup = 1; break; } h = (h + 1) & ((1 << 20) - 1); }
      if (dup) continue;
      seen[h] = key;
      spid[nsample] = pids[i]; sfd[nsample] = fds[i][j]; nsample++;
    }
    close(dfd);
  }
  double sbest = 1e18;
  for (int rep = 0; rep < 4; rep++) {
    double t0 = now_ms();
    for (int k = 0; k < nsample;) {
      int pid = spid[k], pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
      for (; k < nsample && spid[k] == pid; k++) {
        if (pidfd < 0) continue;
        int d = (int)syscall(SYS_pidfd_getfd, pidfd, sfd[k], 0);
        if (d < 0) continue;
        struct statx sx; int used = 0;
        statx(d, "", AT_EMPTY_PATH, STATX_TYPE | STATX_INO, &sx);
        ioctl(d, FIONREAD, &used);
        (void)fcntl(d, F_GETPIPE_SZ);
        close(d);
      }
      if (pidfd >= 0) close(pidfd);
    }
    double t = now_ms() - t0;
    if (t < sbest) sbest = t;
  }
  double fbest = 1e18;
  for (int rep = 0; rep < 3; rep++) {
    size_t len = 16 << 20;
    char *m = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) break;
    double t0 = now_ms();
    for (size_t o = 0; o < len; o += 4096) m[o] = 1;
    double t = now_ms() - t0;
    munmap(m, len);
    if (t < fbest) fbest = t;
  }
  printf("{\"fault_us\":%.2f,\"fds\":%d,\"readlink_us\":%.2f,\"statx_us\":%.2f,\"lstat_us\":%.2f,\"getppid_us\":%.2f,\"pipes\":%d,\"sample_us\":%.2f,\"samples_ms\":%.2f}\n",
    fbest < 1e18 ? fbest * 1e3 / ((16 << 20) / 4096) : 0, total,
    best[0] * 1e3 / total, best[1] * 1e3 / total, best[2] * 1e3 / total, best[3] * 1e3 / total,
    nsample, nsample ? sbest * 1e3 / nsample : 0, nsample ? sbest : 0);
  return 0;
}
