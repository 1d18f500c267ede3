/* Abstract-namespace Unix socket (Linux): no file to clean up, but no permissions either, so check the peer's uid. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Abstract address: sun_path[0] = NUL, the name follows; the length passed to bind/connect delimits it. */
static socklen_t abstract_addr(struct sockaddr_un *addr, const char *name) {
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    size_t len = strlen(name);
    if (len > sizeof addr->sun_path - 1) len = sizeof addr->sun_path - 1;
    memcpy(addr->sun_path + 1, name, len);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

static int client(const char *name) {
    struct sockaddr_un addr;
    socklen_t alen = abstract_addr(&addr, name);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, alen) != 0) { perror("client connect"); return 1; }
    const char *msg = "${2:hello over an abstract socket}";
    if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) != (ssize_t)strlen(msg)) { perror("send"); return 1; }
    close(fd);
    return 0;
}

int main(void) {
    char name[64];
    /* Unique per process: abstract names are global in the network namespace. */
    snprintf(name, sizeof name, "${1:myapp}-%d", (int)getpid());
    struct sockaddr_un addr;
    socklen_t alen = abstract_addr(&addr, name);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0) { perror("socket"); return 1; }
    if (bind(listener, (struct sockaddr *)&addr, alen) != 0 || listen(listener, 8) != 0) { perror("bind/listen"); return 1; }
    printf("listening on @%s\n", name);
    fflush(stdout);

    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) { close(listener); _exit(client(name)); }

    int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0) { perror("accept"); return 1; }
    struct ucred cred;
    socklen_t clen = sizeof cred;
    if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) { perror("SO_PEERCRED"); return 1; }
    if (cred.uid != getuid()) { fprintf(stderr, "refusing a client running as uid %u\n", (unsigned)cred.uid); return 1; }
    struct timeval tv = {.tv_sec = 5};
    setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[1024];
    size_t got = 0;
    ssize_t n = 0;
    while (got < sizeof buf - 1 && ((n = recv(conn, buf + got, sizeof buf - 1 - got, 0)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0) got += (size_t)n;
    if (n < 0) { perror("recv"); return 1; }
    buf[got] = 0;
    close(conn);
    close(listener);
    $0
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "client failed\n"); return 1; }
    if (strcmp(buf, "$2") != 0) { fprintf(stderr, "unexpected request: %s\n", buf); return 1; }
    printf("server got: %s\n", buf);
    return 0;
}
