/* png_probe FILE.png RRGGBB...: prints the image's width and height, then for
 * each colour how many pixels lie within 24 levels of it on every channel
 * (enough for anti-aliased edges, far from the other colours of the page).
 * The browser test uses it to tell a drawn chart from a blank page. */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_NO_STDIO_WARNINGS
#include <stb_image.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: png_probe FILE.png [RRGGBB...]\n");
        return 2;
    }
    int w, h, n;
    unsigned char *px = stbi_load(argv[1], &w, &h, &n, 3);
    if (!px) {
        fprintf(stderr, "png_probe: cannot decode '%s': %s\n", argv[1], stbi_failure_reason());
        return 2;
    }
    printf("%d %d\n", w, h);
    for (int k = 2; k < argc; k++) {
        char *end;
        unsigned long rgb = strtoul(argv[k], &end, 16);
        if (*end || end - argv[k] != 6) {
            fprintf(stderr, "png_probe: '%s' is not RRGGBB\n", argv[k]);
            stbi_image_free(px);
            return 2;
        }
        int want[3] = {(int)(rgb >> 16) & 255, (int)(rgb >> 8) & 255, (int)rgb & 255};
        long count = 0;
        for (long i = 0; i < (long)w * h; i++) {
            int near = 1;
            for (int c = 0; c < 3; c++)
                near &= abs(px[i * 3 + c] - want[c]) <= 24;
            count += near;
        }
        printf("%ld\n", count);
    }
    stbi_image_free(px);
    return 0;
}
