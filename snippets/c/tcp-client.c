/* TCP client: resolve, connect with a timeout, TCP_NODELAY, read/write timeouts, send a line, check the reply. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* connect() with a timeout: non-blocking connect, poll for writability, then read SO_ERROR. */
static int connect_timeout(const struct addrinfo *ai, int timeout_ms) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int err = 0;
        socklen_t len = sizeof err;
        if (errno != EINPROGRESS || poll(&pfd, 1, timeout_ms) != 1 ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
            if (err) errno = err; else if (errno == EINPROGRESS) errno = ETIMEDOUT;
            close(fd);
            return -1;
        }
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) { close(fd); return -1; }
    return fd;
}

int main(int argc, char **argv) {
    const char *host = argc > 2 ? argv[1] : "${1:127.0.0.1}";
    const char *port = argc > 2 ? argv[2] : "${2:7878}";
    char hostbuf[256];
    if (argc == 2) { /* also accept HOST:PORT */
        const char *colon = strrchr(argv[1], ':');
        if (!colon || (size_t)(colon - argv[1]) >= sizeof hostbuf) { fprintf(stderr, "expected HOST:PORT\n"); return 2; }
        memcpy(hostbuf, argv[1], (size_t)(colon - argv[1]));
        hostbuf[colon - argv[1]] = 0;
        host = hostbuf;
        port = colon + 1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) { fprintf(stderr, "%s: %s\n", host, gai_strerror(gai)); return 1; }
    int fd = -1;
    /* A name can resolve to several addresses (IPv6 and IPv4): try each with a bounded connect. */
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) fd = connect_timeout(ai, ${3:5} * 1000);
    freeaddrinfo(res);
    if (fd < 0) { perror("connect"); return 1; }
    int one = 1;
    struct timeval tv = {.tv_sec = $3};
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) { perror("setsockopt"); close(fd); return 1; }

    const char *message = "${4:hello over TCP}";
    char request[1024];
    int len = snprintf(request, sizeof request, "%s\n", message);
    /* snprintf returns the length it wanted: sending that many bytes would read past a too-small buffer. */
    if (len < 0 || (size_t)len >= sizeof request) { fprintf(stderr, "message too long for its buffer\n"); close(fd); return 1; }
    if (send(fd, request, (size_t)len, MSG_NOSIGNAL) != len) { perror("send"); close(fd); return 1; }
    shutdown(fd, SHUT_WR);
    char reply[sizeof request + 8]; /* "echo: " + the request */
    size_t got = 0;
    for (;;) {
        ssize_t n = recv(fd, reply + got, sizeof reply - 1 - got, 0);
        if (n > 0) { got += (size_t)n; if (got == sizeof reply - 1) break; continue; }
        if (n == 0) break;
        if (errno == EINTR) continue;
        perror(errno == EAGAIN ? "server did not answer in time" : "recv"); /* timeout = EAGAIN */
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
