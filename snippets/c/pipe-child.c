/* Anonymous pipes to a child process: feed its stdin from a thread, read its stdout, check its exit status. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *lines[] = {"info: started\n", "error: disk full\n", "info: retrying\n", "error: gave up\n"};
enum { NLINES = sizeof lines / sizeof lines[0] };

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

/* Writing from another thread: writing everything before reading deadlocks once both pipes are full. */
static void *feed(void *arg) {
    int fd = *(int *)arg;
    for (size_t i = 0; i < NLINES; i++)
        if (write_all(fd, lines[i], strlen(lines[i])) != 0) { perror("write to child"); break; }
    close(fd); /* the child sees EOF */
    return NULL;
}

int main(void) {
    int to_child[2], from_child[2];
    /* O_CLOEXEC: the child must not inherit our ends, or it would never see EOF on its stdin. */
    if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) die("pipe2");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        if (dup2(to_child[0], STDIN_FILENO) < 0 || dup2(from_child[1], STDOUT_FILENO) < 0) _exit(126);
        execlp("${1:grep}", "$1", "${2:error}", (char *)NULL);
        _exit(127); /* exec failed */
    }
    /* A child that exits early gives us EPIPE instead of killing us. Ignore SIGPIPE only after fork(): an
       ignored signal stays ignored across exec, and the child must still die quietly on a broken pipe. */
    signal(SIGPIPE, SIG_IGN);
    close(to_child[0]);
    close(from_child[1]);
    pthread_t writer;
    if (pthread_create(&writer, NULL, feed, &to_child[1]) != 0) die("pthread_create");

    FILE *out = fdopen(from_child[0], "r");
    if (!out) die("fdopen");
    char *line = NULL;
    size_t cap = 0;
    size_t received = 0, next = 0, bad = 0;
    while (getline(&line, &cap, out) != -1) {
        /* Expect exactly the input lines that contain the pattern, in order. */
        while (next < NLINES && !strstr(lines[next], "$2")) next++;
        if (next >= NLINES || strcmp(line, lines[next]) != 0) bad++;
        next++;
        received++;
        printf("child returned: %s", line);
        $0
    }
    free(line);
    fclose(out);
    pthread_join(writer, NULL);
    int status;
    if (waitpid(pid, &status, 0) < 0) die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "child failed: %d\n", status); return 1; }
    size_t wanted = 0;
    for (size_t i = 0; i < NLINES; i++) wanted += strstr(lines[i], "$2") != NULL;
    if (bad || received != wanted) { fprintf(stderr, "unexpected output from the child\n"); return 1; }
    printf("child returned %zu of %d lines\n", received, (int)NLINES);
    return 0;
}
