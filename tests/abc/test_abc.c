/* The ABC parser against hand-worked notes: every expected onset, pitch and duration below was
 * worked out on paper from the ABC 2.1 standard (and, where the standard leaves room, from what
 * abc2midi plays), not taken from our own output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "songrnn/abc.h"

typedef struct {
    double on;
    int pitch;
    double dur;
} want;

/* Parses text (tune X:1 unless select says otherwise) and compares the notes of voice 0..n in
 * sorted order (onset, then pitch) with w[0..n). */
static srnn_piece *parse(const char *text, int select, unsigned flags)
{
    srnn_piece *p = NULL;
    srnn_error err = {{0}, 0, 0};
    int r = srnn_abc_parse(text, strlen(text), select, flags, &p, &err);
    CHECK_MSG(r == SRNN_OK, "parse failed: %d:%d: %s\n%s", err.line, err.col, err.msg, text);
    return r == SRNN_OK ? p : NULL;
}

static void expect_notes(const char *what, const char *text, unsigned flags, const want *w,
                         size_t n)
{
    srnn_piece *p = parse(text, -1, flags | SRNN_ABC_MELODY_ONLY);
    if (!p)
        return;
    size_t got = srnn_piece_note_count(p);
    CHECK_MSG(got == n, "%s: %zu notes, expected %zu", what, got, n);
    const srnn_note *ns = srnn_piece_notes(p);
    for (size_t i = 0; i < n && i < got; i++) {
        CHECK_MSG(fabs(ns[i].onset - w[i].on) < 1e-9, "%s: note %zu onset %g, expected %g", what, i,
                  ns[i].onset, w[i].on);
        CHECK_MSG(ns[i].pitch == w[i].pitch, "%s: note %zu pitch %d, expected %d", what, i,
                  ns[i].pitch, w[i].pitch);
        CHECK_MSG(fabs(ns[i].duration - w[i].dur) < 1e-9, "%s: note %zu duration %g, expected %g",
                  what, i, ns[i].duration, w[i].dur);
    }
    srnn_piece_free(p);
}

#define EXPECT(what, text, ...)                                                                \
    do {                                                                                       \
        const want w_[] = {__VA_ARGS__};                                                       \
        expect_notes(what, text, 0, w_, sizeof w_ / sizeof w_[0]);                            \
    } while (0)

/* The pitches of "CDEFGAB" (L:1/4, one beat each) under key k, and its signature. */
static void key_case(const char *k, const int pitches[7], int sharps, int minor)
{
    char text[256];
    snprintf(text, sizeof text, "X:1\nT:k\nM:4/4\nL:1/4\nK:%s\nCDEFGAB|\n", k);
    srnn_piece *p = parse(text, -1, SRNN_ABC_MELODY_ONLY);
    if (!p)
        return;
    CHECK_MSG(srnn_piece_note_count(p) == 7, "K:%s", k);
    for (size_t i = 0; i < 7 && i < srnn_piece_note_count(p); i++)
        CHECK_MSG(srnn_piece_notes(p)[i].pitch == pitches[i], "K:%s note %zu: %d, expected %d", k,
                  i, srnn_piece_notes(p)[i].pitch, pitches[i]);
    CHECK_MSG(srnn_piece_keysig_count(p) == 1 && srnn_piece_keysigs(p)[0].sharps == sharps &&
                  srnn_piece_keysigs(p)[0].minor == minor,
              "K:%s signature", k);
    srnn_piece_free(p);
}

static void test_keys(void)
{
    /*                              C   D   E   F   G   A   B */
    key_case("C", (const int[]){60, 62, 64, 65, 67, 69, 71}, 0, 0);
    key_case("Ador", (const int[]){60, 62, 64, 66, 67, 69, 71}, 1, 1);  /* G major's F# */
    key_case("Gmix", (const int[]){60, 62, 64, 65, 67, 69, 71}, 0, 0);  /* C major's */
    key_case("Em", (const int[]){60, 62, 64, 66, 67, 69, 71}, 1, 1);
    key_case("Dm", (const int[]){60, 62, 64, 65, 67, 69, 70}, -1, 1);
    key_case("Bb", (const int[]){60, 62, 63, 65, 67, 69, 70}, -2, 0);
    key_case("F#m", (const int[]){61, 62, 64, 66, 68, 69, 71}, 3, 1);
    key_case("Edor", (const int[]){61, 62, 64, 66, 67, 69, 71}, 2, 1);
    key_case("Amix", (const int[]){61, 62, 64, 66, 67, 69, 71}, 2, 0);
    key_case("D major", (const int[]){61, 62, 64, 66, 67, 69, 71}, 2, 0);
    key_case("HP", (const int[]){61, 62, 64, 66, 67, 69, 71}, 2, 0);
    key_case("Hp", (const int[]){61, 62, 64, 66, 67, 69, 71}, 2, 0);
    key_case("none", (const int[]){60, 62, 64, 65, 67, 69, 71}, 0, 0);
    key_case("", (const int[]){60, 62, 64, 65, 67, 69, 71}, 0, 0);
    key_case("Eb", (const int[]){60, 62, 63, 65, 67, 68, 70}, -3, 0);
    key_case("D ^g", (const int[]){61, 62, 64, 66, 68, 69, 71}, 2, 0);  /* explicit accidental */
    key_case("G clef=bass", (const int[]){60, 62, 64, 66, 67, 69, 71}, 1, 0);
}

static void test_pitch_and_length(void)
{
    /* Octaves: C is middle C (60), c an octave up, commas and apostrophes move by octaves. */
    EXPECT("octaves", "X:1\nT:o\nL:1/4\nK:C\nC, C c c' c'' C,,|\n", {0, 48, 1}, {1, 60, 1},
           {2, 72, 1}, {3, 84, 1}, {4, 96, 1}, {5, 36, 1});
    /* Lengths with L:1/8 (an eighth is half a beat): 2, /, /2, //, 3/2, 3/. */
    EXPECT("lengths", "X:1\nT:l\nL:1/8\nK:C\nc2 c/ c/2 c// c3/2 c3/ c|\n", {0, 72, 1}, {1, 72, 0.25},
           {1.25, 72, 0.25}, {1.5, 72, 0.125}, {1.625, 72, 0.75}, {2.375, 72, 0.75},
           {3.125, 72, 0.5});
    /* Default L: from M: 2/4 is below 3/4, so a sixteenth; 6/8 an eighth; without M: 1/8. */
    EXPECT("default L 2/4", "X:1\nT:l\nM:2/4\nK:C\nc d|\n", {0, 72, 0.25}, {0.25, 74, 0.25});
    EXPECT("default L 6/8", "X:1\nT:l\nM:6/8\nK:C\nc d|\n", {0, 72, 0.5}, {0.5, 74, 0.5});
    EXPECT("default L none", "X:1\nT:l\nK:C\nc d|\n", {0, 72, 0.5}, {0.5, 74, 0.5});
    /* Rests: z and x take time; Z2 in 3/4 is two bars (6 beats). */
    EXPECT("rests", "X:1\nT:r\nM:3/4\nL:1/4\nK:C\nc z x | Z2 | d|\n", {0, 72, 1}, {9, 74, 1});
}

static void test_accidentals(void)
{
    /* ^c holds to the bar line, for c in every octave (as abc2midi plays it); = cancels. */
    EXPECT("through the bar", "X:1\nT:a\nL:1/4\nK:C\n^c c C =c | c _B B B, |\n", {0, 73, 1},
           {1, 73, 1}, {2, 61, 1}, {3, 72, 1}, {4, 72, 1}, {5, 70, 1}, {6, 70, 1}, {7, 58, 1});
    /* In D the signature's F# comes back after the bar; double sharps and flats. */
    EXPECT("key after bar", "X:1\nT:a\nL:1/4\nK:D\n=f f | f ^^g __a |\n", {0, 77, 1}, {1, 77, 1},
           {2, 78, 1}, {3, 81, 1}, {4, 79, 1});
}

static void test_ties(void)
{
    /* A tie joins equal pitches into one note, across a bar line too; a tie to another
     * pitch is only a slur. */
    EXPECT("ties", "X:1\nT:t\nL:1/4\nK:C\nc-c d | d2- | d e- f|\n", {0, 72, 2}, {2, 74, 1},
           {3, 74, 3}, {6, 76, 1}, {7, 77, 1});
    /* The tied note carries its accidental over the bar line, the next note does not. */
    EXPECT("tie carries accidental", "X:1\nT:t\nL:1/4\nK:C\n^c2- | c c|\n", {0, 73, 3}, {3, 72, 1});
    /* Tied chords. */
    EXPECT("tied chord", "X:1\nT:t\nL:1/4\nK:C\n[ce]-[ce] g|\n", {0, 72, 2}, {0, 76, 2}, {2, 79, 1});
}

static void test_broken_and_tuplets(void)
{
    /* > is 3:1, >> 7:1, < the other way round (L:1/4: a pair lasts two beats). */
    EXPECT("broken", "X:1\nT:b\nL:1/4\nK:C\nc>d e<f g>>a|\n", {0, 72, 1.5}, {1.5, 74, 0.5},
           {2, 76, 0.5}, {2.5, 77, 1.5}, {4, 79, 1.75}, {5.75, 81, 0.25});
    /* (3 eighths in the time of two: a third of a beat each. */
    EXPECT("triplet", "X:1\nT:t\nL:1/8\nK:C\n(3cde f|\n", {0, 72, 1.0 / 3}, {1.0 / 3, 74, 1.0 / 3},
           {2.0 / 3, 76, 1.0 / 3}, {1, 77, 0.5});
    /* (2 in 6/8: two eighths in the time of three, 0.75 beat each. */
    EXPECT("duplet", "X:1\nT:t\nM:6/8\nL:1/8\nK:C\n(2cd e|\n", {0, 72, 0.75}, {0.75, 74, 0.75},
           {1.5, 76, 0.5});
    /* (3:2:4: the next four notes, three in the time of two. */
    EXPECT("(p:q:r", "X:1\nT:t\nL:1/8\nK:C\n(3:2:4cdef g|\n", {0, 72, 1.0 / 3},
           {1.0 / 3, 74, 1.0 / 3}, {2.0 / 3, 76, 1.0 / 3}, {1, 77, 1.0 / 3}, {4.0 / 3, 79, 0.5});
    /* A rest counts in a tuplet. */
    EXPECT("tuplet rest", "X:1\nT:t\nL:1/8\nK:C\n(3czd e|\n", {0, 72, 1.0 / 3},
           {2.0 / 3, 74, 1.0 / 3}, {1, 76, 0.5});
}

static void test_chords(void)
{
    /* All notes of a chord start together and last as its first note. */
    EXPECT("chords", "X:1\nT:c\nL:1/4\nK:C\n[CEG]2 [c2e] [^FA]|\n", {0, 60, 2}, {0, 64, 2},
           {0, 67, 2}, {2, 72, 2}, {2, 76, 2}, {4, 66, 1}, {4, 69, 1});
}

static void test_repeats(void)
{
    /* L:1/4 so each letter is one beat; the expected order is written out by hand. */
    EXPECT("simple", "X:1\nT:r\nL:1/4\nK:C\n|: C D :| E|\n", {0, 60, 1}, {1, 62, 1}, {2, 60, 1},
           {3, 62, 1}, {4, 64, 1});
    EXPECT("endings", "X:1\nT:r\nL:1/4\nK:C\n|: C [1 D :|[2 E |]\n", {0, 60, 1}, {1, 62, 1},
           {2, 60, 1}, {3, 64, 1});
    EXPECT("|1 :|2", "X:1\nT:r\nL:1/4\nK:C\n|: C |1 D :|2 E |]\n", {0, 60, 1}, {1, 62, 1},
           {2, 60, 1}, {3, 64, 1});
    EXPECT("::", "X:1\nT:r\nL:1/4\nK:C\n|: C :: D :|\n", {0, 60, 1}, {1, 60, 1}, {2, 62, 1},
           {3, 62, 1});
    /* A :| without |: repeats from the start. */
    EXPECT("no |:", "X:1\nT:r\nL:1/4\nK:C\nC D :| E|\n", {0, 60, 1}, {1, 62, 1}, {2, 60, 1},
           {3, 62, 1}, {4, 64, 1});
    /* Parts: P:ABA plays A, B, A. */
    EXPECT("parts", "X:1\nT:p\nL:1/4\nP:ABA\nK:C\nP:A\nC|\nP:B\nD|\n", {0, 60, 1}, {1, 62, 1},
           {2, 60, 1});
}

static void test_fields(void)
{
    /* Inline K: M: L: change what follows; the time signature is recorded at its beat. */
    const char *t = "X:1\nT:i\nM:4/4\nL:1/4\nK:C\nF [K:D] F | [M:3/4][L:1/8] c c c2 |\n";
    /* after K:D, c is C sharp */
    EXPECT("inline", t, {0, 65, 1}, {1, 66, 1}, {2, 73, 0.5}, {2.5, 73, 0.5}, {3, 73, 1});
    srnn_piece *p = parse(t, -1, SRNN_ABC_MELODY_ONLY);
    if (p) {
        CHECK(srnn_piece_timesig_count(p) == 2);
        if (srnn_piece_timesig_count(p) == 2) {
            CHECK(srnn_piece_timesigs(p)[0].num == 4 && srnn_piece_timesigs(p)[0].beat == 0);
            CHECK(srnn_piece_timesigs(p)[1].num == 3 && srnn_piece_timesigs(p)[1].den == 4);
            CHECK_NEAR(srnn_piece_timesigs(p)[1].beat, 2, 1e-9);
        }
        CHECK(srnn_piece_keysig_count(p) == 2);
        CHECK(!strcmp(srnn_piece_title(p), "i"));
        CHECK_NEAR(srnn_piece_initial_bpm(p), 120, 1e-9); /* no Q: */
        srnn_piece_free(p);
    }
    /* Q: forms: 1/4=90; 3/8=40 (40 dotted quarters = 60 quarters a minute). */
    p = parse("X:1\nT:q\nQ:1/4=90\nK:C\nc|\n", -1, 0);
    if (p) {
        CHECK_NEAR(srnn_piece_initial_bpm(p), 90, 1e-6);
        srnn_piece_free(p);
    }
    p = parse("X:1\nT:q\nM:6/8\nQ:\"Allegro\" 3/8=40\nK:C\nc|\n", -1, 0);
    if (p) {
        CHECK_NEAR(srnn_piece_initial_bpm(p), 60, 1e-6);
        srnn_piece_free(p);
    }
    /* M:C is 4/4, M:C| 2/2. */
    p = parse("X:1\nT:m\nM:C|\nK:C\nc|\n", -1, 0);
    if (p) {
        CHECK(srnn_piece_timesig_count(p) == 1 && srnn_piece_timesigs(p)[0].num == 2 &&
              srnn_piece_timesigs(p)[0].den == 2);
        srnn_piece_free(p);
    }
    /* Comments, continuations, decorations, grace notes, lyrics, %%MIDI, annotations. */
    EXPECT("skipped things",
           "X:1\nT:s\nL:1/4\nK:C\n%%MIDI program 1\n!p! .c ud {g}e \\ % comment\n"
           "\"^annotation\" Hf\nw: words\nW: more words\n+:continued\n",
           {0, 72, 1}, {1, 74, 1}, {2, 76, 1}, {3, 77, 1});
    /* Voices: merged, each note keeps its voice index. */
    p = parse("X:1\nT:v\nL:1/4\nK:C\nV:1\nc d|\nV:2\nC D|\n", -1, SRNN_ABC_MELODY_ONLY);
    if (p) {
        CHECK(srnn_piece_note_count(p) == 4);
        const srnn_note *ns = srnn_piece_notes(p);
        if (srnn_piece_note_count(p) == 4) {
            CHECK(ns[0].pitch == 60 && ns[0].voice == 1 && ns[0].onset == 0);
            CHECK(ns[1].pitch == 72 && ns[1].voice == 0 && ns[1].onset == 0);
            CHECK(ns[2].pitch == 62 && ns[2].voice == 1 && ns[2].onset == 1);
            CHECK(ns[3].pitch == 74 && ns[3].voice == 0 && ns[3].onset == 1);
        }
        srnn_piece_free(p);
    }
}

static void test_gchords(void)
{
    /* "C" over a 4/4 bar of L:1/4: abc2midi's pattern fzczfzcz in eighths -- the bass C2 (36)
     * on beats 1 and 3, the chord C3 E3 G3 (48 52 55) on beats 2 and 4, each an eighth. */
    const char *t = "X:1\nT:g\nM:4/4\nL:1/4\nK:C\n\"C\"c4|\"G7/B\"B4|\n";
    srnn_piece *p = parse(t, -1, 0);
    if (p) {
        const srnn_note *ns = srnn_piece_notes(p);
        size_t n = srnn_piece_note_count(p);
        /* per bar: melody 1 + bass 2 + chord 2 x (3 or 4) */
        CHECK_MSG(n == 1 + 2 + 6 + 1 + 2 + 8, "%zu notes", n);
        int bass0 = 0, chord1 = 0, bass_b = 0, g7 = 0;
        for (size_t i = 0; i < n; i++) {
            if (ns[i].onset == 0 && ns[i].pitch == 36 && fabs(ns[i].duration - 0.5) < 1e-9)
                bass0++;
            if (ns[i].onset == 1 && (ns[i].pitch == 48 || ns[i].pitch == 52 || ns[i].pitch == 55))
                chord1++;
            if (ns[i].onset == 6 && ns[i].pitch == 47) /* G7/B: B2 in the bass */
                bass_b++;
            /* G7 over B: B3 D4 F4 G4 (59 62 65 67), the G raised above the B */
            if (ns[i].onset == 5 && (ns[i].pitch == 59 || ns[i].pitch == 62 ||
                                     ns[i].pitch == 65 || ns[i].pitch == 67))
                g7++;
        }
        CHECK(bass0 == 1);
        CHECK(chord1 == 3);
        CHECK(bass_b == 1);
        CHECK(g7 == 4);
        srnn_piece_free(p);
    }
    EXPECT("melody only", t, {0, 72, 4}, {4, 71, 4});
}

static const char *two_tunes = "%abc-2.1\nH:a file header\n\n"
                               "X:1\nT:First\nK:C\nC|\n\n"
                               "free text between tunes\n\n"
                               "X:5\nT:Fifth\nT:alternative\nK:G\nF|\n";

static void test_select(void)
{
    size_t len = strlen(two_tunes);
    CHECK(srnn_abc_tune_count(two_tunes, len) == 2);
    srnn_abc_tune_info *t;
    size_t n;
    srnn_error err = {{0}, 0, 0};
    CHECK(srnn_abc_list_tunes(two_tunes, len, &t, &n, &err) == SRNN_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK(t[0].x == 1 && !strcmp(t[0].title, "First") && t[0].line == 4);
        CHECK(t[1].x == 5 && !strcmp(t[1].title, "Fifth") && t[1].line == 11);
    }
    free(t);
    srnn_piece *p = parse(two_tunes, 5, 0);
    if (p) {
        CHECK(srnn_piece_note_count(p) == 1 && srnn_piece_notes(p)[0].pitch == 66);
        CHECK(!strcmp(srnn_piece_title(p), "Fifth"));
        srnn_piece_free(p);
    }
    p = parse(two_tunes, 1, SRNN_ABC_BY_INDEX);
    if (p) {
        CHECK(srnn_piece_note_count(p) == 1 && srnn_piece_notes(p)[0].pitch == 66);
        srnn_piece_free(p);
    }
    p = parse(two_tunes, -1, 0);
    if (p) {
        CHECK(srnn_piece_note_count(p) == 1 && srnn_piece_notes(p)[0].pitch == 60);
        srnn_piece_free(p);
    }
    p = NULL;
    CHECK(srnn_abc_parse(two_tunes, len, 7, 0, &p, &err) == SRNN_EINPUT && p == NULL);
    CHECK(strstr(err.msg, "X:7") != NULL);
    CHECK(srnn_abc_parse(two_tunes, len, 2, SRNN_ABC_BY_INDEX, &p, &err) == SRNN_EINPUT);
    CHECK(srnn_abc_parse("", 0, -1, 0, &p, &err) == SRNN_EINPUT);
    CHECK(srnn_abc_parse(NULL, 5, -1, 0, &p, &err) == SRNN_EARG);
    CHECK(srnn_abc_parse(two_tunes, len, -1, 0, NULL, &err) == SRNN_EARG);
}

/* Malformed input: SRNN_EINPUT, the line and column of the fault, and a message. */
static void bad(const char *what, const char *text, int line, int col, const char *words)
{
    srnn_piece *p = NULL;
    srnn_error err = {{0}, 0, 0};
    int r = srnn_abc_parse(text, strlen(text), -1, 0, &p, &err);
    CHECK_MSG(r == SRNN_EINPUT && p == NULL, "%s: returned %d", what, r);
    CHECK_MSG(err.line == line && err.col == col, "%s: at %d:%d, expected %d:%d (%s)", what,
              err.line, err.col, line, col, err.msg);
    CHECK_MSG(strstr(err.msg, words) != NULL, "%s: message '%s' lacks '%s'", what, err.msg, words);
    srnn_piece_free(p);
}

static void test_errors(void)
{
    bad("unterminated chord", "X:1\nT:e\nK:C\nab [ceg c|\n", 4, 4, "unterminated chord");
    bad("unterminated gchord", "X:1\nT:e\nK:C\nab \"Am c|\n", 4, 4, "unterminated");
    bad("unterminated grace", "X:1\nT:e\nK:C\nab {ga c|\n", 4, 4, "grace");
    bad("bad length", "X:1\nT:e\nK:C\nabc d/0 e|\n", 4, 6, "length");
    bad("zero length", "X:1\nT:e\nK:C\nabc d0 e|\n", 4, 6, "length");
    bad("unknown key", "X:1\nT:e\nK:H\nabc|\n", 3, 1, "unknown key");
    bad("unknown mode", "X:1\nT:e\nK:D flat\nabc|\n", 3, 1, "K:D flat");
    bad("too many sharps", "X:1\nT:e\nK:D#\nabc|\n", 3, 1, "sharps");
    bad("bad meter", "X:1\nT:e\nM:x/4\nK:C\nabc|\n", 3, 1, "meter");
    bad("zero meter", "X:1\nT:e\nK:C\nab [M:3/0] c|\n", 4, 4, "meter");
    bad("bad unit", "X:1\nT:e\nL:1/0\nK:C\nabc|\n", 3, 1, "length");
    bad("stray character", "X:1\nT:e\nK:C\nabc # d|\n", 4, 5, "'#'");
    bad("stray in second line", "X:1\nT:e\nK:C\nabc|\nd ; e|\n", 5, 3, "';'");
    bad("accidental alone", "X:1\nT:e\nK:C\nab ^ c|\n", 4, 4, "accidental");
    bad("bad tuplet", "X:1\nT:e\nK:C\n(1abc|\n", 4, 1, "tuplet");
    bad("no K:", "X:1\nT:e\nM:4/4\n", 1, 1, "K:");
    bad("inline field", "X:1\nT:e\nK:C\nab [K:G c|\n", 4, 4, "inline");
    /* Lenient: a tie to nothing, an unmatched ']' or ':' and an unknown chord still play. */
    srnn_piece *p = parse("X:1\nT:w\nK:C\n- a ] b : \"Xyz\" \"Q7\"c|\n", -1, 0);
    if (p) {
        CHECK(srnn_piece_note_count(p) >= 3);
        srnn_piece_free(p);
    }
}

/* A few thousand random mutations of a valid tune: whatever the result, no crash, no hang, and
 * an error always comes with a message. */
static void test_mutations(void)
{
    const char *base = "X:1\nT:Mutant\nM:6/8\nL:1/8\nQ:3/8=100\nR:jig\nK:Ador\n"
                       "|:\"Am\"A2B c2d|e^fg (3abc' a2|[1\"G\"G>AB {g}d2-d:|[2[CEG]3 z2 ~c|]\n"
                       "|:e3 [K:D] f/g/a|[M:9/8] B2 c d e f g a b :: !trill!c'3 Z2 |]\n"
                       "V:2\nA,2 B, C2 D|\n";
    size_t blen = strlen(base);
    const char alphabet[] = "ABCDEFGabcdefgz^_=,'/0123456789|:[]()-<>{}\"!%\\ \nKMLQVP.~x&#";
    unsigned long seed = 12345;
    char *buf = malloc(blen * 2 + 64);
    int ok = 0, failed = 0, unexplained = 0;
    for (int iter = 0; iter < 5000 && buf; iter++) {
        memcpy(buf, base, blen);
        size_t len = blen;
        int edits = 1 + iter % 4;
        for (int k = 0; k < edits; k++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            size_t pos = (size_t)(seed >> 33) % (len ? len : 1);
            int op = (int)((seed >> 20) % 4);
            char ch = alphabet[(seed >> 40) % (sizeof alphabet - 1)];
            if (op == 0 && len > 0) { /* replace */
                buf[pos] = ch;
            } else if (op == 1) { /* insert */
                memmove(buf + pos + 1, buf + pos, len - pos);
                buf[pos] = ch;
                len++;
            } else if (op == 2 && len > 0) { /* delete */
                memmove(buf + pos, buf + pos + 1, len - pos - 1);
                len--;
            } else if (len > 0) { /* a random byte, even NUL or high bytes */
                buf[pos] = (char)(seed >> 24);
            }
        }
        srnn_piece *p = NULL;
        srnn_error err = {{0}, 0, 0};
        int r = srnn_abc_parse(buf, len, -1, (unsigned)(iter % 2), &p, &err);
        if (r == SRNN_OK) {
            ok++;
            srnn_piece_free(p);
        } else {
            failed++;
            if (!err.msg[0] || p)
                unexplained++;
        }
    }
    free(buf);
    fprintf(stderr, "mutations: %d parsed, %d rejected\n", ok, failed);
    CHECK(ok + failed == 5000);
    CHECK(unexplained == 0);
    CHECK(ok > 1000 && failed > 100); /* both paths were exercised */
}

int main(void)
{
    test_keys();
    test_pitch_and_length();
    test_accidentals();
    test_ties();
    test_broken_and_tuplets();
    test_chords();
    test_repeats();
    test_fields();
    test_gchords();
    test_select();
    test_errors();
    test_mutations();
    return check_finish("test_abc");
}
