/* The mode table, documents, output writing and primers shared by every mode. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mode_internal.h"
#include "songrnn/midi.h"
#include "songrnn/model.h"
#include "songrnn/rng.h"
#include "songrnn/sample.h"
#include "songrnn/synth.h"

static const srnn_mode_def *const MODES[] = {
    &SRNN_MODE_DEF_NOTES,
#if SRNN_MODE_HAVE_ABC
    &SRNN_MODE_DEF_ABC,
#endif
#if SRNN_MODE_HAVE_TABLA
    &SRNN_MODE_DEF_TABLA,
#endif
};
#define N_MODES (sizeof MODES / sizeof MODES[0])

/* ---- errors, reports, options ---------------------------------------------------------- */

static void set_label(srnn_mode_error *err, const char *label)
{
    snprintf(err->label, sizeof err->label, "%s", label ? label : "");
}

int srnn_mode_fail(srnn_mode_error *err, const char *label, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    memset(&err->err, 0, sizeof err->err);
    err->reported = 0;
    set_label(err, label);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->err.msg, sizeof err->err.msg, fmt, ap);
    va_end(ap);
    return code;
}

int srnn_mode_fail_with(srnn_mode_error *err, const char *label, int code, const srnn_error *e)
{
    if (!err)
        return code;
    set_label(err, label);
    if (e)
        err->err = *e;
    else
        memset(&err->err, 0, sizeof err->err);
    err->reported = 0;
    return code;
}

void srnn_mode_report(const srnn_mode_opts *o, const char *label, const srnn_error *e)
{
    if (o && o->report)
        o->report(o->report_ud, label, e);
}

void srnn_mode_reportf(const srnn_mode_opts *o, const char *label, const char *fmt, ...)
{
    if (!o || !o->report)
        return;
    srnn_error e = {0};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    va_end(ap);
    o->report(o->report_ud, label, &e);
}

void srnn_mode_opts_defaults(srnn_mode_opts *o)
{
    memset(o, 0, sizeof *o);
    o->grid = 12;
    o->tabla_map = SRNN_TABLA_MAP_TABLA;
    o->program = -1;
    o->key_prior = SRNN_KEY_PRIOR_DEFAULT;
    o->repeat_prior = SRNN_REPEAT_PRIOR_DEFAULT;
}

/* ---- the table ----------------------------------------------------------------------- */

const srnn_mode_def *srnn_modes_get(srnn_mode mode)
{
    for (size_t i = 0; i < N_MODES; i++)
        if (MODES[i]->mode == mode)
            return MODES[i];
    return NULL;
}

const srnn_mode_def *srnn_modes_by_name(const char *name)
{
    for (size_t i = 0; name && i < N_MODES; i++)
        if (strcmp(MODES[i]->name, name) == 0)
            return MODES[i];
    return NULL;
}

const srnn_mode_def *const *srnn_modes_all(size_t *n)
{
    *n = N_MODES;
    return MODES;
}

const srnn_mode_def *srnn_modes_by_extension(const char *path)
{
    char ext[16];
    srnn_mode_extension(path, ext);
    for (size_t i = 0; i < N_MODES; i++)
        if (srnn_mode_ext_in(ext, MODES[i]->in_exts))
            return MODES[i];
    return NULL;
}

const srnn_mode_def *srnn_modes_of_model(const char *path)
{
    unsigned char magic[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    int is = fread(magic, 1, 8, f) == 8 && memcmp(magic, "\x89songrnn", 8) == 0;
    fclose(f);
    srnn_model *m = NULL;
    srnn_error err = {0};
    if (!is || srnn_model_load(path, &m, &err) != SRNN_OK)
        return NULL;
    const srnn_mode_def *def = srnn_modes_get((srnn_mode)srnn_model_mode(m));
    srnn_model_free(m);
    return def;
}

const srnn_mode_def *srnn_modes_guess(const char *const *paths, int n_paths,
                                      const srnn_mode_opts *o)
{
    /* Count the inputs of each mode; the mode most of them belong to wins.  Quietly: the
     * folder that cannot be opened is said once, when the chosen mode reads the inputs, not
     * once a mode here. */
    srnn_mode_opts quiet;
    if (o) {
        quiet = *o;
        quiet.report = NULL;
        o = &quiet;
    }
    size_t count[N_MODES] = {0};
    char ext[16];
    for (size_t i = 0; i < N_MODES; i++) {
        srnn_mode_files f = {0};
        for (int a = 0; a < n_paths; a++) {
            struct stat st;
            if (stat(paths[a], &st) == 0 && S_ISDIR(st.st_mode)) {
                const char *const one[] = {paths[a]};
                srnn_mode_error err;
                (void)srnn_mode_files_gather(&f, one, 1, MODES[i]->in_exts, o, &err);
            } else if (srnn_mode_ext_in(srnn_mode_extension(paths[a], ext), MODES[i]->in_exts)) {
                count[i]++;
            }
        }
        count[i] += f.n;
        srnn_mode_files_free(&f);
    }
    size_t best = 0;
    for (size_t i = 1; i < N_MODES; i++)
        if (count[i] > count[best])
            best = i;
    /* Nothing recognizable: the default mode, which says what it looked for. */
    return count[best] == 0 ? &SRNN_MODE_DEF_NOTES : MODES[best];
}

void srnn_modes_count(const char *const *paths, int n_paths, size_t counts[3])
{
    srnn_mode_opts quiet;
    srnn_mode_opts_defaults(&quiet); /* no report callback: nothing printed */
    char ext[16];
    for (int k = 0; k < 3; k++)
        counts[k] = 0;
    for (size_t i = 0; i < N_MODES; i++) {
        srnn_mode_files f = {0};
        size_t c = 0;
        for (int a = 0; a < n_paths; a++) {
            struct stat st;
            if (stat(paths[a], &st) == 0 && S_ISDIR(st.st_mode)) {
                const char *const one[] = {paths[a]};
                srnn_mode_error err;
                (void)srnn_mode_files_gather(&f, one, 1, MODES[i]->in_exts, &quiet, &err);
            } else if (srnn_mode_ext_in(srnn_mode_extension(paths[a], ext), MODES[i]->in_exts)) {
                c++;
            }
        }
        if ((unsigned)MODES[i]->mode < 3)
            counts[MODES[i]->mode] = c + f.n;
        srnn_mode_files_free(&f);
    }
}

/* ---- documents ------------------------------------------------------------------------- */

srnn_docs *srnn_docs_new(const srnn_mode_def *m)
{
    srnn_docs *d = m ? calloc(1, sizeof *d) : NULL;
    if (d)
        d->mode = m;
    return d;
}

int srnn_mode_docs_add(srnn_docs *d, const char *label, srnn_piece *piece, const char *text,
                       size_t len)
{
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 64;
        srnn_doc *nd = realloc(d->d, nc * sizeof *nd);
        if (!nd)
            return -1;
        d->d = nd;
        d->cap = nc;
    }
    srnn_doc *doc = &d->d[d->n];
    memset(doc, 0, sizeof *doc);
    doc->label = strdup(label);
    if (text) {
        doc->text = malloc(len + 1);
        if (doc->text) {
            memcpy(doc->text, text, len);
            doc->text[len] = 0;
            doc->len = len;
        }
    }
    if (!doc->label || (text && !doc->text)) {
        free(doc->label);
        free(doc->text);
        return -1;
    }
    doc->piece = piece;
    d->n++;
    return 0;
}

int srnn_docs_push(srnn_docs *docs, const char *label, srnn_piece *piece, const char *text,
                   size_t len, srnn_error *err)
{
    if (!docs || !label) {
        srnn_piece_free(piece);
        return srnn_error_set(err, SRNN_EARG, "no documents or no label");
    }
    int notes = docs->mode->mode == SRNN_MODE_NOTES;
    if (notes ? !piece || text : piece || !text) {
        srnn_piece_free(piece);
        return srnn_error_set(err, SRNN_EARG, "a %s document is %s", docs->mode->name,
                              notes ? "a piece" : "a text");
    }
    if (srnn_mode_docs_add(docs, label, piece, text, len) != 0) {
        srnn_piece_free(piece);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    return SRNN_OK;
}

void srnn_docs_free(srnn_docs *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->d[i].label);
        free(d->d[i].text);
        srnn_piece_free(d->d[i].piece);
    }
    free(d->d);
    free(d);
}

int srnn_docs_load_file(const srnn_mode_def *m, const char *path, const srnn_mode_opts *o,
                        srnn_docs **out, srnn_mode_error *err)
{
    *out = srnn_docs_new(m);
    if (!*out)
        return srnn_mode_fail(err, path, SRNN_ENOMEM, "out of memory");
    int rc = m->hooks->load(path, o, *out, err);
    if (rc != SRNN_OK) {
        srnn_docs_free(*out);
        *out = NULL;
    }
    return rc;
}

int srnn_docs_load(const srnn_mode_def *m, const char *const *paths, int n_paths,
                   const srnn_mode_opts *o, srnn_docs **out, srnn_mode_error *err)
{
    *out = NULL;
    srnn_mode_files files = {0};
    int rc = srnn_mode_files_gather(&files, paths, n_paths, m->in_exts, o, err);
    if (rc != SRNN_OK) {
        srnn_mode_files_free(&files);
        return rc;
    }
    const char *where = n_paths == 1 ? paths[0] : "input";
    if (files.n == 0) {
        char exts[128] = "";
        for (const char *const *e = m->in_exts; *e; e++)
            snprintf(exts + strlen(exts), sizeof exts - strlen(exts), "%s.%s",
                     e == m->in_exts ? "" : ", ", *e);
        srnn_mode_files_free(&files);
        return srnn_mode_fail(err, where, SRNN_EINPUT, "no %ss found (%s)", m->what, exts);
    }
    srnn_docs *docs = srnn_docs_new(m);
    if (!docs) {
        srnn_mode_files_free(&files);
        return srnn_mode_fail(err, where, SRNN_ENOMEM, "out of memory");
    }
    srnn_mode_error ferr;
    docs->n_failed = files.failed;
    /* One file given by name: its own error is the failure, one line (not its reason and then
     * "no readable MIDI file" about the same file).  A folder's files are reported each, then
     * the folder is said to have none readable. */
    int alone = n_paths == 1 && files.n == 1 && strcmp(files.paths[0], paths[0]) == 0;
    int frc = SRNN_OK;
    for (size_t i = 0; i < files.n; i++) {
        if ((frc = m->hooks->load(files.paths[i], o, docs, &ferr)) != SRNN_OK) {
            if (!ferr.reported && !alone)
                srnn_mode_report(o, ferr.label, &ferr.err);
            docs->n_failed++;
        }
    }
    srnn_mode_files_free(&files);
    if (docs->n == 0) {
        srnn_docs_free(docs);
        if (alone) {
            if (err)
                *err = ferr;
            return srnn_mode_not_usage(frc);
        }
        return srnn_mode_fail(err, where, SRNN_EINPUT, "no readable %s", m->what);
    }
    *out = docs;
    return SRNN_OK;
}

const srnn_mode_def *srnn_docs_mode(const srnn_docs *docs) { return docs->mode; }
size_t srnn_docs_count(const srnn_docs *docs) { return docs ? docs->n : 0; }
size_t srnn_docs_failed(const srnn_docs *docs) { return docs ? docs->n_failed : 0; }

const char *srnn_docs_label(const srnn_docs *docs, size_t i)
{
    return docs && i < docs->n ? docs->d[i].label : NULL;
}

const srnn_piece *srnn_docs_piece(const srnn_docs *docs, size_t i)
{
    return docs && i < docs->n ? docs->d[i].piece : NULL;
}

const char *srnn_docs_text(const srnn_docs *docs, size_t i, size_t *len)
{
    if (!docs || i >= docs->n) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = docs->d[i].len;
    return docs->d[i].text;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double srnn_docs_tempo(const srnn_docs *c)
{
    double *t = malloc((c->n ? c->n : 1) * sizeof *t);
    if (!t)
        return 120;
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->d[i].piece)
            t[k++] = srnn_piece_typical_bpm(c->d[i].piece);
    if (k == 0) {
        free(t);
        return 0; /* text modes bring their tempo in each output */
    }
    qsort(t, k, sizeof *t, cmp_double); /* a corpus may hold 100k pieces */
    double m = k % 2 ? t[k / 2] : 0.5 * (t[k / 2 - 1] + t[k / 2]);
    free(t);
    /* A model keeps it, and --tempo's range is what a model file may say. */
    return m < 1 ? 1 : m > 1000 ? 1000 : m;
}

int srnn_docs_build_vocab(const srnn_docs *docs, const srnn_mode_opts *o, srnn_vocab **out,
                          srnn_docs_stats *stats, srnn_mode_error *err)
{
    srnn_docs_stats st;
    memset(&st, 0, sizeof st);
    st.mode = docs->mode->mode;
    st.docs = docs->n;
    *out = NULL;
    int rc = docs->mode->hooks->build_vocab(docs, o, out, &st, err);
    if (rc == SRNN_OK)
        st.vocab_size = srnn_vocab_size(*out);
    if (stats)
        *stats = st;
    return rc;
}

int srnn_docs_encode(const srnn_docs *docs, size_t i, const srnn_vocab *v, int32_t **toks,
                     size_t *n, srnn_error *err)
{
    if (!docs || i >= docs->n)
        return srnn_error_set(err, SRNN_EARG, "no document %zu", i);
    return docs->mode->hooks->encode(v, &docs->d[i], toks, n, err);
}

int srnn_docs_take_piece(srnn_docs *docs, size_t i, const srnn_mode_opts *o, srnn_piece **out,
                         srnn_error *err)
{
    *out = NULL;
    if (!docs || i >= docs->n)
        return srnn_error_set(err, SRNN_EARG, "no document %zu", i);
    srnn_mode_opts dflt;
    if (!o) {
        srnn_mode_opts_defaults(&dflt);
        o = &dflt;
    }
    return docs->mode->hooks->doc_piece(&docs->d[i], o, out, err);
}

int srnn_docs_encode_transposed(const srnn_docs *docs, size_t i, const srnn_vocab *v,
                                int transpose, int32_t **toks, size_t *n, srnn_error *err)
{
    if (!docs || i >= docs->n || !docs->d[i].piece)
        return srnn_error_set(err, SRNN_EARG, "no piece to transpose");
    return srnn_notes_encode_transposed(v, docs->d[i].piece, transpose, toks, n, err);
}

void srnn_docs_transpose_limits(const srnn_docs *docs, size_t i, int max, int *down, int *up)
{
    *down = *up = 0;
    if (docs && i < docs->n && docs->d[i].piece)
        srnn_piece_transpose_limits(docs->d[i].piece, max, down, up);
}

/* ---- tokens to output ------------------------------------------------------------------ */

int srnn_mode_to_text(const srnn_mode_def *m, const srnn_vocab *v, const int32_t *toks,
                      size_t n, char **text, srnn_error *err)
{
    return m->hooks->to_text(v, toks, n, text, err);
}

int srnn_mode_to_piece(const srnn_mode_def *m, const srnn_vocab *v, const int32_t *toks,
                       size_t n, const srnn_mode_opts *o, srnn_piece **out, srnn_error *err)
{
    srnn_mode_opts dflt;
    if (!o) {
        srnn_mode_opts_defaults(&dflt);
        o = &dflt;
    }
    return m->hooks->to_piece(v, toks, n, o, out, err);
}

int srnn_mode_token_strings(const srnn_vocab *v, const int32_t *toks, size_t n, char **text,
                            srnn_error *err)
{
    size_t len = 2;
    for (size_t i = 0; i < n; i++) {
        const char *s = srnn_vocab_token(v, toks[i]);
        len += (s ? strlen(s) : 0) + 1;
    }
    char *buf = malloc(len), *p = buf;
    if (!buf)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *s = srnn_vocab_token(v, toks[i]);
        size_t l = s ? strlen(s) : 0;
        memcpy(p, s, l);
        p += l;
        if (i + 1 < n)
            *p++ = ' ';
    }
    *p++ = '\n';
    *p = 0;
    *text = buf;
    return SRNN_OK;
}

double srnn_mode_output_bpm(const srnn_mode_opts *o)
{
    if (o->tempo > 0)
        return o->tempo;
    return o->corpus_tempo > 0 ? o->corpus_tempo : 120;
}

int srnn_mode_can_write(const srnn_mode_def *m, const char *path)
{
    char e[16];
    const char *ext = srnn_mode_extension(path, e);
    return strcmp(ext, "mid") == 0 || strcmp(ext, "midi") == 0 || strcmp(ext, "wav") == 0 ||
           (m->text_ext && strcmp(ext, m->text_ext) == 0);
}

int srnn_mode_list_pieces(const char *path, const srnn_mode_opts *o, srnn_mode_piece_info **out,
                          size_t *n, srnn_mode_error *err)
{
    *out = NULL;
    *n = 0;
    srnn_mode_opts dflt;
    if (!o) {
        srnn_mode_opts_defaults(&dflt);
        o = &dflt;
    }
    const srnn_mode_def *m = srnn_modes_by_extension(path);
    if (m && m->hooks->list_pieces)
        return m->hooks->list_pieces(path, o, out, n, err);
    *out = calloc(1, sizeof **out);
    if (!*out)
        return srnn_mode_fail(err, path, SRNN_ENOMEM, "out of memory");
    (*out)->x = -1;
    *n = 1;
    return SRNN_OK;
}

const char *srnn_mode_soundfont(const srnn_mode_def *m, const srnn_mode_opts *o)
{
    return o->soundfont || !m || !m->hooks->soundfont ? o->soundfont : m->hooks->soundfont(o);
}

const char *srnn_mode_soundfont_for(const char *path, const srnn_mode_opts *o)
{
    if (o->soundfont)
        return o->soundfont;
    const srnn_mode_def *m = srnn_modes_by_extension(path);
    if (m && m->hooks->soundfont)
        return m->hooks->soundfont(o);
    /* A model file, whatever its name, plays with its mode's font; worth reading only when
     * some mode has a font of its own. */
    int any = 0;
    for (size_t i = 0; i < N_MODES; i++)
        any |= MODES[i]->hooks->soundfont != NULL;
    if (!any)
        return NULL;
    m = srnn_modes_of_model(path);
    return m ? srnn_mode_soundfont(m, o) : NULL;
}

int srnn_mode_write(const srnn_mode_def *m, const srnn_vocab *v, const srnn_mode_opts *o,
                    const char *path, const int32_t *toks, size_t n, srnn_mode_error *err)
{
    srnn_error e = {0};
    char ebuf[16];
    const char *ext = srnn_mode_extension(path, ebuf);
    if (m->text_ext && strcmp(ext, m->text_ext) == 0) {
        char *s = NULL;
        int rc = m->hooks->to_text(v, toks, n, &s, &e);
        if (rc != SRNN_OK)
            return srnn_mode_fail_with(err, path, rc, &e);
        rc = srnn_file_write_atomic(path, s, strlen(s), &e);
        free(s);
        return rc == SRNN_OK ? SRNN_OK : srnn_mode_fail_with(err, path, rc, &e);
    }

    srnn_piece *p = NULL;
    int rc = m->hooks->to_piece(v, toks, n, o, &p, &e);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, path, rc, &e);
    /* A piece that brings its tempo (an ABC Q: field) keeps it unless o->tempo says otherwise. */
    double bpm = o->tempo > 0 || srnn_piece_tempo_count(p) == 0 ? srnn_mode_output_bpm(o) : 0;
    if (strcmp(ext, "wav") == 0) {
        srnn_synth_events_opts eo = {.bpm = bpm, .program = o->program};
        srnn_synth_event *ev = NULL;
        size_t nev = 0;
        double end = 0;
        srnn_render_opts ro;
        srnn_render_opts_init(&ro);
        ro.soundfont = srnn_mode_soundfont(m, o);
        ro.verbose = o->verbose;
        if ((rc = srnn_synth_events_from_piece(p, &eo, &ev, &nev, &end, &e)) != SRNN_OK ||
            (rc = srnn_synth_render_wav(ev, nev, end, &ro, path, NULL, &e)) != SRNN_OK)
            srnn_mode_fail_with(err, rc == SRNN_EINPUT ? "generate" : path, rc, &e);
        free(ev);
    } else {
        srnn_midi_write_opts wo = {.program = o->program, .bpm = bpm};
        if ((!srnn_piece_title(p)[0] && (rc = srnn_piece_set_title(p, "songrnn")) != SRNN_OK) ||
            (rc = srnn_midi_write(path, p, &wo, &e)) != SRNN_OK)
            srnn_mode_fail_with(err, rc == SRNN_EINPUT ? "generate" : path, rc, &e);
    }
    srnn_piece_free(p);
    return rc;
}

/* ---- models and generation ------------------------------------------------------------- */

void srnn_mode_model_defaults(const srnn_mode_def *m, srnn_model_config *cfg)
{
    srnn_model_config_defaults(cfg);
    srnn_model_netcfg *n = &cfg->net;
    srnn_model_tokcfg *k = &cfg->tok;
    srnn_model_traincfg *t = &cfg->train;
    t->lr_schedule = 1; /* cosine */
    t->warmup = 100;
    t->min_lr = 0.05;
    t->checkpoint_minutes = 10;
    switch (m ? m->mode : SRNN_MODE_NOTES) {
    case SRNN_MODE_NOTES:
        k->tokens = SRNN_TOKENS_METRIC;
        k->velocity_bins = 8;
        k->velocity_scale = SRNN_VELOCITY_QUANTILE;
        k->transpose = 5;
        /* Chosen by measurement for 5 minutes of training on a 2-core machine
         * (docs/training.md): one LSTM layer without the convolution or dropout learns the
         * key and the beat in that time, where the stacked, regularised network is still near
         * the unigram; a higher rate and more, smaller steps get it off that plateau in the
         * first minute; a forget-gate bias of 1 helps it keep state. */
        n->layers = 1;
        n->hidden = 256;
        n->embed = 128;
        n->conv_channels = 0;
        n->dropout = 0;
        n->forget_bias = 1.0;
        t->lr = 3e-3;
        t->batch = 32;
        t->seq_len = 64;
        break;
    case SRNN_MODE_ABC: /* the settings measured in tools/abc_train_check (docs/abc.md) */
        n->layers = 1;
        n->hidden = 256;
        n->embed = 32;
        n->conv_channels = 0;
        n->dropout = 0.2;
        t->batch = 32;
        t->lr = 3e-3;
        t->lr_schedule = 0;
        t->warmup = 0;
        break;
    case SRNN_MODE_TABLA: /* those of tools/tabla_acceptance */
        n->layers = 1;
        n->hidden = 128;
        n->embed = 32;
        n->conv_channels = 0;
        t->seq_len = 64;
        t->batch = 16;
        t->lr_schedule = 0;
        t->warmup = 0;
        break;
    }
}

int srnn_mode_model_open(const char *path, srnn_model **model, const srnn_mode_def **m,
                         srnn_mode_error *err)
{
    srnn_error e = {0};
    *model = NULL;
    *m = NULL;
    int rc = srnn_model_load(path, model, &e);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, path, rc, &e);
    *m = srnn_modes_get((srnn_mode)srnn_model_mode(*model));
    if (!*m) {
        srnn_mode_fail(err, path, SRNN_EINPUT, "a model of mode %s, which this build lacks",
                       srnn_mode_name((srnn_mode)srnn_model_mode(*model)));
        srnn_model_free(*model);
        *model = NULL;
        return SRNN_EINPUT;
    }
    return SRNN_OK;
}

int srnn_mode_prime_text(const srnn_mode_def *m, const srnn_vocab *v, const char *text,
                         int32_t **toks, size_t *n, srnn_error *err)
{
    if (!m->hooks->prime_text)
        return srnn_error_set(err, SRNN_EARG, "a %s model takes no text primer", m->name);
    return m->hooks->prime_text(v, text, toks, n, err);
}

/* The last window of a notes primer: from the last bar line that leaves at most `window`
 * tokens (metric, with the meter that holds there), else its last `window` tokens. */
static int primer_last_window(const srnn_vocab *v, int32_t **toks, size_t *n, size_t window)
{
    size_t at = *n - window;
    if (srnn_notes_tokens_kind(v) == SRNN_TOKENS_METRIC) {
        int bar = srnn_vocab_lookup(v, "Bar");
        size_t b = at + 1; /* a bar line after at, so that Bar + meter + the rest fit */
        while (b < *n && (*toks)[b] != bar)
            b++;
        if (b < *n) {
            int32_t *w = malloc((window + 1) * sizeof *w);
            if (!w)
                return SRNN_ENOMEM;
            size_t k = srnn_notes_window(v, *toks, *n, b, w, window);
            free(*toks);
            *toks = w;
            *n = k;
            return SRNN_OK;
        }
    }
    memmove(*toks, *toks + at, window * sizeof **toks);
    *n = window;
    return SRNN_OK;
}

int srnn_mode_primer_piece(const srnn_mode_def *m, const srnn_vocab *v, const srnn_mode_opts *o,
                           srnn_piece **piece, int32_t **toks, size_t *n, srnn_mode_error *err)
{
    *piece = NULL;
    *toks = NULL;
    *n = 0;
    if (m->mode != SRNN_MODE_NOTES || !o->prime)
        return srnn_mode_fail(err, "--prime", SRNN_EARG, "only a notes model continues a piece");
    srnn_docs *docs = NULL;
    int rc = srnn_docs_load_file(m, o->prime, o, &docs, err);
    if (rc != SRNN_OK)
        return rc;
    srnn_error e = {0};
    if ((rc = srnn_docs_encode(docs, 0, v, toks, n, &e)) != SRNN_OK) {
        srnn_docs_free(docs);
        return srnn_mode_fail_with(err, o->prime, rc, &e);
    }
    if (*n > 0 && (*toks)[*n - 1] == srnn_vocab_end_id(v))
        (*n)--;
    if (*n > 0 && (*toks)[0] == srnn_vocab_start_id(v))
        memmove(*toks, *toks + 1, --(*n) * sizeof **toks);
    rc = srnn_docs_take_piece(docs, 0, o, piece, &e);
    srnn_docs_free(docs);
    if (rc != SRNN_OK) {
        free(*toks);
        *toks = NULL;
        return srnn_mode_fail_with(err, o->prime, rc, &e);
    }
    return SRNN_OK;
}

int srnn_mode_primer(const srnn_mode_def *m, const srnn_model *model, const srnn_mode_opts *o,
                     uint64_t seed, int32_t **out, size_t *n, int *keep, srnn_mode_error *err)
{
    const srnn_vocab *v = srnn_model_vocab(model);
    size_t window = (size_t)srnn_model_get_config(model)->train.seq_len;
    srnn_error e = {0};
    *out = NULL;
    *n = 0;
    *keep = 0;
    if (o->prime || o->prime_text) {
        int32_t *toks = NULL;
        size_t nt = 0;
        int rc;
        if (o->prime_text) {
            if ((rc = srnn_mode_prime_text(m, v, o->prime_text, &toks, &nt, &e)) != SRNN_OK)
                return srnn_mode_fail_with(err, "--prime-text", rc, &e);
        } else {
            srnn_docs *docs = NULL;
            if ((rc = srnn_docs_load_file(m, o->prime, o, &docs, err)) != SRNN_OK)
                return rc;
            rc = srnn_docs_encode(docs, 0, v, &toks, &nt, &e);
            srnn_docs_free(docs);
            if (rc != SRNN_OK)
                return srnn_mode_fail_with(err, o->prime, rc, &e);
            if (nt > 0 && toks[nt - 1] == srnn_vocab_end_id(v))
                nt--; /* the opening, not a finished piece */
            if (nt > window && m->mode == SRNN_MODE_NOTES) {
                /* Notes: the primer's end is where the music goes on: its last window. */
                rc = primer_last_window(v, &toks, &nt, window);
                if (rc != SRNN_OK) {
                    free(toks);
                    return srnn_mode_fail(err, "generate", rc, "out of memory");
                }
            } else if (nt > window) {
                nt = window;
            }
        }
        *out = toks;
        *n = nt;
        *keep = 1;
        return SRNN_OK;
    }
    if (m->hooks->gen_primer) {
        *keep = 1;
        return m->hooks->gen_primer(v, o, out, n, err);
    }
    size_t count, len;
    const uint32_t *pr = srnn_model_primers(model, &count, &len);
    if (!pr || count == 0)
        return SRNN_OK; /* <start> alone */
    srnn_rng rng;
    srnn_rng_seed(&rng, seed ^ 0x7072696dULL);
    size_t k = (size_t)srnn_rng_below(&rng, count);
    *out = malloc((len + 2) * sizeof **out);
    if (!*out)
        return srnn_mode_fail(err, "generate", SRNN_ENOMEM, "out of memory");
    for (size_t i = 0; i < len; i++)
        (*out)[i] = (int32_t)pr[k * len + i];
    *n = len;
    if (m->hooks->frame_window)
        m->hooks->frame_window(v, *out, n);
    return SRNN_OK;
}

struct srnn_mode_gen {
    const srnn_mode_def *m;
    void *state;
};

int srnn_mode_gen_begin(const srnn_mode_def *m, const srnn_vocab *v, const srnn_mode_opts *o,
                        struct srnn_generate_opts *go, srnn_mode_gen **gen,
                        srnn_mode_error *err)
{
    *gen = NULL;
    if (!m->hooks->gen_begin)
        return SRNN_OK;
    srnn_mode_gen *g = calloc(1, sizeof *g);
    if (!g)
        return srnn_mode_fail(err, "generate", SRNN_ENOMEM, "out of memory");
    g->m = m;
    int rc = m->hooks->gen_begin(v, o, go, &g->state, err);
    if (rc != SRNN_OK) {
        free(g);
        return rc;
    }
    *gen = g;
    return SRNN_OK;
}

void srnn_mode_gen_end(srnn_mode_gen *g)
{
    if (!g)
        return;
    if (g->m->hooks->gen_end)
        g->m->hooks->gen_end(g->state);
    free(g);
}

/* ---- sound ------------------------------------------------------------------------------- */

int srnn_mode_read_piece(const char *path, const srnn_mode_opts *o, srnn_piece **out,
                         srnn_mode_error *err)
{
    *out = NULL;
    const srnn_mode_def *m = srnn_modes_by_extension(path);
    if (m && m->hooks->read_piece)
        return m->hooks->read_piece(path, o, out, err);
    char e[16];
    const char *ext = srnn_mode_extension(path, e);
    if (strcmp(ext, "abc") == 0)
        return srnn_mode_fail(err, path, SRNN_EINPUT, "this build has no ABC reader yet");
    return srnn_mode_fail(err, path, SRNN_EINPUT,
                          "cannot play or render a '.%s' file (expected .mid, .abc or .bol)", ext);
}
