/* What each ERF sample feeds the network: seeded noise (the same value at
 * a pixel whatever window is computed), ones, or images from a folder. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stb_image.h>

#include "erf_private.h"
#include "erf_random.h"

static int is_image_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcasecmp(dot, ".png") == 0 || strcasecmp(dot, ".jpg") == 0 ||
                   strcasecmp(dot, ".jpeg") == 0);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

fv_status erf_images_list(const char *dir, erf_images *images, fv_diag *diag)
{
    *images = (erf_images){0};
    DIR *d = opendir(dir);
    if (!d)
        return fv_diag_set(diag, FV_ERR_IO, "cannot open the image folder '%s'", dir);
    size_t cap = 0;
    fv_status st = FV_OK;
    struct dirent *ent;
    while (st == FV_OK && (ent = readdir(d))) {
        if (!is_image_name(ent->d_name))
            continue;
        if (images->n == cap) {
            cap = cap ? 2 * cap : 16;
            char **p = realloc(images->paths, cap * sizeof *p);
            if (!p) {
                st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
                break;
            }
            images->paths = p;
        }
        size_t len = strlen(dir) + strlen(ent->d_name) + 2;
        char *path = malloc(len);
        if (!path) {
            st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
            break;
        }
        snprintf(path, len, "%s/%s", dir, ent->d_name);
        images->paths[images->n++] = path;
    }
    closedir(d);
    if (st == FV_OK && images->n == 0)
        st = fv_diag_set(diag, FV_ERR_IO, "the folder '%s' holds no .png, .jpg or .jpeg file", dir);
    if (st != FV_OK) {
        erf_images_free(images);
        return st;
    }
    qsort(images->paths, images->n, sizeof *images->paths, by_name);
    return FV_OK;
}

void erf_images_free(erf_images *images)
{
    for (size_t k = 0; k < images->n; k++)
        free(images->paths[k]);
    free(images->paths);
    *images = (erf_images){0};
}

static double channel_value(const double *v, int64_t c) { return v[c < 3 ? c : 2]; }

/* Bilinear sample (half-pixel centres, clamped at the border) of channel c
 * of an 8-bit image at the position of pixel (Y, X) of the input. */
static double bilinear(const unsigned char *px, int w, int h, int n, int64_t c, int64_t Y,
                       int64_t X, const int64_t image[FV_AXES])
{
    double sy = ((double)Y + 0.5) * h / (double)image[0] - 0.5;
    double sx = ((double)X + 0.5) * w / (double)image[1] - 0.5;
    if (sy < 0)
        sy = 0;
    if (sx < 0)
        sx = 0;
    int y0 = (int)sy, x0 = (int)sx;
    if (y0 > h - 1)
        y0 = h - 1;
    if (x0 > w - 1)
        x0 = w - 1;
    int y1 = y0 + 1 < h ? y0 + 1 : y0, x1 = x0 + 1 < w ? x0 + 1 : x0;
    double ty = sy - y0, tx = sx - x0;
#define PX(y, x) ((double)px[((size_t)(y) * (size_t)w + (size_t)(x)) * (size_t)n + (size_t)c])
    return (1 - ty) * ((1 - tx) * PX(y0, x0) + tx * PX(y0, x1)) +
           ty * ((1 - tx) * PX(y1, x0) + tx * PX(y1, x1));
#undef PX
}

static fv_status image_fill(const erf_engine *e, const char *path, void *x, fv_diag *diag)
{
    const fv_box *b = &e->nodes[e->plan.input].box;
    if (b->c > 4)
        return fv_diag_set(diag, FV_ERR_UNSUPPORTED,
                           "the network takes %lld input channels; images give 1 to 4",
                           (long long)b->c);
    int w, h, n;
    unsigned char *px = stbi_load(path, &w, &h, &n, (int)b->c);
    if (!px)
        return fv_diag_set(diag, FV_ERR_IO, "cannot read the image '%s': %s", path,
                           stbi_failure_reason());
    const double *mean = e->o->mean, *std = e->o->std;
    size_t k = 0;
    for (int64_t y = 0; y < b->h; y++)
        for (int64_t xx = 0; xx < b->w; xx++)
            for (int64_t c = 0; c < b->c; c++) {
                double v = bilinear(px, w, h, (int)b->c, c, b->y0 + y, b->x0 + xx, e->image) / 255.0;
                erf_put(e, x, k++, (float)((v - channel_value(mean, c)) / channel_value(std, c)));
            }
    stbi_image_free(px);
    return FV_OK;
}

fv_status erf_input_fill(const erf_engine *e, const erf_images *images, int64_t sample, void *x,
                         fv_diag *diag)
{
    const fv_erf_options *o = e->o;
    if (o->input == FV_ERF_IMAGES)
        return image_fill(e, images->paths[(size_t)sample % images->n], x, diag);
    const fv_box *b = &e->nodes[e->plan.input].box;
    if (o->input == FV_ERF_TENSOR) { /* the caller's NCHW images into the NHWC window */
        const float *t = o->tensor + (size_t)(sample % o->tensor_count) *
                                         (size_t)(b->c * e->image[0] * e->image[1]);
        for (int64_t c = 0; c < b->c; c++)
            for (int64_t y = 0; y < b->h; y++) {
                const float *row = t + (size_t)((c * e->image[0] + b->y0 + y) * e->image[1] + b->x0);
                for (int64_t xx = 0; xx < b->w; xx++)
                    erf_put(e, x, fv_at(b, c, y, xx), row[xx]);
            }
        return FV_OK;
    }
    size_t k = 0;
    for (int64_t y = 0; y < b->h; y++)
        for (int64_t xx = 0; xx < b->w; xx++)
            for (int64_t c = 0; c < b->c; c++) {
                /* counter: pixel (sample, c, Y, X) of the whole image, NCHW order */
                uint64_t index = (uint64_t)(((sample * b->c + c) * e->image[0] + b->y0 + y) *
                                                e->image[1] + b->x0 + xx);
                double v;
                if (o->input == FV_ERF_ONES)
                    v = 1.0;
                else if (o->input == FV_ERF_NORMAL)
                    v = fv_noise_normal(o->seed, index);
                else
                    v = (fv_noise_uniform(o->seed, index) - channel_value(o->mean, c)) /
                        channel_value(o->std, c);
                erf_put(e, x, k++, (float)v);
            }
    return FV_OK;
}
