"""Shared memory ring between two processes (multiprocessing.shared_memory); Python has no atomics, so two semaphores hand slots over."""
import multiprocessing as mp
import os
import struct
import sys
from multiprocessing import shared_memory

SLOTS = ${2:64}
SLOT_SIZE = ${3:256}  # 4-byte length + payload
LENGTH = struct.Struct("<I")


def consumer(name: str, free, filled, count: int) -> None:
    # Started by the producer (a child), so it shares its resource tracker: attaching here is safe.
    shm = shared_memory.SharedMemory(name=name)
    try:
        for expected in range(count):
            if not filled.acquire(timeout=${5:10}):  # acquire/release order the slot bytes between processes
                sys.exit("timed out waiting for the producer")
            offset = (expected % SLOTS) * SLOT_SIZE
            (length,) = LENGTH.unpack_from(shm.buf, offset)
            if length > SLOT_SIZE - LENGTH.size:  # never trust a length read from shared memory
                sys.exit(f"corrupt slot: length {length}")
            text = bytes(shm.buf[offset + LENGTH.size : offset + LENGTH.size + length]).decode()
            free.release()
            $0
            # The demo producer numbers its messages: check none was lost, duplicated or reordered.
            if text.rsplit(" ", 1)[-1] != str(expected):
                sys.exit(f"expected message {expected}, got {text!r}")
        print(f"received {count} messages in order from {name}", flush=True)
    finally:
        shm.close()  # every process closes its own mapping


def main() -> int:
    count = ${4:1000}
    free, filled = mp.Semaphore(SLOTS), mp.Semaphore(0)
    shm = shared_memory.SharedMemory(name=f"${1:myapp}-ring-{os.getpid()}", create=True, size=SLOTS * SLOT_SIZE)
    try:
        print(f"shm at /{shm.name}", flush=True)
        reader = mp.Process(target=consumer, args=(shm.name, free, filled, count))
        reader.start()
        for i in range(count):
            payload = f"${6:message} {i}".encode()
            if len(payload) > SLOT_SIZE - LENGTH.size:
                raise ValueError("message larger than a slot")
            if not free.acquire(timeout=$5):
                raise TimeoutError("consumer stopped taking messages")
            offset = (i % SLOTS) * SLOT_SIZE
            LENGTH.pack_into(shm.buf, offset, len(payload))
            shm.buf[offset + LENGTH.size : offset + LENGTH.size + len(payload)] = payload
            filled.release()
        reader.join(timeout=$5)
        if reader.exitcode != 0:
            print(f"consumer failed ({reader.exitcode})", file=sys.stderr)
            return 1
        print(f"sent {count} messages through {SLOTS} slots")
        return 0
    except (OSError, ValueError, TimeoutError) as e:
        print(f"producer failed: {e}", file=sys.stderr)
        return 1
    finally:
        shm.close()
        shm.unlink()  # once, by the creator: otherwise it stays in /dev/shm


if __name__ == "__main__":
    sys.exit(main())
