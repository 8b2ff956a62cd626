/* eval: every feature on hand-made pieces with values worked out by hand; the density
 * measures against closed forms for Gaussians; compare on sets built to agree or differ. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "songrnn/eval.h"

static srnn_piece *make_piece(const double (*notes)[3], size_t n)
{
    srnn_piece *p = srnn_piece_new();
    for (size_t i = 0; i < n; i++) {
        srnn_note nt = {.onset = notes[i][0], .duration = notes[i][1],
                        .pitch = (uint8_t)notes[i][2], .velocity = 80};
        if (srnn_piece_add_note(p, &nt) != SRNN_OK)
            abort();
    }
    return p;
}

static double feat(const srnn_eval_features *f, int which, int k)
{
    return f->v[srnn_eval_feature_offset(which) + k];
}

static void test_layout(void)
{
    int total = 0;
    for (int f = 0; f < SRNN_EVAL_N_FEATURES; f++) {
        CHECK(srnn_eval_feature_offset(f) == total);
        CHECK(srnn_eval_feature_name(f) && srnn_eval_feature_label(f));
        total += srnn_eval_feature_dim(f);
    }
    CHECK(total == SRNN_EVAL_DIM);
    CHECK(srnn_eval_feature_name(SRNN_EVAL_N_FEATURES) == NULL);
    CHECK(srnn_eval_feature_dim(-1) == 0);
}

/* Given in scrambled order: the features must not depend on the order of the note list. */
static void test_features_by_hand(void)
{
    /* onset, duration (beats), pitch */
    static const double notes[][3] = {
        {2, 2, 60}, {1, 0.5, 67}, {0, 1, 64}, {1.5, 0.5, 72}, {0, 1, 60},
    };
    srnn_piece *p = make_piece(notes, 5);
    srnn_eval_features f;
    srnn_error err = {0};
    CHECK(srnn_eval_piece_features(p, &f, &err) == SRNN_OK);
    /* Read in order: 60 64 | 67 | 72 | 60 */
    CHECK_NEAR(feat(&f, SRNN_EVAL_PITCH_COUNT, 0), 4, 0);       /* 60 64 67 72 */
    CHECK_NEAR(feat(&f, SRNN_EVAL_PITCH_RANGE, 0), 12, 0);      /* 72 - 60 */
    CHECK_NEAR(feat(&f, SRNN_EVAL_PITCH_INTERVAL, 0), 6, 1e-12); /* (4+3+5+12)/4 */
    CHECK_NEAR(feat(&f, SRNN_EVAL_NOTE_COUNT, 0), 5, 0);
    CHECK_NEAR(feat(&f, SRNN_EVAL_IOI, 0), 2.0 / 3.0, 1e-12);   /* onsets 0 1 1.5 2 */
    /* 2 notes over [0,1), 1 over [1,4): (2 + 3) / 4 */
    CHECK_NEAR(feat(&f, SRNN_EVAL_POLYPHONY, 0), 1.25, 1e-12);
    double pch[12] = {0};
    pch[0] = 0.6, pch[4] = 0.2, pch[7] = 0.2;
    for (int k = 0; k < 12; k++)
        CHECK_NEAR(feat(&f, SRNN_EVAL_PITCH_CLASS_HIST, k), pch[k], 1e-12);
    /* C->E, E->G, G->C, C->C, a quarter each */
    double pctm[144] = {0};
    pctm[0 * 12 + 4] = pctm[4 * 12 + 7] = pctm[7 * 12 + 0] = pctm[0 * 12 + 0] = 0.25;
    for (int k = 0; k < 144; k++)
        CHECK_NEAR(feat(&f, SRNN_EVAL_PITCH_CLASS_TRANS, k), pctm[k], 1e-12);
    /* durations 1 1 0.5 0.5 2: quarter 2/5, eighth 2/5, half 1/5 */
    double nlh[12] = {0};
    nlh[2] = 0.4, nlh[3] = 0.4, nlh[1] = 0.2;
    for (int k = 0; k < 12; k++)
        CHECK_NEAR(feat(&f, SRNN_EVAL_NOTE_LENGTH_HIST, k), nlh[k], 1e-12);
    srnn_piece_free(p);
}

static void test_rests_and_lengths(void)
{
    /* A rest between two notes: polyphony counts only sounding time.  Durations: 0.3 is
     * nearest (log2) an eighth triplet (1/3), 0.36 a dotted sixteenth (3/8), 5 a whole. */
    static const double notes[][3] = {{0, 0.3, 60}, {3, 0.36, 62}, {4, 5, 50}};
    srnn_piece *p = make_piece(notes, 3);
    srnn_eval_features f;
    CHECK(srnn_eval_piece_features(p, &f, NULL) == SRNN_OK);
    CHECK_NEAR(feat(&f, SRNN_EVAL_POLYPHONY, 0), 1.0, 1e-12);
    CHECK_NEAR(feat(&f, SRNN_EVAL_IOI, 0), 2.0, 1e-12);            /* gaps 3 and 1 */
    CHECK_NEAR(feat(&f, SRNN_EVAL_PITCH_INTERVAL, 0), 7.0, 1e-12); /* (2 + 12) / 2 */
    CHECK_NEAR(feat(&f, SRNN_EVAL_PITCH_RANGE, 0), 12, 0);
    CHECK_NEAR(feat(&f, SRNN_EVAL_NOTE_LENGTH_HIST, 11), 1.0 / 3, 1e-12);
    CHECK_NEAR(feat(&f, SRNN_EVAL_NOTE_LENGTH_HIST, 8), 1.0 / 3, 1e-12);
    CHECK_NEAR(feat(&f, SRNN_EVAL_NOTE_LENGTH_HIST, 0), 1.0 / 3, 1e-12);
    srnn_piece_free(p);

    /* One note: no interval, no transition, no inter-onset interval. */
    static const double one[][3] = {{1, 1, 61}};
    p = make_piece(one, 1);
    CHECK(srnn_eval_piece_features(p, &f, NULL) == SRNN_OK);
    CHECK_NEAR(feat(&f, SRNN_EVAL_PITCH_COUNT, 0), 1, 0);
    CHECK_NEAR(feat(&f, SRNN_EVAL_PITCH_INTERVAL, 0), 0, 0);
    CHECK_NEAR(feat(&f, SRNN_EVAL_IOI, 0), 0, 0);
    CHECK_NEAR(feat(&f, SRNN_EVAL_POLYPHONY, 0), 1, 0);
    CHECK_NEAR(feat(&f, SRNN_EVAL_PITCH_CLASS_HIST, 1), 1, 0);
    double s = 0;
    for (int k = 0; k < 144; k++)
        s += feat(&f, SRNN_EVAL_PITCH_CLASS_TRANS, k);
    CHECK(s == 0);
    srnn_piece_free(p);

    /* No notes: refused, and a set does not take it. */
    p = srnn_piece_new();
    srnn_error err = {0};
    CHECK(srnn_eval_piece_features(p, &f, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "no notes") != NULL);
    srnn_eval_set *set = srnn_eval_set_new();
    CHECK(srnn_eval_set_add(set, p, NULL) == SRNN_EINPUT);
    CHECK(srnn_eval_set_count(set) == 0);
    srnn_eval_set_free(set);
    srnn_piece_free(p);
    CHECK(srnn_eval_piece_features(NULL, &f, NULL) == SRNN_EARG);
}

/* Quantiles of N(mu, 1): a noise-free sample (inverse CDF by bisection on erfc). */
static void normal_sample(double *x, size_t n, double mu)
{
    for (size_t i = 0; i < n; i++) {
        double u = (i + 0.5) / (double)n, lo = -10, hi = 10;
        for (int it = 0; it < 80; it++) {
            double mid = 0.5 * (lo + hi);
            if (0.5 * erfc(-mid / sqrt(2.0)) < u)
                lo = mid;
            else
                hi = mid;
        }
        x[i] = mu + 0.5 * (lo + hi);
    }
}

static void test_kde(void)
{
    enum { N = 20000 };
    double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    double kld = -1, oa = -1;
    normal_sample(a, N, 0);
    normal_sample(b, N, 1);
    /* Same sample: identical densities. */
    CHECK(srnn_eval_kde_compare(a, N, a, N, &kld, &oa, NULL) == SRNN_OK);
    CHECK_NEAR(oa, 1, 1e-9);
    CHECK_NEAR(kld, 0, 1e-9);
    /* N(0,1) vs N(1,1) smoothed by Scott's kernel (variance 1 + N^-0.4 each):
     * overlap 2 Phi(-1/(2 s)), KL 1 / (2 s^2) with s^2 = 1 + N^-0.4. */
    double s2 = 1 + pow(N, -0.4);
    double want_oa = erfc(1 / (2 * sqrt(s2)) / sqrt(2.0)), want_kl = 1 / (2 * s2);
    CHECK(srnn_eval_kde_compare(a, N, b, N, &kld, &oa, NULL) == SRNN_OK);
    CHECK_NEAR(oa, want_oa, 0.005);
    CHECK_NEAR(kld, want_kl, 0.01);
    /* Far apart: no overlap, a large divergence. */
    for (size_t i = 0; i < N; i++)
        b[i] += 99;
    CHECK(srnn_eval_kde_compare(a, N, b, N, &kld, &oa, NULL) == SRNN_OK);
    CHECK(oa < 1e-6);
    CHECK(kld > 5);
    /* Constant samples: equal -> identical, different -> disjoint. */
    double c1[3] = {2, 2, 2}, c2[2] = {2, 2}, c3[2] = {5, 5};
    CHECK(srnn_eval_kde_compare(c1, 3, c2, 2, &kld, &oa, NULL) == SRNN_OK);
    CHECK(oa == 1 && kld == 0);
    CHECK(srnn_eval_kde_compare(c1, 3, c3, 2, &kld, &oa, NULL) == SRNN_OK);
    CHECK(oa < 1e-6 && kld > 5);
    /* Bad input. */
    double bad[2] = {1, NAN};
    CHECK(srnn_eval_kde_compare(bad, 2, c2, 2, &kld, &oa, NULL) == SRNN_EARG);
    CHECK(srnn_eval_kde_compare(c1, 0, c2, 2, &kld, &oa, NULL) == SRNN_EARG);
    free(a);
    free(b);
}

/* Pieces of n notes, a scale walk from base by step; note length len. */
static srnn_piece *walk(int n, int base, int step, double len)
{
    srnn_piece *p = srnn_piece_new();
    for (int i = 0; i < n; i++) {
        srnn_note nt = {.onset = i * len, .duration = len,
                        .pitch = (uint8_t)(base + (i * step) % 24), .velocity = 80};
        if (srnn_piece_add_note(p, &nt) != SRNN_OK)
            abort();
    }
    return p;
}

static void test_compare(void)
{
    srnn_eval_set *ref = srnn_eval_set_new(), *same = srnn_eval_set_new(),
                  *other = srnn_eval_set_new();
    srnn_error err = {0};
    srnn_eval_result res[SRNN_EVAL_N_FEATURES], res2[SRNN_EVAL_N_FEATURES];
    CHECK(srnn_eval_compare(same, ref, res, &err) == SRNN_EINPUT);
    for (int i = 0; i < 40; i++) {
        srnn_piece *p = walk(20 + i, 48 + i % 12, 1 + i % 5, 0.5);
        CHECK(srnn_eval_set_add(ref, p, NULL) == SRNN_OK);
        srnn_piece_free(p);
        if (i % 2 == 0) {
            p = walk(21 + i, 48 + (i + 5) % 12, 1 + (i + 2) % 5, 0.5);
            CHECK(srnn_eval_set_add(same, p, NULL) == SRNN_OK);
            srnn_piece_free(p);
        }
        /* Five times as many notes, quarter notes, big leaps. */
        p = walk(200 + 3 * i, 40, 11, 1.0);
        CHECK(srnn_eval_set_add(other, p, NULL) == SRNN_OK);
        srnn_piece_free(p);
    }
    CHECK(srnn_eval_set_count(ref) == 40 && srnn_eval_set_count(same) == 20);
    CHECK(srnn_eval_compare(same, ref, res, &err) == SRNN_OK);
    CHECK(srnn_eval_compare(other, ref, res2, &err) == SRNN_OK);
    int nc = SRNN_EVAL_NOTE_COUNT;
    CHECK_NEAR(res[nc].ref_mean, 20 + 19.5, 1e-9); /* 20..59 notes */
    CHECK_NEAR(res2[nc].gen_mean, 200 + 3 * 19.5, 1e-9);
    CHECK(isnan(res[SRNN_EVAL_PITCH_CLASS_HIST].gen_mean));
    for (int f = 0; f < SRNN_EVAL_N_FEATURES; f++) {
        CHECK(res[f].overlap >= 0 && res[f].overlap <= 1 && res[f].kld >= 0);
        CHECK_NEAR(res[f].intra_ref, res2[f].intra_ref, 1e-12); /* same reference */
    }
    /* Note count, note length and IOI tell "other" apart. */
    int differ[] = {SRNN_EVAL_NOTE_COUNT, SRNN_EVAL_NOTE_LENGTH_HIST, SRNN_EVAL_IOI};
    for (size_t k = 0; k < sizeof differ / sizeof differ[0]; k++) {
        int f = differ[k];
        CHECK_MSG(res[f].overlap > 0.5, "%s overlap %g", srnn_eval_feature_name(f),
                  res[f].overlap);
        CHECK_MSG(res2[f].overlap < 0.2, "%s overlap %g", srnn_eval_feature_name(f),
                  res2[f].overlap);
        CHECK(res2[f].kld > res[f].kld);
        CHECK(res2[f].inter > res[f].inter);
    }
    /* A reference of one piece is not enough. */
    srnn_eval_set *one = srnn_eval_set_new();
    CHECK(srnn_eval_set_add_features(one, srnn_eval_set_get(ref, 0), NULL) == SRNN_OK);
    CHECK(srnn_eval_compare(same, one, res, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "at least 2") != NULL);
    CHECK(srnn_eval_set_get(one, 1) == NULL);
    srnn_eval_set_free(one);
    srnn_eval_set_free(ref);
    srnn_eval_set_free(same);
    srnn_eval_set_free(other);
}

int main(void)
{
    test_layout();
    test_features_by_hand();
    test_rests_and_lengths();
    test_kde();
    test_compare();
    return check_finish("test_eval");
}
