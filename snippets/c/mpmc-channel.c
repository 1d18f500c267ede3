/* Bounded MPMC channels with a select over several of them, for threads of ONE process (pthread mutex + condvars). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Channels in one group share a lock and a "readable" condvar, which is what makes select possible. */
struct group { pthread_mutex_t lock; pthread_cond_t readable; };
struct chan {
    struct group *g;
    pthread_cond_t not_full;
    long *buf;
    size_t cap, head, len;
    int senders; /* closed for receiving once this drops to 0 and the buffer is empty */
};

/* The "readable" condvar waits on CLOCK_MONOTONIC: a wall-clock jump (NTP, date -s) must not stretch or cut
   a select timeout, as it would with the default CLOCK_REALTIME. */
static int group_init(struct group *g) {
    pthread_condattr_t attr;
    if (pthread_mutex_init(&g->lock, NULL) != 0 || pthread_condattr_init(&attr) != 0) return -1;
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 && pthread_cond_init(&g->readable, &attr) == 0 ? 0 : -1;
    pthread_condattr_destroy(&attr);
    return rc;
}

static int chan_init(struct chan *c, struct group *g, size_t cap, int senders) {
    memset(c, 0, sizeof *c);
    c->g = g, c->cap = cap, c->senders = senders;
    c->buf = calloc(cap, sizeof *c->buf);
    return c->buf && pthread_cond_init(&c->not_full, NULL) == 0 ? 0 : -1;
}

/* Blocks while the channel is full (back-pressure). */
static void chan_send(struct chan *c, long v) {
    pthread_mutex_lock(&c->g->lock);
    while (c->len == c->cap) pthread_cond_wait(&c->not_full, &c->g->lock);
    c->buf[(c->head + c->len++) % c->cap] = v;
    pthread_cond_broadcast(&c->g->readable); /* receivers may wait on any channel of the group */
    pthread_mutex_unlock(&c->g->lock);
}

static void chan_close_sender(struct chan *c) {
    pthread_mutex_lock(&c->g->lock);
    c->senders--;
    pthread_cond_broadcast(&c->g->readable);
    pthread_mutex_unlock(&c->g->lock);
}

/* select: takes a value from the first ready channel (earlier = preferred). Returns its index,
   -1 when every channel is closed and drained, -2 on timeout. */
static int chan_select(struct chan **cs, int n, long *out, int timeout_ms) {
    struct group *g = cs[0]->g;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline); /* the clock group_init gave the condvar */
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) deadline.tv_sec++, deadline.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&g->lock);
    for (;;) {
        int open = 0;
        for (int i = 0; i < n; i++) {
            struct chan *c = cs[i];
            if (c->len > 0) {
                *out = c->buf[c->head];
                c->head = (c->head + 1) % c->cap;
                c->len--;
                pthread_cond_signal(&c->not_full);
                pthread_mutex_unlock(&g->lock);
                return i;
            }
            open += c->senders > 0;
        }
        if (!open) { pthread_mutex_unlock(&g->lock); return -1; }
        if (pthread_cond_timedwait(&g->readable, &g->lock, &deadline) == ETIMEDOUT) { pthread_mutex_unlock(&g->lock); return -2; }
    }
}

#define PRODUCERS ${2:3}
#define PER_PRODUCER 100
#define WORKERS ${4:2}
static struct group grp;
static struct chan jobs, urgent;
static long taken[PRODUCERS * PER_PRODUCER], urgent_taken;
static pthread_mutex_t tally = PTHREAD_MUTEX_INITIALIZER;

static void *producer(void *arg) {
    long p = (long)(size_t)arg;
    for (long i = 0; i < PER_PRODUCER; i++) chan_send(&jobs, p * PER_PRODUCER + i);
    chan_close_sender(&jobs);
    return NULL;
}

static void *urgent_producer(void *arg) {
    (void)arg;
    for (long i = 0; i < 10; i++) chan_send(&urgent, i);
    chan_close_sender(&urgent);
    return NULL;
}

static void *worker(void *arg) {
    struct chan *both[] = {&urgent, &jobs}; /* urgent first: preferred when both are ready */
    long v;
    int which;
    while ((which = chan_select(both, 2, &v, ${3:5000})) >= 0) {
        $0
        pthread_mutex_lock(&tally);
        if (which == 0) urgent_taken++;
        else taken[v]++;
        pthread_mutex_unlock(&tally);
    }
    if (which == -2) fprintf(stderr, "worker idle for too long\n");
    *(int *)arg = which == -1 ? 0 : 1;
    return NULL;
}

int main(void) {
    if (group_init(&grp) != 0 || chan_init(&jobs, &grp, ${1:16}, PRODUCERS) != 0 || chan_init(&urgent, &grp, 4, 1) != 0) {
        fprintf(stderr, "cannot set up the channels\n");
        return 1;
    }
    pthread_t threads[PRODUCERS + 1 + WORKERS];
    int failed[WORKERS] = {0};
    for (long p = 0; p < PRODUCERS; p++)
        if (pthread_create(&threads[p], NULL, producer, (void *)(size_t)p) != 0) { perror("pthread_create"); return 1; }
    if (pthread_create(&threads[PRODUCERS], NULL, urgent_producer, NULL) != 0) { perror("pthread_create"); return 1; }
    for (int w = 0; w < WORKERS; w++)
        if (pthread_create(&threads[PRODUCERS + 1 + w], NULL, worker, &failed[w]) != 0) { perror("pthread_create"); return 1; }
    for (int t = 0; t < PRODUCERS + 1 + WORKERS; t++) pthread_join(threads[t], NULL);
    int bad = 0;
    for (int w = 0; w < WORKERS; w++) bad += failed[w];
    for (long i = 0; i < PRODUCERS * PER_PRODUCER; i++) bad += taken[i] != 1; /* each job exactly once */
    free(jobs.buf);
    free(urgent.buf);
    if (bad || urgent_taken != 10) { fprintf(stderr, "lost or duplicated jobs\n"); return 1; }
    printf("workers took %d jobs and %ld urgent jobs, each exactly once\n", PRODUCERS * PER_PRODUCER, urgent_taken);
    return 0;
}
