/* Escaping of model text for XML, HTML and DOT (markup.h). Names come from
 * files people download: every byte is checked before it reaches a page. */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "markup.h"

/* Length of the valid UTF-8 sequence at s, or 0 when s starts an invalid
 * one (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_length(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n;
    uint32_t cp, min;
    if ((s[0] & 0xE0) == 0xC0)
        n = 2, cp = s[0] & 0x1F, min = 0x80;
    else if ((s[0] & 0xF0) == 0xE0)
        n = 3, cp = s[0] & 0x0F, min = 0x800;
    else if ((s[0] & 0xF8) == 0xF0)
        n = 4, cp = s[0] & 0x07, min = 0x10000;
    else
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

void fv_xml_text(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        size_t n = utf8_length(s);
        if (n == 0 || (*s < 0x20 && *s != '\t' && *s != '\n') || *s == 0x7F) {
            fputs(REPLACEMENT, out);
            s++;
            continue;
        }
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fwrite(s, 1, n, out);
        }
        s += n;
    }
}

void fv_xml_textf(FILE *out, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fv_xml_text(out, text);
}

void fv_dot_text(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        size_t n = utf8_length(s);
        if (n == 0 || *s < 0x20 || *s == 0x7F) {
            fputs(REPLACEMENT, out);
            s++;
            continue;
        }
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fwrite(s, 1, n, out);
        s += n;
    }
}
