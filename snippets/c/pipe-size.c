/* Pipe buffer size: read it with F_GETPIPE_SZ, raise it with F_SETPIPE_SZ, then prove the capacity by filling it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    int fds[2];
    /* O_NONBLOCK lets us fill the pipe without hanging. */
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) { perror("pipe2"); return 1; }
    int size = fcntl(fds[1], F_GETPIPE_SZ);
    if (size < 0) { perror("F_GETPIPE_SZ"); return 1; }
    printf("default pipe size: %d bytes\n", size);

    int wanted = ${1:1048576};
    /* Rounded up to a power-of-two number of pages; unprivileged processes get EPERM above
       /proc/sys/fs/pipe-max-size (1 MiB by default); EBUSY if more bytes are queued than the new size. */
    if (fcntl(fds[1], F_SETPIPE_SZ, wanted) < 0) {
        if (errno != EPERM) { perror("F_SETPIPE_SZ"); return 1; }
        printf("not allowed to raise the pipe to %d bytes (see /proc/sys/fs/pipe-max-size)\n", wanted);
    }
    size = fcntl(fds[1], F_GETPIPE_SZ);
    if (size < 0) { perror("F_GETPIPE_SZ"); return 1; }
    printf("pipe size now: %d bytes\n", size);
    $0

    /* Fill the pipe until EAGAIN: that is exactly its capacity. */
    static char chunk[4096], buf[65536];
    memset(chunk, 0xA5, sizeof chunk);
    long queued = 0, drained = 0;
    for (;;) {
        ssize_t n = write(fds[1], chunk, sizeof chunk);
        if (n > 0) { queued += n; continue; }
        if (n < 0 && errno == EAGAIN) break;
        if (n < 0 && errno == EINTR) continue;
        perror("write"); return 1;
    }
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n > 0) {
            for (ssize_t i = 0; i < n; i++) if ((unsigned char)buf[i] != 0xA5) { fprintf(stderr, "corrupt data\n"); return 1; }
            drained += n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || errno == EAGAIN) break;
        perror("read"); return 1;
    }
    close(fds[0]);
    close(fds[1]);
    if (queued != size || drained != queued) {
        fprintf(stderr, "pipe of %d bytes held %ld, read back %ld\n", size, queued, drained);
        return 1;
    }
    printf("filled and drained %ld bytes\n", queued);
    return 0;
}
