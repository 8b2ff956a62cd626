/* Every .mid of $SRNN_SHARED_CORPORA/piano-midi-de and midi-edge reads without error; pieces
 * survive write -> read on the 480 grid (piano-midi-de is PPQ 480).  Skips (77) without the
 * corpora. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "../check.h"
#include "../files.h"
#include "songrnn/midi.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int same_on_grid(const srnn_piece *a, const srnn_piece *b)
{
    if (srnn_piece_note_count(a) != srnn_piece_note_count(b))
        return 0;
    const srnn_note *x = srnn_piece_notes(a), *y = srnn_piece_notes(b);
    for (size_t i = 0; i < srnn_piece_note_count(a); i++)
        if (x[i].onset != y[i].onset || x[i].duration != y[i].duration ||
            x[i].pitch != y[i].pitch || x[i].velocity != y[i].velocity ||
            x[i].channel != y[i].channel)
            return 0;
    return 1;
}

static int run(const char *root, const char *sub, size_t want_files, int round_trip)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", root, sub);
    static const char *const midi[] = {".mid", NULL};
    check_files l = {0};
    check_files_gather(&l, dir, midi);
    CHECK_MSG(l.n == want_files, "%s: %zu .mid files, expected %zu", sub, l.n, want_files);
    size_t notes = 0, rt_ok = 0;
    double t0 = now(), t_read = 0;
    for (size_t i = 0; i < l.n; i++) {
        srnn_piece *p = NULL;
        srnn_error err = {0};
        double r0 = now();
        int rc = srnn_midi_read(l.p[i], 0, &p, &err);
        t_read += now() - r0;
        CHECK_MSG(rc == SRNN_OK, "%s: %s", l.p[i], err.msg);
        if (p)
            notes += srnn_piece_note_count(p);
        if (p && round_trip) {
            unsigned char *d = NULL;
            size_t n = 0;
            srnn_piece *q = NULL;
            CHECK_MSG(srnn_midi_write_memory(p, NULL, &d, &n, &err) == SRNN_OK, "%s: %s",
                      l.p[i], err.msg);
            CHECK_MSG(srnn_midi_read_memory(d, n, 0, &q, &err) == SRNN_OK, "%s: %s", l.p[i],
                      err.msg);
            if (q && same_on_grid(p, q))
                rt_ok++;
            else
                CHECK_MSG(0, "%s: notes changed by write -> read", l.p[i]);
            srnn_piece_free(q);
            free(d);
        }
        srnn_piece_free(p);
    }
    fprintf(stderr, "%s: %zu files, %zu notes, read in %.3f s%s", sub, l.n, notes, t_read,
            round_trip ? "" : "\n");
    if (round_trip)
        fprintf(stderr, "; %zu/%zu exact after write -> read (%.3f s in all)\n", rt_ok, l.n,
                now() - t0);
    /* Reading all of piano-midi-de must stay well inside the 20 s tokenize+roundtrip budget. */
    CHECK_MSG(t_read < 5.0, "%s: reading took %.3f s", sub, t_read);
    check_files_free(&l);
    return 0;
}

int main(void)
{
    const char *root = getenv("SRNN_SHARED_CORPORA");
    char probe[4096];
    struct stat st;
    snprintf(probe, sizeof probe, "%s/piano-midi-de", root ? root : "");
    if (!root || stat(probe, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "no corpora at %s: skipped\n", root ? root : "(SRNN_SHARED_CORPORA unset)");
        return CHECK_SKIP;
    }
    run(root, "piano-midi-de", 297, 1);
    run(root, "midi-edge", 8, 0);
    return check_finish("test_midi_corpus");
}
