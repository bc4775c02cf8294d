/* SVG primitives (markup.h). Coordinates are written with one decimal: a
 * tenth of a CSS pixel is below what a screen or a printer shows. */
#include <stdarg.h>
#include <string.h>

#include "markup.h"

void fv_svg_open(FILE *out, double width, double height, int standalone, const char *title)
{
    if (standalone)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
            "height=\"%.0f\" role=\"img\" font-family=\"'DejaVu Sans', 'Helvetica Neue', Arial, "
            "sans-serif\" font-size=\"12\" fill=\"" FV_COLOR_INK "\">\n<title>",
            width, height, width, height);
    fv_xml_text(out, title);
    fputs("</title>\n", out);
    fv_svg_rect(out, 0, 0, width, height, "fill=\"#ffffff\"");
}

void fv_svg_close(FILE *out) { fputs("</svg>\n", out); }

void fv_svg_line(FILE *out, double x1, double y1, double x2, double y2, const char *attrs)
{
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", x1, y1, x2, y2,
            attrs);
}

void fv_svg_rect(FILE *out, double x, double y, double w, double h, const char *attrs)
{
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" %s/>\n", x, y, w, h,
            attrs);
}

void fv_svg_circle(FILE *out, double cx, double cy, double r, const char *attrs,
                   const char *tooltip)
{
    fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" %s", cx, cy, r, attrs);
    if (!tooltip) {
        fputs("/>\n", out);
        return;
    }
    fputs("><title>", out);
    fv_xml_text(out, tooltip);
    fputs("</title></circle>\n", out);
}

void fv_svg_text(FILE *out, double x, double y, const char *attrs, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
    fv_xml_text(out, text);
    fputs("</text>\n", out);
}

/* Characters of s (UTF-8 lead bytes and stray bytes; continuation bytes do not count). */
static size_t chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t k = 0; k < len; k++)
        n += ((unsigned char)s[k] & 0xC0) != 0x80;
    return n;
}

/* Byte offset after the first `n` characters of s. */
static size_t prefix_bytes(const char *s, size_t len, size_t n)
{
    size_t k = 0;
    for (size_t seen = 0; k < len; k++) {
        if (((unsigned char)s[k] & 0xC0) != 0x80 && seen++ == n)
            break;
    }
    return k;
}

void fv_ellipsize(const char *name, size_t max, char *buf, size_t size)
{
    size_t len = strlen(name), n = chars(name, len);
    if (n <= max || max < 3) {
        snprintf(buf, size, "%s", name);
        return;
    }
    size_t head = (max - 1) / 2, tail = max - 1 - head;
    size_t head_bytes = prefix_bytes(name, len, head);
    size_t tail_start = prefix_bytes(name, len, n - tail);
    snprintf(buf, size, "%.*s\xE2\x80\xA6%s", (int)head_bytes, name, name + tail_start);
}
