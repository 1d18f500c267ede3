/* UDP echo server: one datagram in, one datagram out; MSG_TRUNC reveals datagrams larger than the buffer. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) { perror("socket"); return 1; }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(${2:0})};
    if (inet_pton(AF_INET, "${1:127.0.0.1}", &addr.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 1; }
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("bind"); return 1; }
    socklen_t alen = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &alen) != 0) { perror("getsockname"); return 1; }
    char ip[INET_ADDRSTRLEN];
    printf("listening on %s:%d\n", inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip), ntohs(addr.sin_port));
    fflush(stdout);

    static char buf[65536];
    static const char prefix[] = "echo: ";
    /* The largest IPv4 UDP payload is 65507 bytes (65535 - 20 IP - 8 UDP): a longer reply fails with EMSGSIZE. */
    const size_t max_request = 65507 - (sizeof prefix - 1);
    int max_datagrams = ${3:1}; /* 0 = serve forever */
    for (int served = 0; max_datagrams == 0 || served < max_datagrams;) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        /* MSG_TRUNC makes recvfrom return the real datagram length even if it did not fit. */
        ssize_t n = recvfrom(fd, buf, sizeof buf - 1, MSG_TRUNC, (struct sockaddr *)&peer, &plen);
        if (n < 0) { if (errno == EINTR) continue; perror("recvfrom"); return 1; }
        if ((size_t)n > sizeof buf - 1) { fprintf(stderr, "dropping truncated datagram of %zd bytes\n", n); continue; }
        buf[n] = 0;
        /* Datagrams can come from anyone: validate before use, here that it is text without NULs. */
        if (strlen(buf) != (size_t)n) { fprintf(stderr, "ignoring binary datagram\n"); continue; }
        if ((size_t)n > max_request) { fprintf(stderr, "ignoring %zd-byte datagram: its echo would not fit in one\n", n); continue; }
        $0
        char reply[sizeof buf + sizeof prefix];
        int len = snprintf(reply, sizeof reply, "%s%s", prefix, buf);
        /* One peer's failed reply (unreachable, EMSGSIZE...) must not stop the server. */
        if (sendto(fd, reply, (size_t)len, 0, (struct sockaddr *)&peer, plen) != len) { perror("sendto"); continue; }
        printf("echoed %zd bytes: %s\n", n, buf);
        served++;
    }
    close(fd);
    return 0;
}
