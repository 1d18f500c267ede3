/* FIFO reader: creates a named pipe (0600, in a private 0700 directory), reads lines until EOF, removes it, on signals too. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096], path[4096];

/* The FIFO outlives every open end: remove it on every exit path (exit() runs this). */
static void cleanup(void) {
    if (path[0]) unlink(path);
    if (dir[0]) rmdir(dir);
}

/* A signal's default action skips atexit(). unlink() and rmdir() are async-signal-safe, so the handler
   cleans up itself and leaves with _exit(), even while open() or read() blocks. */
static void on_signal(int sig) {
    cleanup();
    _exit(128 + sig);
}

static void die(const char *what) { perror(what); exit(1); }

int main(void) {
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/${1:myapp}-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    if (mkdir(dir, 0700) != 0) { dir[0] = 0; die("mkdir"); } /* fails if it exists: nobody can pre-plant it */
    atexit(cleanup);
    if (snprintf(path, sizeof path, "%s/${2:events.fifo}", dir) >= (int)sizeof path) { path[0] = 0; die("path too long"); }
    if (mkfifo(path, 0600) != 0) { path[0] = 0; die("mkfifo"); }
    struct sigaction sa = {.sa_handler = on_signal};
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) die("sigaction");
    printf("fifo at %s\n", path);
    fflush(stdout); /* stdout is fully buffered when it is a pipe */

    /* fopen blocks until a writer opens the other end; reads hit EOF once every writer has closed it. */
    FILE *fifo = fopen(path, "re"); /* e: O_CLOEXEC, like every other descriptor here */
    if (!fifo) die("open fifo");
    char *line = NULL;
    size_t cap = 0;
    unsigned long count = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, fifo)) != -1) {
        /* Each line is "<sequence> <text>": check nothing was lost or reordered. */
        char *text = NULL;
        unsigned long seq = strtoul(line, &text, 10);
        if (seq != count + 1 || *text != ' ') { fprintf(stderr, "expected message %lu, got %s", count + 1, line); exit(1); }
        count++;
        printf("received %lu:%s", seq, text);
        $0
    }
    free(line);
    fclose(fifo);
    if (count == 0) { fprintf(stderr, "writer closed the FIFO without sending anything\n"); return 1; }
    printf("received %lu lines\n", count);
    return 0;
}
