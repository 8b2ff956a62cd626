/* eval on piano-midi-de (../shared/corpora): a held-apart slice of the corpus (every 10th
 * file) ranks closer to the rest than the same slice with its pitches shuffled within each
 * piece (fixed seed).  Shuffling keeps every rhythm feature and the pitch histogram, so the
 * difference must come from the features that see the order of pitches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../check.h"
#include "../files.h"
#include "songrnn/eval.h"
#include "songrnn/midi.h"
#include "songrnn/rng.h"

static double mean_of(const srnn_eval_result *r, int kld)
{
    double s = 0;
    for (int f = 0; f < SRNN_EVAL_N_FEATURES; f++)
        s += kld ? r[f].kld : r[f].overlap;
    return s / SRNN_EVAL_N_FEATURES;
}

int main(void)
{
    const char *root = getenv("SRNN_SHARED_CORPORA");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/piano-midi-de", root ? root : "../shared/corpora");
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "test_eval_corpus: %s absent, skipped\n", dir);
        return CHECK_SKIP;
    }
    static const char *const midi[] = {".mid", ".midi", NULL};
    check_files ps = {0};
    check_files_gather(&ps, dir, midi);
    CHECK(ps.n >= 100);
    srnn_eval_set *rest = srnn_eval_set_new(), *slice = srnn_eval_set_new(),
                  *shuffled = srnn_eval_set_new();
    srnn_rng rng;
    srnn_rng_seed(&rng, 12345);
    size_t unread = 0;
    for (size_t i = 0; i < ps.n; i++) {
        srnn_piece *p = NULL;
        srnn_error err = {0};
        if (srnn_midi_read(ps.p[i], 0, &p, &err) != SRNN_OK) {
            unread++;
            continue;
        }
        if (i % 10 != 0) {
            CHECK(srnn_eval_set_add(rest, p, NULL) == SRNN_OK);
        } else {
            CHECK(srnn_eval_set_add(slice, p, NULL) == SRNN_OK);
            /* Fisher-Yates over the pitches; onsets and durations stay. */
            size_t n = srnn_piece_note_count(p);
            srnn_note *nt = srnn_piece_notes_mut(p);
            for (size_t k = n; k > 1; k--) {
                size_t j = (size_t)srnn_rng_below(&rng, k);
                uint8_t t = nt[k - 1].pitch;
                nt[k - 1].pitch = nt[j].pitch;
                nt[j].pitch = t;
            }
            CHECK(srnn_eval_set_add(shuffled, p, NULL) == SRNN_OK);
        }
        srnn_piece_free(p);
    }
    CHECK(unread * 20 < ps.n);
    srnn_eval_result a[SRNN_EVAL_N_FEATURES], b[SRNN_EVAL_N_FEATURES];
    srnn_error err = {0};
    CHECK(srnn_eval_compare(slice, rest, a, &err) == SRNN_OK);
    CHECK(srnn_eval_compare(shuffled, rest, b, &err) == SRNN_OK);
    fprintf(stderr, "%-26s %9s %9s %9s %9s\n", "feature", "OA slice", "OA shuf", "KL slice",
            "KL shuf");
    for (int f = 0; f < SRNN_EVAL_N_FEATURES; f++)
        fprintf(stderr, "%-26s %9.3f %9.3f %9.3f %9.3f\n", srnn_eval_feature_label(f),
                a[f].overlap, b[f].overlap, a[f].kld, b[f].kld);
    double oa_a = mean_of(a, 0), oa_b = mean_of(b, 0), kl_a = mean_of(a, 1), kl_b = mean_of(b, 1);
    fprintf(stderr, "mean: overlap %.3f vs %.3f, KL %.3f vs %.3f (%zu + %zu pieces)\n", oa_a,
            oa_b, kl_a, kl_b, srnn_eval_set_count(slice), srnn_eval_set_count(rest));
    CHECK(oa_a > oa_b);
    CHECK(kl_a < kl_b);
    int order[] = {SRNN_EVAL_PITCH_INTERVAL, SRNN_EVAL_PITCH_CLASS_TRANS};
    for (int k = 0; k < 2; k++) {
        int f = order[k];
        CHECK_MSG(a[f].overlap > b[f].overlap + 0.05, "%s", srnn_eval_feature_name(f));
        CHECK_MSG(a[f].kld < b[f].kld, "%s", srnn_eval_feature_name(f));
    }
    /* Shuffling leaves these exactly as they were. */
    int same[] = {SRNN_EVAL_PITCH_COUNT, SRNN_EVAL_NOTE_COUNT, SRNN_EVAL_IOI,
                  SRNN_EVAL_POLYPHONY, SRNN_EVAL_PITCH_CLASS_HIST};
    for (int k = 0; k < 5; k++)
        CHECK_NEAR(a[same[k]].overlap, b[same[k]].overlap, 1e-9);
    check_files_free(&ps);
    srnn_eval_set_free(rest);
    srnn_eval_set_free(slice);
    srnn_eval_set_free(shuffled);
    return check_finish("test_eval_corpus");
}
