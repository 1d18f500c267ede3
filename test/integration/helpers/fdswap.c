/* Test helper: two files (argv[1], argv[2]) that take turns at fd 100 as fast as dup2 goes, so whoever stats
   /proc/PID/fd/100 and then reads its link or opens it may see one file, then the other. Each is a FIFO made
   here (its read end, with a writer held too), or an existing regular file (opened read-only). Prints their
   inodes, then swaps until stdin closes (a thread watches it). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile int stop;
static void *watch(void *arg) { char c; while (read(0, &c, 1) > 0) {} stop = 1; return arg; }

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int fds[2];
  struct stat st[2];
  for (int i = 0; i < 2; i++) {
    if (stat(argv[1 + i], &st[i]) == 0 && S_ISREG(st[i].st_mode)) {
      if ((fds[i] = open(argv[1 + i], O_RDONLY)) < 0) return 3;
      continue;
    }
    if (mkfifo(argv[1 + i], 0600) != 0) return 3;
    fds[i] = open(argv[1 + i], O_RDONLY | O_NONBLOCK);
    if (fds[i] < 0 || open(argv[1 + i], O_WRONLY) < 0 || fstat(fds[i], &st[i]) != 0) return 4;
  }
  printf("{\"pid\": %d, \"a\": %lu, \"b\": %lu}\n", getpid(), (unsigned long)st[0].st_ino, (unsigned long)st[1].st_ino);
  fflush(stdout);
  pthread_t t;
  pthread_create(&t, NULL, watch, NULL);
  while (!stop) { dup2(fds[0], 100); dup2(fds[1], 100); }
  return 0;
}
