/* Peer credentials (SO_PEERCRED): learn the pid/uid/gid of a Unix socket client and authorise it by uid. */
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

int main(void) {
    char name[64];
    snprintf(name, sizeof name, "${1:myapp}-cred-%d", (int)getpid());
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    memcpy(addr.sun_path + 1, name, strlen(name)); /* abstract name: no file */
    socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, alen) != 0 || listen(listener, 8) != 0) {
        perror("listen");
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const char *req = "${2:request from a client}";
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, alen) != 0 ||
            send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) _exit(1);
        _exit(0);
    }
    int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0) { perror("accept"); return 1; }
    /* Recorded by the kernel at connect(): the client cannot forge them. */
    struct ucred cred;
    socklen_t clen = sizeof cred;
    if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) { perror("SO_PEERCRED"); return 1; }
    printf("peer pid=%d uid=%u gid=%u\n", (int)cred.pid, (unsigned)cred.uid, (unsigned)cred.gid);
    if (cred.uid != getuid()) { fprintf(stderr, "uid %u is not allowed\n", (unsigned)cred.uid); return 1; } /* only our own user */
    $0
    struct timeval tv = {.tv_sec = 5};
    setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[1024];
    size_t got = 0;
    ssize_t n = 0;
    while (got < sizeof buf - 1 && ((n = recv(conn, buf + got, sizeof buf - 1 - got, 0)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0) got += (size_t)n;
    buf[got] = 0;
    close(conn);
    close(listener);
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "client failed\n"); return 1; }
    if (cred.pid != pid || strcmp(buf, "$2") != 0) { fprintf(stderr, "unexpected pid %d or request %s\n", (int)cred.pid, buf); return 1; }
    printf("authorised pid %d and read: %s\n", (int)cred.pid, buf);
    return 0;
}
