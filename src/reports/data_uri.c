/* data: URIs (RFC 2397) with base64 (RFC 4648), so that the report can
 * carry its PNG heatmaps inside the page instead of beside it. */
#include "markup.h"

void fv_write_data_uri(FILE *out, const char *mime, const unsigned char *data, size_t n)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    fprintf(out, "data:%s;base64,", mime);
    size_t k = 0;
    for (; k + 3 <= n; k += 3) {
        unsigned v = (unsigned)data[k] << 16 | (unsigned)data[k + 1] << 8 | data[k + 2];
        char quad[4] = {digits[v >> 18], digits[v >> 12 & 63], digits[v >> 6 & 63], digits[v & 63]};
        fwrite(quad, 1, 4, out);
    }
    if (k < n) {
        /* One or two bytes left: pad the quad with '='. */
        unsigned v = (unsigned)data[k] << 16 | (k + 1 < n ? (unsigned)data[k + 1] << 8 : 0);
        char quad[4] = {digits[v >> 18], digits[v >> 12 & 63], k + 1 < n ? digits[v >> 6 & 63] : '=',
                        '='};
        fwrite(quad, 1, 4, out);
    }
}
