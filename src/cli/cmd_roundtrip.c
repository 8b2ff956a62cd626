/* songrnn roundtrip IN.mid -o OUT.mid : MIDI -> notes tokens -> MIDI, and how much survived.
 * With several inputs (or a folder) the vocabulary is built over all of them and -o names a
 * folder that receives one file per input. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "songrnn/midi.h"
#include "songrnn/vocab.h"

static const char USAGE[] =
    "songrnn roundtrip IN.mid -o OUT.mid|- | songrnn roundtrip IN... -o FOLDER  [--vocab N] "
    "[--grid N]";

/* A note reduced to the grid: what the comparison of kept notes looks at. */
typedef struct grid_note { /* 16 bytes: two of these per note of a million-note piece */
    int64_t onset;
    int32_t duration;
    uint8_t pitch;
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
        g[i].duration = d < 1 ? 1 : d > INT32_MAX ? INT32_MAX : (int32_t)d;
        g[i].pitch = notes[i].pitch;
    }
    size_t k = 1; /* a piece is mostly in order already: no sort, and no copy for it */
    while (k < *n && grid_note_cmp(&g[k - 1], &g[k]) <= 0)
        k++;
    if (k < *n)
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

/* OUT for input i: OUT itself for one file, else FOLDER/basename, numbered when an earlier
 * input of this run has the same name (so neither overwrites the other). */
static char *out_path(const char *out, int folder, const srnn_docs *c, size_t i)
{
    if (!folder)
        return strdup(out);
    const char *label = srnn_docs_label(c, i);
    const char *base = strrchr(label, '/');
    base = base ? base + 1 : label;
    size_t len = strlen(out) + strlen(base) + 32;
    char *p = malloc(len);
    if (!p)
        return NULL;
    snprintf(p, len, "%s/%s", out, base);
    for (size_t j = 0; j < i; j++) {
        const char *lj = srnn_docs_label(c, j), *other = strrchr(lj, '/');
        if (strcmp(other ? other + 1 : lj, base) == 0) {
            char *n = cli_numbered_path(p, (int)i);
            free(p);
            return n;
        }
    }
    return p;
}

/* Into a folder, every name out_path makes (numbered ones included, which the guard after
 * parsing cannot know) is checked against the inputs before the first is written. */
static int outputs_are_inputs(const srnn_opts *o, const srnn_docs *c)
{
    cli_inputs *in = cli_inputs_new(o);
    for (int i = 0; i < o->n_pos; i++)
        cli_inputs_add(in, o->pos[i], 1);
    int found = 0;
    for (size_t i = 0; i < srnn_docs_count(c) && !found; i++) {
        char *dst = out_path(o->output, 1, c, i);
        const char *hit = dst ? cli_inputs_find(in, dst) : NULL;
        if (hit) {
            cli_refuse_input("roundtrip", dst, hit);
            found = 1;
        }
        free(dst);
    }
    cli_inputs_free(in);
    return found;
}

/* The pieces are independent: workers take them in turn, each with its own counts. */
typedef struct rt_job {
    const srnn_docs *c;
    const srnn_vocab *v;
    const srnn_opts *o;
    int folder;
    pthread_mutex_t lock;
    size_t next;
    kept total;
    size_t tokens;
    int failed;
} rt_job;

static void roundtrip_one(rt_job *j, size_t i, kept *k, size_t *tokens, int *failed)
{
    const srnn_piece *piece = srnn_docs_piece(j->c, i);
    const char *label = srnn_docs_label(j->c, i);
    int32_t *toks = NULL;
    size_t n = 0;
    srnn_piece *dec = NULL;
    srnn_error err = {0};
    char *dst = NULL;
    if (srnn_notes_encode(j->v, piece, &toks, &n, &err) != SRNN_OK ||
        srnn_notes_decode(j->v, toks, n, &dec, &err) != SRNN_OK) {
        cli_report(label, &err);
        *failed = 1;
        goto done;
    }
    *tokens += n;
    if (copy_metadata(dec, piece) != 0 ||
        count_kept(piece, dec, srnn_notes_grid(j->v), k) != 0) {
        cli_fail(label, "out of memory");
        *failed = 1;
        goto done;
    }
    dst = out_path(j->o->output, j->folder, j->c, i);
    srnn_midi_write_opts wo = {.program = j->o->program, .bpm = j->o->tempo};
    if (dst && strcmp(dst, "-") == 0) { /* one input, -o -: the MIDI file on stdout */
        unsigned char *data = NULL;
        size_t size = 0;
        int mrc = srnn_midi_write_memory(dec, &wo, &data, &size, &err);
        if (mrc != SRNN_OK) {
            cli_report(mrc == SRNN_EINPUT ? label : "stdout", &err);
            *failed = 1;
        } else {
            errno = 0;
            if (fwrite(data, 1, size, stdout) != size) {
                cli_stdout_failed(errno);
                *failed = 1;
            }
        }
        free(data);
        goto done;
    }
    int wrc = dst ? srnn_midi_write(dst, dec, &wo, &err) : SRNN_ENOMEM;
    if (wrc != SRNN_OK) {
        /* a piece MIDI cannot hold is the input's, not the output file's */
        cli_report(wrc == SRNN_EINPUT ? label : dst ? dst : j->o->output, &err);
        *failed = 1;
    }
done:
    free(dst);
    free(toks);
    srnn_piece_free(dec);
}

static void *roundtrip_worker(void *arg)
{
    rt_job *j = arg;
    kept k = {0};
    size_t tokens = 0;
    int failed = 0;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= srnn_docs_count(j->c))
            break;
        roundtrip_one(j, i, &k, &tokens, &failed);
    }
    pthread_mutex_lock(&j->lock);
    j->total.in_notes += k.in_notes;
    j->total.kept += k.kept;
    j->total.same_duration += k.same_duration;
    j->tokens += tokens;
    j->failed |= failed;
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

int cmd_roundtrip(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, OPT_G_TOKENS | OPT_G_OUTPUT | OPT_G_THREADS, argc - 1, argv + 1,
                             "roundtrip",
                             USAGE, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc)
        return EXIT_USAGE;
    if ((rc = cli_guard_outputs("roundtrip", &o)) != 0) /* outputs that are inputs */
        return rc;
    if (o.n_pos == 0 || !o.output) {
        fprintf(stderr, "songrnn roundtrip: %s\nusage: %s\n",
                o.n_pos == 0 ? "no input file" : "no output (-o)", USAGE);
        return EXIT_USAGE;
    }
    if (strcmp(o.output, "-") == 0 && (o.n_pos > 1 || is_dir(o.pos[0]))) {
        fprintf(stderr, "songrnn roundtrip: -o -: one input goes to stdout; several go to a "
                "folder (-o FOLDER)\n");
        return EXIT_USAGE;
    }
    int folder = o.n_pos > 1 || is_dir(o.pos[0]) || is_dir(o.output);
    if (folder && !is_dir(o.output) && mkdir(o.output, 0777) != 0) {
        cli_fail(o.output, "cannot create folder: %s", strerror(errno));
        return EXIT_ERROR;
    }

    srnn_mode_opts mo;
    cli_mode_opts(&o, &mo);
    srnn_docs *c = NULL;
    srnn_mode_error merr;
    if (srnn_docs_load(srnn_modes_get(SRNN_MODE_NOTES), o.pos, o.n_pos, &mo, &c, &merr) !=
        SRNN_OK) {
        cli_mode_report(&merr);
        return EXIT_ERROR;
    }
    srnn_vocab *v = NULL;
    srnn_docs_stats st;
    if (srnn_docs_build_vocab(c, &mo, &v, &st, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        srnn_docs_free(c);
        return EXIT_ERROR;
    }
    if (!o.quiet)
        cli_print_vocab_stats(&st);

    size_t n_docs = srnn_docs_count(c);
    if (folder && outputs_are_inputs(&o, c)) {
        srnn_vocab_free(v);
        srnn_docs_free(c);
        return EXIT_USAGE;
    }
    int status = srnn_docs_failed(c) ? EXIT_ERROR : EXIT_OK;
    rt_job job = {.c = c, .v = v, .o = &o, .folder = folder};
    pthread_mutex_init(&job.lock, NULL);
    /* --threads, or every core: reading MIDI is fast, writing it through libsmf is not. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int n_workers = o.threads > 0 ? o.threads : cores > 0 ? (int)cores : 1;
    if (n_workers > 64)
        n_workers = 64;
    if ((size_t)n_workers > n_docs)
        n_workers = (int)n_docs;
    pthread_t workers[64];
    int started = 0;
    for (int w = 1; w < n_workers; w++)
        if (pthread_create(&workers[started], NULL, roundtrip_worker, &job) == 0)
            started++;
    roundtrip_worker(&job);
    for (int w = 0; w < started; w++)
        pthread_join(workers[w], NULL);
    pthread_mutex_destroy(&job.lock);
    if (job.failed)
        status = EXIT_ERROR;
    kept total = job.total;
    size_t tokens = job.tokens;

    double pct = total.in_notes ? 100.0 * (double)total.kept / (double)total.in_notes : 100.0;
    double dpct = total.kept ? 100.0 * (double)total.same_duration / (double)total.kept : 100.0;
    /* with the MIDI file on stdout, the summary goes to stderr */
    fprintf(strcmp(o.output, "-") == 0 ? stderr : stdout,
            "kept %zu of %zu notes exactly on (onset, pitch) at %d steps a quarter: %.2f%%; "
            "durations equal on the grid: %.2f%% of those; %zu tokens, %zu pieces\n",
            total.kept, total.in_notes, srnn_notes_grid(v), pct, dpct, tokens, n_docs);
    srnn_vocab_free(v);
    srnn_docs_free(c);
    return status;
}
