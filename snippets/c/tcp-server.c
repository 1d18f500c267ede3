/* TCP server: TCP_NODELAY, read/write timeouts and keepalive on every connection, line echo. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LINE ${4:65536}

static int set_int(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof value);
}

/* NODELAY sends small replies at once; timeouts bound a stuck peer; keepalive finds dead ones after
   idle + interval * count seconds. */
static int tune(int fd) {
    struct timeval tv = {.tv_sec = ${5:30}};
    return set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1) | setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) |
           setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) | set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1) |
           set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, ${6:60}) | set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, 10) |
           set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, 3);
}

static int serve(int client) {
    if (tune(client) != 0) { perror("setsockopt"); close(client); return -1; }
    /* A fixed buffer bounds what a peer can make us hold: a full one without a newline ends the client. */
    char buf[MAX_LINE], reply[MAX_LINE + 16];
    size_t used = 0;
    int rc = 0;
    for (;;) {
        char *nl = memchr(buf, '\n', used);
        if (!nl) {
            if (used == sizeof buf) { fprintf(stderr, "line too long\n"); rc = -1; break; }
            ssize_t n = recv(client, buf + used, sizeof buf - used, 0);
            if (n < 0 && errno == EINTR) continue;
            /* A read timeout shows up as EAGAIN. */
            if (n < 0) { perror(errno == EAGAIN ? "client idle too long" : "recv"); rc = -1; break; }
            if (n == 0) { if (used) { fprintf(stderr, "line cut off\n"); rc = -1; } break; } /* insist on complete lines */
            used += (size_t)n;
            continue;
        }
        *nl = 0;
        const char *line = buf;
        $0
        int n = snprintf(reply, sizeof reply, "echo: %s\n", line);
        if (send(client, reply, (size_t)n, MSG_NOSIGNAL) != n) { perror("send"); rc = -1; break; } /* one send per reply */
        printf("client sent: %s\n", line);
        used -= (size_t)(nl + 1 - buf); /* keep what followed the line */
        memmove(buf, nl + 1, used);
    }
    close(client);
    return rc;
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0) { perror("socket"); return 1; }
    /* SO_REUSEADDR: a restarted server can bind while old connections sit in TIME_WAIT. */
    if (set_int(listener, SOL_SOCKET, SO_REUSEADDR, 1) != 0) { perror("SO_REUSEADDR"); return 1; }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(${2:0})}; /* port 0: the kernel picks one */
    if (inet_pton(AF_INET, "${1:127.0.0.1}", &addr.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 1; }
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 64) != 0) { perror("bind/listen"); return 1; }
    socklen_t alen = sizeof addr;
    if (getsockname(listener, (struct sockaddr *)&addr, &alen) != 0) { perror("getsockname"); return 1; }
    char ip[INET_ADDRSTRLEN];
    printf("listening on %s:%d\n", inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip), ntohs(addr.sin_port));
    fflush(stdout);

    int max_clients = ${3:1}, failures = 0; /* 0 = serve forever */
    for (int served = 0; max_clients == 0 || served < max_clients;) {
        int client = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            perror("accept");
            return 1;
        }
        if (serve(client) != 0) failures++;
        served++;
    }
    close(listener);
    return failures ? 1 : 0;
}
