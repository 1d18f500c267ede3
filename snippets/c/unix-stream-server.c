/* Unix stream socket server: fresh 0700 directory, 0600 socket, line echo, cleanup on exit and on SIGINT/SIGTERM. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_LINE ${4:65536}

static char dir[4096], path[sizeof ((struct sockaddr_un *)0)->sun_path];

/* The socket file outlives the listener: remove it (and the directory) on every exit path. */
static void cleanup(void) {
    if (path[0]) unlink(path);
    if (dir[0]) rmdir(dir);
}

/* A signal's default action skips atexit(). unlink() and rmdir() are async-signal-safe, so the handler
   cleans up itself and leaves with _exit(): nothing to check between blocking calls, no race. */
static void on_signal(int sig) {
    cleanup();
    _exit(128 + sig);
}

static void die(const char *what) { perror(what); exit(1); }

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Answers every line with "echo: <line>". Returns 0 when the client closed cleanly. */
static int serve(int client) {
    struct timeval tv = {.tv_sec = ${5:30}};
    if (setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) { close(client); return -1; }
    /* A fixed buffer bounds what a peer can make us hold: a full one without a newline ends the client. */
    char buf[MAX_LINE], reply[MAX_LINE + 16];
    size_t used = 0;
    int rc = 0;
    for (;;) {
        char *nl = memchr(buf, '\n', used);
        if (!nl) {
            if (used == sizeof buf) { fprintf(stderr, "line too long\n"); rc = -1; break; }
            ssize_t n = read(client, buf + used, sizeof buf - used);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) { perror(errno == EAGAIN ? "client idle too long" : "read"); rc = -1; break; }
            if (n == 0) { if (used) { fprintf(stderr, "line cut off\n"); rc = -1; } break; } /* insist on complete lines */
            used += (size_t)n;
            continue;
        }
        *nl = 0;
        const char *line = buf;
        $0
        int n = snprintf(reply, sizeof reply, "echo: %s\n", line);
        if (write_all(client, reply, (size_t)n) != 0) { perror("write"); rc = -1; break; }
        printf("client sent: %s\n", line);
        used -= (size_t)(nl + 1 - buf); /* keep what followed the line */
        memmove(buf, nl + 1, used);
    }
    close(client);
    return rc;
}

int main(void) {
    signal(SIGPIPE, SIG_IGN); /* a vanished client gives EPIPE, not death */
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/${1:myapp}-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    if (mkdir(dir, 0700) != 0) { dir[0] = 0; die("mkdir"); }
    atexit(cleanup);
    /* sun_path holds at most 107 bytes plus the NUL. */
    if (snprintf(path, sizeof path, "%s/${2:server.sock}", dir) >= (int)sizeof path) { path[0] = 0; die("socket path too long"); }
    struct sigaction sa = {.sa_handler = on_signal};
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) die("sigaction");

    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0) die("socket");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    memcpy(addr.sun_path, path, strlen(path) + 1);
    /* Nothing stale to remove: the directory is new. At a fixed path, unlink a leftover socket file only if
       connect() to it fails with ECONNREFUSED; unlinking a live server's socket silently steals its address. */
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
    /* The 0700 directory is what keeps others out between bind() and this chmod. */
    if (chmod(path, 0600) != 0) die("chmod");
    if (listen(listener, 16) != 0) die("listen");
    printf("listening on %s\n", path);
    fflush(stdout);

    int max_clients = ${3:1}, failures = 0; /* 0 = serve forever */
    for (int served = 0; max_clients == 0 || served < max_clients;) {
        int client = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            die("accept");
        }
        if (serve(client) != 0) failures++;
        served++;
    }
    close(listener);
    return failures ? 1 : 0;
}
