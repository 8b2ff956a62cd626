/* A theka rendered through FluidSynth with soundfonts/tabla.sf2: the WAV is not silent, a
 * stroke starts on every beat at the tempo (90 BPM: every 2/3 s), and none half-way between
 * beats.  Skips (77) in a build without FluidSynth. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "songrnn/synth.h"
#include "songrnn/tabla.h"

/* The 16-bit PCM of a WAV as mono magnitudes (channels averaged); NULL if not such a WAV. */
static double *read_wav(const char *path, size_t *n, int *rate)
{
    unsigned char *d = NULL;
    size_t size = 0;
    srnn_error err = {0};
    if (srnn_file_read_all(path, &d, &size, &err) != SRNN_OK)
        return NULL;
    double *out = NULL;
    int ch = 0, bits = 0;
    *rate = 0;
    for (size_t p = 12; p + 8 <= size;) {
        uint32_t len = d[p + 4] | d[p + 5] << 8 | d[p + 6] << 16 | (uint32_t)d[p + 7] << 24;
        if (memcmp(d + p, "fmt ", 4) == 0 && len >= 16 && p + 8 + 16 <= size) {
            ch = d[p + 10] | d[p + 11] << 8;
            *rate = (int)(d[p + 12] | d[p + 13] << 8 | d[p + 14] << 16);
            bits = d[p + 22] | d[p + 23] << 8;
        } else if (memcmp(d + p, "data", 4) == 0 && ch > 0 && bits == 16) {
            if (len > size - p - 8)
                len = (uint32_t)(size - p - 8);
            *n = len / (2u * (unsigned)ch);
            out = malloc((*n ? *n : 1) * sizeof *out);
            for (size_t i = 0; out && i < *n; i++) {
                double s = 0;
                for (int c = 0; c < ch; c++) {
                    const unsigned char *q = d + p + 8 + (i * (size_t)ch + (size_t)c) * 2;
                    int16_t v = (int16_t)(q[0] | q[1] << 8);
                    s += v < 0 ? -v : v;
                }
                out[i] = s / ch;
            }
            break;
        }
        p += 8 + len + (len & 1);
    }
    free(d);
    return out;
}

static double peak(const double *x, size_t n, long a, long b)
{
    double m = 0;
    for (long i = a < 0 ? 0 : a; i < b && (size_t)i < n; i++)
        if (x[i] > m)
            m = x[i];
    return m;
}

int main(void)
{
    if (!srnn_synth_have_fluidsynth()) {
        fprintf(stderr, "built without FluidSynth: skipped\n");
        return CHECK_SKIP;
    }
    const char *root = getenv("SRNN_SOURCE_ROOT");
    char sf[4096], wav[] = "/tmp/srnn_tabla_render_XXXXXX";
    snprintf(sf, sizeof sf, "%s/soundfonts/tabla.sf2", root ? root : ".");
    int fd = mkstemp(wav);
    if (fd < 0)
        return 1;
    close(fd);

    const char *text = "taal: teentaal\nform: theka\ntempo: 90\n"
                       "Dha Dhin Dhin Dha | Dha Dhin Dhin Dha | Dha Tin Tin Ta | Ta Dhin Dhin Dha\n";
    srnn_tabla *t = NULL;
    srnn_piece *p = NULL;
    srnn_synth_event *ev = NULL;
    size_t nev = 0;
    double end = 0;
    srnn_error err = {0};
    CHECK(srnn_tabla_parse(text, strlen(text), &t, &err) == SRNN_OK);
    CHECK(t && srnn_tabla_to_piece(t, SRNN_TABLA_MAP_TABLA, &p, &err) == SRNN_OK);
    srnn_synth_events_opts eo = {0, -1};
    CHECK(p && srnn_synth_events_from_piece(p, &eo, &ev, &nev, &end, &err) == SRNN_OK);
    srnn_render_opts ro;
    srnn_render_opts_init(&ro);
    ro.soundfont = sf;
    int rc = srnn_synth_render_wav(ev, nev, end, &ro, wav, NULL, &err);
    CHECK_MSG(rc == SRNN_OK, "%s", err.msg);
    size_t n = 0;
    int rate = 0;
    double *x = rc == SRNN_OK ? read_wav(wav, &n, &rate) : NULL;
    CHECK(x != NULL && rate > 0);
    if (x) {
        double beat = 60.0 / 90.0;
        CHECK_MSG(n >= (size_t)(16 * beat * rate), "%zu samples", n);
        CHECK(peak(x, n, 0, (long)n) > 3000); /* about -20 dBFS or louder */
        long w = rate * 30 / 1000, gap = rate * 2 / 1000;
        int on = 0, quiet_mid = 0;
        for (int b = 0; b < 16; b++) {
            long s = (long)(b * beat * rate);
            double before = b ? peak(x, n, s - w, s - gap) : 0;
            on += peak(x, n, s, s + w) > 1.3 * before + 50;
            long m = (long)((b + 0.5) * beat * rate);
            quiet_mid += peak(x, n, m, m + w) <= 1.05 * peak(x, n, m - w, m);
        }
        CHECK_MSG(on == 16, "strokes on %d of 16 beats", on);
        CHECK_MSG(quiet_mid == 16, "no stroke half-way on %d of 16 beats", quiet_mid);
    }
    free(x);
    free(ev);
    srnn_piece_free(p);
    srnn_tabla_free(t);
    remove(wav);
    return check_finish("test_tabla_render");
}
