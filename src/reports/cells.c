/* Cells and their writers (cells.h). */
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "graph_private.h"

void fv_fmt_rational(char *buf, size_t size, fv_rational r)
{
    if (r.den == 1)
        snprintf(buf, size, "%lld", (long long)r.num);
    else
        snprintf(buf, size, "%lld/%lld", (long long)r.num, (long long)r.den);
}

void fv_fmt_pair(char *buf, size_t size, const char *y, const char *x)
{
    if (strcmp(y, x) == 0)
        snprintf(buf, size, "%s", y);
    else
        snprintf(buf, size, "%sx%s", y, x);
}

void fv_fmt_int_pair(char *buf, size_t size, int64_t y, int64_t x)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "%lld", (long long)y);
    snprintf(b, sizeof b, "%lld", (long long)x);
    fv_fmt_pair(buf, size, a, b);
}

void fv_fmt_rational_pair(char *buf, size_t size, fv_rational y, fv_rational x)
{
    char a[48], b[48];
    fv_fmt_rational(a, sizeof a, y);
    fv_fmt_rational(b, sizeof b, x);
    fv_fmt_pair(buf, size, a, b);
}

fv_status fv_grid_init(fv_grid *grid, size_t rows, size_t cols, fv_diag *diag)
{
    grid->rows = rows;
    grid->cols = cols;
    grid->color = 0;
    grid->cells = calloc(rows * cols, FV_CELL);
    grid->styles = calloc(rows * cols, 1);
    if (!grid->cells || !grid->styles) {
        fv_grid_free(grid);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    return FV_OK;
}

fv_status fv_grid_init_header(fv_grid *grid, size_t rows, const char *const *headers, size_t cols,
                              fv_diag *diag)
{
    fv_status st = fv_grid_init(grid, rows, cols, diag);
    for (size_t c = 0; st == FV_OK && c < cols; c++) {
        snprintf(fv_grid_cell(grid, 0, c), FV_CELL, "%s", headers[c]);
        fv_grid_style(grid, 0, c, FV_STYLE_HEADER);
    }
    return st;
}

void fv_grid_free(fv_grid *grid)
{
    free(grid->cells);
    free(grid->styles);
    grid->cells = NULL;
    grid->styles = NULL;
}

char *fv_grid_cell(fv_grid *grid, size_t row, size_t col) { return grid->cells[row * grid->cols + col]; }

const char *fv_grid_text(const fv_grid *grid, size_t row, size_t col)
{
    return grid->cells[row * grid->cols + col];
}

void fv_grid_style(fv_grid *grid, size_t row, size_t col, fv_style style)
{
    grid->styles[row * grid->cols + col] = (unsigned char)style;
}

fv_style fv_grid_style_of(const fv_grid *grid, size_t row, size_t col)
{
    return (fv_style)grid->styles[row * grid->cols + col];
}

/* SGR parameters of each style (ECMA-48): bold, faint, red, green, yellow, cyan. */
static const char *const sgr[FV_STYLE_COUNT] = {
    [FV_STYLE_PLAIN] = NULL, [FV_STYLE_HEADER] = "1", [FV_STYLE_DIM] = "2",
    [FV_STYLE_BAD] = "1;31", [FV_STYLE_GOOD] = "32", [FV_STYLE_WARN] = "33",
    [FV_STYLE_WHOLE] = "36",
};

void fv_write_printable(const char *s, FILE *out)
{
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s, out);
}

void fv_write_styled(const char *s, fv_style style, int color, FILE *out)
{
    const char *code = color && (unsigned)style < FV_STYLE_COUNT ? sgr[style] : NULL;
    if (code && s[0])
        fprintf(out, "\033[%sm", code);
    fv_write_printable(s, out);
    if (code && s[0])
        fputs("\033[0m", out);
}

/* A table cell, coloured when asked; padding stays outside the escapes so
 * that columns line up by what the terminal shows. */
static void write_cell(const fv_grid *grid, size_t r, size_t c, int width, FILE *out)
{
    const char *s = fv_grid_text(grid, r, c);
    fv_write_styled(s, fv_grid_style_of(grid, r, c), grid->color, out);
    for (int k = (int)strlen(s); k < width; k++)
        fputc(' ', out);
}

static void write_csv_cell(const char *s, FILE *out)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void fv_grid_write(const fv_grid *grid, fv_format format, FILE *out)
{
    if (format == FV_FORMAT_CSV) {
        for (size_t r = 0; r < grid->rows; r++)
            for (size_t c = 0; c < grid->cols; c++) {
                write_csv_cell(fv_grid_text(grid, r, c), out);
                fputc(c + 1 < grid->cols ? ',' : '\n', out);
            }
        return;
    }
    size_t width[32] = {0};
    size_t cols = grid->cols < 32 ? grid->cols : 32;
    for (size_t r = 0; r < grid->rows; r++)
        for (size_t c = 0; c < cols; c++) {
            size_t w = strlen(fv_grid_text(grid, r, c));
            if (w > width[c])
                width[c] = w;
        }
    int md = format == FV_FORMAT_MD;
    for (size_t r = 0; r < grid->rows; r++) {
        /* A table row ends at its last non-empty cell: no trailing blanks. */
        size_t used = cols;
        while (!md && used > 1 && fv_grid_text(grid, r, used - 1)[0] == '\0')
            used--;
        for (size_t c = 0; c < used; c++) {
            const char *s = fv_grid_text(grid, r, c);
            if (md) {
                fprintf(out, "| %-*s ", (int)width[c], s);
            } else {
                write_cell(grid, r, c, c + 1 < used ? (int)width[c] : 0, out);
                if (c + 1 < used)
                    fputs("  ", out);
            }
        }
        fputs(md ? "|\n" : "\n", out);
        if (r == 0 && md) {
            for (size_t c = 0; c < cols; c++) {
                fputs("|", out);
                for (size_t k = 0; k < width[c] + 2; k++)
                    fputc('-', out);
            }
            fputs("|\n", out);
        }
    }
}
