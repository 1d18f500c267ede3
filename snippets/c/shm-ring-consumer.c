/* POSIX shared memory SPSC ring, consumer side: attaches to the producer's segment and pops validated messages. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Must match the producer's layout. */
#define SLOTS ${1:64}
#define SLOT_SIZE ${2:256}
struct ring {
    _Alignas(64) atomic_ullong head;
    _Alignas(64) atomic_ullong tail;
    _Alignas(64) atomic_uint producer_done;
    _Alignas(64) atomic_uint consumer_done;
    _Alignas(64) unsigned char slots[SLOTS][SLOT_SIZE];
};
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2, "need lock-free atomics");

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s /SHM_NAME\n", argv[0]); return 2; }
    int fd = shm_open(argv[1], O_RDWR | O_CLOEXEC, 0);
    if (fd < 0) { perror(argv[1]); return 1; }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size != (off_t)sizeof(struct ring)) {
        fprintf(stderr, "%s has the wrong size: layouts differ\n", argv[1]);
        close(fd);
        return 1;
    }
    struct ring *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (r == MAP_FAILED) { perror("mmap"); return 1; }

    double deadline = now() + ${3:10};
    unsigned long long received = 0;
    for (;;) {
        unsigned long long t = atomic_load_explicit(&r->tail, memory_order_relaxed);
        /* Acquire pairs with the producer's release of head: the slot contents are visible. */
        if (t == atomic_load_explicit(&r->head, memory_order_acquire)) {
            /* Empty: done only if the producer said so and pushed nothing after our check. */
            if (atomic_load_explicit(&r->producer_done, memory_order_acquire) &&
                t == atomic_load_explicit(&r->head, memory_order_acquire)) break;
            if (now() > deadline) { fprintf(stderr, "timed out waiting for the producer\n"); return 1; }
            sched_yield();
            continue;
        }
        const unsigned char *slot = r->slots[t % SLOTS];
        uint32_t len;
        memcpy(&len, slot, sizeof len);
        if (len > SLOT_SIZE - sizeof len) { fprintf(stderr, "corrupt slot: length %u\n", len); return 1; } /* never trust shm */
        char msg[SLOT_SIZE];
        memcpy(msg, slot + sizeof len, len);
        msg[len] = 0;
        atomic_store_explicit(&r->tail, t + 1, memory_order_release); /* hands the slot back */
        $0
        /* The demo producer numbers its messages: check none was lost, duplicated or reordered. */
        const char *space = strrchr(msg, ' ');
        if (!space || strtoull(space + 1, NULL, 10) != received) { fprintf(stderr, "expected message %llu, got %s\n", received, msg); return 1; }
        received++;
    }
    atomic_store_explicit(&r->consumer_done, 1, memory_order_release);
    munmap(r, sizeof *r);
    printf("received %llu messages in order from %s\n", received, argv[1]);
    return 0;
}
