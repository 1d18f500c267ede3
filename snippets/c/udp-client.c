/* UDP client: connect() to the server, send, wait with a timeout and resend a bounded number of times. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    char target[300];
    snprintf(target, sizeof target, "%s", argc > 1 ? argv[1] : "${1:127.0.0.1:7879}");
    char *colon = strrchr(target, ':');
    if (!colon) { fprintf(stderr, "expected HOST:PORT\n"); return 2; }
    *colon = 0;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM}, *res;
    int gai = getaddrinfo(target, colon + 1, &hints, &res);
    if (gai != 0) { fprintf(stderr, "%s: %s\n", target, gai_strerror(gai)); return 1; }
    int fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    /* connect() filters out datagrams from other senders and reports ICMP "port unreachable" as ECONNREFUSED. */
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) { perror("connect"); freeaddrinfo(res); return 1; }
    freeaddrinfo(res);
    int timeout_ms = ${2:500};
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) { perror("SO_RCVTIMEO"); return 1; }

    const char *message = "${3:hello over UDP}";
    char expected[1100], reply[65536];
    snprintf(expected, sizeof expected, "echo: %s", message);
    for (int attempt = 1; attempt <= ${4:3}; attempt++) {
        if (send(fd, message, strlen(message), 0) < 0) { perror("send"); return 1; }
        ssize_t n = recv(fd, reply, sizeof reply - 1, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) { fprintf(stderr, "attempt %d: no reply yet\n", attempt); continue; }
        if (n < 0) { perror("recv"); return 1; }
        reply[n] = 0;
        if (strcmp(reply, expected) != 0) { fprintf(stderr, "unexpected reply: %s\n", reply); return 1; }
        $0
        printf("server replied: %s\n", reply);
        close(fd);
        return 0;
    }
    fprintf(stderr, "no reply from the server\n");
    close(fd);
    return 1;
}
