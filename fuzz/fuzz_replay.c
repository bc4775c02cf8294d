/* Replays fuzz inputs without libFuzzer: `fuzz_replay FORMAT PATH...` runs
 * the fuzz targets' entry point on every file given, and on every file in
 * each directory given. The regression corpus runs through it in the
 * normal and sanitizer builds, so a crash found once stays fixed. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_run.h"

static int replay_file(fv_fuzz_format format, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz_replay: cannot open %s\n", path);
        return 0;
    }
    size_t cap = 1 << 12, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        unsigned char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "fuzz_replay: out of memory reading %s\n", path);
        return 0;
    }
    fv_fuzz_run(format, buf, n);
    free(buf);
    return 1;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of a directory, in name order so that runs repeat. */
static int replay_dir(fv_fuzz_format format, const char *dir, int *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fuzz_replay: cannot open directory %s\n", dir);
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int ok = 1;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **bigger = realloc(names, cap * sizeof *names);
            if (!bigger) {
                ok = 0;
                break;
            }
            names = bigger;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            ok = 0;
            break;
        }
        snprintf(names[n++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t k = 0; k < n; k++) {
        struct stat st;
        if (ok && stat(names[k], &st) == 0 && S_ISREG(st.st_mode)) {
            ok = replay_file(format, names[k]);
            *count += ok;
        }
        free(names[k]);
    }
    free(names);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fuzz_replay text|onnx|darknet|caffe PATH...\n");
        return 2;
    }
    fv_fuzz_format format = fv_fuzz_format_from_name(argv[1]);
    if (format == FV_FUZZ_FORMAT_COUNT) {
        fprintf(stderr, "fuzz_replay: unknown format '%s'\n", argv[1]);
        return 2;
    }
    int count = 0;
    for (int k = 2; k < argc; k++) {
        struct stat st;
        if (stat(argv[k], &st) != 0) {
            fprintf(stderr, "fuzz_replay: cannot open %s\n", argv[k]);
            return 1;
        }
        int ok;
        if (S_ISDIR(st.st_mode)) {
            ok = replay_dir(format, argv[k], &count);
        } else {
            ok = replay_file(format, argv[k]);
            count += ok;
        }
        if (!ok)
            return 1;
    }
    printf("fuzz_replay %s: %d inputs replayed\n", argv[1], count);
    return 0;
}
