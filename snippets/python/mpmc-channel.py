"""Bounded MPMC queue between threads of ONE process (queue.PriorityQueue); the stdlib has no select, so urgency is a priority."""
import queue
import sys
import threading

PRODUCERS, PER_PRODUCER, WORKERS = ${2:3}, 100, ${4:2}
URGENT, NORMAL, STOP = 0, 1, 2  # lower value = taken first


def producer(jobs: queue.PriorityQueue, p: int) -> None:
    for i in range(PER_PRODUCER):
        # Bounded: put() blocks while the queue is full (back-pressure); the timeout turns a stuck consumer into an error.
        jobs.put((NORMAL, p * 1000 + i), timeout=5)


def worker(jobs: queue.PriorityQueue, taken: list, lock: threading.Lock) -> None:
    while True:
        try:
            kind, value = jobs.get(timeout=${3:5})
        except queue.Empty:
            print("worker idle for too long", file=sys.stderr)
            return
        if kind == STOP:
            return
        $0
        with lock:
            taken.append((kind, value))


def main() -> int:
    jobs: queue.PriorityQueue = queue.PriorityQueue(maxsize=${1:16})
    taken: list = []
    lock = threading.Lock()
    workers = [threading.Thread(target=worker, args=(jobs, taken, lock)) for _ in range(WORKERS)]
    producers = [threading.Thread(target=producer, args=(jobs, p)) for p in range(PRODUCERS)]
    for t in workers + producers:
        t.start()
    for i in range(10):
        jobs.put((URGENT, i), timeout=5)
    for t in producers:
        t.join()
    for _ in workers:  # one stop marker per worker, queued after all the work
        jobs.put((STOP, 0), timeout=5)
    for t in workers:
        t.join()
    normal = sorted(v for k, v in taken if k == NORMAL)
    urgent = sorted(v for k, v in taken if k == URGENT)
    # Every job must be taken by exactly one worker.
    if normal != [p * 1000 + i for p in range(PRODUCERS) for i in range(PER_PRODUCER)] or urgent != list(range(10)):
        print(f"lost or duplicated jobs: {len(normal)} normal, {len(urgent)} urgent", file=sys.stderr)
        return 1
    print(f"workers took {len(normal)} jobs and {len(urgent)} urgent jobs, each exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
