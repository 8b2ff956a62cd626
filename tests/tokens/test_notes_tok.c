/* The notes tokenizer: a hand-made piece against token strings worked out by hand, the chord
 * fallback, velocity bins, coverage, decode(encode(p)) on random pieces, and decoding of
 * random id sequences. */
#include <stdint.h>
#include <string.h>

#include "../check.h"
#include "songrnn/vocab.h"

static void add(srnn_piece *p, double onset_steps, double dur_steps, int pitch, int vel)
{
    srnn_note n = {.onset = onset_steps / 12.0, .duration = dur_steps / 12.0,
                   .pitch = (uint8_t)pitch, .velocity = (uint8_t)vel};
    CHECK(srnn_piece_add_note(p, &n) == SRNN_OK);
}

/* The tokens of piece as one space-separated string (static buffer). */
static const char *encode_str(const srnn_vocab *v, const srnn_piece *p)
{
    static char buf[8192];
    int32_t *t = NULL;
    size_t n = 0;
    srnn_error err = {0};
    buf[0] = 0;
    int rc = srnn_notes_encode(v, p, &t, &n, &err);
    CHECK_MSG(rc == SRNN_OK, "%s", err.msg);
    size_t at = 0;
    for (size_t i = 0; i < n && at < sizeof buf - 64; i++)
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s", i ? " " : "",
                               srnn_vocab_token(v, t[i]));
    free(t);
    return buf;
}

static srnn_vocab *build(const srnn_piece *const *pieces, int n, int max_vocab, int bins,
                         srnn_coverage *cov)
{
    srnn_notes_opts o = {.grid = 12, .max_vocab = max_vocab, .velocity_bins = bins,
                         .tokens = SRNN_TOKENS_TIMESHIFT, .velocity_scale = SRNN_VELOCITY_FIXED};
    srnn_notes_builder *b = srnn_notes_builder_new(&o);
    CHECK(b != NULL);
    for (int i = 0; i < n; i++)
        CHECK(srnn_notes_builder_add(b, pieces[i]) == SRNN_OK);
    srnn_vocab *v = NULL;
    srnn_error err = {0};
    int rc = srnn_notes_builder_finish(b, &v, cov, &err);
    CHECK_MSG(rc == SRNN_OK, "%s", err.msg);
    srnn_notes_builder_free(b);
    return v;
}

#define BASE 226 /* 2 specials + 48 shifts + 48 durations + 128 pitches at grid 12 */

static void test_hand_piece(void)
{
    CHECK(srnn_notes_base_size(12, 0) == BASE);
    srnn_piece *p = srnn_piece_new();
    /* Times in steps (12 a quarter). */
    add(p, 0, 12, 60, 80), add(p, 0, 12, 64, 80), add(p, 0, 12, 67, 80);  /* e0 */
    add(p, 12, 12, 60, 80), add(p, 12, 6, 64, 80), add(p, 12, 6, 67, 80); /* e1 */
    add(p, 24, 6, 72, 80);                                                /* e2 */
    add(p, 30, 18, 48, 80), add(p, 30, 18, 55, 80);                      /* e3 */
    add(p, 36, 25, 48, 80), add(p, 36, 25, 55, 80);                      /* e4 */
    add(p, 48, 24, 48, 80), add(p, 48, 12, 55, 80), add(p, 48, 6, 60, 80); /* e5 */
    add(p, 48, 6, 64, 80), add(p, 48, 12, 67, 80), add(p, 48, 3, 72, 80);
    add(p, 288, 240, 30, 80); /* e6: 240 steps after e5; 20 beats long, beyond the table */
    add(p, 339, 51, 31, 80);  /* e7: 51 steps later; 51 lies halfway between 48 and 54 */
    const srnn_piece *ps[] = {p};
    srnn_coverage cov;
    /* Room for two chords: {60,64,67} and {48,55} occur twice each, the six-note set once.
     * The tie in frequency is broken by the pitch lists: 48.55 before 60.64.67. */
    srnn_vocab *v = build(ps, 1, BASE + 2, 0, &cov);
    if (!v) {
        srnn_piece_free(p);
        return;
    }
    CHECK(srnn_vocab_size(v) == BASE + 2);
    CHECK(srnn_vocab_lookup(v, "C48.55") == BASE);
    CHECK(srnn_vocab_lookup(v, "C60.64.67") == BASE + 1);
    CHECK(srnn_vocab_lookup(v, "C48.55.60.64.67.72") == -1);
    /* e5 = {48,55,60,64,67,72} is outside: the largest chord inside is 60.64.67 (12 steps, its
     * longest note), then 48.55 (24), then N72 (3).  e4's 25 steps -> D24 (nearest); e6's 240
     * -> D192, the largest; e7's 51 -> D54 (halves up).  Gaps: 12, 12, 6, 6, 12, then
     * 240 = 5 x T48, then 51 = T48 T3. */
    const char *want = "<start> C60.64.67 D12 T12 C60.64.67 D12 T12 N72 D6 T6 C48.55 D18 "
                       "T6 C48.55 D24 T12 C60.64.67 D12 C48.55 D24 N72 D3 "
                       "T48 T48 T48 T48 T48 N30 D192 T48 T3 N31 D54 <end>";
    const char *got = encode_str(v, p);
    CHECK_MSG(strcmp(got, want) == 0, "got  %s\nwant %s", got, want);
    CHECK(cov.pieces == 1 && cov.notes == 19 && cov.events == 8);
    CHECK(cov.distinct_sets == 6);
    CHECK(cov.chords_in_vocab == 2);
    CHECK(cov.events_covered == 7 && cov.notes_covered == 13);
    CHECK(cov.tokens == 34);
    CHECK(srnn_notes_token_part(v, srnn_vocab_lookup(v, "T48")) == SRNN_NOTES_PART_TIME);
    CHECK(srnn_notes_token_part(v, srnn_vocab_lookup(v, "D54")) == SRNN_NOTES_PART_DURATION);
    CHECK(cov.notes_clipped == 1);

    /* Decoding gives every (onset, pitch) back; chord notes share the longest duration. */
    int32_t *t = NULL;
    size_t n = 0;
    srnn_piece *d = NULL;
    srnn_error err = {0};
    CHECK(srnn_notes_encode(v, p, &t, &n, &err) == SRNN_OK);
    CHECK(n == 34);
    CHECK(srnn_notes_decode(v, t, n, &d, &err) == SRNN_OK);
    CHECK(srnn_piece_note_count(d) == 19);
    const srnn_note *dn = srnn_piece_notes(d);
    /* e1's E and G (6 steps) now last 12 like the C. */
    CHECK_NEAR(dn[3].onset, 1.0, 1e-12);
    CHECK(dn[4].pitch == 64 && dn[4].duration == 1.0);
    /* e5: 72 -> 3 steps, 55 -> 24 steps (the chord 48.55). */
    int seen = 0;
    for (size_t i = 0; i < srnn_piece_note_count(d); i++) {
        if (dn[i].onset == 4.0 && dn[i].pitch == 72)
            seen += dn[i].duration == 0.25;
        if (dn[i].onset == 4.0 && dn[i].pitch == 55)
            seen += dn[i].duration == 2.0;
        if (dn[i].pitch == 30)
            seen += dn[i].onset == 24.0 && dn[i].duration == 16.0;
        if (dn[i].pitch == 31)
            seen += dn[i].onset == 339 / 12.0 && dn[i].duration == 4.5;
    }
    CHECK(seen == 4);
    CHECK(dn[0].velocity == 80 && dn[0].channel == 0);
    free(t);
    srnn_piece_free(d);
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

/* Greedy ties: two chords of two pitches both inside {60,64,67}: the more frequent (lower id)
 * wins and 67 is left alone. */
static void test_fallback_tie(void)
{
    srnn_piece *p = srnn_piece_new();
    for (int i = 0; i < 3; i++)
        add(p, 24 * i, 12, 60, 80), add(p, 24 * i, 12, 64, 80);
    for (int i = 3; i < 5; i++)
        add(p, 24 * i, 12, 64, 80), add(p, 24 * i, 12, 67, 80);
    add(p, 120, 6, 60, 80), add(p, 120, 9, 64, 80), add(p, 120, 12, 67, 80);
    const srnn_piece *ps[] = {p};
    srnn_vocab *v = build(ps, 1, BASE + 2, 0, NULL);
    CHECK(srnn_vocab_lookup(v, "C60.64") == BASE);
    CHECK(srnn_vocab_lookup(v, "C64.67") == BASE + 1);
    const char *got = encode_str(v, p);
    const char *want = "<start> C60.64 D12 T24 C60.64 D12 T24 C60.64 D12 T24 C64.67 D12 T24 "
                       "C64.67 D12 T24 C60.64 D9 N67 D12 <end>";
    CHECK_MSG(strcmp(got, want) == 0, "got  %s\nwant %s", got, want);
    srnn_vocab_free(v);

    /* Equal counts: the lowest pitch where the sets differ decides (55: 48.55.60 first). */
    srnn_piece *q = srnn_piece_new();
    add(q, 0, 12, 48, 80), add(q, 0, 12, 60, 80);
    add(q, 12, 12, 48, 80), add(q, 12, 12, 55, 80), add(q, 12, 12, 60, 80);
    const srnn_piece *qs[] = {q};
    srnn_vocab *w = build(qs, 1, BASE + 2, 0, NULL);
    CHECK(srnn_vocab_lookup(w, "C48.55.60") == BASE && srnn_vocab_lookup(w, "C48.60") == BASE + 1);
    srnn_vocab_free(w);
    srnn_piece_free(q);

    /* Without room for chords, everything is single pitches, ascending. */
    v = build(ps, 1, BASE, 0, NULL);
    CHECK(srnn_vocab_size(v) == BASE);
    got = encode_str(v, p);
    CHECK(strstr(got, "T24 N60 D6 N64 D9 N67 D12 <end>") != NULL);
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

static void test_velocity(void)
{
    srnn_piece *p = srnn_piece_new();
    /* 4 fixed levels, the middles of 1..32, 33..64, 65..96, 97..127: 16, 48, 80, 112.  Each
     * event takes the level nearest its mean velocity: the chord's (100+110)/2 = 105 -> V112,
     * 30 and 31 -> V16 (closer to 16 than to 48). */
    add(p, 0, 12, 60, 100), add(p, 0, 12, 62, 110);
    add(p, 12, 12, 62, 30);
    add(p, 24, 12, 64, 31);
    const srnn_piece *ps[] = {p};
    srnn_vocab *v = build(ps, 1, BASE + 4, 4, NULL);
    CHECK(srnn_notes_velocity_bins(v) == 4);
    const char *got = encode_str(v, p);
    const char *want = "<start> V112 N60 D12 N62 D12 T12 V16 N62 D12 T12 N64 D12 <end>";
    CHECK_MSG(strcmp(got, want) == 0, "got  %s\nwant %s", got, want);
    int32_t *t = NULL;
    size_t n = 0;
    srnn_piece *d = NULL;
    srnn_error err = {0};
    CHECK(srnn_notes_encode(v, p, &t, &n, &err) == SRNN_OK);
    CHECK(srnn_notes_decode(v, t, n, &d, &err) == SRNN_OK);
    const srnn_note *dn = srnn_piece_notes(d);
    CHECK(srnn_piece_note_count(d) == 4);
    /* Decoded at the levels themselves. */
    CHECK(dn[0].velocity == 112 && dn[1].velocity == 112 && dn[2].velocity == 16 &&
          dn[3].velocity == 16);
    free(t);
    srnn_piece_free(d);
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

static void test_opts(void)
{
    srnn_error err = {0};
    srnn_notes_opts o = {0};
    CHECK(srnn_notes_opts_check(&o, &err) == SRNN_OK);
    o.max_vocab = 200;
    CHECK(srnn_notes_opts_check(&o, &err) == SRNN_EARG);
    CHECK(strstr(err.msg, "228") != NULL); /* metric, 4/4 alone: Bar M4/4 P0..P47 */
    o.tokens = SRNN_TOKENS_TIMESHIFT;
    CHECK(srnn_notes_opts_check(&o, &err) == SRNN_EARG);
    CHECK(strstr(err.msg, "226") != NULL);
    o = (srnn_notes_opts){.grid = 961};
    CHECK(srnn_notes_opts_check(&o, &err) == SRNN_EARG);
    o = (srnn_notes_opts){.velocity_bins = 33};
    CHECK(srnn_notes_opts_check(&o, &err) == SRNN_EARG);
    /* The builder takes bad options and says why at finish. */
    o = (srnn_notes_opts){.max_vocab = 100};
    srnn_notes_builder *b = srnn_notes_builder_new(&o);
    srnn_piece *p = srnn_piece_new();
    add(p, 0, 1, 60, 64);
    CHECK(srnn_notes_builder_add(b, p) == SRNN_OK);
    srnn_vocab *v = (srnn_vocab *)1;
    CHECK(srnn_notes_builder_finish(b, &v, NULL, &err) == SRNN_EARG && v == NULL);
    srnn_notes_builder_free(b);
    /* Another grid: G = 4 has T1..T16; durations 1..8, then 9..16 by 1, 18..32 by 2, 36..64
     * by 4. */
    o = (srnn_notes_opts){.grid = 4, .tokens = SRNN_TOKENS_TIMESHIFT};
    b = srnn_notes_builder_new(&o);
    CHECK(srnn_notes_builder_add(b, p) == SRNN_OK);
    CHECK(srnn_notes_builder_finish(b, &v, NULL, &err) == SRNN_OK);
    CHECK(srnn_notes_grid(v) == 4);
    CHECK(srnn_vocab_lookup(v, "T16") >= 0 && srnn_vocab_lookup(v, "T17") < 0);
    CHECK(srnn_vocab_lookup(v, "D8") >= 0 && srnn_vocab_lookup(v, "D9") >= 0);
    CHECK(srnn_vocab_lookup(v, "D64") >= 0 && srnn_vocab_lookup(v, "D65") < 0);
    srnn_notes_builder_free(b);
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

/* ---- properties on random data (fixed seed) ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* A random piece: onsets near the grid (jitter under half a step), chords from a small pool
 * so that some repeat, durations per event equal (same_dur) or per note. */
static srnn_piece *random_piece(int same_dur)
{
    srnn_piece *p = srnn_piece_new();
    int events = 1 + (int)rnd(200);
    double t = rnd(30);
    for (int e = 0; e < events; e++) {
        int k = 1 + (int)rnd(rnd(4) ? 4 : 12);
        int root = 36 + (int)rnd(48);
        int d = 1 + (int)rnd(rnd(8) ? 24 : 300);
        for (int j = 0; j < k; j++) {
            int pitch = rnd(3) ? root + 4 * j : (int)rnd(128);
            if (pitch > 127)
                pitch = 127;
            double jitter = (double)rnd(1000) / 1000.0 * 0.45;
            int dn = same_dur ? d : 1 + (int)rnd(60);
            add(p, t + jitter, dn, pitch, 1 + (int)rnd(127));
        }
        t += rnd(6) ? 1 + rnd(24) : rnd(400);
    }
    return p;
}

static int64_t table_nearest(int64_t d)
{
    static const int64_t coarse[] = {27, 30, 33, 36, 39, 42, 45, 48, 54, 60, 66, 72, 78, 84,
                                     90, 96, 108, 120, 132, 144, 156, 168, 180, 192};
    if (d <= 24)
        return d;
    int64_t best = 24;
    for (size_t i = 0; i < sizeof coarse / sizeof coarse[0]; i++)
        if (llabs(coarse[i] - d) <= llabs(best - d))
            best = coarse[i];
    return best;
}

static void test_roundtrip_random(void)
{
    enum { N = 40 };
    for (int same = 1; same >= 0; same--) {
        srnn_piece *ps[N];
        for (int i = 0; i < N; i++)
            ps[i] = random_piece(same);
        /* A tight bound, so that most chords take the fallback. */
        srnn_vocab *v = build((const srnn_piece *const *)ps, N, BASE + 30, 0, NULL);
        size_t checked = 0, bad_onset = 0, bad_dur = 0;
        for (int i = 0; i < N; i++) {
            int32_t *t = NULL;
            size_t n = 0;
            srnn_piece *d = NULL;
            srnn_error err = {0};
            CHECK(srnn_notes_encode(v, ps[i], &t, &n, &err) == SRNN_OK);
            CHECK(srnn_notes_decode(v, t, n, &d, &err) == SRNN_OK);
            srnn_qpiece a, b;
            CHECK(srnn_piece_quantize(ps[i], 12, &a) == SRNN_OK);
            CHECK(srnn_piece_quantize(d, 12, &b) == SRNN_OK);
            CHECK(a.n_notes == b.n_notes && a.n_events == b.n_events);
            for (size_t k = 0; k < a.n_notes && k < b.n_notes; k++) {
                checked++;
                bad_onset += a.notes[k].onset != b.notes[k].onset ||
                             a.notes[k].pitch != b.notes[k].pitch;
                if (same) /* one duration per event: it comes back as the table has it */
                    bad_dur += b.notes[k].duration != table_nearest(a.notes[k].duration);
                else if (a.notes[k].duration <= 24) /* the longest of its part: never shorter */
                    bad_dur += b.notes[k].duration < a.notes[k].duration;
            }
            srnn_qpiece_release(&a);
            srnn_qpiece_release(&b);
            free(t);
            srnn_piece_free(d);
        }
        CHECK(checked > 1000);
        CHECK_MSG(bad_onset == 0, "%zu of %zu notes moved", bad_onset, checked);
        CHECK_MSG(bad_dur == 0, "%zu of %zu durations wrong (same=%d)", bad_dur, checked, same);
        for (int i = 0; i < N; i++)
            srnn_piece_free(ps[i]);
        srnn_vocab_free(v);
    }
}

static void test_decode_random(void)
{
    srnn_piece *p = random_piece(0);
    const srnn_piece *ps[] = {p};
    srnn_vocab *v = build(ps, 1, BASE + 50, 3, NULL);
    int size = srnn_vocab_size(v), failures = 0, bad_notes = 0;
    int32_t seq[600];
    for (int it = 0; it < 2000; it++) {
        size_t n = rnd(600);
        for (size_t i = 0; i < n; i++)
            seq[i] = (int32_t)rnd((uint32_t)size);
        srnn_piece *d = NULL;
        srnn_error err = {0};
        if (srnn_notes_decode(v, seq, n, &d, &err) != SRNN_OK || !d) {
            failures++;
            continue;
        }
        const srnn_note *dn = srnn_piece_notes(d);
        for (size_t i = 0; i < srnn_piece_note_count(d); i++)
            bad_notes += !(dn[i].duration > 0) || dn[i].pitch > 127 || dn[i].velocity < 1 ||
                         (i > 0 && dn[i].onset == dn[i - 1].onset && dn[i].pitch == dn[i - 1].pitch);
        /* What was decoded encodes and decodes to the same notes. */
        int32_t *t = NULL;
        size_t m = 0;
        srnn_piece *d2 = NULL;
        if (srnn_notes_encode(v, d, &t, &m, &err) != SRNN_OK ||
            srnn_notes_decode(v, t, m, &d2, &err) != SRNN_OK ||
            srnn_piece_note_count(d2) != srnn_piece_note_count(d)) {
            failures++;
        } else {
            const srnn_note *d2n = srnn_piece_notes(d2);
            for (size_t i = 0; i < srnn_piece_note_count(d); i++)
                bad_notes += d2n[i].onset != dn[i].onset || d2n[i].pitch != dn[i].pitch;
        }
        free(t);
        srnn_piece_free(d2);
        srnn_piece_free(d);
    }
    CHECK(failures == 0);
    CHECK(bad_notes == 0);
    /* Out-of-place tokens: D first is skipped, a pitch without D lasts a beat, <end> stops. */
    const char *toks[] = {"D5", "<start>", "N60", "T12", "N62", "D3", "<end>", "N64", "D1"};
    int32_t ids[9];
    for (int i = 0; i < 9; i++)
        ids[i] = srnn_vocab_lookup(v, toks[i]);
    srnn_piece *d = NULL;
    srnn_error err = {0};
    CHECK(srnn_notes_decode(v, ids, 9, &d, &err) == SRNN_OK);
    CHECK(srnn_piece_note_count(d) == 2);
    if (srnn_piece_note_count(d) == 2) {
        const srnn_note *dn = srnn_piece_notes(d);
        CHECK(dn[0].pitch == 60 && dn[0].onset == 0 && dn[0].duration == 1.0);
        CHECK(dn[1].pitch == 62 && dn[1].onset == 1.0 && dn[1].duration == 0.25);
    }
    srnn_piece_free(d);
    /* Empty input, and ids outside the vocabulary. */
    CHECK(srnn_notes_decode(v, NULL, 0, &d, &err) == SRNN_OK && srnn_piece_note_count(d) == 0);
    srnn_piece_free(d);
    int32_t badid[] = {0, size};
    CHECK(srnn_notes_decode(v, badid, 2, &d, &err) == SRNN_EINPUT && d == NULL);
    badid[1] = -1;
    CHECK(srnn_notes_decode(v, badid, 2, &d, &err) == SRNN_EINPUT);
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

/* An empty piece is just its frame; a note a billion beats away is refused, not allocated. */
static void test_edges(void)
{
    srnn_piece *p = srnn_piece_new();
    const srnn_piece *ps[] = {p};
    srnn_vocab *v = build(ps, 1, 0, 0, NULL);
    CHECK(strcmp(encode_str(v, p), "<start> <end>") == 0);
    srnn_note far = {.onset = 1e9, .duration = 1, .pitch = 60, .velocity = 64};
    CHECK(srnn_piece_add_note(p, &far) == SRNN_OK);
    int32_t *t = NULL;
    size_t n = 0;
    srnn_error err = {0};
    CHECK(srnn_notes_encode(v, p, &t, &n, &err) == SRNN_EINPUT && t == NULL);
    CHECK(strstr(err.msg, "too long") != NULL);
    CHECK(srnn_notes_encode(NULL, p, &t, &n, &err) == SRNN_EARG);
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

int main(void)
{
    test_edges();
    test_hand_piece();
    test_fallback_tie();
    test_velocity();
    test_opts();
    test_roundtrip_random();
    test_decode_random();
    return check_finish("test_notes_tok");
}
