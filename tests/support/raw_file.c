#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "raw_file.h"

void *raw_read(const char *path, size_t count, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    void *v = malloc(count * size);
    size_t got = fread(v, size, count, f);
    int extra = fgetc(f) != EOF;
    fclose(f);
    if (got != count || extra)
        fail_msg("%s does not hold %zu values", path, count);
    return v;
}
