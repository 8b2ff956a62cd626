/* The mode table, corpus loading and output writing shared by every command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mode.h"
#include "songrnn/midi.h"
#include "songrnn/rng.h"
#include "songrnn/model.h"
#include "songrnn/synth.h"

#if SRNN_CLI_MODE_ABC
extern const cli_mode CLI_MODE_ABC;
#endif
#if SRNN_CLI_MODE_TABLA
extern const cli_mode CLI_MODE_TABLA;
#endif

static const cli_mode *const MODES[] = {
    &CLI_MODE_NOTES,
#if SRNN_CLI_MODE_ABC
    &CLI_MODE_ABC,
#endif
#if SRNN_CLI_MODE_TABLA
    &CLI_MODE_TABLA,
#endif
};
#define N_MODES (sizeof MODES / sizeof MODES[0])

const cli_mode *cli_mode_get(srnn_mode mode)
{
    for (size_t i = 0; i < N_MODES; i++)
        if (MODES[i]->mode == mode)
            return MODES[i];
    return NULL;
}

const cli_mode *cli_mode_by_name(const char *name)
{
    for (size_t i = 0; i < N_MODES; i++)
        if (strcmp(MODES[i]->name, name) == 0)
            return MODES[i];
    return NULL;
}

static int ext_in(const char *ext, const char *const *exts)
{
    for (; exts && *exts; exts++)
        if (strcmp(ext, *exts) == 0)
            return 1;
    return 0;
}

const cli_mode *cli_mode_choose(const srnn_opts *o)
{
    if (o->mode) {
        const cli_mode *m = cli_mode_by_name(o->mode);
        if (!m)
            fprintf(stderr, "songrnn: --mode %s is not available in this build\n", o->mode);
        return m;
    }
    /* Count the inputs of each mode; the mode most of them belong to wins. */
    size_t count[N_MODES] = {0};
    for (size_t i = 0; i < N_MODES; i++) {
        cli_files f = {0};
        for (int a = 0; a < o->n_pos; a++) {
            struct stat st;
            if (stat(o->pos[a], &st) == 0 && S_ISDIR(st.st_mode)) {
                const char *const one[] = {o->pos[a]};
                (void)cli_files_gather(&f, one, 1, MODES[i]->in_exts);
            } else if (ext_in(cli_extension(o->pos[a]), MODES[i]->in_exts)) {
                count[i]++;
            }
        }
        count[i] += f.n;
        cli_files_free(&f);
    }
    size_t best = 0;
    for (size_t i = 1; i < N_MODES; i++)
        if (count[i] > count[best])
            best = i;
    if (count[best] == 0) {
        /* Nothing recognizable: the default mode reports what it looked for. */
        return &CLI_MODE_NOTES;
    }
    return MODES[best];
}

int cli_docs_push(cli_docs *d, const char *label, srnn_piece *piece, const char *text,
                  size_t len)
{
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 64;
        cli_doc *nd = realloc(d->d, nc * sizeof *nd);
        if (!nd)
            return -1;
        d->d = nd;
        d->cap = nc;
    }
    cli_doc *doc = &d->d[d->n];
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

void cli_docs_free(cli_docs *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->d[i].label);
        free(d->d[i].text);
        srnn_piece_free(d->d[i].piece);
    }
    free(d->d);
    memset(d, 0, sizeof *d);
}

int cli_docs_load(const cli_mode *m, const char *const *args, int n_args, const srnn_opts *o,
                  cli_docs *docs)
{
    cli_files files = {0};
    if (cli_files_gather(&files, args, n_args, m->in_exts) != 0) {
        cli_files_free(&files);
        return 1;
    }
    const char *where = n_args == 1 ? args[0] : "input";
    if (files.n == 0) {
        char exts[128] = "";
        for (const char *const *e = m->in_exts; *e; e++)
            snprintf(exts + strlen(exts), sizeof exts - strlen(exts), "%s.%s",
                     e == m->in_exts ? "" : ", ", *e);
        cli_fail(where, "no %ss found (%s)", m->what, exts);
        cli_files_free(&files);
        return 1;
    }
    for (size_t i = 0; i < files.n; i++)
        if (m->load(files.paths[i], o, docs) != 0)
            docs->n_failed++;
    cli_files_free(&files);
    if (docs->n == 0) {
        cli_fail(where, "no readable %s", m->what);
        return 1;
    }
    return 0;
}

int cli_model_open(const char *path, srnn_model **m, const cli_mode **mode)
{
    srnn_error err = {0};
    *m = NULL;
    *mode = NULL;
    if (srnn_model_load(path, m, &err) != SRNN_OK) {
        cli_report(path, &err);
        return -1;
    }
    *mode = cli_mode_get((srnn_mode)srnn_model_mode(*m));
    if (!*mode) {
        cli_fail(path, "a model of mode %s, which this build lacks",
                 srnn_mode_name((srnn_mode)srnn_model_mode(*m)));
        srnn_model_free(*m);
        *m = NULL;
        return -1;
    }
    return 0;
}

double cli_output_bpm(const srnn_model *model, const srnn_opts *o)
{
    if (o->tempo > 0)
        return o->tempo;
    double t = model ? srnn_model_get_config(model)->tempo : 0;
    return t > 0 ? t : 120;
}

int cli_mode_can_write(const cli_mode *m, const char *path)
{
    if (strcmp(path, "-") == 0)
        return 1;
    const char *ext = cli_extension(path);
    return strcmp(ext, "mid") == 0 || strcmp(ext, "midi") == 0 || strcmp(ext, "wav") == 0 ||
           (m->text_ext && strcmp(ext, m->text_ext) == 0);
}

int cli_mode_write(const cli_mode *m, const srnn_model *model, const srnn_opts *o,
                   const char *path, const int32_t *toks, size_t n)
{
    const srnn_vocab *v = srnn_model_vocab(model);
    srnn_error err = {0};
    const char *ext = cli_extension(path);
    int text = strcmp(path, "-") == 0 || (m->text_ext && strcmp(ext, m->text_ext) == 0);
    if (text) {
        char *s = NULL;
        if (m->to_text(v, toks, n, &s, &err) != SRNN_OK) {
            cli_report(path, &err);
            return -1;
        }
        int rc = 0;
        if (strcmp(path, "-") == 0) {
            if (fputs(s, stdout) < 0 || fflush(stdout) != 0) {
                cli_fail("stdout", "write error");
                rc = -1;
            }
        } else if (srnn_file_write_atomic(path, s, strlen(s), &err) != SRNN_OK) {
            cli_report(path, &err);
            rc = -1;
        }
        free(s);
        return rc;
    }

    srnn_piece *p = NULL;
    if (m->to_piece(v, toks, n, o, &p, &err) != SRNN_OK) {
        cli_report(path, &err);
        return -1;
    }
    /* A piece that brings its tempo (an ABC Q: field) keeps it unless --tempo says otherwise. */
    double bpm = o->tempo > 0 || srnn_piece_tempo_count(p) == 0 ? cli_output_bpm(model, o) : 0;
    int rc = 0;
    if (strcmp(ext, "wav") == 0) {
        srnn_synth_events_opts eo = {.bpm = bpm, .program = o->program};
        srnn_synth_event *ev = NULL;
        size_t nev = 0;
        double end = 0;
        srnn_render_opts ro;
        srnn_render_opts_init(&ro);
        ro.soundfont = o->soundfont || !m->soundfont ? o->soundfont : m->soundfont(o);
        ro.verbose = o->verbose;
        if (srnn_synth_events_from_piece(p, &eo, &ev, &nev, &end, &err) != SRNN_OK ||
            srnn_synth_render_wav(ev, nev, end, &ro, path, NULL, &err) != SRNN_OK) {
            cli_report(path, &err);
            rc = -1;
        }
        free(ev);
    } else {
        srnn_midi_write_opts wo = {.program = o->program, .bpm = bpm};
        if ((!srnn_piece_title(p)[0] && srnn_piece_set_title(p, "songrnn") != SRNN_OK) ||
            srnn_midi_write(path, p, &wo, &err) != SRNN_OK) {
            cli_report(path, &err);
            rc = -1;
        }
    }
    srnn_piece_free(p);
    return rc;
}

/* The primer: the opening of --prime FILE or --prime-text (at most one window), or one of the
 * training windows stored in the model, picked by the seed.  *keep says whether the primer
 * belongs in the output (the user's own opening does; someone's training data does not). */
int cli_mode_primer(const cli_mode *mode, const srnn_model *m, const srnn_opts *o,
                    uint64_t seed, int32_t **out, size_t *n, int *keep)
{
    const srnn_vocab *v = srnn_model_vocab(m);
    size_t window = (size_t)srnn_model_get_config(m)->train.seq_len;
    srnn_error err = {0};
    *out = NULL;
    *n = 0;
    *keep = 0;
    if (o->prime || o->prime_text) {
        int32_t *toks = NULL;
        size_t nt = 0;
        if (o->prime_text) {
            if (mode->prime_text(v, o->prime_text, &toks, &nt, &err) != SRNN_OK) {
                cli_report("--prime-text", &err);
                return -1;
            }
        } else {
            cli_docs docs = {0};
            if (mode->load(o->prime, o, &docs) != 0 || docs.n == 0) {
                cli_docs_free(&docs);
                return -1;
            }
            int rc = mode->encode(v, &docs.d[0], &toks, &nt, &err);
            cli_docs_free(&docs);
            if (rc != SRNN_OK) {
                cli_report(o->prime, &err);
                return -1;
            }
            if (nt > 0 && toks[nt - 1] == srnn_vocab_end_id(v))
                nt--; /* the opening, not a finished piece */
            if (nt > window)
                nt = window;
        }
        *out = toks;
        *n = nt;
        *keep = 1;
        return 0;
    }
    if (mode->gen_primer) {
        *keep = 1;
        return mode->gen_primer(v, o, out, n);
    }
    size_t count, len;
    const uint32_t *pr = srnn_model_primers(m, &count, &len);
    if (!pr || count == 0)
        return 0; /* <start> alone */
    srnn_rng rng;
    srnn_rng_seed(&rng, seed ^ 0x7072696dULL);
    size_t k = (size_t)srnn_rng_below(&rng, count);
    *out = malloc((len + 2) * sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < len; i++)
        (*out)[i] = (int32_t)pr[k * len + i];
    *n = len;
    if (mode->frame_window)
        mode->frame_window(v, *out, n);
    return 0;
}
