/* Memory for a decoded ONNX model. protobuf-c copies every weight's bytes
 * out of the mapped file while unpacking: for ResNet-50 that is 100 MB in
 * about a hundred blocks, and with malloc each 4 KiB page of them faults on
 * first write (25,000 faults, most of the load time). A bump arena in large
 * chunks that ask for transparent huge pages takes a fault per 2 MiB
 * instead, and frees the whole model at once. Nothing is freed one by one. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "onnx_private.h"

/* Under AddressSanitizer the arena keeps a poisoned gap after every block,
 * so that reading past a decoded tensor is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define REDZONE 16
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define REDZONE 0
#endif

enum {
    CHUNK = 32 << 20, /* a fresh chunk; larger requests get one of their own size */
    HUGE_PAGE = 2 << 20,
    ALIGN = 16,
};

typedef struct chunk {
    struct chunk *next;
    size_t size; /* of the mapping, header included */
    size_t used;
} chunk;

struct onnx_arena {
    ProtobufCAllocator allocator;
    chunk *current; /* where small requests go */
    chunk *all;     /* every chunk, for onnx_arena_free */
    int failed;     /* a mapping failed: unpacking ran out of memory */
};

static chunk *new_chunk(onnx_arena *a, size_t need)
{
    size_t size = need + sizeof(chunk) > CHUNK ? need + sizeof(chunk) : CHUNK;
    size = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        a->failed = 1;
        return NULL;
    }
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE); /* a hint: without it the arena still works */
#endif
    ASAN_POISON_MEMORY_REGION(p, size);
    ASAN_UNPOISON_MEMORY_REGION(p, sizeof(chunk));
    chunk *c = p;
    c->size = size;
    c->used = (sizeof(chunk) + ALIGN - 1) / ALIGN * ALIGN;
    c->next = a->all;
    a->all = c;
    return c;
}

static void *arena_alloc(void *data, size_t size)
{
    onnx_arena *a = data;
    size_t want = size;
    size = (size + REDZONE + ALIGN - 1) / ALIGN * ALIGN;
    chunk *c = a->current;
    if (!c || c->size - c->used < size) {
        c = new_chunk(a, size + ALIGN);
        if (!c)
            return NULL;
        /* a request that fills a chunk of its own leaves the current one in use */
        if (!a->current || size < CHUNK / 4)
            a->current = c;
    }
    void *p = (char *)c + c->used;
    c->used += size;
    ASAN_UNPOISON_MEMORY_REGION(p, want);
    return p;
}

static void arena_free_one(void *data, void *pointer) {}

onnx_arena *onnx_arena_create(void)
{
    onnx_arena *a = calloc(1, sizeof *a);
    if (a) {
        a->allocator.alloc = arena_alloc;
        a->allocator.free = arena_free_one;
        a->allocator.allocator_data = a;
    }
    return a;
}

ProtobufCAllocator *onnx_arena_allocator(onnx_arena *a) { return &a->allocator; }

int onnx_arena_failed(const onnx_arena *a) { return a->failed; }

void onnx_arena_free(onnx_arena *a)
{
    if (!a)
        return;
    for (chunk *c = a->all, *next; c; c = next) {
        next = c->next;
        ASAN_UNPOISON_MEMORY_REGION(c, c->size);
        munmap(c, c->size);
    }
    free(a);
}
