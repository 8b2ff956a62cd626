/* Reading a corpus of MIDI files for the commands that take one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "corpus.h"
#include "songrnn/midi.h"

const char *const CLI_MIDI_EXTS[] = {"mid", "midi", "smf", "kar", NULL};

static int corpus_push(cli_corpus *c, srnn_piece *p, const char *path)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64;
        srnn_piece **np = realloc(c->pieces, nc * sizeof *np);
        if (!np)
            return -1;
        c->pieces = np;
        char **pp = realloc(c->paths, nc * sizeof *pp);
        if (!pp)
            return -1;
        c->paths = pp;
        c->cap = nc;
    }
    char *dup = strdup(path);
    if (!dup)
        return -1;
    c->pieces[c->n] = p;
    c->paths[c->n] = dup;
    c->n++;
    return 0;
}

int cli_corpus_load_midi(cli_corpus *c, const char *const *args, int n_args, int quiet)
{
    (void)quiet;
    cli_files files = {0};
    if (cli_files_gather(&files, args, n_args, CLI_MIDI_EXTS) != 0) {
        cli_files_free(&files);
        return 1;
    }
    if (files.n == 0) {
        cli_fail(n_args == 1 ? args[0] : "input", "no MIDI files found (.mid, .midi)");
        cli_files_free(&files);
        return 1;
    }
    for (size_t i = 0; i < files.n; i++) {
        srnn_piece *p = NULL;
        srnn_error err = {0};
        if (srnn_midi_read(files.paths[i], 0, &p, &err) != SRNN_OK) {
            cli_report(files.paths[i], &err);
            c->n_failed++;
            continue;
        }
        if (corpus_push(c, p, files.paths[i]) != 0) {
            srnn_piece_free(p);
            cli_fail(files.paths[i], "out of memory");
            cli_files_free(&files);
            return 1;
        }
    }
    cli_files_free(&files);
    if (c->n == 0) {
        cli_fail(n_args == 1 ? args[0] : "input", "no readable MIDI file");
        return 1;
    }
    return 0;
}

void cli_corpus_free(cli_corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        srnn_piece_free(c->pieces[i]);
        free(c->paths[i]);
    }
    free(c->pieces);
    free(c->paths);
    memset(c, 0, sizeof *c);
}

void cli_print_coverage(const srnn_coverage *cov, int vocab_size)
{
    double ev = cov->events ? 100.0 * (double)cov->events_covered / (double)cov->events : 0;
    double nt = cov->notes ? 100.0 * (double)cov->notes_covered / (double)cov->notes : 0;
    fprintf(stderr,
            "songrnn: %zu pieces, %zu notes, %zu events, %zu distinct pitch sets; vocabulary %d "
            "tokens with %zu chords; one token covers %.1f%% of events, %.1f%% of notes; "
            "%zu tokens\n",
            cov->pieces, cov->notes, cov->events, cov->distinct_sets, vocab_size,
            cov->chords_in_vocab, ev, nt, cov->tokens);
}

int cli_build_notes_vocab(const cli_corpus *c, const srnn_opts *o, srnn_vocab **out,
                          srnn_coverage *cov)
{
    srnn_notes_opts nopts = {.grid = o->grid, .max_vocab = o->vocab,
                             .velocity_bins = o->velocity_bins};
    srnn_notes_builder *b = srnn_notes_builder_new(&nopts);
    if (!b) {
        cli_fail("vocabulary", "out of memory");
        return 1;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (srnn_notes_builder_add(b, c->pieces[i]) != SRNN_OK) {
            cli_fail(c->paths[i], "out of memory");
            srnn_notes_builder_free(b);
            return 1;
        }
    }
    srnn_error err = {0};
    int rc = srnn_notes_builder_finish(b, out, cov, &err);
    srnn_notes_builder_free(b);
    if (rc != SRNN_OK) {
        cli_report("vocabulary", &err);
        return 1;
    }
    return 0;
}
