/* FIFO writer: opens an existing named pipe for writing and sends numbered lines, one write() per line. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s FIFO_PATH\n", argv[0]); return 2; }
    signal(SIGPIPE, SIG_IGN); /* reader gone: get EPIPE instead of dying silently */
    /* Blocks until a reader opens the FIFO (O_NONBLOCK would give ENXIO instead). */
    int fd = open(argv[1], O_WRONLY | O_CLOEXEC);
    if (fd < 0) { perror("open fifo"); return 1; }
    int count = ${1:3};
    const char *message = "${2:hello through a FIFO}";
    for (int seq = 1; seq <= count; seq++) {
        char line[256];
        int len = snprintf(line, sizeof line, "%d %s\n", seq, message);
        /* snprintf returns the length it wanted: writing that many bytes would read past a too-small buffer. */
        if (len < 0 || (size_t)len >= sizeof line) { fprintf(stderr, "line %d too long for its buffer\n", seq); close(fd); return 1; }
        /* Writes of at most PIPE_BUF (4096) bytes are atomic: lines from several writers never interleave. */
        ssize_t n;
        do n = write(fd, line, (size_t)len); while (n < 0 && errno == EINTR);
        if (n != len) { perror("write"); close(fd); return 1; }
    }
    if (close(fd) != 0) { perror("close"); return 1; } /* the reader sees EOF once the last writer closes */
    printf("sent %d lines to %s\n", count, argv[1]);
    return 0;
}
