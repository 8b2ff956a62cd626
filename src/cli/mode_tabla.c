/* Tabla mode on the command line: .bol compositions in, bol tokens, .bol text aligned to the
 * taal or channel-10 strokes out; generation kept in the taal's cycle. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_render.h"
#include "mode.h"
#include "songrnn/model.h"
#include "songrnn/sample.h"
#include "songrnn/tabla.h"

static const char *const BOL_EXTS[] = {"bol", NULL};

#define MAX_CYCLES_DEFAULT 8 /* generated without --cycles: the model ends it, by then at most */

static int read_tabla(const char *path, srnn_tabla **out, char **text, size_t *len)
{
    unsigned char *data = NULL;
    size_t n = 0;
    srnn_error err = {0};
    if (srnn_file_read_all(path, &data, &n, &err) != SRNN_OK) {
        cli_report(path, &err);
        return -1;
    }
    if (srnn_tabla_parse((const char *)data, n, out, &err) != SRNN_OK) {
        cli_report(path, &err);
        free(data);
        return -1;
    }
    if (text) {
        *text = (char *)data;
        *len = n;
    } else {
        free(data);
    }
    return 0;
}

static int tabla_load(const char *path, const srnn_opts *o, cli_docs *docs)
{
    (void)o;
    srnn_tabla *t = NULL;
    char *text = NULL;
    size_t len = 0;
    if (read_tabla(path, &t, &text, &len) != 0)
        return -1;
    srnn_tabla_free(t);
    int rc = cli_docs_push(docs, path, NULL, text, len);
    free(text);
    if (rc != 0) {
        cli_fail(path, "out of memory");
        return -1;
    }
    return 0;
}

static int tabla_build_vocab(const cli_docs *docs, const srnn_opts *o, srnn_vocab **out)
{
    srnn_error err = {0};
    if (srnn_tabla_vocab_new(out, &err) != SRNN_OK) {
        cli_report("vocabulary", &err);
        return -1;
    }
    if (!o->quiet) {
        size_t beats = 0, syl = 0, cycles = 0;
        for (size_t i = 0; i < docs->n; i++) {
            srnn_tabla *t = NULL;
            if (srnn_tabla_parse(docs->d[i].text, docs->d[i].len, &t, &err) != SRNN_OK)
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
        fprintf(stderr, "songrnn: %zu compositions, %zu cycles, %zu beats, %zu bols; vocabulary "
                "%d tokens; %zu tokens\n", docs->n, cycles, beats, syl, srnn_vocab_size(*out),
                syl + beats + 5 * docs->n);
    }
    return 0;
}

static int tabla_encode(const srnn_vocab *v, const cli_doc *doc, int32_t **toks, size_t *n,
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

static srnn_tabla_map map_of(const srnn_opts *o)
{
    return o->tabla_map && strcmp(o->tabla_map, "gm") == 0 ? SRNN_TABLA_MAP_GM
                                                           : SRNN_TABLA_MAP_TABLA;
}

static int tabla_to_piece(const srnn_vocab *v, const int32_t *toks, size_t n, const srnn_opts *o,
                          srnn_piece **out, srnn_error *err)
{
    srnn_tabla *t = NULL;
    int rc = srnn_tabla_decode(v, toks, n, &t, err);
    if (rc != SRNN_OK)
        return rc;
    rc = srnn_tabla_to_piece(t, map_of(o), out, err);
    srnn_tabla_free(t);
    return rc;
}

static int tabla_doc_piece(cli_doc *doc, const srnn_opts *o, srnn_piece **out)
{
    srnn_tabla *t = NULL;
    srnn_error err = {0};
    int rc = srnn_tabla_parse(doc->text, doc->len, &t, &err);
    if (rc == SRNN_OK)
        rc = srnn_tabla_to_piece(t, map_of(o), out, &err);
    srnn_tabla_free(t);
    if (rc != SRNN_OK) {
        cli_report(doc->label, &err);
        return -1;
    }
    return 0;
}

int cli_tabla_sound_load(const char *path, const srnn_opts *o, srnn_piece **out)
{
    srnn_tabla *t = NULL;
    if (read_tabla(path, &t, NULL, NULL) != 0)
        return 1;
    srnn_error err = {0};
    int rc = srnn_tabla_to_piece(t, map_of(o), out, &err);
    srnn_tabla_free(t);
    if (rc != SRNN_OK) {
        cli_report(path, &err);
        return 1;
    }
    return 0;
}

/* soundfonts/tabla.sf2: next to the binary (build/ inside the source tree, or installed under
 * share/songrnn), else the source tree this binary was built from. */
const char *cli_tabla_soundfont(const srnn_opts *o)
{
    static char found[PATH_MAX + 64];
    if (o->soundfont)
        return o->soundfont;
    if (map_of(o) == SRNN_TABLA_MAP_GM)
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

int cli_tabla_is_model(const char *path)
{
    unsigned char magic[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int is = fread(magic, 1, 8, f) == 8 && memcmp(magic, "\x89songrnn", 8) == 0;
    fclose(f);
    srnn_model *m = NULL;
    srnn_error err = {0};
    if (!is || srnn_model_load(path, &m, &err) != SRNN_OK)
        return 0;
    is = srnn_model_mode(m) == SRNN_MODE_TABLA;
    srnn_model_free(m);
    return is;
}

static const srnn_taal *option_taal(const srnn_opts *o)
{
    return o->taal ? srnn_taal_find(o->taal) : srnn_taal_find("teentaal");
}

static int tabla_gen_primer(const srnn_vocab *v, const srnn_opts *o, int32_t **toks, size_t *n)
{
    const srnn_taal *t = option_taal(o);
    char name[64];
    snprintf(name, sizeof name, "taal:%s", t ? t->name : "teentaal");
    int id = srnn_vocab_lookup(v, name);
    *toks = malloc(2 * sizeof **toks);
    if (!*toks) {
        cli_fail("generate", "out of memory");
        return -1;
    }
    (*toks)[0] = srnn_vocab_start_id(v);
    *n = 1;
    if (id >= 0)
        (*toks)[(*n)++] = id;
    return 0;
}

static int constrain(const int32_t *seq, size_t len, uint8_t *mask, void *ud)
{
    return srnn_tabla_gen_mask(ud, seq, len, mask);
}

static int tabla_gen_begin(const srnn_vocab *v, const srnn_opts *o,
                           struct srnn_generate_opts *go, void **state)
{
    *state = NULL;
    const srnn_taal *t = option_taal(o);
    if (!t) {
        fprintf(stderr, "songrnn: --taal %s: unknown taal (teentaal, jhaptaal, ektaal, rupak, "
                "keherwa, dadra, jhoomra, dhamar)\n", o->taal);
        return 2;
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
        fprintf(stderr, "songrnn: --cycles %d: too many\n", o->cycles);
        return 2;
    }
    srnn_tabla_gen *g = NULL;
    srnn_error err = {0};
    if (srnn_tabla_gen_new(v, o->prime ? NULL : t, cycles, MAX_CYCLES_DEFAULT, budget, &g,
                           &err) != SRNN_OK) {
        cli_report("generate", &err);
        return 1;
    }
    go->length = (int)budget;
    go->constrain = constrain;
    go->constrain_ud = g;
    *state = g;
    return 0;
}

static void tabla_gen_end(void *state) { srnn_tabla_gen_free(state); }

const cli_mode CLI_MODE_TABLA = {
    .mode = SRNN_MODE_TABLA,
    .name = "tabla",
    .in_exts = BOL_EXTS,
    .text_ext = "bol",
    .what = "tabla composition",
    .default_length = 1200,
    .load = tabla_load,
    .build_vocab = tabla_build_vocab,
    .encode = tabla_encode,
    .to_text = tabla_to_text,
    .to_piece = tabla_to_piece,
    .doc_piece = tabla_doc_piece,
    .prime_text = NULL,
    .gen_primer = tabla_gen_primer,
    .gen_begin = tabla_gen_begin,
    .gen_end = tabla_gen_end,
    .soundfont = cli_tabla_soundfont,
};
