/* Tabla mode: .bol compositions in, bol tokens, .bol text aligned to the taal or channel-10
 * strokes out; generation kept in the taal's cycle. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mode_internal.h"
#include "songrnn/sample.h"
#include "songrnn/tabla.h"

static const char *const BOL_EXTS[] = {"bol", NULL};

#define MAX_CYCLES_DEFAULT 8 /* generated without --cycles: the model ends it, by then at most */

/* A .bol file parsed; its text kept in *text when asked. */
static int read_tabla(const char *path, srnn_tabla **out, char **text, size_t *len,
                      srnn_mode_error *err)
{
    unsigned char *data = NULL;
    size_t n = 0;
    srnn_error e = {0};
    int rc = srnn_file_read_all(path, &data, &n, &e);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, path, rc, &e);
    if ((rc = srnn_tabla_parse((const char *)data, n, out, &e)) != SRNN_OK) {
        free(data);
        return srnn_mode_fail_with(err, path, srnn_mode_not_usage(rc), &e);
    }
    if (text) {
        *text = (char *)data;
        *len = n;
    } else {
        free(data);
    }
    return SRNN_OK;
}

static int tabla_load(const char *path, const srnn_mode_opts *o, srnn_docs *docs,
                      srnn_mode_error *err)
{
    (void)o;
    srnn_tabla *t = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = read_tabla(path, &t, &text, &len, err);
    if (rc != SRNN_OK)
        return rc;
    srnn_tabla_free(t);
    rc = srnn_mode_docs_add(docs, path, NULL, text, len);
    free(text);
    if (rc != 0)
        return srnn_mode_fail(err, path, SRNN_ENOMEM, "out of memory");
    return SRNN_OK;
}

static int tabla_build_vocab(const srnn_docs *docs, const srnn_mode_opts *o, srnn_vocab **out,
                             srnn_docs_stats *st, srnn_mode_error *err)
{
    (void)o;
    srnn_error e = {0};
    int rc = srnn_tabla_vocab_new(out, &e);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, "vocabulary", rc, &e);
    size_t beats = 0, syl = 0, cycles = 0;
    for (size_t i = 0; i < docs->n; i++) {
        srnn_tabla *t = NULL;
        if (srnn_tabla_parse(docs->d[i].text, docs->d[i].len, &t, &e) != SRNN_OK)
            continue;
        size_t nb = srnn_tabla_beat_count(t);
        beats += nb;
        cycles += nb / (size_t)srnn_tabla_taal(t)->beats;
        for (size_t b = 0; b < nb; b++) {
            int k;
            (void)srnn_tabla_beat(t, b, &k);
            syl += (size_t)k;
        }
        srnn_tabla_free(t);
    }
    st->cycles = cycles;
    st->beats = beats;
    st->bols = syl;
    st->tokens = syl + beats + 5 * docs->n;
    return SRNN_OK;
}

static int tabla_encode(const srnn_vocab *v, const srnn_doc *doc, int32_t **toks, size_t *n,
                        srnn_error *err)
{
    srnn_tabla *t = NULL;
    int rc = srnn_tabla_parse(doc->text, doc->len, &t, err);
    if (rc != SRNN_OK)
        return rc;
    rc = srnn_tabla_encode(v, t, toks, n, err);
    srnn_tabla_free(t);
    return rc;
}

static int tabla_to_text(const srnn_vocab *v, const int32_t *toks, size_t n, char **text,
                         srnn_error *err)
{
    srnn_tabla *t = NULL;
    int rc = srnn_tabla_decode(v, toks, n, &t, err);
    if (rc != SRNN_OK)
        return rc;
    if (srnn_tabla_beat_count(t) == 0) {
        srnn_tabla_free(t);
        return srnn_error_set(err, SRNN_EINPUT, "the model generated no bols");
    }
    rc = srnn_tabla_write(t, text, err);
    srnn_tabla_free(t);
    return rc;
}

static int tabla_to_piece(const srnn_vocab *v, const int32_t *toks, size_t n,
                          const srnn_mode_opts *o, srnn_piece **out, srnn_error *err)
{
    srnn_tabla *t = NULL;
    int rc = srnn_tabla_decode(v, toks, n, &t, err);
    if (rc != SRNN_OK)
        return rc;
    rc = srnn_tabla_to_piece(t, o->tabla_map, out, err);
    srnn_tabla_free(t);
    return rc;
}

static int tabla_doc_piece(srnn_doc *doc, const srnn_mode_opts *o, srnn_piece **out,
                           srnn_error *err)
{
    srnn_tabla *t = NULL;
    int rc = srnn_tabla_parse(doc->text, doc->len, &t, err);
    if (rc == SRNN_OK)
        rc = srnn_tabla_to_piece(t, o->tabla_map, out, err);
    srnn_tabla_free(t);
    return rc;
}

/* A .bol file as strokes on channel 10. */
static int tabla_read_piece(const char *path, const srnn_mode_opts *o, srnn_piece **out,
                            srnn_mode_error *err)
{
    srnn_tabla *t = NULL;
    int rc = read_tabla(path, &t, NULL, NULL, err);
    if (rc != SRNN_OK)
        return rc;
    srnn_error e = {0};
    rc = srnn_tabla_to_piece(t, o->tabla_map, out, &e);
    srnn_tabla_free(t);
    return rc == SRNN_OK ? SRNN_OK : srnn_mode_fail_with(err, path, srnn_mode_not_usage(rc), &e);
}

/* soundfonts/tabla.sf2: next to the binary (build/ inside the source tree, or installed under
 * share/songrnn), else the source tree this library was built from. */
static const char *tabla_soundfont(const srnn_mode_opts *o)
{
    static char found[PATH_MAX + 64];
    if (o->soundfont)
        return o->soundfont;
    if (o->tabla_map == SRNN_TABLA_MAP_GM)
        return NULL;
    char exe[PATH_MAX];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (l > 0) {
        exe[l] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        static const char *const REL[] = {"/soundfonts/tabla.sf2", "/../soundfonts/tabla.sf2",
                                          "/../share/songrnn/tabla.sf2"};
        for (size_t i = 0; i < sizeof REL / sizeof REL[0]; i++) {
            snprintf(found, sizeof found, "%s%s", exe, REL[i]);
            if (access(found, R_OK) == 0)
                return found;
        }
    }
#ifdef SRNN_TABLA_SF2
    return SRNN_TABLA_SF2;
#else
    return "soundfonts/tabla.sf2";
#endif
}

static const srnn_taal *option_taal(const srnn_mode_opts *o)
{
    return o->taal ? srnn_taal_find(o->taal) : srnn_taal_find("teentaal");
}

static int tabla_gen_primer(const srnn_vocab *v, const srnn_mode_opts *o, int32_t **toks,
                            size_t *n, srnn_mode_error *err)
{
    const srnn_taal *t = option_taal(o);
    char name[64];
    snprintf(name, sizeof name, "taal:%s", t ? t->name : "teentaal");
    int id = srnn_vocab_lookup(v, name);
    *toks = malloc(2 * sizeof **toks);
    if (!*toks)
        return srnn_mode_fail(err, "generate", SRNN_ENOMEM, "out of memory");
    (*toks)[0] = srnn_vocab_start_id(v);
    *n = 1;
    if (id >= 0)
        (*toks)[(*n)++] = id;
    return SRNN_OK;
}

static int constrain(const int32_t *seq, size_t len, uint8_t *mask, void *ud)
{
    return srnn_tabla_gen_mask(ud, seq, len, mask);
}

static int tabla_gen_begin(const srnn_vocab *v, const srnn_mode_opts *o,
                           struct srnn_generate_opts *go, void **state, srnn_mode_error *err)
{
    *state = NULL;
    const srnn_taal *t = option_taal(o);
    if (!t) {
        char label[SRNN_MODE_LABEL_MAX];
        snprintf(label, sizeof label, "--taal %s", o->taal);
        return srnn_mode_fail(err, label, SRNN_EARG, "unknown taal (teentaal, jhaptaal, "
                              "ektaal, rupak, keherwa, dadra, jhoomra, dhamar)");
    }
    /* Room for the cycles asked (or the most the model may take) at up to 8 bols a beat;
     * a smaller --length is honoured by fewer bols a beat, never a broken cycle. */
    int cycles = o->cycles > 0 ? o->cycles : 0;
    size_t budget = srnn_tabla_gen_budget(t, cycles ? cycles : MAX_CYCLES_DEFAULT);
    if (o->length > 0) {
        size_t least = (size_t)(cycles ? cycles : 1) * (size_t)t->beats * 2 + 8;
        budget = (size_t)o->length > least ? (size_t)o->length : least;
    }
    if (budget > (size_t)INT_MAX / 2) {
        char label[32];
        snprintf(label, sizeof label, "--cycles %d", o->cycles);
        return srnn_mode_fail(err, label, SRNN_EARG, "too many");
    }
    srnn_tabla_gen *g = NULL;
    srnn_error e = {0};
    int rc = srnn_tabla_gen_new(v, o->prime ? NULL : t, cycles, MAX_CYCLES_DEFAULT, budget, &g,
                                &e);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, "generate", srnn_mode_not_usage(rc), &e);
    go->length = (int)budget;
    go->constrain = constrain;
    go->constrain_ud = g;
    *state = g;
    return SRNN_OK;
}

static void tabla_gen_end(void *state) { srnn_tabla_gen_free(state); }

static const srnn_mode_hooks TABLA_HOOKS = {
    .load = tabla_load,
    .build_vocab = tabla_build_vocab,
    .encode = tabla_encode,
    .to_text = tabla_to_text,
    .to_piece = tabla_to_piece,
    .doc_piece = tabla_doc_piece,
    .read_piece = tabla_read_piece,
    .gen_primer = tabla_gen_primer,
    .gen_begin = tabla_gen_begin,
    .gen_end = tabla_gen_end,
    .soundfont = tabla_soundfont,
};

const srnn_mode_def SRNN_MODE_DEF_TABLA = {
    .mode = SRNN_MODE_TABLA,
    .name = "tabla",
    .in_exts = BOL_EXTS,
    .text_ext = "bol",
    .what = "tabla composition",
    .default_length = 1200,
    .has_prime_text = 0,
    .hooks = &TABLA_HOOKS,
};
