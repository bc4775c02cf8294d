/* Raw tensors dumped by the fixture scripts (scripts/fixtures/). */
#ifndef FV_RAW_FILE_H
#define FV_RAW_FILE_H

#include <stddef.h>

/* The whole file as `count` little-endian values of `size` bytes each;
 * fails the test when it cannot be read or holds another number of
 * values. The caller frees it. */
void *raw_read(const char *path, size_t count, size_t size);

#endif
