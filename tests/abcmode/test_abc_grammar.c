/* The ABC grammar tracker (srnn_abc_grammar) of grammar-aware sampling:
 *  - hand-made prefixes it must allow or refuse, each checked against the parser's rules;
 *  - random tunes: characters drawn uniformly among those it allows (with and without a
 *    budget) always give a tune srnn_abc_parse reads, and every tune that ended by <end>;
 *  - real tunes (the embedded corpus corpora/abc, normalized as the abc tokenizer does) are
 *    accepted to the end, so it does not force the model away from what it learned.
 * With file arguments it reports, for each tune of each file, where the grammar refuses it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "../files.h"
#include "songrnn/abc.h"
#include "songrnn/rng.h"
#include "songrnn/vocab.h"

/* Feeds text; returns the offset of the first refused byte, or -1 when all were accepted. */
static long feed_all(srnn_abc_grammar *g, const char *s)
{
    for (size_t i = 0; s[i]; i++)
        if (srnn_abc_grammar_step(g, s + i, 1) != SRNN_OK)
            return (long)i;
    return -1;
}

/* Whether prefix is accepted and then next is allowed. */
static int allows_after(const char *prefix, const char *next)
{
    srnn_abc_grammar *g = NULL;
    if (srnn_abc_grammar_new(&g, NULL) != SRNN_OK)
        return -1;
    int r = feed_all(g, prefix) < 0 ? srnn_abc_grammar_allows(g, next, strlen(next)) : -2;
    srnn_abc_grammar_free(g);
    return r;
}

static int parses(const char *text)
{
    srnn_piece *p = NULL;
    srnn_error err = {0};
    int rc = srnn_abc_parse(text, strlen(text), -1, 0, &p, &err);
    srnn_piece_free(p);
    return rc == SRNN_OK;
}

#define H "X:1\nT:t\nM:6/8\nL:1/8\nK:G\n"

static void test_header(void)
{
    /* Field values: the parser's readers refuse these (abc_fields.c). */
    CHECK(allows_after("X:1\nM:", "6") == 1);
    CHECK(allows_after("X:1\nM:6", "/") == 1);
    CHECK(allows_after("X:1\nM:6/", "8") == 1);
    CHECK(allows_after("X:1\nM:6/8", "\n") == 1);
    CHECK(allows_after("X:1\nM:6/", "\n") == 0);    /* unknown meter 'M:6/' */
    CHECK(allows_after("X:1\nM:", "H") == 0);       /* 'M:H/4' */
    CHECK(allows_after("X:1\nM:4/4", "/") == 0);    /* 'M:4/4/4' */
    CHECK(allows_after("X:1\nM:6/8", " W") == 0);   /* 'M:6/8 W9' */
    CHECK(allows_after("X:1\nM:C", "|") == 1);
    CHECK(allows_after("X:1\nM:C|", "\n") == 1);
    CHECK(allows_after("X:1\nM:", "\n") == 1);      /* no meter */
    CHECK(allows_after("X:1\nL:", "A") == 0);       /* 'L:A/8' */
    CHECK(allows_after("X:1\nL:", "\n") == 0);
    CHECK(allows_after("X:1\nL:1/8", "1") == 0);    /* 'L:1/81' */
    CHECK(allows_after("X:1\nL:1/", "\n") == 0);
    CHECK(allows_after("X:1\nL:1/16", "\n") == 1);
    CHECK(allows_after("X:1\nK:", "O") == 0);       /* unknown key 'K:O' */
    CHECK(allows_after("X:1\nK:", "m") == 0);       /* 'K:m/4' */
    CHECK(allows_after("X:1\nK:F", "b") == 1);
    CHECK(allows_after("X:1\nK:Fb", "|") == 0);
    CHECK(allows_after("X:1\nK:Fb", "\n") == 0);    /* more than 7 flats */
    CHECK(allows_after("X:1\nK:A", ",") == 0);      /* 'K:A,9' */
    CHECK(allows_after("X:1\nK:A", "m\n") == 1);
    CHECK(allows_after("X:1\nK:A", "dor\n") == 1);
    CHECK(allows_after("X:1\nK:A", " minor\n") == 1);
    CHECK(allows_after("X:1\nK:A", "mi\n") == 0);   /* "mi" is no mode */
    CHECK(allows_after("X:1\nK:G#", "\n") == 0);    /* 8 sharps ... */
    CHECK(allows_after("X:1\nK:G#", "m\n") == 1);   /* ... but G# minor is 5 */
    CHECK(allows_after("X:1\nK:D", " ^c\n") == 1);
    CHECK(allows_after("X:1\nQ:1/4=1", "20\n") == 1);
    CHECK(allows_after("X:1\nQ:1/4", "\n") == 0);
    CHECK(allows_after("X:1\nQ:", "A") == 0);
    /* Order: X: only first, music only after K:, no blank line. */
    CHECK(allows_after("X:1\nT:a\n", "X") == 0);
    CHECK(allows_after("", "T:a\nK:C\nC\n") == 1); /* X:1 is added by the writer */
    CHECK(allows_after("X:1\n", "C") == 1);        /* C: composer */
    CHECK(allows_after("X:1\nC", "D") == 0);       /* music before K: */
    CHECK(allows_after("X:1\nT:a\n", "\n") == 0);
    CHECK(allows_after("X:1\nT:a\n", " ") == 0);
    CHECK(allows_after("X:1\nT:a\n", "Y:AB\n") == 1); /* any letter: Nottingham has Y: */
    CHECK(allows_after("X:1\nT:a\n", "y") == 0);
    CHECK(allows_after("X:", "a") == 0);
    CHECK(allows_after("X:", "12\n") == 1);
    CHECK(allows_after("X:1\nT:", "Rox in the ?lass\n") == 1); /* titles are free text */
}

static void test_music(void)
{
    CHECK(allows_after(H, "\n") == 0);                 /* blank line */
    CHECK(allows_after(H "A", " \n") == 1);
    CHECK(allows_after(H "A|\n", " \n") == 0);         /* a line of blanks is blank */
    /* Digits and '/' only where a length can be. */
    CHECK(allows_after(H "\"E7\"", "3") == 0);         /* '"E7"3' */
    CHECK(allows_after(H "[1\"Am\"e3 -", "2") == 0);   /* '-22' */
    CHECK(allows_after(H "B", "(3") == 1);
    CHECK(allows_after(H "B(3", "/") == 0);            /* '(3/2e' */
    CHECK(allows_after(H "A", "3/2") == 1);
    CHECK(allows_after(H "A", "/2") == 1);
    CHECK(allows_after(H "A", "//") == 1);
    CHECK(allows_after(H "A//", "3") == 0);            /* '//3/' garbage */
    CHECK(allows_after(H "A/2", "/") == 0);
    CHECK(allows_after(H "A", "0") == 0);              /* bad note length '0' */
    CHECK(allows_after(H "A/", "0") == 0);             /* division by zero */
    CHECK(allows_after(H, "2") == 0);
    CHECK(allows_after(H "A2", "'") == 0);             /* octave after the length */
    CHECK(allows_after(H "A", ",,2") == 1);
    CHECK(allows_after(H "z", "4") == 1);
    CHECK(allows_after(H "Z", "4") == 1);
    CHECK(allows_after(H "Z4", "/") == 0);
    /* Accidentals need a note. */
    CHECK(allows_after(H "^", "^") == 1);
    CHECK(allows_after(H "^^", "^") == 0);
    CHECK(allows_after(H "^", "|") == 0);
    CHECK(allows_after(H "=", "=") == 0);
    CHECK(allows_after(H "_", "B") == 1);
    /* Chords and guitar chords are closed before a bar line or the line's end. */
    CHECK(allows_after(H "[cA c2B", "|") == 0);        /* unterminated chord */
    CHECK(allows_after(H "[cA", "]2") == 1);
    CHECK(allows_after(H "[", "]") == 0);
    CHECK(allows_after(H "[CE", "\n") == 0);
    CHECK(allows_after(H "\"Am", "\n") == 0);
    CHECK(allows_after(H "\"Am", "\"") == 1);
    CHECK(allows_after(H "\"Am\"A", "\n") == 1);
    CHECK(allows_after(H "{g", "\n") == 0);
    CHECK(allows_after(H "{g", "}A") == 1);
    CHECK(allows_after(H "!trill", "!A") == 1);
    CHECK(allows_after(H "!trill", "\n") == 0);
    /* Bars, repeats and endings. */
    CHECK(allows_after(H "A", "|:") == 1);
    CHECK(allows_after(H "A", ":|") == 1);
    CHECK(allows_after(H "A", "::") == 1);
    CHECK(allows_after(H "A", "||") == 1);
    CHECK(allows_after(H "A", "|]") == 1);
    CHECK(allows_after(H "A", "[|") == 1);
    CHECK(allows_after(H "A", "|1") == 1);
    CHECK(allows_after(H "A", ":|2") == 1);
    CHECK(allows_after(H "A", "[1") == 1);
    CHECK(allows_after(H "A", "[1,3") == 1);
    CHECK(allows_after(H "A[1", ",|") == 0);           /* ',' at the top is refused */
    CHECK(allows_after(H "A", "[1-3 ") == 1);
    CHECK(allows_after(H "A|", "]") == 1);
    CHECK(allows_after(H "A", "]") == 0);              /* stray ']' */
    CHECK(allows_after(H "A", ": A") == 0);            /* stray ':' */
    CHECK(allows_after(H "A[|", "2") == 0);            /* no ending after [| */
    /* Tuplets of 2 to 64 notes. */
    CHECK(allows_after(H "(", "1") == 0);
    CHECK(allows_after(H "(", "3:2:3abc") == 1);
    CHECK(allows_after(H "(6", "5") == 0);
    CHECK(allows_after(H "(", "ab)") == 1);            /* a slur */
    /* Inline fields follow the field's syntax. */
    CHECK(allows_after(H "A", "[K:D]") == 1);
    CHECK(allows_after(H "A", "[M:3/4]") == 1);
    CHECK(allows_after(H "A[M:3", "]") == 0);
    CHECK(allows_after(H "A[K:", "O") == 0);
    /* Field lines in the body; "A:|" is music. */
    CHECK(allows_after(H "A|\n", "K:D\n") == 1);
    CHECK(allows_after(H "A|\n", "M:2/4\n") == 1);
    CHECK(allows_after(H "A|\n", "M:V") == 0);
    CHECK(allows_after(H "A|\n", "X:") == 1);          /* "X:|" is still possible */
    CHECK(allows_after(H "A|\nX:", "2") == 0);         /* a new tune */
    CHECK(allows_after(H "A|\nA:", "|\n") == 1);
    CHECK(allows_after(H "A|\n", "Y") == 0);
    CHECK(allows_after(H "A|\nT", "ABc|\n") == 1);     /* T: a trill */
    /* What the parser refuses anywhere in music. */
    CHECK(allows_after(H "A", "&") == 0);
    CHECK(allows_after(H "A", "#") == 0);
    CHECK(allows_after(H "A", "?") == 0);
    CHECK(allows_after(H "A", ";") == 0);
    CHECK(allows_after(H "A", "\xc3\xa9") == 0);
    CHECK(allows_after(H "\"", "\xc3\xa9\"") == 1);    /* UTF-8 in annotations */
}

static void test_end_and_budget(void)
{
    srnn_abc_grammar *g = NULL;
    CHECK(srnn_abc_grammar_new(&g, NULL) == SRNN_OK);
    CHECK(srnn_abc_grammar_can_end(g) == 0);
    CHECK(srnn_abc_grammar_pending(g) == 5);           /* "K:\nC\n" */
    CHECK(feed_all(g, "X:1\nK:G\n") < 0);
    CHECK(srnn_abc_grammar_can_end(g) == 0);           /* no note yet */
    CHECK(srnn_abc_grammar_pending(g) == 2);
    CHECK(feed_all(g, "\"G\"") < 0);
    CHECK(srnn_abc_grammar_pending(g) == 2);
    CHECK(feed_all(g, "[GB") < 0);
    CHECK(srnn_abc_grammar_pending(g) == 2);           /* "]\n" */
    CHECK(feed_all(g, "d]|") < 0);
    CHECK(srnn_abc_grammar_can_end(g) == 0);           /* only after a complete line */
    CHECK(srnn_abc_grammar_pending(g) == 1);
    CHECK(feed_all(g, "\n") < 0);
    CHECK(srnn_abc_grammar_can_end(g) == 1);
    CHECK(srnn_abc_grammar_pending(g) == 0);

    /* The mask: tokens "<start>" "<end>" "\n" "A" "[" "]" "|" "\"". */
    const char *toks[] = {NULL, NULL, "\n", "A", "[", "]", "|", "\""};
    size_t lens[] = {0, 0, 1, 1, 1, 1, 1, 1};
    uint8_t mask[8];
    memset(mask, 1, sizeof mask);
    mask[0] = 0;
    CHECK(srnn_abc_grammar_mask(g, toks, lens, 8, 1, 0, mask) == 5);
    CHECK(!mask[0] && mask[1] && !mask[2] && mask[3] && mask[4] && !mask[5] && mask[6] && mask[7]);
    /* One token left: only <end>.  Two left inside a guitar chord: only its closing quote. */
    memset(mask, 1, sizeof mask);
    CHECK(srnn_abc_grammar_mask(g, toks, lens, 8, 1, 1, mask) == 1 && mask[1]);
    CHECK(feed_all(g, "A\"Am") < 0);
    memset(mask, 1, sizeof mask);
    CHECK(srnn_abc_grammar_mask(g, toks, lens, 8, 1, 2, mask) == 1 && mask[7]);
    memset(mask, 1, sizeof mask); /* three left: "A" too (A " \n) */
    CHECK(srnn_abc_grammar_mask(g, toks, lens, 8, 1, 3, mask) == 5 && mask[3] && !mask[2]);
    /* Nothing fits at all (after '^' a vocabulary without note letters): the mask is left as
     * it was. */
    CHECK(feed_all(g, "\"^") < 0);
    memset(mask, 1, sizeof mask);
    mask[3] = 0;
    CHECK(srnn_abc_grammar_mask(g, toks, lens, 8, 1, 0, mask) == 7 && mask[4] && !mask[3]);
    /* A refused byte loses the tracker: it then allows everything, until reset. */
    CHECK(srnn_abc_grammar_step(g, "\n", 1) == SRNN_EINPUT);
    CHECK(srnn_abc_grammar_lost(g) && srnn_abc_grammar_allows(g, "&", 1));
    srnn_abc_grammar_reset(g);
    CHECK(!srnn_abc_grammar_lost(g) && !srnn_abc_grammar_allows(g, "&", 1));
    CHECK(srnn_abc_grammar_step(NULL, "a", 1) == SRNN_EARG);
    CHECK(srnn_abc_grammar_new(NULL, NULL) == SRNN_EARG);
    srnn_abc_grammar_free(g);
}

/* Characters of the Nottingham corpus' vocabulary, and a few it does not have. */
static const char CHARSET[] = "\n !\"#&'()*+,-./0123456789:<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
                              "abcdefghijklmnopqrstuvwxyz{|}~";

/* Random tunes: each next character uniform among those the grammar allows (or <end>); with a
 * budget, the tune must be finished by then. */
static void test_random_tunes(void)
{
    enum { N = (int)sizeof CHARSET - 1 + 1 }; /* + <end> */
    const char *toks[N];
    size_t lens[N];
    for (int i = 0; i < N - 1; i++) {
        toks[i] = CHARSET + i;
        lens[i] = 1;
    }
    toks[N - 1] = NULL;
    lens[N - 1] = 0;
    srnn_rng rng;
    srnn_rng_seed(&rng, 42);
    srnn_abc_grammar *g = NULL;
    CHECK(srnn_abc_grammar_new(&g, NULL) == SRNN_OK);
    int bad = 0, ended = 0, total = 1500;
    for (int t = 0; t < total; t++) {
        srnn_abc_grammar_reset(g);
        long budget = t % 3 == 0 ? 0 : 20 + (long)srnn_rng_below(&rng, 300);
        long limit = budget ? budget : 400;
        char text[512];
        size_t n = 0;
        int end = 0;
        for (long k = 0; k < limit && !end; k++) {
            uint8_t mask[N];
            memset(mask, 1, sizeof mask);
            int allowed = srnn_abc_grammar_mask(g, toks, lens, N, N - 1, budget ? limit - k : 0,
                                                mask);
            CHECK(allowed > 0);
            /* Newlines and <end> more often than the rest, or the headers never end. */
            int id = 0;
            if (mask[N - 1] && srnn_rng_below(&rng, 4) == 0) {
                id = N - 1;
            } else if (mask[0] && srnn_rng_below(&rng, 10) == 0) {
                id = 0;
            } else {
                int pick = (int)srnn_rng_below(&rng, (uint64_t)allowed);
                for (; id < N; id++)
                    if (mask[id] && pick-- == 0)
                        break;
            }
            if (id == N - 1) {
                end = 1;
                break;
            }
            CHECK(srnn_abc_grammar_step(g, toks[id], 1) == SRNN_OK);
            text[n++] = *toks[id];
        }
        text[n] = 0;
        ended += end;
        /* The tune as the abc mode writes it: X:1 first when missing. */
        char full[600];
        snprintf(full, sizeof full, "%s%s\n", strncmp(text, "X:", 2) ? "X:1\n" : "", text);
        int ok = parses(full);
        if ((end || budget) && !ok && bad++ < 5)
            fprintf(stderr, "random tune %d (budget %ld, %s) does not parse:\n%s\n", t, budget,
                    end ? "ended" : "cut", full);
        if (budget)
            CHECK_MSG(srnn_abc_grammar_can_end(g) || end, "budget %ld:\n%s", budget, full);
    }
    CHECK_MSG(bad == 0, "%d of %d random tunes do not parse", bad, total);
    CHECK_MSG(ended > total / 4, "only %d of %d random tunes ended", ended, total);
    srnn_abc_grammar_free(g);
}

/* Feeds every tune of a file (normalized); returns how many were refused, prints where. */
static int check_file(const char *path, int *tunes, int verbose)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    static char buf[1 << 22];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = 0;
    srnn_abc_tune_info *ti = NULL;
    size_t nt = 0;
    srnn_error err = {0};
    if (srnn_abc_list_tunes(buf, len, &ti, &nt, &err) != SRNN_OK)
        return -1;
    srnn_abc_grammar *g = NULL;
    if (srnn_abc_grammar_new(&g, NULL) != SRNN_OK) {
        free(ti);
        return -1;
    }
    int refused = 0;
    for (size_t i = 0; i < nt; i++) {
        char *t = NULL;
        size_t tl = 0;
        if (srnn_abc_chars_normalize(buf + ti[i].offset, ti[i].length, &t, &tl, &err) != SRNN_OK)
            continue;
        if (!parses(t)) { /* the abc mode leaves such tunes out of the corpus */
            free(t);
            continue;
        }
        (*tunes)++;
        srnn_abc_grammar_reset(g);
        long at = feed_all(g, t);
        if (at >= 0 || !srnn_abc_grammar_can_end(g)) {
            refused++;
            if (verbose) {
                long ls = at < 0 ? (long)tl : at;
                while (ls > 0 && t[ls - 1] != '\n')
                    ls--;
                const char *le = strchr(t + ls, '\n');
                fprintf(stderr, "%s X:%d: %s at %ld: %.*s\n", path, ti[i].x,
                        at < 0 ? "cannot end" : "refused", at < 0 ? -1 : at - ls,
                        (int)(le ? le - (t + ls) : 80), t + ls);
            }
        }
        free(t);
    }
    srnn_abc_grammar_free(g);
    free(ti);
    return refused;
}

static void test_corpus(void)
{
    const char *root = getenv("SRNN_SOURCE_ROOT");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/corpora/abc", root ? root : ".");
    static const char *const abc[] = {".abc", NULL};
    check_files files = {0};
    check_files_gather(&files, dir, abc);
    CHECK_MSG(files.n > 0, "no .abc files in %s", dir);
    int tunes = 0, refused = 0;
    for (size_t f = 0; f < files.n; f++) {
        int r = check_file(files.p[f], &tunes, 1);
        CHECK(r >= 0);
        if (r > 0)
            refused += r;
    }
    check_files_free(&files);
    CHECK(tunes >= 100);
    CHECK_MSG(refused == 0, "%d of %d tunes of corpora/abc refused", refused, tunes);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        int tunes = 0, refused = 0;
        for (int i = 1; i < argc; i++) {
            int r = check_file(argv[i], &tunes, 1);
            if (r < 0)
                fprintf(stderr, "%s: cannot read\n", argv[i]);
            else
                refused += r;
        }
        printf("tunes: %d, refused by the grammar: %d\n", tunes, refused);
        return 0;
    }
    test_header();
    test_music();
    test_end_and_budget();
    test_random_tunes();
    test_corpus();
    return check_finish("test_abc_grammar");
}
