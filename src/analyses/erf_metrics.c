/* Numbers that describe an ERF map: centre of mass, spread, radii that
 * hold a share of the mass, RepLKNet's high-contribution area ratio, and
 * how the ERF compares with the unit's theoretical RF. docs/erf.md
 * defines each one. */
#include <math.h>
#include <stdlib.h>

#include "graph_private.h"

static const double shares[4] = {0.50, 0.90, 0.95, 0.99};
static const double thresholds[4] = {0.2, 0.3, 0.5, 0.99};

typedef struct ring {
    double d2;
    double v;
} ring;

static int by_distance(const void *a, const void *b)
{
    double x = ((const ring *)a)->d2, y = ((const ring *)b)->d2;
    return x < y ? -1 : x > y;
}

/* Moments and radii over the cone window (zero elsewhere). */
static fv_status spread(const fv_erf_result *r, fv_erf_metrics *m, fv_diag *diag)
{
    int64_t h, w, y0, x0;
    const double *map = fv_erf_map(r, &h, &w, &y0, &x0);
    double s = 0, sy = 0, sx = 0;
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++) {
            double v = fabs(map[y * w + x]);
            s += v;
            sy += v * (double)(y0 + y);
            sx += v * (double)(x0 + x);
        }
    m->mass = s;
    if (s <= 0)
        return FV_OK;
    m->centre[0] = sy / s;
    m->centre[1] = sx / s;
    double vy = 0, vx = 0;
    ring *rings = malloc((size_t)(h * w) * sizeof *rings);
    if (!rings)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++) {
            double v = fabs(map[y * w + x]), dy = (double)(y0 + y) - m->centre[0],
                   dx = (double)(x0 + x) - m->centre[1];
            vy += v * dy * dy;
            vx += v * dx * dx;
            rings[y * w + x] = (ring){dy * dy + dx * dx, v};
        }
    m->sigma[0] = sqrt(vy / s);
    m->sigma[1] = sqrt(vx / s);
    qsort(rings, (size_t)(h * w), sizeof *rings, by_distance);
    double acc = 0;
    size_t k = 0;
    for (int q = 0; q < 4; q++) {
        while (k < (size_t)(h * w) && acc < shares[q] * s)
            acc += rings[k++].v;
        m->radius[q] = sqrt(rings[k ? k - 1 : 0].d2);
    }
    free(rings);
    return FV_OK;
}

/* RepLKNet (erf/analyze_erf.py): over the full image, x -> log10(x + 1)
 * divided by its max; for i = 1 .. h/2 - 1 the square of side 2i + 1
 * centred on (h/2, w/2); the first whose sum exceeds t of the total.
 * Outside the cone every value is 0 and stays 0, so only the cone's pixels
 * are visited: each adds to the ring max(|dy|, |dx|) it lies on, and the
 * squares' sums are the rings' running totals. The image itself is never
 * allocated, whatever its size. */
static fv_status area_ratio(const fv_erf_result *r, fv_erf_metrics *m, fv_diag *diag)
{
    int64_t hw[FV_AXES], wh, ww, y0, x0;
    fv_erf_input_size(r, hw);
    const double *map = fv_erf_map(r, &wh, &ww, &y0, &x0);
    int64_t h = hw[0], w = hw[1], cy = h / 2, cx = w / 2;
    for (int q = 0; q < 4; q++) {
        m->square_side[q] = 0;
        m->area_ratio[q] = 0;
    }
    double top = 0;
    for (int64_t i = 0; i < wh * ww; i++)
        top = fmax(top, log10(fabs(map[i]) + 1));
    if (top <= 0)
        return FV_OK;
    /* The rings the window touches: from its nearest to its farthest pixel. */
    int64_t dy_max = llabs(y0 - cy) > llabs(y0 + wh - 1 - cy) ? llabs(y0 - cy) : llabs(y0 + wh - 1 - cy);
    int64_t dx_max = llabs(x0 - cx) > llabs(x0 + ww - 1 - cx) ? llabs(x0 - cx) : llabs(x0 + ww - 1 - cx);
    int64_t dy_min = cy < y0 ? y0 - cy : cy > y0 + wh - 1 ? cy - (y0 + wh - 1) : 0;
    int64_t dx_min = cx < x0 ? x0 - cx : cx > x0 + ww - 1 ? cx - (x0 + ww - 1) : 0;
    int64_t lo = dy_min > dx_min ? dy_min : dx_min, hi = dy_max > dx_max ? dy_max : dx_max;
    double *ring_sum = calloc((size_t)(hi - lo + 1), sizeof *ring_sum);
    if (!ring_sum)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    double total = 0;
    for (int64_t y = 0; y < wh; y++)
        for (int64_t x = 0; x < ww; x++) {
            double v = log10(fabs(map[y * ww + x]) + 1) / top;
            int64_t dy = llabs(y0 + y - cy), dx = llabs(x0 + x - cx);
            ring_sum[(dy > dx ? dy : dx) - lo] += v;
            total += v;
        }
    double sum = 0;
    for (int64_t i = lo; i <= hi && i < h / 2; i++) {
        sum += ring_sum[i - lo];
        if (i == 0)
            continue;
        for (int q = 0; q < 4; q++)
            if (!m->square_side[q] && sum / total > thresholds[q]) {
                m->square_side[q] = 2 * i + 1;
                m->area_ratio[q] = (double)(2 * i + 1) / (double)h * (double)(2 * i + 1) / (double)w;
            }
    }
    free(ring_sum);
    return FV_OK;
}

/* The unit's TRF box, clipped to the image. */
static fv_status trf_box(const fv_graph *g, const fv_erf_result *r, fv_erf_metrics *m,
                         fv_diag *diag)
{
    int64_t hw[FV_AXES], unit[FV_AXES];
    fv_erf_input_size(r, hw);
    fv_erf_unit(r, unit);
    fv_trf *trf;
    fv_status st = fv_trf_compute(g, hw, &trf, diag);
    if (st != FV_OK)
        return st;
    fv_rf rf;
    fv_trf_get(trf, fv_erf_node(r), &rf);
    m->whole_input = rf.whole_input;
    for (int a = 0; a < FV_AXES && st == FV_OK; a++) {
        fv_interval iv = {0, hw[a] - 1, 0};
        if (!rf.whole_input)
            st = fv_trf_unit(trf, fv_erf_node(r), a, unit[a], &iv, diag);
        m->trf_first[a] = iv.first < 0 ? 0 : iv.first;
        m->trf_last[a] = iv.last > hw[a] - 1 ? hw[a] - 1 : iv.last;
    }
    fv_trf_free(trf);
    return st;
}

fv_status fv_erf_metrics_compute(const fv_graph *g, const fv_erf_result *r, fv_erf_metrics *m,
                                 fv_diag *diag)
{
    *m = (fv_erf_metrics){0};
    fv_status st = spread(r, m, diag);
    if (st == FV_OK)
        st = area_ratio(r, m, diag);
    if (st == FV_OK)
        st = trf_box(g, r, m, diag);
    if (st != FV_OK)
        return st;
    double th = (double)(m->trf_last[0] - m->trf_first[0] + 1),
           tw = (double)(m->trf_last[1] - m->trf_first[1] + 1);
    m->sigma_area_ratio = 3.141592653589793 * 2 * m->sigma[0] * 2 * m->sigma[1] / (th * tw);
    m->radius95_ratio = 2 * m->radius[2] / fmax(th, tw);
    return FV_OK;
}
