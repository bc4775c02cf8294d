/* Formatting helpers shared by the reports: rationals, per-axis pairs, and a
 * grid of cells that table, Markdown and CSV writers print. */
#ifndef FV_CELLS_H
#define FV_CELLS_H

#include <stddef.h>

#include "fovea.h"

#define FV_CELL 64

/* "3", "-1/2" */
void fv_fmt_rational(char *buf, size_t size, fv_rational r);

/* A per-axis pair, written once when both axes agree: "3" or "3x1" (y then x). */
void fv_fmt_pair(char *buf, size_t size, const char *y, const char *x);

/* An integer pair: "3" or "1x7". */
void fv_fmt_int_pair(char *buf, size_t size, int64_t y, int64_t x);

/* A rational pair. */
void fv_fmt_rational_pair(char *buf, size_t size, fv_rational y, fv_rational x);

/* How a cell is shown: ANSI colours in a terminal table, CSS classes in
 * HTML. Plain everywhere else. */
typedef enum fv_style {
    FV_STYLE_PLAIN,
    FV_STYLE_HEADER, /* the header row */
    FV_STYLE_DIM,    /* pointwise layers: they do not change what a unit sees */
    FV_STYLE_BAD,    /* misaligned merges */
    FV_STYLE_GOOD,   /* aligned merges */
    FV_STYLE_WARN,   /* RF covering the whole image, pixels outside it */
    FV_STYLE_WHOLE,  /* sees the whole input */
    FV_STYLE_COUNT
} fv_style;

/* A rows x cols grid of fixed-size cells, each with a style. */
typedef struct fv_grid {
    size_t rows, cols;
    char (*cells)[FV_CELL];
    unsigned char *styles; /* rows * cols fv_style values */
    int color;             /* table format: write the styles as ANSI colours */
} fv_grid;

fv_status fv_grid_init(fv_grid *grid, size_t rows, size_t cols, fv_diag *diag);
void fv_grid_free(fv_grid *grid);

/* fv_grid_init with row 0 filled from `headers` (cols names) in the header style. */
fv_status fv_grid_init_header(fv_grid *grid, size_t rows, const char *const *headers, size_t cols,
                              fv_diag *diag);
char *fv_grid_cell(fv_grid *grid, size_t row, size_t col);
const char *fv_grid_text(const fv_grid *grid, size_t row, size_t col);
void fv_grid_style(fv_grid *grid, size_t row, size_t col, fv_style style);
fv_style fv_grid_style_of(const fv_grid *grid, size_t row, size_t col);

/* Writes s for a terminal: control characters (an escape sequence in a
 * model's names could rewrite the user's screen) become '?'. */
void fv_write_printable(const char *s, FILE *out);

/* Writes s wrapped in the ANSI colour of `style` when `color` is set. */
void fv_write_styled(const char *s, fv_style style, int color, FILE *out);

/* Row 0 is the header. Table: aligned columns; md: a pipe table; csv: RFC 4180. */
void fv_grid_write(const fv_grid *grid, fv_format format, FILE *out);

#endif
