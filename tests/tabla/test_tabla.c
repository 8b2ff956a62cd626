/* Unit tests of src/tabla: bols and spellings, taals, the .bol reader's rules and messages,
 * the writer (read back), strokes and their times, tokens, and the generation grammar driven
 * by random choices.  Expected values are worked by hand from the thekas as taught. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "songrnn/tabla.h"

static int bol(const char *s) { return srnn_bol_lookup(s, strlen(s)); }

static srnn_tabla *parse(const char *text, srnn_error *err)
{
    srnn_tabla *t = NULL;
    memset(err, 0, sizeof *err);
    if (srnn_tabla_parse(text, strlen(text), &t, err) != SRNN_OK)
        return NULL;
    return t;
}

/* The syllables of beat i joined ("DhaGe"). */
static const char *beat_str(const srnn_tabla *t, size_t i)
{
    static char buf[128];
    int n;
    const uint8_t *b = srnn_tabla_beat(t, i, &n);
    buf[0] = 0;
    for (int k = 0; b && k < n; k++)
        strcat(buf, srnn_bol_name(b[k]));
    return buf;
}

static void test_bols(void)
{
    CHECK(bol("Dha") >= 0 && strcmp(srnn_bol_name(bol("Dha")), "Dha") == 0);
    CHECK(bol("dhaa") == bol("Dha"));
    CHECK(bol("DHA") == bol("Dha"));
    CHECK(bol("Thun") == bol("Tun"));
    CHECK(bol("teen") == bol("Tin"));
    CHECK(bol("Kra") == bol("Kda"));
    CHECK(bol("S") == SRNN_BOL_REST);
    CHECK(bol("-") == SRNN_BOL_REST);
    CHECK(bol("Ge") != bol("Ghe"));
    CHECK(bol("Dhx") == -1);
    CHECK(bol("") == -1);
    const char *listed[] = {"Dha", "Dhin", "Dhi", "Dhit", "Dhet", "Ta", "Na", "Tin", "Tun",
                            "Tu", "Te", "Ti", "Ra", "Re", "Ki", "Ke", "Ka", "Kat", "Ge", "Ghe",
                            "Ga", "Di", "Din", "Tit", "Tra", "Kda"};
    for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++)
        CHECK_MSG(bol(listed[i]) > 0, "%s", listed[i]);
}

static void test_taals(void)
{
    static const struct {
        const char *name;
        int beats, nv;
        const char *marks;
    } want[] = {{"teentaal", 16, 4, "X203"}, {"jhaptaal", 10, 4, "X203"},
                {"ektaal", 12, 6, "X02034"}, {"rupak", 7, 3, "012"},
                {"keherwa", 8, 2, "X0"},     {"dadra", 6, 2, "X0"},
                {"jhoomra", 14, 4, "X203"},  {"dhamar", 14, 4, "X203"}};
    CHECK(srnn_taal_count() == 8);
    for (size_t i = 0; i < 8; i++) {
        const srnn_taal *t = srnn_taal_find(want[i].name);
        CHECK_MSG(t && t->beats == want[i].beats && t->n_vibhags == want[i].nv, "%s",
                  want[i].name);
        if (!t)
            continue;
        int sum = 0;
        char marks[16] = "";
        for (int v = 0; v < t->n_vibhags; v++) {
            sum += t->vibhags[v];
            strcat(marks, t->marks[v]);
        }
        CHECK_MSG(sum == t->beats, "%s vibhags", t->name);
        CHECK_MSG(strcmp(marks, want[i].marks) == 0, "%s marks %s", t->name, marks);
        /* Each theka is one cycle of its taal. */
        char text[512];
        snprintf(text, sizeof text, "taal: %s\n%s\n", t->name, t->theka);
        srnn_error err;
        srnn_tabla *c = parse(text, &err);
        CHECK_MSG(c && srnn_tabla_beat_count(c) == (size_t)t->beats, "%s theka: %s", t->name,
                  err.msg);
        srnn_tabla_free(c);
    }
    CHECK(srnn_taal_find("Tintal") == srnn_taal_find("teentaal"));
    CHECK(srnn_taal_find("kaharva") == srnn_taal_find("keherwa"));
    CHECK(srnn_taal_find("nonesuch") == NULL);
    const srnn_taal *j = srnn_taal_find("jhaptaal"); /* 2+3+2+3 */
    CHECK(srnn_taal_vibhag_end(j, 1) && srnn_taal_vibhag_end(j, 4) && srnn_taal_vibhag_end(j, 6) &&
          srnn_taal_vibhag_end(j, 9));
    CHECK(!srnn_taal_vibhag_end(j, 0) && !srnn_taal_vibhag_end(j, 2) &&
          !srnn_taal_vibhag_end(j, 5));
}

static void test_parse(void)
{
    srnn_error err;
    srnn_tabla *t = parse("# a comment\ntitle: t\ntaal: tintal\nform: qaida\ntempo: 96 bpm\n\n"
                          "DhaGe TiRaKiTa (Dha Ge) Dhaa | dhage tirakita Dha- -Dha |"
                          " Tā Tin Tin Ta | Ta Dhin Dhin DhaS ||\n"
                          "X                               2\n",
                          &err);
    CHECK_MSG(t != NULL, "%d:%d %s", err.line, err.col, err.msg);
    if (t) {
        CHECK(srnn_tabla_taal(t) == srnn_taal_find("teentaal"));
        CHECK(srnn_tabla_form_of(t) == SRNN_FORM_KAYDA);
        CHECK_NEAR(srnn_tabla_tempo(t), 96, 0);
        CHECK(strcmp(srnn_tabla_title(t), "t") == 0);
        CHECK(srnn_tabla_beat_count(t) == 16);
        CHECK(strcmp(beat_str(t, 0), "DhaGe") == 0);
        CHECK(strcmp(beat_str(t, 1), "TiRaKiTa") == 0);
        CHECK(strcmp(beat_str(t, 2), "DhaGe") == 0);
        CHECK(strcmp(beat_str(t, 3), "Dha") == 0);
        CHECK(strcmp(beat_str(t, 4), "DhaGe") == 0);    /* lower case: fewest syllables */
        CHECK(strcmp(beat_str(t, 5), "TiRaKiTa") == 0);
        CHECK(strcmp(beat_str(t, 6), "Dha-") == 0);
        CHECK(strcmp(beat_str(t, 7), "-Dha") == 0);
        CHECK(strcmp(beat_str(t, 8), "Ta") == 0);       /* ā folded */
        CHECK(strcmp(beat_str(t, 15), "Dha-") == 0);    /* S: the avagraha */
    }
    srnn_tabla_free(t);

    /* Errors: where, and what. */
    static const struct {
        const char *text;
        int line, col;
        const char *says;
    } bad[] = {
        {"taal: teentaal\nDha Dhin Dhix Dha | Dha Dhin Dhin Dha | Dha Tin Tin Ta | Ta Dhin Dhin "
         "Dha\n", 2, 10, "unknown bol 'Dhix'"},
        {"taal: teentaal\ntaal: bogus\n", 2, 7, "unknown taal 'bogus'"},
        {"taal: teentaal\nform: song\n", 2, 7, "unknown form"},
        {"taal: teentaal\ncolour: red\n", 2, 1, "unknown header field"},
        {"taal: teentaal\ntempo: fast\n", 2, 8, "tempo"},
        {"Dha Dhin\n", 1, 1, "before the header"},
        {"taal: teentaal\n", 1, 1, "no bols"},
        {"title: x\n", 1, 1, "no 'taal:'"},
        /* a theka cycle one beat short, bars and all */
        {"taal: teentaal\nform: theka\nDha Dhin Dhin Dha | Dha Dhin Dhin Dha | Dha Tin Tin Ta "
         "| Ta Dhin Dhin\nDha Dhin Dhin Dha | Dha Dhin Dhin Dha | Dha Tin Tin Ta | Ta Dhin Dhin "
         "Dha\n", 3, 70, "after beat 15"},
        /* a bar in the wrong place */
        {"taal: jhaptaal\nDhi Na Dhi | Dhi Na Ti Na | Dhi Dhi Na\n", 2, 12, "after beat 3"},
        {"taal: teentaal\nDha Dhin Dhin Dha || Dha\n", 2, 19, "'||' after beat 4"},
        /* the last cycle short, no bars */
        {"taal: keherwa\nDha Ge Na Ti Na Ka Dhi Na\nDha Ge Na Ti\nNa Ka Dhi\n", 4, 10,
         "after beat 7 of keherwa"},
        /* a tihai that does not come back to sam */
        {"taal: dadra\nform: tihai\nDha Dhi Na | Dha Ti Na\n", 3, 1, "ends on sam"},
        {"taal: dadra\nDha Dhi Na | Dha Ti (Na\n", 2, 21, "'(' without ')'"},
        {"taal: dadra\nDha Dhi Na | Dha Ti N@\n", 2, 21, "unexpected character"},
        {"taal: dadra\nDha Dhi Na | Dha Ti TiRaKiTaTiRaKiTaTiRaKiTaTiRaKiTaTa\n", 2, 21,
         "more than 16"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = parse(bad[i].text, &err);
        CHECK_MSG(t == NULL, "case %zu parsed", i);
        CHECK_MSG(err.line == bad[i].line && err.col == bad[i].col && strstr(err.msg, bad[i].says),
                  "case %zu: %d:%d %s", i, err.line, err.col, err.msg);
        srnn_tabla_free(t);
    }

    /* A tihai ends with the sam beat on a line of its own. */
    t = parse("taal: dadra\nform: tihai\nDhaTiDha -Dha TiDha | -Dha TiDha -\nDha\n", &err);
    CHECK_MSG(t && srnn_tabla_beat_count(t) == 7, "%s", err.msg);
    srnn_tabla_free(t);
}

static void test_write(void)
{
    srnn_error err;
    srnn_tabla *t = parse("taal: jhaptaal\nform: theka\ntempo: 90\n"
                          "Dhi Na | Dhi Dhi Na | Ti Na | Dhi Dhi Na\n"
                          "DhiNa Na | DhiDhi Dhi Na | TiTi Na | Dhi DhiDhi Na\n", &err);
    CHECK(t != NULL);
    char *text = NULL;
    CHECK(t && srnn_tabla_write(t, &text, &err) == SRNN_OK);
    if (text) {
        /* Columns as wide as the widest beat in them; marks under each vibhag's first beat. */
        const char *want = "taal: jhaptaal\nform: theka\ntempo: 90\n\n"
                           "Dhi   Na | Dhi    Dhi Na | Ti   Na | Dhi Dhi    Na\n"
                           "X          2               0         3\n"
                           "DhiNa Na | DhiDhi Dhi Na | TiTi Na | Dhi DhiDhi Na\n"
                           "X          2               0         3\n";
        CHECK_MSG(strcmp(text, want) == 0, "got:\n%s", text);
        srnn_tabla *u = parse(text, &err);
        CHECK_MSG(u && srnn_tabla_beat_count(u) == 20, "%s", err.msg);
        for (size_t i = 0; u && i < 20; i++) {
            char a[128];
            snprintf(a, sizeof a, "%s", beat_str(t, i));
            CHECK(strcmp(a, beat_str(u, i)) == 0);
        }
        srnn_tabla_free(u);
    }
    free(text);
    srnn_tabla_free(t);
}

static void test_strokes(void)
{
    uint8_t k[2];
    CHECK(srnn_bol_strokes(bol("Dha"), SRNN_TABLA_MAP_TABLA, k) == 2 && k[0] == SRNN_STROKE_NA &&
          k[1] == SRNN_STROKE_GE);
    CHECK(srnn_bol_strokes(bol("Dhin"), SRNN_TABLA_MAP_TABLA, k) == 2 && k[0] == SRNN_STROKE_TIN &&
          k[1] == SRNN_STROKE_GE);
    CHECK(srnn_bol_strokes(bol("Tin"), SRNN_TABLA_MAP_TABLA, k) == 1 && k[0] == SRNN_STROKE_TIN);
    CHECK(srnn_bol_strokes(bol("Ke"), SRNN_TABLA_MAP_TABLA, k) == 1 && k[0] == SRNN_STROKE_KE);
    CHECK(srnn_bol_strokes(bol("Ga"), SRNN_TABLA_MAP_TABLA, k) == 1 && k[0] == SRNN_STROKE_GA);
    CHECK(srnn_bol_strokes(bol("Tun"), SRNN_TABLA_MAP_TABLA, k) == 1 && k[0] == SRNN_STROKE_TUN);
    CHECK(srnn_bol_strokes(SRNN_BOL_REST, SRNN_TABLA_MAP_TABLA, k) == 0);
    CHECK(srnn_bol_strokes(bol("Dha"), SRNN_TABLA_MAP_GM, k) == 2 && k[0] == 60 && k[1] == 41);
    for (int b = 1; b < srnn_bol_count(); b++)
        CHECK_MSG(srnn_bol_strokes(b, SRNN_TABLA_MAP_TABLA, k) >= 1, "%s", srnn_bol_name(b));

    srnn_error err;
    srnn_tabla *t = parse("taal: dadra\ntempo: 120\nDha DhaGe TiRaKiTa | Na - Ta\n", &err);
    srnn_piece *p = NULL;
    CHECK(t && srnn_tabla_to_piece(t, SRNN_TABLA_MAP_TABLA, &p, &err) == SRNN_OK);
    if (p) {
        /* Dha (2 strokes) at 0, Dha 1, Ge 1.5, Ti 2, Ra 2.25, Ki 2.5, Ta 2.75, Na 3, Ta 5. */
        static const double on[] = {0, 0, 1, 1, 1.5, 2, 2.25, 2.5, 2.75, 3, 5};
        static const int key[] = {SRNN_STROKE_GE, SRNN_STROKE_NA, SRNN_STROKE_GE, SRNN_STROKE_NA,
                                  SRNN_STROKE_GE, SRNN_STROKE_TE, SRNN_STROKE_RE, SRNN_STROKE_KE,
                                  SRNN_STROKE_NA, SRNN_STROKE_NA, SRNN_STROKE_NA};
        CHECK(srnn_piece_note_count(p) == 11);
        const srnn_note *n = srnn_piece_notes(p);
        for (size_t i = 0; i < 11 && i < srnn_piece_note_count(p); i++) {
            CHECK_NEAR(n[i].onset, on[i], 1e-9);
            CHECK_MSG(n[i].pitch == key[i], "note %zu key %d", i, n[i].pitch);
            CHECK(n[i].channel == 9);
        }
        /* Na at 2.75 rings until the Na at 3; sam loudest. */
        CHECK_NEAR(n[8].duration, 0.25, 1e-9);
        CHECK(n[1].velocity > n[3].velocity && n[3].velocity > n[4].velocity);
        CHECK_NEAR(srnn_piece_initial_bpm(p), 120, 1e-6);
        CHECK_NEAR(srnn_piece_beat_to_seconds(p, 3), 1.5, 1e-9);
    }
    srnn_piece_free(p);
    srnn_tabla_free(t);
}

static void test_tokens(void)
{
    srnn_vocab *v = NULL;
    srnn_error err;
    CHECK(srnn_tabla_vocab_new(&v, &err) == SRNN_OK);
    if (!v)
        return;
    srnn_tabla *t = parse("taal: keherwa\nform: theka\ntempo: 104\n"
                          "Dha Ge Na Ti | Na Ka DhiNa -\n", &err);
    int32_t *toks = NULL;
    size_t n = 0;
    CHECK(t && srnn_tabla_encode(v, t, &toks, &n, &err) == SRNN_OK);
    const char *want = "<start> taal:keherwa form:theka bpm:100 Dha / Ge / Na / Ti | Na / Ka / "
                       "Dhi Na / - || <end>";
    char got[512] = "";
    for (size_t i = 0; i < n; i++) {
        strcat(got, srnn_vocab_token(v, toks[i]));
        if (i + 1 < n)
            strcat(got, " ");
    }
    CHECK_MSG(strcmp(got, want) == 0, "%s", got);
    srnn_tabla *u = NULL;
    CHECK(srnn_tabla_decode(v, toks, n, &u, &err) == SRNN_OK);
    CHECK(u && srnn_tabla_beat_count(u) == 8 && strcmp(beat_str(u, 6), "DhiNa") == 0 &&
          srnn_tabla_taal(u) == srnn_taal_find("keherwa") && srnn_tabla_tempo(u) == 100);
    srnn_tabla_free(u);
    /* Any sequence decodes: no header, empty beats, a trailing beat without its end. */
    int32_t odd[] = {srnn_vocab_lookup(v, "/"), srnn_vocab_lookup(v, "Dha"),
                     srnn_vocab_lookup(v, "|"), srnn_vocab_lookup(v, "|"),
                     srnn_vocab_lookup(v, "form:tihai"), srnn_vocab_lookup(v, "Ge")};
    CHECK(srnn_tabla_decode(v, odd, 6, &u, &err) == SRNN_OK);
    CHECK(u && srnn_tabla_beat_count(u) == 2 && srnn_tabla_taal(u) == srnn_taal_find("teentaal"));
    srnn_tabla_free(u);
    int32_t outside[] = {9999};
    CHECK(srnn_tabla_decode(v, outside, 1, &u, &err) == SRNN_EINPUT);
    free(toks);
    srnn_tabla_free(t);
    srnn_vocab_free(v);
}

/* The grammar with a random "model": every cycle whole, endings where the form wants them. */
static void test_grammar(void)
{
    srnn_vocab *v = NULL;
    srnn_error err;
    if (srnn_tabla_vocab_new(&v, &err) != SRNN_OK)
        return;
    int V = srnn_vocab_size(v);
    uint8_t *mask = malloc((size_t)V);
    int32_t *seq = malloc(8192 * sizeof *seq);
    uint64_t s = 12345;
    int runs = 0, sam_runs = 0;
    for (int run = 0; run < 400; run++) {
        const srnn_taal *taal = srnn_taal_at(run % srnn_taal_count());
        int cycles = run % 3 == 0 ? 0 : 1 + run % 4;
        /* every few runs a budget barely above the minimum */
        size_t budget = run % 5 == 4 ? (size_t)(cycles ? cycles : 1) * (size_t)taal->beats * 2 + 8
                                     : srnn_tabla_gen_budget(taal, cycles ? cycles : 3);
        srnn_tabla_gen *g = NULL;
        if (srnn_tabla_gen_new(v, taal, cycles, 3, budget, &g, &err) != SRNN_OK)
            break;
        size_t len = 0;
        seq[len++] = srnn_vocab_start_id(v);
        size_t sampled = 0;
        while (sampled < budget && len < 8192) {
            memset(mask, 1, (size_t)V);
            mask[srnn_vocab_start_id(v)] = 0;
            srnn_tabla_gen_mask(g, seq, len, mask);
            int allowed[256], na = 0;
            for (int i = 0; i < V; i++)
                if (mask[i])
                    allowed[na++] = i;
            if (na == 0)
                break;
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            /* favour the end token a little, as a trained model would now and then */
            int tok = allowed[(s >> 33) % (uint64_t)na];
            for (int i = 0; i < na; i++)
                if (allowed[i] == srnn_vocab_end_id(v) && (s >> 20) % 4 == 0)
                    tok = allowed[i];
            seq[len++] = tok;
            sampled++;
            if (tok == srnn_vocab_end_id(v))
                break;
        }
        CHECK_MSG(seq[len - 1] == srnn_vocab_end_id(v), "run %d did not end (%zu tokens)", run,
                  sampled);
        srnn_tabla *t = NULL;
        CHECK(srnn_tabla_decode(v, seq, len, &t, &err) == SRNN_OK);
        if (t) {
            size_t nb = srnn_tabla_beat_count(t), C = (size_t)taal->beats;
            int sam = srnn_tabla_form_ends_on_sam(srnn_tabla_form_of(t));
            CHECK(srnn_tabla_taal(t) == taal);
            CHECK_MSG(nb % C == (size_t)sam && nb >= C + (size_t)sam, "run %d: %zu beats of %zu",
                      run, nb, C);
            if (sam && nb > 0)
                CHECK_MSG(strcmp(beat_str(t, nb - 1), "Dha") == 0, "run %d lands on %s", run,
                          beat_str(t, nb - 1));
            if (cycles)
                CHECK_MSG(nb / C == (size_t)cycles, "run %d: %zu cycles, %d asked", run, nb / C,
                          cycles);
            else
                CHECK(nb / C <= 3);
            /* and the text written reads back under the same rules */
            char *text = NULL;
            srnn_tabla *u = NULL;
            CHECK(srnn_tabla_write(t, &text, &err) == SRNN_OK);
            CHECK_MSG(text && srnn_tabla_parse(text, strlen(text), &u, &err) == SRNN_OK,
                      "run %d: %d:%d %s", run, err.line, err.col, err.msg);
            srnn_tabla_free(u);
            free(text);
            runs++;
            sam_runs += sam;
        }
        srnn_tabla_free(t);
        srnn_tabla_gen_free(g);
    }
    CHECK(runs == 400 && sam_runs > 20);
    free(mask);
    free(seq);
    srnn_vocab_free(v);
}

/* Damaged text never crashes the reader; whatever it accepts, the writer writes and the
 * reader accepts again with the same beats. */
static void test_mutations(void)
{
    const char *base = "title: m\ntaal: teentaal\nform: tihai\ntempo: 80\n"
                       "Dha- Dhin- DhaTi TaDha | GeNa DhaDha TiTa DhaGe | (Dha Ge) -Dha TiRaKiTa "
                       "Dha | Ti Ta Dha -\nX 2 0 3\nDha\n";
    size_t bl = strlen(base);
    char buf[512];
    uint64_t s = 99;
    int accepted = 0;
    for (int it = 0; it < 20000; it++) {
        memcpy(buf, base, bl);
        size_t len = bl;
        int edits = 1 + it % 4;
        for (int e = 0; e < edits; e++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t at = (size_t)(s >> 33) % len;
            unsigned char c = (unsigned char)(s >> 13);
            static const char pick[] = "|()-#:\n X0DhaGeTiNa";
            if ((s >> 8) % 3 == 0)
                c = (unsigned char)pick[(s >> 40) % (sizeof pick - 1)];
            switch ((s >> 4) % 3) {
            case 0: buf[at] = (char)c; break;
            case 1:
                if (len + 1 < sizeof buf) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = (char)c;
                    len++;
                }
                break;
            default:
                memmove(buf + at, buf + at + 1, len - at - 1);
                len--;
            }
        }
        srnn_tabla *t = NULL, *u = NULL;
        srnn_error err = {0};
        if (srnn_tabla_parse(buf, len, &t, &err) != SRNN_OK) {
            CHECK_MSG(t == NULL && err.msg[0] && err.line >= 1, "%d: %s", err.line, err.msg);
            continue;
        }
        accepted++;
        char *text = NULL;
        CHECK(srnn_tabla_write(t, &text, &err) == SRNN_OK);
        CHECK_MSG(text && srnn_tabla_parse(text, strlen(text), &u, &err) == SRNN_OK,
                  "rewritten text refused: %s\n%s", err.msg, text ? text : "");
        CHECK(u && srnn_tabla_beat_count(u) == srnn_tabla_beat_count(t));
        free(text);
        srnn_tabla_free(u);
        srnn_tabla_free(t);
    }
    CHECK(accepted > 100);
}

int main(void)
{
    test_mutations();
    test_bols();
    test_taals();
    test_parse();
    test_write();
    test_strokes();
    test_tokens();
    test_grammar();
    return check_finish("test_tabla");
}
