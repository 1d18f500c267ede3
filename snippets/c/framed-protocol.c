/* Length-prefixed framing over a stream socket: 4-byte big-endian length, size limit checked before allocating, validation. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FRAME ${1:1048576} /* 1 MiB */

/* Returns 1 when n bytes were read, 0 on EOF before the first byte, -1 on error or EOF mid-way. */
static int read_full(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) { if (got == 0) return 0; errno = EPROTO; return -1; }
        got += (size_t)r;
    }
    return 1;
}

/* Header and payload in one buffer, one write: two small writes can cost an extra round trip on TCP. */
static int write_frame(int fd, const void *payload, uint32_t len) {
    if (len == 0 || len > MAX_FRAME) { errno = EINVAL; return -1; }
    char *buf = malloc(4 + (size_t)len);
    if (!buf) return -1;
    uint32_t be = htonl(len);
    memcpy(buf, &be, 4);
    memcpy(buf + 4, payload, len);
    size_t off = 0;
    while (off < 4 + (size_t)len) {
        ssize_t w = send(fd, buf + off, 4 + (size_t)len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) { free(buf); return -1; }
        off += (size_t)w;
    }
    free(buf);
    return 0;
}

/* 1 with *out (malloc'd, NUL-terminated) and *len; 0 on clean EOF; -1 on error (errno EMSGSIZE: bad length). */
static int read_frame(int fd, char **out, uint32_t *len) {
    uint32_t be;
    int r = read_full(fd, &be, 4);
    if (r <= 0) return r;
    *len = ntohl(be);
    /* Check the length BEFORE allocating: a hostile peer could announce 4 GiB. */
    if (*len == 0 || *len > MAX_FRAME) { errno = EMSGSIZE; return -1; }
    *out = malloc(*len + 1);
    if (!*out) return -1;
    if (read_full(fd, *out, *len) != 1) { free(*out); return -1; }
    (*out)[*len] = 0;
    return 1;
}

/* Application-level validation: printable text only. Never execute what a peer sends. */
static int valid(const char *s, uint32_t len) {
    for (uint32_t i = 0; i < len; i++) if (!isprint((unsigned char)s[i])) return 0;
    return 1;
}

static int server(int fd) {
    char *frame;
    uint32_t len;
    int r, served = 0;
    while ((r = read_frame(fd, &frame, &len)) == 1) {
        char reply[128];
        int n = valid(frame, len) ? snprintf(reply, sizeof reply, "ok: %.100s", frame)
                                  : snprintf(reply, sizeof reply, "error: invalid characters");
        free(frame);
        if (write_frame(fd, reply, (uint32_t)n) != 0) return 1;
        served++;
    }
    if (r < 0 && errno == EMSGSIZE) {
        /* The stream is out of sync after a bad header: say why and drop the connection. */
        char reply[64];
        int n = snprintf(reply, sizeof reply, "error: rejected frame of %u bytes", len);
        write_frame(fd, reply, (uint32_t)n);
        return served == 3 ? 0 : 1;
    }
    return 1;
}

int main(void) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) { perror("socketpair"); return 1; }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) { close(sv[0]); _exit(server(sv[1])); }
    close(sv[1]);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    const char *messages[] = {"${2:first message}", "second message", "bad\abell"};
    char *replies[3] = {0};
    for (int i = 0; i < 3; i++) {
        uint32_t len;
        if (write_frame(sv[0], messages[i], (uint32_t)strlen(messages[i])) != 0 || read_frame(sv[0], &replies[i], &len) != 1) {
            perror("exchange");
            return 1;
        }
        printf("%s\n", replies[i]);
    }
    $0
    /* A header announcing more than MAX_FRAME is refused without reading (or allocating) the body. */
    uint32_t huge = htonl((uint32_t)MAX_FRAME + 1);
    char *refusal = NULL;
    uint32_t len;
    if (send(sv[0], &huge, 4, MSG_NOSIGNAL) != 4 || read_frame(sv[0], &refusal, &len) != 1) { perror("oversized frame"); return 1; }
    printf("%s\n", refusal);
    close(sv[0]);
    int status;
    int ok = waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
             strcmp(replies[0], "ok: $2") == 0 && strncmp(replies[2], "error:", 6) == 0 &&
             strstr(refusal, "rejected frame") != NULL;
    for (int i = 0; i < 3; i++) free(replies[i]);
    free(refusal);
    if (!ok) { fprintf(stderr, "unexpected protocol behaviour\n"); return 1; }
    return 0;
}
