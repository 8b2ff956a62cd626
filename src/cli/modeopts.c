/* The mode layer (include/songrnn/mode.h) seen from the command line: srnn_opts into
 * srnn_mode_opts, its reports and errors printed, and "-" (stdout) as an output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "songrnn/model.h"

static void report_cb(void *ud, const char *label, const srnn_error *err)
{
    (void)ud;
    cli_report(label, err);
}

void cli_mode_opts(const srnn_opts *o, srnn_mode_opts *mo)
{
    srnn_mode_opts_defaults(mo);
    mo->grid = o->grid;
    mo->max_vocab = o->vocab;
    mo->velocity_bins = o->velocity_bins;
    mo->tokens = o->tokens && strcmp(o->tokens, "timeshift") == 0 ? SRNN_TOKENS_TIMESHIFT
                                                                 : SRNN_TOKENS_METRIC;
    mo->velocity_scale = o->velocity_scale && strcmp(o->velocity_scale, "fixed") == 0
                             ? SRNN_VELOCITY_FIXED
                             : SRNN_VELOCITY_QUANTILE;
    mo->transpose = o->transpose;
    mo->key_prior = o->key_prior;
    mo->repeat_prior = o->repeat_prior;
    mo->melody_only = o->melody_only;
    mo->tune = o->tune;
    mo->tabla_map = o->tabla_map && strcmp(o->tabla_map, "gm") == 0 ? SRNN_TABLA_MAP_GM
                                                                    : SRNN_TABLA_MAP_TABLA;
    mo->taal = o->taal;
    mo->cycles = o->cycles;
    mo->length = o->length;
    mo->prime = o->prime;
    mo->prime_text = o->prime_text;
    mo->tempo = o->tempo;
    mo->program = o->program;
    mo->soundfont = o->soundfont;
    mo->verbose = o->verbose;
    mo->report = report_cb;
    mo->report_ud = NULL;
}

int cli_mode_opts_for_model(const srnn_opts *o, const srnn_mode_def *mode, const srnn_model *m,
                            srnn_mode_opts *mo, const char *cmd)
{
    const srnn_model_config *c = srnn_model_get_config(m);
    mo->corpus_tempo = c->tempo;
    mo->pitch_min = c->tok.pitch_min;
    mo->pitch_max = c->tok.pitch_max;
    mo->key_share = c->in_key;
    mo->repeat_share = c->bar_repetition;
    if (!o->meter)
        return 0;
    char *end;
    long num = strtol(o->meter, &end, 10), den = *end == '/' ? strtol(end + 1, &end, 10) : 0;
    if (*end || num < 1 || num > 64 || den < 1 || den > 64 || (den & (den - 1))) {
        fprintf(stderr, "songrnn %s: --meter %s: not a meter such as 3/4 or 6/8\n", cmd,
                o->meter);
        return EXIT_USAGE;
    }
    if (mode->mode != SRNN_MODE_NOTES) {
        fprintf(stderr, "songrnn %s: --meter is for notes models (abc tunes say M:, tabla has "
                "--taal)\n", cmd);
        return EXIT_USAGE;
    }
    mo->meter_num = (int)num;
    mo->meter_den = (int)den;
    return 0;
}

void cli_mode_report(const srnn_mode_error *err)
{
    if (!err->reported)
        cli_report(err->label, &err->err);
}

const srnn_mode_def *cli_mode_choose(const srnn_opts *o, const srnn_mode_opts *mo)
{
    if (o->mode) {
        const srnn_mode_def *m = srnn_modes_by_name(o->mode);
        if (!m)
            fprintf(stderr, "songrnn: --mode %s is not available in this build\n", o->mode);
        return m;
    }
    return srnn_modes_guess(o->pos, o->n_pos, mo);
}

void cli_print_vocab_stats(const srnn_docs_stats *st)
{
    if (st->mode == SRNN_MODE_ABC) {
        fprintf(stderr, "songrnn: %zu tunes, %zu characters; vocabulary %d tokens (%d "
                "characters, <start>, <end>)\n", st->docs, st->chars, st->vocab_size,
                st->vocab_size - 2);
    } else if (st->mode == SRNN_MODE_TABLA) {
        fprintf(stderr, "songrnn: %zu compositions, %zu cycles, %zu beats, %zu bols; vocabulary "
                "%d tokens; %zu tokens\n", st->docs, st->cycles, st->beats, st->bols,
                st->vocab_size, st->tokens);
    } else {
        const srnn_coverage *cov = &st->coverage;
        double ev = cov->events ? 100.0 * (double)cov->events_covered / (double)cov->events : 0;
        double nt = cov->notes ? 100.0 * (double)cov->notes_covered / (double)cov->notes : 0;
        fprintf(stderr,
                "songrnn: %zu pieces, %zu notes, %zu events, %zu distinct pitch sets; vocabulary "
                "%d tokens with %zu chords; one token covers %.1f%% of events, %.1f%% of notes; "
                "%zu tokens\n",
                cov->pieces, cov->notes, cov->events, cov->distinct_sets, st->vocab_size,
                cov->chords_in_vocab, ev, nt, cov->tokens);
    }
}

int cli_mode_can_write(const srnn_mode_def *m, const char *path)
{
    return strcmp(path, "-") == 0 || srnn_mode_can_write(m, path);
}

int cli_mode_write(const srnn_mode_def *m, const srnn_vocab *v, const srnn_mode_opts *mo,
                   const char *path, const int32_t *toks, size_t n)
{
    if (strcmp(path, "-") != 0) {
        srnn_mode_error err;
        if (srnn_mode_write(m, v, mo, path, toks, n, &err) != SRNN_OK) {
            cli_mode_report(&err);
            return -1;
        }
        return 0;
    }
    srnn_error err = {0};
    char *s = NULL;
    if (srnn_mode_to_text(m, v, toks, n, &s, &err) != SRNN_OK) {
        cli_report(path, &err);
        return -1;
    }
    int rc = 0;
    errno = 0;
    if (fputs(s, stdout) < 0) {
        cli_stdout_failed(errno);
        rc = -1;
    } else if (cli_stdout_flush() != 0) {
        rc = -1;
    }
    free(s);
    return rc;
}
