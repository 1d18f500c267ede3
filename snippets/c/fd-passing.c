/* Passing an open file descriptor to another process over a Unix socket (SCM_RIGHTS). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Sends fd with one data byte: a message must carry at least one byte of data. */
static int send_fd(int sock, int fd) {
    char byte = 'F';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl; /* aligned control buffer */
    memset(&ctl, 0, sizeof ctl);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* Returns the received descriptor (close-on-exec), or -1. */
static int recv_fd(int sock) {
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union { char buf[CMSG_SPACE(sizeof(int) * 4)]; struct cmsghdr align; } ctl;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
    ssize_t n;
    do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
    if (n <= 0) return -1;
    int got = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (got < 0) got = fd; else close(fd); /* close any extra descriptors we did not ask for */
        }
    }
    if (msg.msg_flags & MSG_CTRUNC) { fprintf(stderr, "control data truncated\n"); if (got >= 0) close(got); return -1; }
    return got;
}

int main(void) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) { perror("socketpair"); return 1; }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) {
        close(sv[0]);
        int fd = recv_fd(sv[1]);
        if (fd < 0) { perror("recv_fd"); _exit(1); }
        /* The descriptor shares its file offset with the sender: read at an explicit offset. */
        char buf[4096];
        ssize_t n = pread(fd, buf, sizeof buf, 0);
        close(fd);
        if (n < 0 || send(sv[1], buf, (size_t)n, MSG_NOSIGNAL) != n) { perror("child"); _exit(1); }
        _exit(0);
    }
    close(sv[1]);

    /* A file only we can open, removed at once: the child can only reach it through the passed descriptor. */
    char path[4096];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/${1:myapp}-secret-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    int file = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (file < 0) { perror("open"); return 1; }
    unlink(path);
    const char *content = "${2:contents only reachable through the passed fd}";
    if (write(file, content, strlen(content)) != (ssize_t)strlen(content)) { perror("write"); return 1; }
    if (send_fd(sv[0], file) != 0) { perror("sendmsg"); return 1; }
    close(file); /* the child's copy keeps the file alive */
    $0
    char echoed[4096];
    size_t got = 0;
    ssize_t n = 0;
    while (got < sizeof echoed - 1 && ((n = recv(sv[0], echoed + got, sizeof echoed - 1 - got, 0)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0) got += (size_t)n;
    echoed[got] = 0;
    close(sv[0]);
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "child failed\n"); return 1; }
    if (strcmp(echoed, content) != 0) { fprintf(stderr, "child read: %s\n", echoed); return 1; }
    printf("child read through the passed fd: %s\n", echoed);
    return 0;
}
