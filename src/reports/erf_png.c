/* The ERF heatmap as a PNG: viridis (perceptually uniform, readable in
 * grey and by colour-blind readers) over the whole input image, with the
 * TRF box and the 1- and 2-sigma ellipses around the centre of mass. */
#include <math.h>
#include <stdlib.h>

#include <stb_image_write.h>

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
    t = t < 0 ? 0 : t > 1 ? 1 : t;
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

fv_status fv_report_erf_png(const fv_erf_result *r, const fv_erf_metrics *m, const char *path,
                            int log_scale, fv_diag *diag)
{
    int64_t hw[2];
    fv_erf_input_size(r, hw);
    int64_t s = 1, big = hw[0] > hw[1] ? hw[0] : hw[1];
    while (big * s < 256)
        s++;
    int64_t H = hw[0] * s, W = hw[1] * s;
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
        top = fmax(top, fabs(map[i]));
    for (int64_t y = 0; y < H; y++)
        for (int64_t x = 0; x < W; x++) {
            double v = top > 0 ? fabs(map[(y / s) * hw[1] + x / s]) / top : 0;
            if (log_scale)
                v = log10(1 + 1000 * v) / 3;
            colour(v, img + (y * W + x) * 3);
        }
    static const unsigned char white[3] = {255, 255, 255}, red[3] = {230, 30, 30},
                               orange[3] = {250, 150, 30};
    /* TRF box: the outline of its pixels */
    int64_t t0 = m->trf_first[0] * s, t1 = (m->trf_last[0] + 1) * s - 1;
    int64_t l0 = m->trf_first[1] * s, l1 = (m->trf_last[1] + 1) * s - 1;
    for (int64_t x = l0; x <= l1; x++) {
        put(img, H, W, t0, x, white);
        put(img, H, W, t1, x, white);
    }
    for (int64_t y = t0; y <= t1; y++) {
        put(img, H, W, y, l0, white);
        put(img, H, W, y, l1, white);
    }
    double cy = (m->centre[0] + 0.5) * (double)s - 0.5, cx = (m->centre[1] + 0.5) * (double)s - 0.5;
    ellipse(img, H, W, cy, cx, m->sigma[0] * (double)s, m->sigma[1] * (double)s, red);
    ellipse(img, H, W, cy, cx, 2 * m->sigma[0] * (double)s, 2 * m->sigma[1] * (double)s, orange);
    int ok = stbi_write_png(path, (int)W, (int)H, 3, img, (int)(W * 3));
    free(map);
    free(img);
    if (!ok)
        return fv_diag_set(diag, FV_ERR_IO, "cannot write the PNG '%s'", path);
    return FV_OK;
}
