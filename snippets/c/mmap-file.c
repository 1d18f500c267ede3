/* Memory-mapped file: write a record through a shared mapping, msync it, and read it from another process. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE ${2:4096}

static char path[4096];
static void cleanup(void) { if (path[0]) unlink(path); }

static int reader(const char *expected) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) { perror("reader open"); return 1; }
    /* Too short for the length field, st_size - 4 below would wrap around and pass any length. */
    if (st.st_size < (off_t)sizeof(uint32_t)) { fprintf(stderr, "file too short for a record\n"); close(fd); return 1; }
    unsigned char *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED) { perror("reader mmap"); return 1; }
    uint32_t len;
    memcpy(&len, map, sizeof len);
    if (len > (size_t)st.st_size - sizeof len) { fprintf(stderr, "length field points past the end\n"); return 1; } /* validate */
    int same = len == strlen(expected) && memcmp(map + sizeof len, expected, len) == 0;
    printf("reader saw: %.*s\n", (int)len, (const char *)map + sizeof len);
    munmap(map, (size_t)st.st_size);
    return same ? 0 : 1;
}

int main(void) {
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/${1:myapp}-%d.bin", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) { perror("open"); return 1; }
    atexit(cleanup);
    if (ftruncate(fd, SIZE) != 0) { perror("ftruncate"); return 1; } /* a mapping cannot grow the file: size it first */
    unsigned char *map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED) { perror("mmap"); return 1; }
    const char *record = "${3:hello through a memory-mapped file}";
    uint32_t len = (uint32_t)strlen(record);
    if (len + sizeof len > SIZE) { fprintf(stderr, "record does not fit\n"); return 1; }
    memcpy(map, &len, sizeof len);
    memcpy(map + sizeof len, record, len);
    /* msync: on disk now; other mappings of the same file see the bytes at once anyway. */
    if (msync(map, SIZE, MS_SYNC) != 0) { perror("msync"); return 1; }
    munmap(map, SIZE);
    $0
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) { int rc = reader(record); fflush(stdout); _exit(rc); }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "reader failed\n"); return 1; }
    return 0;
}
