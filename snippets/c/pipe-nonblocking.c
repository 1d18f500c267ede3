/* Non-blocking pipe reads: set O_NONBLOCK on the read end, treat EAGAIN as "nothing yet" and wait with poll(). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int main(void) {
    int count = ${1:5};
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) { perror("pipe2"); return 1; }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) { /* the child writes slowly, so the parent really finds the pipe empty in between */
        close(fds[0]);
        for (int i = 1; i <= count; i++) {
            char line[32];
            int len = snprintf(line, sizeof line, "tick %d\n", i);
            if (write(fds[1], line, (size_t)len) != len) _exit(1);
            int pause_ms = ${2:20};
            nanosleep(&(struct timespec){pause_ms / 1000, (pause_ms % 1000) * 1000000L}, NULL);
        }
        _exit(0);
    }
    close(fds[1]);
    if (set_nonblocking(fds[0]) != 0) { perror("fcntl"); return 1; }

    char data[4096];
    size_t used = 0;
    int empty_reads = 0, timeout_ms = ${3:10000};
    for (;;) {
        ssize_t n = read(fds[0], data + used, sizeof data - 1 - used);
        if (n > 0) { used += (size_t)n; if (used == sizeof data - 1) break; continue; }
        if (n == 0) break; /* EOF: the child closed its end */
        if (errno == EINTR) continue;
        if (errno != EAGAIN) { perror("read"); return 1; }
        empty_reads++; /* nothing queued right now: do other work here, then wait for the fd */
        $0
        struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
        int r = poll(&pfd, 1, timeout_ms);
        if (r == 0) { fprintf(stderr, "timed out waiting for the child\n"); return 1; }
        if (r < 0 && errno != EINTR) { perror("poll"); return 1; }
    }
    data[used] = 0;
    close(fds[0]);
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "child failed\n"); return 1; }
    char expected[4096] = "";
    for (int i = 1; i <= count; i++) snprintf(expected + strlen(expected), sizeof expected - strlen(expected), "tick %d\n", i);
    if (strcmp(data, expected) != 0) { fprintf(stderr, "unexpected data: %s\n", data); return 1; }
    printf("read %d lines without blocking (%d reads found the pipe empty)\n", count, empty_reads);
    return 0;
}
