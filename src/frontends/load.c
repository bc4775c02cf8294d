/* fv_model_load: reads a model file and hands it to the frontend that its
 * extension names. Text formats are read whole into memory; binary formats
 * (ONNX) are mapped read-only. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "graph_private.h"

/* Text formats are read whole; no network definition comes near this. */
#define MAX_TEXT_FILE (256L << 20)

/* Protobuf messages cannot exceed 2 GiB; weights beyond that live in
 * external-data files, which are not read here. */
#define MAX_BINARY_FILE (2LL << 30)

typedef fv_status (*parse_fn)(const char *text, size_t len, const char *file, fv_graph **graph,
                              fv_diag *diag);
typedef fv_status (*binary_fn)(const void *data, size_t len, const char *file,
                               const fv_load_options *options, fv_graph **graph, fv_diag *diag);

static const struct {
    const char *extension;
    parse_fn parse;   /* text frontends */
    binary_fn binary; /* binary frontends */
} frontends[] = {
    {".fv", fv_text_parse, NULL},
    {".fovea", fv_text_parse, NULL},
    {".cfg", fv_darknet_parse, NULL},
    {".prototxt", fv_caffe_parse, NULL},
    {".onnx", NULL, fv_onnx_parse},
};

static fv_status io_error(fv_diag *diag, const char *path, const char *what)
{
    fv_diag_set(diag, FV_ERR_IO, "cannot read '%s': %s", path, what);
    return FV_ERR_IO;
}

static fv_status read_all(const char *path, char **text, size_t *len, fv_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return io_error(diag, path, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= (size_t)MAX_TEXT_FILE) {
                free(buf);
                fclose(f);
                return fv_diag_set(diag, FV_ERR_LIMIT, "'%s' is larger than %ld MiB", path,
                                   MAX_TEXT_FILE >> 20);
            }
            cap = cap ? cap * 2 : 1 << 16;
            char *p = realloc(buf, cap + 1);
            if (!p) {
                free(buf);
                fclose(f);
                return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
            }
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return io_error(diag, path, "read error");
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return FV_OK;
}

/* Maps a binary file read-only and hands it to `binary`. */
static fv_status load_binary(const char *path, binary_fn binary, const fv_load_options *options,
                             fv_graph **graph, fv_diag *diag)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return io_error(diag, path, strerror(errno));
    struct stat st_buf;
    if (fstat(fd, &st_buf) != 0 || !S_ISREG(st_buf.st_mode)) {
        close(fd);
        return io_error(diag, path, "not a regular file");
    }
    if (st_buf.st_size > MAX_BINARY_FILE) {
        close(fd);
        return fv_diag_set(diag, FV_ERR_LIMIT, "'%s' is larger than %lld GiB", path,
                           MAX_BINARY_FILE >> 30);
    }
    size_t len = (size_t)st_buf.st_size;
    void *data = NULL;
    if (len > 0) {
        data = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (data == MAP_FAILED) {
            close(fd);
            return io_error(diag, path, strerror(errno));
        }
    }
    close(fd);
    fv_status st = binary(len ? data : "", len, path, options, graph, diag);
    if (len > 0)
        munmap(data, len);
    return st;
}

fv_status fv_model_load(const char *path, fv_graph **graph, fv_diag *diag)
{
    return fv_model_load_ex(path, NULL, graph, diag);
}

fv_status fv_model_load_ex(const char *path, const fv_load_options *options, fv_graph **graph,
                           fv_diag *diag)
{
    *graph = NULL;
    if (strncmp(path, "zoo:", 4) == 0)
        return fv_zoo_load(path + 4, graph, diag);
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    parse_fn parse = NULL;
    binary_fn binary = NULL;
    for (size_t k = 0; dot && (!slash || dot > slash) && k < sizeof frontends / sizeof frontends[0]; k++)
        if (strcmp(dot, frontends[k].extension) == 0) {
            parse = frontends[k].parse;
            binary = frontends[k].binary;
        }
    if (binary)
        return load_binary(path, binary, options, graph, diag);
    if (!parse)
        return fv_diag_set(diag, FV_ERR_UNSUPPORTED,
                           "cannot tell the format of '%s' from its name; fovea reads .fv "
                           "(its text format), .onnx, .cfg (Darknet), .prototxt (Caffe) and zoo:NAME",
                           path);
    char *text = NULL;
    size_t len = 0;
    fv_status st = read_all(path, &text, &len, diag);
    if (st != FV_OK)
        return st;
    st = parse(text, len, path, graph, diag);
    free(text);
    return st;
}
