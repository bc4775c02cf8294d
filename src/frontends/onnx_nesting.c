/* How deeply the messages of a serialised protobuf nest, found by walking
 * the wire format with the message descriptors, before protobuf-c unpacks
 * it. protobuf-c recurses once per nesting level with no limit of its own,
 * so a file of nested subgraphs (node -> attribute -> graph -> node ...)
 * a megabyte long overflows the stack; this walk stops at `limit` levels. */
#include "onnx_private.h"

/* Reads a varint at *p (before end). 0 when it is malformed. */
static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 1;
        }
    }
    return 0;
}

/* 1 when a message nests more than `limit` levels below `depth`. Malformed
 * data answers 0: the unpacker reports it. The recursion is bounded by
 * `limit`. */
static int too_deep(const ProtobufCMessageDescriptor *desc, const uint8_t *p, const uint8_t *end,
                    int depth, int limit)
{
    while (p < end) {
        uint64_t tag, n;
        if (!read_varint(&p, end, &tag))
            return 0;
        switch (tag & 7) {
        case 0: /* varint */
            if (!read_varint(&p, end, &n))
                return 0;
            break;
        case 1: /* 64-bit */
            if ((size_t)(end - p) < 8)
                return 0;
            p += 8;
            break;
        case 5: /* 32-bit */
            if ((size_t)(end - p) < 4)
                return 0;
            p += 4;
            break;
        case 2: { /* length-delimited: bytes, string, packed or a message */
            if (!read_varint(&p, end, &n) || n > (uint64_t)(end - p))
                return 0;
            const ProtobufCFieldDescriptor *f =
                tag >> 3 <= UINT32_MAX
                    ? protobuf_c_message_descriptor_get_field(desc, (unsigned)(tag >> 3))
                    : NULL;
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
                if (depth + 1 > limit || too_deep(f->descriptor, p, p + n, depth + 1, limit))
                    return 1;
            }
            p += n;
            break;
        }
        default: /* groups are not in onnx.proto; let the unpacker refuse them */
            return 0;
        }
    }
    return 0;
}

int onnx_nests_deeper(const ProtobufCMessageDescriptor *desc, const void *data, size_t len,
                      int limit)
{
    const uint8_t *p = data;
    return too_deep(desc, p, p + len, 0, limit);
}
