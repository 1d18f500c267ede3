/* An IpcChannel in C: framed send/recv of byte messages over a Unix socket ("unix:/path") or TCP ("host:port"). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_MESSAGE ${1:1048576}

struct ipc_channel { int fd; };

static int io_full(int fd, void *buf, size_t n, int writing) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = writing ? send(fd, (char *)buf + done, n - done, MSG_NOSIGNAL) : recv(fd, (char *)buf + done, n - done, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) { errno = ECONNRESET; return -1; }
        done += (size_t)r;
    }
    return 0;
}

int ipc_send(struct ipc_channel *ch, const void *msg, size_t len) {
    if (len > MAX_MESSAGE) { errno = EMSGSIZE; return -1; }
    uint32_t be = htonl((uint32_t)len);
    /* One buffer per frame: header and body in a single send. */
    char *buf = malloc(4 + len);
    if (!buf) return -1;
    memcpy(buf, &be, 4);
    memcpy(buf + 4, msg, len);
    int rc = io_full(ch->fd, buf, 4 + len, 1);
    free(buf);
    return rc;
}

/* One whole message, exactly as sent (malloc'd; caller frees); NULL with errno on failure. */
void *ipc_recv(struct ipc_channel *ch, size_t *len) {
    uint32_t be;
    if (io_full(ch->fd, &be, 4, 0) != 0) return NULL;
    *len = ntohl(be);
    if (*len > MAX_MESSAGE) { errno = EMSGSIZE; return NULL; } /* checked before allocating */
    char *msg = malloc(*len + 1);
    if (!msg) return NULL;
    if (io_full(ch->fd, msg, *len, 0) != 0) { free(msg); return NULL; }
    msg[*len] = 0;
    return msg;
}

/* Factory: "unix:/path" -> Unix socket, "host:port" -> TCP with TCP_NODELAY. Returns -1 with errno, never aborts. */
int ipc_connect(struct ipc_channel *ch, const char *address, int timeout_s) {
    struct timeval tv = {.tv_sec = timeout_s};
    int fd = -1;
    if (strncmp(address, "unix:", 5) == 0) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        if (strlen(address + 5) >= sizeof sa.sun_path) { errno = ENAMETOOLONG; return -1; }
        strcpy(sa.sun_path, address + 5);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) goto fail;
    } else {
        char host[256];
        const char *colon = strrchr(address, ':');
        if (!colon || (size_t)(colon - address) >= sizeof host) { errno = EINVAL; return -1; }
        memcpy(host, address, (size_t)(colon - address));
        host[colon - address] = 0;
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
        if (getaddrinfo(host, colon + 1, &hints, &res) != 0) { errno = EHOSTUNREACH; return -1; }
        for (ai = res; ai; ai = ai->ai_next) {
            fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
            /* SO_SNDTIMEO also bounds connect() on Linux. */
            if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0 &&
                connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
            if (fd >= 0) close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        int one = 1;
        if (fd < 0 || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) goto fail;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) goto fail;
    ch->fd = fd;
    return 0;
fail:
    if (fd >= 0) { int e = errno; close(fd); errno = e; }
    return -1;
}

void ipc_close(struct ipc_channel *ch) { if (ch->fd >= 0) close(ch->fd); ch->fd = -1; }

/* ---- demo: one echo server per transport in a child, the client side through the factory ---- */
static char dir[4096], sock_path[108];
static void cleanup(void) { if (sock_path[0]) unlink(sock_path); if (dir[0]) rmdir(dir); }

static int echo_once(int listener) {
    struct ipc_channel ch = {accept(listener, NULL, NULL)};
    size_t len;
    char *msg = ch.fd >= 0 ? ipc_recv(&ch, &len) : NULL;
    int rc = msg && ipc_send(&ch, msg, len) == 0 ? 0 : 1;
    free(msg);
    ipc_close(&ch);
    return rc;
}

int main(void) {
    int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t inlen = sizeof in;
    if (tcp < 0 || bind(tcp, (struct sockaddr *)&in, sizeof in) != 0 || listen(tcp, 4) != 0 ||
        getsockname(tcp, (struct sockaddr *)&in, &inlen) != 0) { perror("tcp listener"); return 1; }
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/${2:myapp}-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    if (mkdir(dir, 0700) != 0) { dir[0] = 0; perror("mkdir"); return 1; }
    atexit(cleanup);
    if (snprintf(sock_path, sizeof sock_path, "%s/chan.sock", dir) >= (int)sizeof sock_path) { sock_path[0] = 0; fprintf(stderr, "path too long\n"); return 1; }
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    strcpy(un.sun_path, sock_path);
    int unix_l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (unix_l < 0 || bind(unix_l, (struct sockaddr *)&un, sizeof un) != 0 || listen(unix_l, 4) != 0) { perror("unix listener"); return 1; }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) _exit(echo_once(tcp) | echo_once(unix_l));
    close(tcp);
    close(unix_l);

    char addresses[2][200];
    snprintf(addresses[0], sizeof addresses[0], "127.0.0.1:%d", ntohs(in.sin_port));
    snprintf(addresses[1], sizeof addresses[1], "unix:%s", sock_path);
    /* Larger than one read: framing keeps it whole. */
    size_t mlen = 24000;
    char *message = malloc(mlen);
    if (!message) return 1;
    for (size_t i = 0; i < mlen; i++) message[i] = "${3:hello through IpcChannel}"[i % strlen("$3")];
    int failures = 0;
    for (int i = 0; i < 2; i++) {
        struct ipc_channel ch;
        size_t len = 0;
        char *reply = NULL;
        if (ipc_connect(&ch, addresses[i], 5) == 0) {
            if (ipc_send(&ch, message, mlen) == 0) reply = ipc_recv(&ch, &len);
            ipc_close(&ch);
        }
        if (reply && len == mlen && memcmp(reply, message, mlen) == 0) printf("%s: echoed %zu bytes intact\n", addresses[i], len);
        else { fprintf(stderr, "%s: %s\n", addresses[i], reply ? "corrupted echo" : strerror(errno)); failures++; }
        free(reply);
    }
    $0
    free(message);
    if (failures) kill(pid, SIGTERM); /* a server whose client never connected would wait in accept() forever */
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) failures++;
    return failures ? 1 : 0;
}
