/* Signal handling: sigaction handlers that only set flags, sigsuspend to wait without races, acks between signals. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, term_seen;

/* Only async-signal-safe work in a handler: record and return. */
static void on_signal(int sig) {
    if (sig == SIGUSR1) usr1_count++;
    else term_seen = 1;
}

static int write_line(int fd, const char *s) { return write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1; }

static int child(int ack_fd, int expected) {
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGTERM);
    /* Block first, then install: a signal arriving in between waits instead of being lost or fatal. */
    if (sigprocmask(SIG_BLOCK, &block, &old) != 0) return 1;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) return 1;
    if (write_line(ack_fd, "ready\n") != 0) return 1; /* only now may the parent send */
    int handled = 0;
    while (!term_seen) {
        sigsuspend(&old); /* atomically unblocks and waits: no lost wake-up between the check and the wait */
        while (handled < usr1_count) {
            handled++;
            $0
            char ack[64];
            snprintf(ack, sizeof ack, "got SIGUSR1 #%d\n", handled); /* normal context: any code is fine here */
            if (write_line(ack_fd, ack) != 0) return 1;
        }
    }
    char bye[80];
    snprintf(bye, sizeof bye, "got SIGTERM after %d SIGUSR1, exiting\n", handled);
    write_line(ack_fd, bye);
    return handled == expected ? 0 : 1;
}

int main(void) {
    int count = ${1:3};
    int fds[2];
    if (pipe(fds) != 0) { perror("pipe"); return 1; }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) { close(fds[0]); _exit(child(fds[1], count)); }
    close(fds[1]);
    FILE *acks = fdopen(fds[0], "r");
    if (!acks) { perror("fdopen"); return 1; }
    char line[128];
    if (!fgets(line, sizeof line, acks) || strcmp(line, "ready\n") != 0) { fprintf(stderr, "child did not get ready\n"); return 1; }
    for (int i = 1; i <= count; i++) {
        /* Standard signals don't queue: wait for the ack before sending the same signal again. */
        if (kill(pid, SIGUSR1) != 0) { perror("kill"); return 1; }
        char expected[64];
        snprintf(expected, sizeof expected, "got SIGUSR1 #%d\n", i);
        if (!fgets(line, sizeof line, acks) || strcmp(line, expected) != 0) { fprintf(stderr, "bad ack\n"); return 1; }
        printf("child acknowledged: %s", line);
    }
    if (kill(pid, SIGTERM) != 0) { perror("kill"); return 1; }
    if (fgets(line, sizeof line, acks)) printf("child said: %s", line);
    fclose(acks);
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "child failed\n"); return 1; }
    return 0;
}
