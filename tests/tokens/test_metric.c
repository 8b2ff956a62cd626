/* The metric tokenization (bars, meters, positions): hand-made pieces against token strings
 * worked out by hand, meters from time signatures (pickups, a signature inside a bar),
 * decoding (time signatures, a stray token misplaces one event only, the continuation of a
 * primer), windows that start at a bar, the generation grammar, velocity levels from the
 * corpus, transposition, and decode(encode(p)) on random pieces in several meters. */
#include <stdint.h>
#include <string.h>

#include "../check.h"
#include "songrnn/vocab.h"

/* Times in steps of 1/12 beat. */
static void add(srnn_piece *p, double onset_steps, double dur_steps, int pitch, int vel)
{
    srnn_note n = {.onset = onset_steps / 12.0, .duration = dur_steps / 12.0,
                   .pitch = (uint8_t)pitch, .velocity = (uint8_t)vel};
    CHECK(srnn_piece_add_note(p, &n) == SRNN_OK);
}

static srnn_vocab *build_opts(const srnn_piece *const *pieces, int n, srnn_notes_opts o,
                              srnn_coverage *cov)
{
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

static srnn_vocab *build(const srnn_piece *p)
{
    const srnn_piece *ps[] = {p};
    return build_opts(ps, 1, (srnn_notes_opts){0}, NULL);
}

static char *join(const srnn_vocab *v, const int32_t *t, size_t n)
{
    static char buf[8192];
    size_t at = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && at < sizeof buf - 64; i++)
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s", i ? " " : "",
                               srnn_vocab_token(v, t[i]));
    return buf;
}

static int32_t *encode(const srnn_vocab *v, const srnn_piece *p, size_t *n)
{
    int32_t *t = NULL;
    srnn_error err = {0};
    int rc = srnn_notes_encode(v, p, &t, n, &err);
    CHECK_MSG(rc == SRNN_OK, "%s", err.msg);
    return t;
}

static void expect_tokens(const srnn_vocab *v, const srnn_piece *p, const char *want)
{
    size_t n = 0;
    int32_t *t = encode(v, p, &n);
    const char *got = join(v, t, n);
    CHECK_MSG(strcmp(got, want) == 0, "got  %s\nwant %s", got, want);
    free(t);
}

/* Tokens from their strings. */
static size_t parse(const srnn_vocab *v, const char *s, int32_t *out, size_t cap)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", s);
    size_t n = 0;
    for (char *tok = strtok(buf, " "); tok && n < cap; tok = strtok(NULL, " ")) {
        int id = srnn_vocab_lookup(v, tok);
        CHECK_MSG(id >= 0, "no token %s", tok);
        out[n++] = id;
    }
    return n;
}

static srnn_piece *decode(const srnn_vocab *v, const int32_t *t, size_t n, size_t skip)
{
    srnn_piece *d = NULL;
    srnn_error err = {0};
    srnn_notes_decode_opts o = {.skip = skip};
    int rc = srnn_notes_decode_ex(v, t, n, &o, &d, &err);
    CHECK_MSG(rc == SRNN_OK, "%s", err.msg);
    return d;
}

/* Four bars of 4/4 (no time signature: 4/4), a rest bar in them. */
static srnn_piece *piece_44(void)
{
    srnn_piece *p = srnn_piece_new();
    add(p, 0, 12, 60, 80);  /* bar 1, beat 1 */
    add(p, 18, 6, 64, 80);  /* bar 1, the "and" of beat 2: step 18 */
    add(p, 48, 24, 67, 80); /* bar 2, beat 1: a chord */
    add(p, 48, 24, 71, 80);
    add(p, 168, 12, 72, 80); /* bar 4 (step 144) + 24 */
    return p;
}

static void test_hand_44(void)
{
    srnn_piece *p = piece_44();
    srnn_vocab *v = build(p);
    CHECK(srnn_notes_tokens_kind(v) == SRNN_TOKENS_METRIC);
    CHECK(srnn_notes_grid(v) == 12);
    CHECK(srnn_notes_meter_count(v) == 1);
    /* Positions cover one bar of 4/4: 48 steps. */
    CHECK(srnn_vocab_lookup(v, "P47") >= 0 && srnn_vocab_lookup(v, "P48") < 0);
    CHECK(srnn_vocab_lookup(v, "T1") < 0 && srnn_vocab_lookup(v, "Bar") >= 0);
    /* No velocity levels asked: no V tokens. */
    CHECK(srnn_notes_velocity_bins(v) == 0);
    expect_tokens(v, p,
                  "<start> Bar M4/4 P0 N60 D12 P18 N64 D6 Bar P0 C67.71 D24 Bar Bar P24 N72 D12 "
                  "<end>");
    /* Decoded: the same onsets and a 4/4 time signature at 0. */
    size_t n;
    int32_t *t = encode(v, p, &n);
    srnn_piece *d = decode(v, t, n, 0);
    CHECK(srnn_piece_note_count(d) == 5);
    const srnn_note *dn = srnn_piece_notes(d);
    CHECK(dn[1].onset == 1.5 && dn[4].onset == 14.0 && dn[4].pitch == 72);
    CHECK(srnn_piece_timesig_count(d) == 1 && srnn_piece_timesigs(d)[0].num == 4 &&
          srnn_piece_timesigs(d)[0].den == 4 && srnn_piece_timesigs(d)[0].beat == 0);
    srnn_piece_free(d);

    /* What each token says (eval's breakdown of the likelihood). */
    static const struct {
        const char *tok;
        srnn_notes_part part;
    } PARTS[] = {{"P18", SRNN_NOTES_PART_TIME},  {"Bar", SRNN_NOTES_PART_BAR},
                 {"M4/4", SRNN_NOTES_PART_BAR},  {"N60", SRNN_NOTES_PART_PITCH},
                 {"C67.71", SRNN_NOTES_PART_PITCH}, {"D24", SRNN_NOTES_PART_DURATION},
                 {"<start>", SRNN_NOTES_PART_OTHER}, {"<end>", SRNN_NOTES_PART_OTHER}};
    for (size_t i = 0; i < sizeof PARTS / sizeof PARTS[0]; i++)
        CHECK_MSG(srnn_notes_token_part(v, srnn_vocab_lookup(v, PARTS[i].tok)) == PARTS[i].part,
                  "%s", PARTS[i].tok);
    CHECK(srnn_notes_token_part(v, -1) == SRNN_NOTES_PART_OTHER &&
          srnn_notes_token_part(v, srnn_vocab_size(v)) == SRNN_NOTES_PART_OTHER);
    CHECK(strcmp(srnn_notes_part_name(SRNN_NOTES_PART_TIME), "time") == 0);

    /* A stray position (P19 for P18) misplaces its event, nothing after it. */
    int32_t u[64];
    size_t nu = parse(v, "<start> Bar M4/4 P0 N60 D12 P19 N64 D6 Bar P0 C67.71 D24 Bar Bar P24 "
                         "N72 D12 <end>", u, 64);
    d = decode(v, u, nu, 0);
    dn = srnn_piece_notes(d);
    CHECK(srnn_piece_note_count(d) == 5);
    CHECK(dn[1].onset == 19.0 / 12 && dn[2].onset == 4.0 && dn[4].onset == 14.0);
    srnn_piece_free(d);
    /* A stray bar line moves the rest by one bar, never off the grid of beats. */
    nu = parse(v, "<start> Bar M4/4 P0 N60 D12 Bar P18 N64 D6 Bar P0 C67.71 D24", u, 64);
    d = decode(v, u, nu, 0);
    dn = srnn_piece_notes(d);
    CHECK(dn[1].onset == 5.5 && dn[2].onset == 8.0);
    srnn_piece_free(d);
    /* A position past the bar's end is its last step; a meter out of place is skipped. */
    nu = parse(v, "Bar M4/4 P0 N60 M4/4 D12", u, 64);
    d = decode(v, u, nu, 0);
    CHECK(srnn_piece_note_count(d) == 1 && srnn_piece_notes(d)[0].duration == 1.0);
    srnn_piece_free(d);

    /* The continuation of a primer: the tokens before `skip` set the state; the piece starts
     * at the bar where token `skip` falls (here the second Bar, index 9). */
    CHECK(t[9] == srnn_vocab_lookup(v, "Bar"));
    d = decode(v, t, n, 9);
    dn = srnn_piece_notes(d);
    CHECK(srnn_piece_note_count(d) == 3);
    CHECK(dn[0].onset == 0 && dn[0].pitch == 67 && dn[2].onset == 10.0);
    CHECK(srnn_piece_timesig_count(d) == 1 && srnn_piece_timesigs(d)[0].beat == 0);
    srnn_piece_free(d);
    /* ... and inside a bar (from P18): the bar it is in starts the piece. */
    d = decode(v, t, n, 6);
    dn = srnn_piece_notes(d);
    CHECK(srnn_piece_note_count(d) == 4 && dn[0].onset == 1.5 && dn[0].pitch == 64);
    srnn_piece_free(d);

    /* A window at a bar line reads as a piece: Bar, the meter that holds, the rest. */
    int32_t w[8];
    size_t nw = srnn_notes_window(v, t, n, 9, w, 8);
    CHECK(nw == 8);
    CHECK(strcmp(join(v, w, nw), "Bar M4/4 P0 C67.71 D24 Bar Bar P24") == 0);
    free(t);
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

static void test_meters(void)
{
    /* 3/4: bars of 36 steps. */
    srnn_piece *p = srnn_piece_new();
    CHECK(srnn_piece_add_timesig(p, 0, 3, 4) == SRNN_OK);
    add(p, 0, 36, 48, 80);
    add(p, 36, 12, 60, 80); /* bar 2 */
    add(p, 60, 12, 62, 80); /* bar 2, beat 3 */
    srnn_vocab *v = build(p);
    CHECK(srnn_vocab_lookup(v, "M3/4") >= 0 && srnn_vocab_lookup(v, "M4/4") < 0);
    CHECK(srnn_vocab_lookup(v, "P35") >= 0 && srnn_vocab_lookup(v, "P36") < 0);
    expect_tokens(v, p, "<start> Bar M3/4 P0 N48 D36 Bar P0 N60 D12 P24 N62 D12 <end>");
    size_t n;
    int32_t *t = encode(v, p, &n);
    srnn_piece *d = decode(v, t, n, 0);
    CHECK(srnn_piece_timesig_count(d) == 1 && srnn_piece_timesigs(d)[0].num == 3);
    srnn_piece_free(d);
    free(t);
    srnn_vocab_free(v);
    srnn_piece_free(p);

    /* A pickup written as a bar of 1/4, then 4/4; and 6/8 later. */
    p = srnn_piece_new();
    CHECK(srnn_piece_add_timesig(p, 0, 1, 4) == SRNN_OK);
    CHECK(srnn_piece_add_timesig(p, 1, 4, 4) == SRNN_OK);
    CHECK(srnn_piece_add_timesig(p, 9, 6, 8) == SRNN_OK);
    add(p, 0, 12, 67, 80);   /* the pickup */
    add(p, 12, 12, 72, 80);  /* bar 2 (4/4), beat 1 */
    add(p, 60, 12, 74, 80);  /* bar 3, beat 1 */
    add(p, 108, 18, 76, 80); /* bar 4 (6/8) at beat 9 */
    add(p, 144, 18, 77, 80); /* bar 5 (6/8, 3 beats long) */
    v = build(p);
    /* Meters by frequency: 4/4 and 6/8 twice (the smaller denominator first), 1/4 once. */
    int num, den;
    CHECK(srnn_notes_meter(v, 0, &num, &den) >= 0 && num == 4 && den == 4);
    CHECK(srnn_notes_meter(v, 1, &num, &den) >= 0 && num == 6 && den == 8);
    CHECK(srnn_notes_meter(v, 2, &num, &den) >= 0 && num == 1 && den == 4);
    CHECK(srnn_notes_meter(v, 3, &num, &den) < 0);
    expect_tokens(v, p, "<start> Bar M1/4 P0 N67 D12 Bar M4/4 P0 N72 D12 Bar P0 N74 D12 "
                        "Bar M6/8 P0 N76 D18 Bar P0 N77 D18 <end>");
    t = encode(v, p, &n);
    d = decode(v, t, n, 0);
    CHECK(srnn_piece_timesig_count(d) == 3);
    const srnn_timesig *ts = srnn_piece_timesigs(d);
    CHECK(ts[0].beat == 0 && ts[0].num == 1 && ts[1].beat == 1 && ts[1].num == 4 &&
          ts[2].beat == 9 && ts[2].num == 6 && ts[2].den == 8);
    const srnn_note *dn = srnn_piece_notes(d);
    CHECK(dn[4].onset == 12.0);
    srnn_piece_free(d);
    free(t);
    srnn_vocab_free(v);
    srnn_piece_free(p);

    /* A signature inside a bar ends the bar there when the shortened bar is a meter (2/4);
     * one at step 5 is not (5/48 of a whole note): it waits for the next bar line. */
    p = srnn_piece_new();
    CHECK(srnn_piece_add_timesig(p, 0, 4, 4) == SRNN_OK);
    CHECK(srnn_piece_add_timesig(p, 2, 3, 4) == SRNN_OK);
    add(p, 0, 12, 60, 80);
    add(p, 24, 12, 62, 80); /* bar 2 (3/4) */
    add(p, 60, 12, 64, 80); /* bar 3 */
    v = build(p);
    expect_tokens(v, p, "<start> Bar M2/4 P0 N60 D12 Bar M3/4 P0 N62 D12 Bar P0 N64 D12 <end>");
    srnn_vocab_free(v);
    srnn_piece_free(p);
    p = srnn_piece_new();
    CHECK(srnn_piece_add_timesig(p, 0, 4, 4) == SRNN_OK);
    CHECK(srnn_piece_add_timesig(p, 5.0 / 12, 3, 4) == SRNN_OK);
    add(p, 0, 12, 60, 80);
    add(p, 48, 12, 62, 80); /* bar 2: 3/4 from here */
    add(p, 84, 12, 64, 80); /* bar 3 */
    v = build(p);
    expect_tokens(v, p, "<start> Bar M4/4 P0 N60 D12 Bar M3/4 P0 N62 D12 Bar P0 N64 D12 <end>");
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

static void test_velocity_levels(void)
{
    /* 100 events at velocity 40, 100 at 90: two quantile levels are the medians of each
     * half; four merge to the same two. */
    srnn_piece *p = srnn_piece_new();
    for (int i = 0; i < 200; i++)
        add(p, 12 * i, 12, 60 + i % 5, i % 2 ? 90 : 40);
    const srnn_piece *ps[] = {p};
    srnn_coverage cov;
    srnn_vocab *v = build_opts(ps, 1, (srnn_notes_opts){.velocity_bins = 2}, &cov);
    CHECK(srnn_notes_velocity_bins(v) == 2);
    CHECK(srnn_notes_velocity_level(v, 0) == 40 && srnn_notes_velocity_level(v, 1) == 90);
    CHECK(srnn_vocab_lookup(v, "V40") >= 0 && srnn_vocab_lookup(v, "V90") >= 0);
    CHECK(srnn_notes_token_part(v, srnn_vocab_lookup(v, "V90")) == SRNN_NOTES_PART_VELOCITY);
    CHECK(cov.distinct_velocities == 2 && cov.velocity_min == 40 && cov.velocity_max == 90);
    size_t n;
    int32_t *t = encode(v, p, &n);
    srnn_piece *d = decode(v, t, n, 0);
    CHECK(srnn_piece_note_count(d) == 200);
    int same = 1;
    for (size_t i = 0; i < 200; i++)
        same &= srnn_piece_notes(d)[i].velocity == srnn_piece_notes(p)[i].velocity;
    CHECK(same); /* two velocities, two levels: exact */
    /* The token count the coverage predicts is the real one. */
    CHECK(cov.tokens == n);
    srnn_piece_free(d);
    free(t);
    srnn_vocab_free(v);
    v = build_opts(ps, 1, (srnn_notes_opts){.velocity_bins = 4}, NULL);
    CHECK(srnn_notes_velocity_bins(v) == 2);
    srnn_vocab_free(v);
    /* Quartiles of 1..100 (one event each): the medians of each quarter. */
    srnn_piece_free(p);
    p = srnn_piece_new();
    for (int i = 0; i < 100; i++)
        add(p, 12 * i, 12, 60, 1 + i);
    ps[0] = p;
    v = build_opts(ps, 1, (srnn_notes_opts){.velocity_bins = 4}, NULL);
    /* Level k: the velocity below which (2k + 1) / 8 of the events lie: 13, 38, 63, 88
     * (12.5 events below 13.5, ...). */
    CHECK(srnn_notes_velocity_level(v, 0) == 13 && srnn_notes_velocity_level(v, 1) == 38 &&
          srnn_notes_velocity_level(v, 2) == 63 && srnn_notes_velocity_level(v, 3) == 88);
    srnn_vocab_free(v);
    srnn_piece_free(p);
    /* A constant velocity gets one level, and the coverage says so. */
    p = srnn_piece_new();
    for (int i = 0; i < 10; i++)
        add(p, 12 * i, 12, 60, 64);
    ps[0] = p;
    v = build_opts(ps, 1, (srnn_notes_opts){.velocity_bins = 8}, &cov);
    CHECK(srnn_notes_velocity_bins(v) == 1 && cov.distinct_velocities == 1);
    t = encode(v, p, &n);
    d = decode(v, t, n, 0);
    CHECK(srnn_piece_notes(d)[9].velocity == 64);
    srnn_piece_free(d);
    free(t);
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

static void test_transpose(void)
{
    srnn_piece *p = piece_44();
    const srnn_piece *ps[] = {p};
    /* Counting transpositions makes the shifted chords vocabulary chords too. */
    srnn_vocab *v = build_opts(ps, 1, (srnn_notes_opts){.transpose = 2}, NULL);
    CHECK(srnn_vocab_lookup(v, "C69.73") >= 0 && srnn_vocab_lookup(v, "C65.69") >= 0);
    CHECK(srnn_vocab_lookup(v, "C70.74") < 0);
    int32_t *t = NULL;
    size_t n = 0;
    srnn_error err = {0};
    CHECK(srnn_notes_encode_transposed(v, p, 2, &t, &n, &err) == SRNN_OK);
    CHECK(strcmp(join(v, t, n), "<start> Bar M4/4 P0 N62 D12 P18 N66 D6 Bar P0 C69.73 D24 Bar "
                                "Bar P24 N74 D12 <end>") == 0);
    free(t);
    CHECK(srnn_notes_encode_transposed(v, p, 60, &t, &n, &err) == SRNN_EARG && t == NULL);
    /* On the piano: 21..108, or the piece's own range beyond it. */
    int down, up;
    srnn_piece_transpose_limits(p, 5, &down, &up);
    CHECK(down == 5 && up == 5);
    add(p, 0, 1, 106, 80);
    add(p, 0, 1, 10, 80);
    srnn_piece_transpose_limits(p, 5, &down, &up);
    CHECK(down == 0 && up == 2);
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

/* A bar of 3/4 opening on the chord D F (above the pitch range the grammar tests ask for). */
static srnn_piece *piece_34(void)
{
    srnn_piece *q = srnn_piece_new();
    CHECK(srnn_piece_add_timesig(q, 0, 3, 4) == SRNN_OK);
    add(q, 0, 12, 74, 80);
    add(q, 0, 12, 77, 80);
    return q;
}

static void test_grammar(void)
{
    srnn_piece *p = piece_44();
    srnn_piece *q = piece_34();
    add(q, 36, 12, 60, 80);
    const srnn_piece *ps[] = {p, p, q};
    srnn_vocab *v = build_opts(ps, 3, (srnn_notes_opts){.velocity_bins = 2}, NULL);
    int V = srnn_vocab_size(v);
    uint8_t *mask = malloc((size_t)V);
    srnn_notes_grammar *g = NULL;
    srnn_error err = {0};
    srnn_notes_grammar_opts go = {.pitch_min = 60, .pitch_max = 72};
    CHECK(srnn_notes_grammar_new(v, &go, &g, &err) == SRNN_OK);
#define ALLOWED(tok) (mask[srnn_vocab_lookup(v, tok)] != 0)
#define STEP(tok)                                                                          \
    do {                                                                                   \
        srnn_notes_grammar_feed(g, srnn_vocab_lookup(v, tok));                             \
        memset(mask, 1, (size_t)V);                                                        \
        srnn_notes_grammar_mask(g, mask);                                                  \
    } while (0)
    STEP("<start>");
    CHECK(ALLOWED("Bar") && !ALLOWED("P0") && !ALLOWED("N60") && !ALLOWED("M4/4"));
    CHECK(!ALLOWED("<end>") && !ALLOWED("<start>"));
    STEP("Bar");
    CHECK(ALLOWED("M4/4") && ALLOWED("M3/4") && ALLOWED("P0") && ALLOWED("P47") &&
          ALLOWED("Bar") && !ALLOWED("N60") && !ALLOWED("D12"));
    STEP("M3/4");
    CHECK(ALLOWED("P35") && !ALLOWED("P36") && !ALLOWED("M4/4"));
    STEP("P18");
    CHECK(ALLOWED("N60") && ALLOWED("V80") && !ALLOWED("P20") && !ALLOWED("D12"));
    /* Pitches outside 60..72 are masked, chords with one outside too. */
    CHECK(!ALLOWED("N59") && ALLOWED("N72") && !ALLOWED("N73") && ALLOWED("C67.71") &&
          !ALLOWED("C74.77"));
    STEP("V80");
    CHECK(ALLOWED("N64") && !ALLOWED("V80") && !ALLOWED("P20"));
    STEP("N64");
    for (int i = 0; i < V; i++) /* only durations */
        if (mask[i])
            CHECK(srnn_vocab_token(v, i)[0] == 'D');
    STEP("D6");
    CHECK(ALLOWED("P19") && ALLOWED("P35") && !ALLOWED("P18") && !ALLOWED("P0") &&
          !ALLOWED("P36") && ALLOWED("Bar") && ALLOWED("N67") && !ALLOWED("V80") &&
          !ALLOWED("M4/4"));
    CHECK(!ALLOWED("N64")); /* a part adds pitches the event does not hold yet */
    /* A whole last event (a user's primer): only a new event may follow. */
    srnn_notes_grammar_close_event(g);
    memset(mask, 1, (size_t)V);
    srnn_notes_grammar_mask(g, mask);
    CHECK(!ALLOWED("N67") && ALLOWED("P19") && ALLOWED("Bar") && !ALLOWED("P18"));
    STEP("Bar"); /* the new bar keeps 3/4 */
    CHECK(ALLOWED("P0") && ALLOWED("P35") && !ALLOWED("P36"));
    srnn_notes_grammar_free(g);

    /* --meter 3/4 in a model whose default meter is 4/4: the first bar must say 3/4. */
    go = (srnn_notes_grammar_opts){.meter_num = 3, .meter_den = 4};
    CHECK(srnn_notes_grammar_new(v, &go, &g, &err) == SRNN_OK);
    STEP("<start>");
    STEP("Bar");
    CHECK(ALLOWED("M3/4") && !ALLOWED("M4/4") && !ALLOWED("P0") && !ALLOWED("Bar"));
    STEP("M3/4");
    STEP("P0");
    STEP("N60");
    STEP("D12");
    STEP("Bar");
    CHECK(!ALLOWED("M4/4") && ALLOWED("P0") && ALLOWED("Bar"));
    srnn_notes_grammar_free(g);
    go = (srnn_notes_grammar_opts){.meter_num = 5, .meter_den = 4};
    CHECK(srnn_notes_grammar_new(v, &go, &g, &err) == SRNN_EARG && g == NULL);
    CHECK(strstr(err.msg, "5/4") != NULL);
    srnn_vocab_free(v);

    /* Timeshift: T* [V] (X D)+. */
    v = build_opts(ps, 3, (srnn_notes_opts){.tokens = SRNN_TOKENS_TIMESHIFT, .velocity_bins = 2},
                   NULL);
    V = srnn_vocab_size(v);
    mask = realloc(mask, (size_t)V);
    CHECK(srnn_notes_grammar_new(v, NULL, &g, &err) == SRNN_OK);
    STEP("<start>");
    CHECK(ALLOWED("T12") && ALLOWED("V80") && ALLOWED("N60") && !ALLOWED("D12"));
    STEP("T12");
    STEP("N60");
    CHECK(ALLOWED("D12") && !ALLOWED("T12") && !ALLOWED("N62"));
    STEP("D12");
    CHECK(ALLOWED("T12") && ALLOWED("N62") && !ALLOWED("D12"));
    srnn_notes_grammar_free(g);
#undef STEP
#undef ALLOWED
    free(mask);
    srnn_vocab_free(v);
    srnn_piece_free(p);
    srnn_piece_free(q);
}

/* The key and repetition priors, worked by hand: C major's scale from C to C in two bars of
 * 4/4 quarters, then the third bar. */
static void test_priors(void)
{
    srnn_piece *p = piece_44();
    srnn_piece *q = piece_34();
    const srnn_piece *ps[] = {p, q};
    srnn_vocab *v = build_opts(ps, 2, (srnn_notes_opts){.velocity_bins = 2}, NULL);
    int V = srnn_vocab_size(v);
    uint8_t *mask = malloc((size_t)V);
    float *lg = malloc((size_t)V * sizeof *lg);
    srnn_notes_grammar *g = NULL, *off = NULL;
    srnn_error err = {0};
    srnn_notes_grammar_opts go = {.key_prior = 4, .repeat_prior = 8};
    CHECK(srnn_notes_grammar_new(v, &go, &g, &err) == SRNN_OK);
    CHECK(srnn_notes_grammar_new(v, NULL, &off, &err) == SRNN_OK);
    const float l4 = logf(4), l8 = logf(8);
#define LG(tok) lg[srnn_vocab_lookup(v, tok)]
#define FEED(...)                                                                          \
    do {                                                                                   \
        const char *toks_[] = {__VA_ARGS__};                                               \
        for (size_t k_ = 0; k_ < sizeof toks_ / sizeof toks_[0]; k_++) {                   \
            srnn_notes_grammar_feed(g, srnn_vocab_lookup(v, toks_[k_]));                   \
            srnn_notes_grammar_feed(off, srnn_vocab_lookup(v, toks_[k_]));                 \
        }                                                                                  \
        memset(mask, 1, (size_t)V);                                                        \
        srnn_notes_grammar_mask(g, mask);                                                  \
        for (int i_ = 0; i_ < V; i_++)                                                     \
            lg[i_] = 0;                                                                    \
        srnn_notes_grammar_bias(off, mask, lg); /* priors 1: nothing moves */             \
        for (int i_ = 0; i_ < V; i_++)                                                     \
            CHECK(lg[i_] == 0);                                                            \
        srnn_notes_grammar_bias(g, mask, lg);                                              \
    } while (0)
#define NEAR(x, y) (fabsf((x) - (y)) < 1e-5f)
    FEED("<start>", "Bar", "M4/4", "P0", "N60", "D12", "P12", "N62", "D12", "P24", "N64", "D12",
         "P36", "N65", "D12");
    /* the first bar: nothing before it to repeat; 4 notes: no key yet */
    CHECK(LG("P37") == 0 && LG("Bar") == 0 && LG("N61") == 0);
    FEED("Bar", "P0", "N67", "D12", "P12", "N69", "D12", "P24", "N71", "D12");
    /* 7 notes: still no key.  The bar before had its next onset at 36. */
    CHECK(LG("N61") == 0 && NEAR(LG("P36"), l8) && LG("P30") == 0 && LG("Bar") == 0);
    FEED("P36", "N72", "D12");
    /* 8 notes, C major: F sharp and C sharp lose log 4 each, a chord with both twice that
     * (none in this vocabulary: N61 and N66 alone); G and the chord G B nothing. */
    CHECK(NEAR(LG("N66"), -l4) && NEAR(LG("N61"), -l4) && LG("N67") == 0 &&
          LG("C67.71") == 0 && LG("C74.77") == 0);
    /* the bar before ended after its onset at 36: Bar */
    CHECK(NEAR(LG("Bar"), l8) && LG("P37") == 0);
    FEED("Bar");
    CHECK(NEAR(LG("P0"), l8) && LG("P12") == 0 && LG("M3/4") == 0);
    FEED("P0", "V80");
    CHECK(LG("P12") == 0 && NEAR(LG("N66"), -l4)); /* no position here */
    FEED("N60", "D12");
    CHECK(NEAR(LG("P12"), l8) && LG("P6") == 0 && LG("Bar") == 0);
    /* Sharps for a while: the key moves to G major (F sharp in it, F out). */
    for (int k = 0; k < 40; k++)
        FEED("N66", "D12", "N67", "D12", "N71", "D12");
    CHECK(LG("N66") == 0 && NEAR(LG("N65"), -l4));
    /* A bar in another meter repeats nothing of the 4/4 bar before. */
    FEED("Bar", "M3/4");
    CHECK(LG("P0") == 0);
    FEED("P0", "N74", "D12");
    CHECK(LG("P12") == 0);
    /* After an empty bar, nothing is pressed on either. */
    FEED("Bar", "Bar");
    CHECK(LG("Bar") == 0 && LG("P0") == 0);
    srnn_notes_grammar_free(g);
    srnn_notes_grammar_free(off);

    /* With the corpus's share of notes in key (here 90%), the key prior acts only while the
     * piece is below it.  (Each check after a new bar: an event never repeats a pitch.) */
    go = (srnn_notes_grammar_opts){.key_prior = 4, .key_share = 0.9};
    CHECK(srnn_notes_grammar_new(v, &go, &g, &err) == SRNN_OK);
    CHECK(srnn_notes_grammar_new(v, NULL, &off, &err) == SRNN_OK);
    FEED("<start>", "Bar", "M4/4", "P0", "N60", "D12", "P6", "N62", "D12", "P12", "N64", "D12",
         "P18", "N65", "D12", "P24", "N67", "D12", "P30", "N69", "D12", "P36", "N71", "D12",
         "P42", "N72", "D12", "Bar", "P0");
    CHECK(LG("N66") == 0); /* nothing judged yet: not below */
    FEED("N60", "D12", "Bar", "P0");
    CHECK(LG("N66") == 0); /* 1 of 1 in key */
    FEED("N61", "D12", "Bar", "P0");
    CHECK(NEAR(LG("N66"), -l4)); /* 1 of 2: below 90% */
    for (int k = 0; k < 18; k++)
        FEED("N64", "D12", "Bar", "P0");
    CHECK(LG("N66") == 0); /* 19 of 20: 95% */
    FEED("N63", "D12", "Bar", "P0", "N63", "D12", "Bar", "P0"); /* E flat: out of every key
                                                                 * that holds E */
    CHECK(NEAR(LG("N61"), -l4)); /* 19 of 22: 86% */
    srnn_notes_grammar_free(g);
    srnn_notes_grammar_free(off);

    /* With repeat_share, each bar chooses at its bar line: about that share of bars presses on
     * the bar before's rhythm, the same bars again from the same seed, others from another. */
    int pressed[2][200];
    for (int run = 0; run < 3; run++) {
        go = (srnn_notes_grammar_opts){.repeat_prior = 8, .repeat_share = 0.3,
                                       .seed = run == 2 ? 99 : 42};
        CHECK(srnn_notes_grammar_new(v, &go, &g, &err) == SRNN_OK);
        CHECK(srnn_notes_grammar_new(v, NULL, &off, &err) == SRNN_OK);
        FEED("<start>", "Bar", "M4/4", "P0", "N60", "D12", "P24", "N62", "D12");
        int n_pressed = 0, same = 0;
        for (int b = 0; b < 200; b++) {
            FEED("Bar");
            int on = NEAR(LG("P0"), l8);
            CHECK(on || LG("P0") == 0);
            FEED("P0", "N60", "D12");
            CHECK(on ? NEAR(LG("P24"), l8) : LG("P24") == 0); /* the whole bar chose */
            FEED("P24", "N62", "D12");
            n_pressed += on;
            if (run < 2)
                pressed[run][b] = on;
            else
                same += on == pressed[0][b];
        }
        CHECK_MSG(n_pressed > 40 && n_pressed < 80, "%d of 200 bars repeat", n_pressed);
        if (run == 2)
            CHECK(same < 180);
        srnn_notes_grammar_free(g);
        srnn_notes_grammar_free(off);
    }
    CHECK(memcmp(pressed[0], pressed[1], sizeof pressed[0]) == 0);
    g = off = NULL;
#undef NEAR
#undef FEED
#undef LG
    srnn_notes_grammar_free(g);
    srnn_notes_grammar_free(off);
    free(lg);
    free(mask);
    srnn_vocab_free(v);
    srnn_piece_free(p);
    srnn_piece_free(q);
}

/* ---- random pieces in random meters (fixed seed) ---- */

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static srnn_piece *random_piece(void)
{
    static const int meters[][2] = {{4, 4}, {3, 4}, {6, 8}, {2, 4}, {5, 8}, {7, 4}, {12, 8}};
    srnn_piece *p = srnn_piece_new();
    /* Meter changes at bar lines of the meter before. */
    double at = 0;
    for (int k = 0; k < 6; k++) {
        int m = (int)rnd(7);
        CHECK(srnn_piece_add_timesig(p, at, meters[m][0], meters[m][1]) == SRNN_OK);
        at += (1 + rnd(6)) * 4.0 * meters[m][0] / meters[m][1];
    }
    int events = 1 + (int)rnd(200);
    double t = rnd(30);
    for (int e = 0; e < events; e++) {
        int k = 1 + (int)rnd(4);
        int root = 36 + (int)rnd(48);
        for (int j = 0; j < k; j++)
            add(p, t + (double)rnd(1000) / 1000.0 * 0.45, 1 + rnd(24), root + 3 * j,
                1 + (int)rnd(127));
        t += rnd(6) ? 1 + rnd(24) : rnd(400);
    }
    return p;
}

static void test_roundtrip_random(void)
{
    enum { N = 40 };
    srnn_piece *ps[N];
    for (int i = 0; i < N; i++)
        ps[i] = random_piece();
    /* A tight bound: most chords take the fallback. */
    srnn_vocab *v = build_opts((const srnn_piece *const *)ps, N,
                               (srnn_notes_opts){.max_vocab = 420, .velocity_bins = 8}, NULL);
    CHECK(srnn_notes_meter_count(v) == 7);
    size_t checked = 0, bad = 0, bad_sig = 0;
    for (int i = 0; i < N; i++) {
        size_t n;
        int32_t *t = encode(v, ps[i], &n);
        srnn_piece *d = decode(v, t, n, 0);
        srnn_qpiece a, b;
        CHECK(srnn_piece_quantize(ps[i], 12, &a) == SRNN_OK);
        CHECK(srnn_piece_quantize(d, 12, &b) == SRNN_OK);
        CHECK(a.n_notes == b.n_notes);
        for (size_t k = 0; k < a.n_notes && k < b.n_notes; k++, checked++)
            bad += a.notes[k].onset != b.notes[k].onset || a.notes[k].pitch != b.notes[k].pitch;
        /* Every time signature before the last note comes back at its beat. */
        const srnn_timesig *ts = srnn_piece_timesigs(ps[i]), *td = srnn_piece_timesigs(d);
        double end = a.n_notes ? (double)a.notes[a.n_notes - 1].onset / 12 : 0;
        size_t k = 0;
        for (size_t j = 0; j < srnn_piece_timesig_count(ps[i]) && ts[j].beat <= end; j++) {
            if (j > 0 && ts[j].num == ts[j - 1].num && ts[j].den == ts[j - 1].den)
                continue; /* the same meter again: no change to show */
            bad_sig += k >= srnn_piece_timesig_count(d) || td[k].beat != ts[j].beat ||
                       td[k].num != ts[j].num || td[k].den != ts[j].den;
            k++;
        }
        srnn_qpiece_release(&a);
        srnn_qpiece_release(&b);
        free(t);
        srnn_piece_free(d);
    }
    CHECK(checked > 1000);
    CHECK_MSG(bad == 0, "%zu of %zu notes moved", bad, checked);
    CHECK_MSG(bad_sig == 0, "%zu time signatures lost", bad_sig);
    for (int i = 0; i < N; i++)
        srnn_piece_free(ps[i]);
    srnn_vocab_free(v);
}

/* Any id sequence decodes to notes inside the bars, and the grammar's sequences always decode
 * with every position inside its bar. */
static void test_decode_random(void)
{
    srnn_piece *p = random_piece();
    const srnn_piece *ps[] = {p};
    srnn_vocab *v = build_opts(ps, 1, (srnn_notes_opts){.velocity_bins = 4}, NULL);
    int V = srnn_vocab_size(v);
    int32_t t[2000];
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 2000; i++)
            t[i] = (int32_t)rnd((uint32_t)V);
        srnn_piece *d = decode(v, t, 2000, rnd(100));
        for (size_t i = 0; i < srnn_piece_note_count(d); i++)
            CHECK(srnn_piece_notes(d)[i].onset >= 0 && srnn_piece_notes(d)[i].duration > 0);
        srnn_piece_free(d);
    }
    srnn_error err = {0};
    CHECK(srnn_notes_decode(v, t, 1, NULL, &err) == SRNN_EARG);
    t[0] = V;
    srnn_piece *d = NULL;
    CHECK(srnn_notes_decode(v, t, 1, &d, &err) == SRNN_EINPUT && d == NULL);
    srnn_vocab_free(v);
    srnn_piece_free(p);
}

int main(void)
{
    test_hand_44();
    test_meters();
    test_velocity_levels();
    test_transpose();
    test_grammar();
    test_priors();
    test_roundtrip_random();
    test_decode_random();
    return check_finish("test_metric");
}
