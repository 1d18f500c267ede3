/* POSIX message queue with priorities: send messages of mixed priority, a child receives them highest first. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char name[256];
static void cleanup(void) { if (name[0]) mq_unlink(name); } /* queues stay in /dev/mqueue until unlinked */

static const struct { const char *text; unsigned prio; } messages[] = {
    {"${2:routine report}", 1}, {"${3:urgent alarm}", 9}, {"normal job", 5}, {"second alarm", 9}};
/* Highest priority first, first-in first-out within a priority. */
static const char *expected_order[] = {"$3", "second alarm", "normal job", "$2"};

static int receive_all(void) {
    /* O_NONBLOCK: an empty queue gives EAGAIN instead of blocking forever. */
    mqd_t mq = mq_open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (mq == (mqd_t)-1) { perror("mq_open"); return 1; }
    struct mq_attr attr;
    if (mq_getattr(mq, &attr) != 0) { perror("mq_getattr"); return 1; }
    char *buf = malloc((size_t)attr.mq_msgsize + 1); /* smaller than mq_msgsize: EMSGSIZE */
    if (!buf) return 1;
    size_t received = 0;
    int rc = 0;
    for (;;) {
        unsigned prio;
        ssize_t n = mq_receive(mq, buf, (size_t)attr.mq_msgsize, &prio);
        if (n < 0) {
            if (errno == EAGAIN) break;
            if (errno == EINTR) continue;
            perror("mq_receive");
            rc = 1;
            break;
        }
        buf[n] = 0;
        printf("received priority %u: %s\n", prio, buf);
        if (received >= sizeof expected_order / sizeof *expected_order || strcmp(buf, expected_order[received]) != 0) rc = 1;
        received++;
    }
    free(buf);
    mq_close(mq);
    return rc || received != sizeof expected_order / sizeof *expected_order;
}

int main(void) {
    snprintf(name, sizeof name, "/${1:myapp}-mq-%d", (int)getpid());
    /* Unprivileged limits: /proc/sys/fs/mqueue/msg_max (10) and msgsize_max (8192). */
    struct mq_attr attr = {.mq_maxmsg = ${4:10}, .mq_msgsize = ${5:1024}};
    mqd_t mq = mq_open(name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600, &attr);
    if (mq == (mqd_t)-1) { name[0] = 0; perror("mq_open"); return 1; }
    atexit(cleanup);
    for (size_t i = 0; i < sizeof messages / sizeof *messages; i++)
        if (mq_send(mq, messages[i].text, strlen(messages[i].text), messages[i].prio) != 0) { perror("mq_send"); return 1; }
    mq_close(mq);
    $0
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) { int rc = receive_all(); fflush(stdout); _exit(rc); }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "receiver failed or got the wrong order\n"); return 1; }
    printf("sent %zu messages, received in priority order\n", sizeof messages / sizeof *messages);
    return 0;
}
