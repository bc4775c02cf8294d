/* The ERF heatmap as a PNG: viridis (perceptually uniform, readable in
 * grey and by colour-blind readers) over the whole input image, with the
 * TRF box and the 1- and 2-sigma ellipses around the centre of mass. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stb_image_write.h>

#include "erf_png.h"
#include "graph_private.h"

/* matplotlib's viridis at 16 evenly spaced points; interpolated linearly. */
static const unsigned char viridis[16][3] = {
    {68, 1, 84},    {72, 26, 108},  {71, 47, 125},  {65, 68, 135},
    {57, 86, 140},  {49, 104, 142}, {42, 120, 142}, {35, 137, 142},
    {31, 154, 138}, {34, 168, 132}, {53, 183, 121}, {84, 197, 104},
    {122, 209, 81}, {165, 219, 54}, {210, 226, 27}, {253, 231, 37},
};

static void colour(double t, unsigned char *px)
{
    t = !(t > 0) ? 0 : t > 1 ? 1 : t; /* NaN as 0 */
    double f = t * 15;
    int i = (int)f;
    if (i > 14)
        i = 14;
    f -= i;
    for (int k = 0; k < 3; k++)
        px[k] = (unsigned char)lround(viridis[i][k] * (1 - f) + viridis[i + 1][k] * f);
}

static void put(unsigned char *img, int64_t H, int64_t W, int64_t y, int64_t x,
                const unsigned char *rgb)
{
    if (y < 0 || y >= H || x < 0 || x >= W)
        return;
    for (int k = 0; k < 3; k++)
        img[(y * W + x) * 3 + k] = rgb[k];
}

/* An axis-aligned ellipse of semi-axes ry, rx (scaled pixels) around (cy, cx). */
static void ellipse(unsigned char *img, int64_t H, int64_t W, double cy, double cx, double ry,
                    double rx, const unsigned char *rgb)
{
    if (ry <= 0 || rx <= 0)
        return;
    int steps = (int)(8 * (ry + rx)) + 64;
    for (int k = 0; k < steps; k++) {
        double a = 6.283185307179586 * k / steps;
        put(img, H, W, lround(cy + ry * sin(a)), lround(cx + rx * cos(a)), rgb);
    }
}

/* Draws the heatmap of the image region `box` (top, left, height, width in
 * input pixels) into a new RGB image (*img, H x W, the caller frees). */
static fv_status heatmap(const fv_erf_result *r, const fv_erf_metrics *m, int log_scale,
                         const int64_t box[4], unsigned char **out, int64_t *out_h,
                         int64_t *out_w, fv_diag *diag)
{
    int64_t hw[2];
    fv_erf_input_size(r, hw);
    int64_t s = 1, big = box[2] > box[3] ? box[2] : box[3];
    while (big * s < 256)
        s++;
    int64_t H = box[2] * s, W = box[3] * s, oy = box[0] * s, ox = box[1] * s;
    if (H > 32768 || W > 32768)
        return fv_diag_set(diag, FV_ERR_LIMIT, "a %lldx%lld heatmap is too large for a PNG",
                           (long long)H, (long long)W);
    double *map = malloc((size_t)(hw[0] * hw[1]) * sizeof *map);
    unsigned char *img = malloc((size_t)(H * W) * 3);
    if (!map || !img) {
        free(map);
        free(img);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    fv_erf_full_map(r, map);
    double top = 0;
    for (int64_t i = 0; i < hw[0] * hw[1]; i++)
        if (isfinite(map[i]))
            top = fmax(top, fabs(map[i]));
    for (int64_t y = 0; y < H; y++)
        for (int64_t x = 0; x < W; x++) {
            double v = top > 0 ? fabs(map[(box[0] + y / s) * hw[1] + box[1] + x / s]) / top : 0;
            if (log_scale)
                v = log10(1 + 1000 * v) / 3;
            colour(v, img + (y * W + x) * 3);
        }
    static const unsigned char white[3] = {255, 255, 255}, red[3] = {230, 30, 30},
                               orange[3] = {250, 150, 30};
    /* TRF box: the outline of its pixels */
    int64_t t0 = m->trf_first[0] * s - oy, t1 = (m->trf_last[0] + 1) * s - 1 - oy;
    int64_t l0 = m->trf_first[1] * s - ox, l1 = (m->trf_last[1] + 1) * s - 1 - ox;
    for (int64_t x = l0; x <= l1; x++) {
        put(img, H, W, t0, x, white);
        put(img, H, W, t1, x, white);
    }
    for (int64_t y = t0; y <= t1; y++) {
        put(img, H, W, y, l0, white);
        put(img, H, W, y, l1, white);
    }
    double cy = (m->centre[0] + 0.5) * (double)s - 0.5 - (double)oy;
    double cx = (m->centre[1] + 0.5) * (double)s - 0.5 - (double)ox;
    ellipse(img, H, W, cy, cx, m->sigma[0] * (double)s, m->sigma[1] * (double)s, red);
    ellipse(img, H, W, cy, cx, 2 * m->sigma[0] * (double)s, 2 * m->sigma[1] * (double)s, orange);
    free(map);
    *out = img;
    *out_h = H;
    *out_w = W;
    return FV_OK;
}

fv_status fv_report_erf_png(const fv_erf_result *r, const fv_erf_metrics *m, const char *path,
                            int log_scale, fv_diag *diag)
{
    unsigned char *img;
    int64_t H, W, hw[2];
    fv_erf_input_size(r, hw);
    const int64_t box[4] = {0, 0, hw[0], hw[1]};
    fv_status st = heatmap(r, m, log_scale, box, &img, &H, &W, diag);
    if (st != FV_OK)
        return st;
    int ok = stbi_write_png(path, (int)W, (int)H, 3, img, (int)(W * 3));
    free(img);
    if (!ok)
        return fv_diag_set(diag, FV_ERR_IO, "cannot write the PNG '%s'", path);
    return FV_OK;
}

/* A growing byte buffer for stbi_write_png_to_func. */
typedef struct png_buffer {
    unsigned char *data;
    size_t len, cap;
    int failed;
} png_buffer;

static void append(void *context, void *data, int size)
{
    png_buffer *b = context;
    if (b->failed || size <= 0)
        return;
    if (b->len + (size_t)size > b->cap) {
        size_t cap = (b->len + (size_t)size) * 2;
        unsigned char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, (size_t)size);
    b->len += (size_t)size;
}

fv_status fv_erf_png_data(const fv_erf_result *r, const fv_erf_metrics *m, int log_scale,
                          const int64_t box[4], unsigned char **png, size_t *len, int64_t hw[2],
                          fv_diag *diag)
{
    unsigned char *img;
    int64_t H, W;
    fv_status st = heatmap(r, m, log_scale, box, &img, &H, &W, diag);
    if (st != FV_OK)
        return st;
    png_buffer b = {0};
    int ok = stbi_write_png_to_func(append, &b, (int)W, (int)H, 3, img, (int)(W * 3));
    free(img);
    if (!ok || b.failed) {
        free(b.data);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory encoding a PNG heatmap");
    }
    *png = b.data;
    *len = b.len;
    hw[0] = H;
    hw[1] = W;
    return FV_OK;
}
