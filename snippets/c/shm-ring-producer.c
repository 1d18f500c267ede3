/* POSIX shared memory SPSC ring, producer side: creates the segment, pushes messages, unlinks it when the consumer is done. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Layout shared with the consumer. head/tail/flags sit on separate cache lines. */
#define SLOTS ${2:64}
#define SLOT_SIZE ${3:256} /* uint32_t length + payload */
struct ring {
    _Alignas(64) atomic_ullong head; /* written by the producer only */
    _Alignas(64) atomic_ullong tail; /* written by the consumer only */
    _Alignas(64) atomic_uint producer_done;
    _Alignas(64) atomic_uint consumer_done;
    _Alignas(64) unsigned char slots[SLOTS][SLOT_SIZE];
};
/* Atomics in shared memory only work across processes when they are lock-free. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2, "need lock-free atomics");

static char name[256];
static void cleanup(void) { if (name[0]) shm_unlink(name); } /* shm outlives every process: unlink */

/* A signal's default action skips atexit(): note the signal, and let the wait loops return through exit(). */
static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = sig; }

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
    /* One leading slash, no other: the object appears as /dev/shm/<name>. */
    snprintf(name, sizeof name, "/${1:myapp}-ring-%d", (int)getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) { name[0] = 0; perror("shm_open"); return 1; }
    atexit(cleanup);
    struct sigaction sa = {.sa_handler = on_signal};
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) { perror("sigaction"); return 1; }
    /* ftruncate zero-fills: head = tail = 0 and both flags clear before anyone can look. */
    if (ftruncate(fd, sizeof(struct ring)) != 0) { perror("ftruncate"); return 1; }
    struct ring *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd); /* the mapping stays valid */
    if (r == MAP_FAILED) { perror("mmap"); return 1; }
    printf("shm at %s\n", name);
    fflush(stdout);

    unsigned long long count = ${4:1000};
    double deadline = now() + ${5:10};
    for (unsigned long long i = 0; i < count; i++) {
        char msg[SLOT_SIZE];
        int len = snprintf(msg, sizeof msg, "${6:message} %llu", i);
        if (len < 0 || (size_t)len > SLOT_SIZE - sizeof(uint32_t)) { fprintf(stderr, "message larger than a slot\n"); return 1; }
        unsigned long long h = atomic_load_explicit(&r->head, memory_order_relaxed), t;
        /* Acquire pairs with the consumer's release of tail: the slot we reuse has been read. */
        while (h - (t = atomic_load_explicit(&r->tail, memory_order_acquire)) >= SLOTS) {
            /* tail comes from the other process: never trust it (tail > head wraps h - t around). */
            if (t > h) { fprintf(stderr, "corrupt ring: tail %llu is ahead of head %llu\n", t, h); return 1; }
            if (now() > deadline) { fprintf(stderr, "timed out waiting for a free slot\n"); return 1; }
            if (stop) return 128 + stop;
            sched_yield();
        }
        unsigned char *slot = r->slots[h % SLOTS];
        uint32_t n = (uint32_t)len;
        memcpy(slot, &n, sizeof n);
        memcpy(slot + sizeof n, msg, n);
        atomic_store_explicit(&r->head, h + 1, memory_order_release); /* publishes the slot contents */
        $0
    }
    atomic_store_explicit(&r->producer_done, 1, memory_order_release);
    while (atomic_load_explicit(&r->consumer_done, memory_order_acquire) != 1) {
        if (now() > deadline) { fprintf(stderr, "timed out waiting for the consumer\n"); return 1; }
        if (stop) return 128 + stop;
        sched_yield();
    }
    munmap(r, sizeof *r);
    printf("sent %llu messages through %d slots\n", count, SLOTS);
    return 0;
}
