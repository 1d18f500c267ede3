/* `npm run bench:scan` helper: wall time of a command as a shell user sees it, without Node's spawnSync
 * overhead (a fresh event loop and pipes per call, ~6 ms on a small VM, which would flatter the tools we
 * compare with). Runs `cmd args...` N times with posix_spawnp (stdout and stderr to /dev/null) and prints
 * one JSON array of the wall times in ms, or exits 1 when a run fails.
 * Build: gcc -O2 -o run-times run-times.c   Usage: run-times N cmd [args...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: run-times N cmd [args...]\n"); return 2; }
  int n = atoi(argv[1]);
  if (n < 1) n = 1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  printf("[");
  for (int i = 0; i < n; i++) {
    double t = now_ms();
    pid_t pid;
    if (posix_spawnp(&pid, argv[2], &fa, NULL, argv + 2, environ) != 0) return 1;
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    printf("%s%.3f", i ? "," : "", now_ms() - t);
  }
  printf("]\n");
  return 0;
}
