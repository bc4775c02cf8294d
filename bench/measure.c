/* wait4 and the rusage of one child are BSD/Linux, not POSIX. */
#define _DEFAULT_SOURCE
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "measure.h"

double bench_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

long bench_self_peak_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss; /* KiB on Linux */
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t got = read(fd, p, len);
        if (got <= 0)
            return -1;
        p += got;
        len -= (size_t)got;
    }
    return 0;
}

int bench_in_child(bench_child_fn fn, void *arg, int64_t *out, size_t n_out, long *peak_kib)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        memset(out, 0, n_out * sizeof *out);
        fn(arg, out, n_out);
        size_t len = n_out * sizeof *out;
        int ok = write(fds[1], out, len) == (ssize_t)len;
        /* _exit: the child must not flush stdio buffers it shares with the parent. */
        _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    int got = read_all(fds[0], out, n_out * sizeof *out);
    close(fds[0]);
    /* wait4 gives the rusage of this one child; RUSAGE_CHILDREN would give
     * the largest of all children so far, which hides a smaller later size. */
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || got != 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return -1;
    *peak_kib = ru.ru_maxrss;
    return 0;
}
