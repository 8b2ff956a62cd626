/* songrnn roundtrip IN.mid -o OUT.mid : MIDI -> notes tokens -> MIDI, and how much survived.
 * With several inputs (or a folder) the vocabulary is built over all of them and -o names a
 * folder that receives one file per input. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mode.h"
#include "songrnn/midi.h"
#include "songrnn/vocab.h"

static const char USAGE[] =
    "songrnn roundtrip IN.mid -o OUT.mid | songrnn roundtrip IN... -o FOLDER  [--vocab N] [--grid N]";

/* A note reduced to the grid: what the comparison of kept notes looks at. */
typedef struct grid_note {
    long onset, duration;
    int pitch;
} grid_note;

static int grid_note_cmp(const void *a, const void *b)
{
    const grid_note *x = a, *y = b;
    if (x->onset != y->onset)
        return x->onset < y->onset ? -1 : 1;
    if (x->pitch != y->pitch)
        return x->pitch - y->pitch;
    return x->duration < y->duration ? 1 : x->duration > y->duration ? -1 : 0;
}

static grid_note *to_grid(const srnn_piece *p, int grid, size_t *n)
{
    *n = srnn_piece_note_count(p);
    grid_note *g = malloc((*n ? *n : 1) * sizeof *g);
    if (!g)
        return NULL;
    const srnn_note *notes = srnn_piece_notes(p);
    for (size_t i = 0; i < *n; i++) {
        g[i].onset = lround(notes[i].onset * grid);
        long d = lround(notes[i].duration * grid);
        g[i].duration = d < 1 ? 1 : d;
        g[i].pitch = notes[i].pitch;
    }
    qsort(g, *n, sizeof *g, grid_note_cmp);
    return g;
}

typedef struct kept {
    size_t in_notes, kept, same_duration;
} kept;

/* Counts (onset, pitch) pairs of the input found in the output (as multisets), and among
 * them those with the same duration on the grid. */
static int count_kept(const srnn_piece *in, const srnn_piece *out, int grid, kept *k)
{
    size_t na, nb;
    grid_note *a = to_grid(in, grid, &na);
    grid_note *b = to_grid(out, grid, &nb);
    if (!a || !b) {
        free(a);
        free(b);
        return -1;
    }
    k->in_notes += na;
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        if (a[i].onset == b[j].onset && a[i].pitch == b[j].pitch) {
            k->kept++;
            k->same_duration += a[i].duration == b[j].duration;
            i++;
            j++;
        } else if (a[i].onset < b[j].onset || (a[i].onset == b[j].onset && a[i].pitch < b[j].pitch)) {
            i++;
        } else {
            j++;
        }
    }
    free(a);
    free(b);
    return 0;
}

/* Carries the input's tempo map, signatures, title and program over to the decoded piece, so
 * the output plays at the same speed as the input. */
static int copy_metadata(srnn_piece *dst, const srnn_piece *src)
{
    const srnn_tempo *t = srnn_piece_tempos(src);
    for (size_t i = 0; i < srnn_piece_tempo_count(src); i++)
        if (srnn_piece_add_tempo(dst, t[i].beat, t[i].us_per_quarter) != SRNN_OK)
            return -1;
    const srnn_timesig *ts = srnn_piece_timesigs(src);
    for (size_t i = 0; i < srnn_piece_timesig_count(src); i++)
        if (srnn_piece_add_timesig(dst, ts[i].beat, ts[i].num, ts[i].den) != SRNN_OK)
            return -1;
    const srnn_keysig *ks = srnn_piece_keysigs(src);
    for (size_t i = 0; i < srnn_piece_keysig_count(src); i++)
        if (srnn_piece_add_keysig(dst, ks[i].beat, ks[i].sharps, ks[i].minor) != SRNN_OK)
            return -1;
    if (srnn_piece_set_title(dst, srnn_piece_title(src)) != SRNN_OK)
        return -1;
    srnn_piece_set_program(dst, srnn_piece_program(src));
    return 0;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* OUT for input i: OUT itself for one file, else FOLDER/basename (numbered on a clash). */
static char *out_path(const char *out, int folder, const char *in, size_t i)
{
    if (!folder)
        return strdup(out);
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    size_t len = strlen(out) + strlen(base) + 32;
    char *p = malloc(len);
    if (!p)
        return NULL;
    snprintf(p, len, "%s/%s", out, base);
    struct stat st;
    if (i > 0 && stat(p, &st) == 0) {
        /* Another input of the same name was written in this run or earlier: keep both. */
        char *n = cli_numbered_path(p, (int)i);
        free(p);
        return n;
    }
    return p;
}

int cmd_roundtrip(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, OPT_G_TOKENS | OPT_G_OUTPUT, argc - 1, argv + 1, "roundtrip",
                             USAGE, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc)
        return EXIT_USAGE;
    if (o.n_pos == 0 || !o.output) {
        fprintf(stderr, "songrnn roundtrip: %s\nusage: %s\n",
                o.n_pos == 0 ? "no input file" : "no output (-o)", USAGE);
        return EXIT_USAGE;
    }
    int folder = o.n_pos > 1 || is_dir(o.pos[0]) || is_dir(o.output);
    if (folder && !is_dir(o.output) && mkdir(o.output, 0777) != 0) {
        cli_fail(o.output, "cannot create folder: %s", strerror(errno));
        return EXIT_ERROR;
    }

    cli_docs c = {0};
    if (cli_docs_load(&CLI_MODE_NOTES, o.pos, o.n_pos, &o, &c) != 0) {
        cli_docs_free(&c);
        return EXIT_ERROR;
    }
    srnn_vocab *v = NULL;
    if (CLI_MODE_NOTES.build_vocab(&c, &o, &v) != 0) {
        cli_docs_free(&c);
        return EXIT_ERROR;
    }

    int status = c.n_failed ? EXIT_ERROR : EXIT_OK;
    kept total = {0};
    size_t tokens = 0;
    for (size_t i = 0; i < c.n; i++) {
        int32_t *toks = NULL;
        size_t n = 0;
        srnn_piece *dec = NULL;
        srnn_error err = {0};
        char *dst = NULL;
        if (srnn_notes_encode(v, c.d[i].piece, &toks, &n, &err) != SRNN_OK ||
            srnn_notes_decode(v, toks, n, &dec, &err) != SRNN_OK) {
            cli_report(c.d[i].label, &err);
            status = EXIT_ERROR;
            goto next;
        }
        tokens += n;
        if (copy_metadata(dec, c.d[i].piece) != 0 ||
            count_kept(c.d[i].piece, dec, srnn_notes_grid(v), &total) != 0) {
            cli_fail(c.d[i].label, "out of memory");
            status = EXIT_ERROR;
            goto next;
        }
        dst = out_path(o.output, folder, c.d[i].label, i);
        srnn_midi_write_opts wo = {.program = o.program, .bpm = o.tempo};
        if (!dst || srnn_midi_write(dst, dec, &wo, &err) != SRNN_OK) {
            cli_report(dst ? dst : o.output, &err);
            status = EXIT_ERROR;
        }
    next:
        free(dst);
        free(toks);
        srnn_piece_free(dec);
    }

    double pct = total.in_notes ? 100.0 * (double)total.kept / (double)total.in_notes : 100.0;
    double dpct = total.kept ? 100.0 * (double)total.same_duration / (double)total.kept : 100.0;
    printf("kept %zu of %zu notes exactly on (onset, pitch) at %d steps a quarter: %.2f%%; "
           "durations equal on the grid: %.2f%% of those; %zu tokens, %zu pieces\n",
           total.kept, total.in_notes, srnn_notes_grid(v), pct, dpct, tokens, c.n);
    srnn_vocab_free(v);
    cli_docs_free(&c);
    return status;
}
