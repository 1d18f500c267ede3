/* Unix stream socket client: connect to a socket path, send a line with timeouts, check the echoed reply. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]); return 2; }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof addr.sun_path) { fprintf(stderr, "socket path too long\n"); return 1; }
    strcpy(addr.sun_path, argv[1]);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) { perror("socket"); return 1; }
    /* ENOENT: nobody bound there; ECONNREFUSED: a stale socket file whose server is gone. */
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror(argv[1]); close(fd); return 1; }
    struct timeval tv = {.tv_sec = ${2:5}};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) { perror("setsockopt"); close(fd); return 1; }

    const char *message = "${1:hello over a Unix socket}";
    char request[1024];
    int len = snprintf(request, sizeof request, "%s\n", message);
    /* snprintf returns the length it wanted: sending that many bytes would read past a too-small buffer. */
    if (len < 0 || (size_t)len >= sizeof request) { fprintf(stderr, "message too long for its buffer\n"); close(fd); return 1; }
    /* MSG_NOSIGNAL: EPIPE instead of SIGPIPE if the server is gone. */
    if (send(fd, request, (size_t)len, MSG_NOSIGNAL) != len) { perror("send"); close(fd); return 1; }
    shutdown(fd, SHUT_WR); /* tell the server we are done sending */
    char reply[sizeof request + 8]; /* "echo: " + the request */
    size_t got = 0;
    for (;;) {
        ssize_t n = recv(fd, reply + got, sizeof reply - 1 - got, 0);
        if (n > 0) { got += (size_t)n; if (got == sizeof reply - 1) break; continue; }
        if (n == 0) break;
        if (errno == EINTR) continue;
        perror(errno == EAGAIN ? "no reply in time" : "recv");
        close(fd);
        return 1;
    }
    reply[got] = 0;
    close(fd);
    $0
    char expected[sizeof reply];
    snprintf(expected, sizeof expected, "echo: %s\n", message);
    if (strcmp(reply, expected) != 0) { fprintf(stderr, "unexpected reply: %s\n", reply); return 1; }
    printf("server replied: %s", reply);
    return 0;
}
