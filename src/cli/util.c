/* Helpers shared by the subcommands: messages, stdout, output names, and the guard that keeps
 * an output from replacing an input. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ---- messages ---------------------------------------------------------------------------- */

const char *cli_escape(const char *s, char *buf, size_t cap)
{
    if (!s)
        s = "(null)";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 5 < cap; p++) {
        unsigned c = *p;
        if (c >= 0x20 && c != 0x7f) {
            buf[o++] = (char)c;
            continue;
        }
        /* a control character would break the one-line message (or the terminal): C escapes */
        const char *e = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
        if (e)
            o += (size_t)snprintf(buf + o, cap - o, "%s", e);
        else
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
    }
    buf[o < cap ? o : cap - 1] = 0;
    return buf;
}

void cli_report(const char *file, const srnn_error *err)
{
    const char *msg = err && err->msg[0] ? err->msg : "failed";
    char f[CLI_NAME_MAX], m[2 * sizeof err->msg];
    cli_escape(file, f, sizeof f);
    cli_escape(msg, m, sizeof m);
    if (err && err->line > 0 && err->col > 0)
        fprintf(stderr, "songrnn: %s:%d:%d: %s\n", f, err->line, err->col, m);
    else if (err && err->line > 0)
        fprintf(stderr, "songrnn: %s:%d: %s\n", f, err->line, m);
    else
        fprintf(stderr, "songrnn: %s: %s\n", f, m);
}

void cli_fail(const char *file, const char *fmt, ...)
{
    char f[CLI_NAME_MAX], msg[1024], m[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "songrnn: %s: %s\n", cli_escape(file, f, sizeof f),
            cli_escape(msg, m, sizeof m));
}

void cli_wrote(const char *path, const char *fmt, ...)
{
    char f[CLI_NAME_MAX], more[512] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(more, sizeof more, fmt, ap);
        va_end(ap);
    }
    fprintf(stderr, "songrnn: wrote %s%s\n", cli_escape(path, f, sizeof f), more);
}

/* ---- stdout ------------------------------------------------------------------------------ */

static int stdout_reported;

void cli_stdout_failed(int errnum)
{
    if (stdout_reported)
        return;
    stdout_reported = 1;
    if (errnum)
        fprintf(stderr, "songrnn: stdout: write error (%s)\n", strerror(errnum));
    else
        fprintf(stderr, "songrnn: stdout: write error\n");
}

int cli_stdout_flush(void)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_stdout_failed(errno);
        return -1;
    }
    return 0;
}

/* At exit, as coreutils' close_stdout: output still buffered is written now, and a write that
 * failed earlier (a full disk, /dev/full) must not pass for success. */
static void close_stdout(void)
{
    int failed = ferror(stdout);
    errno = 0;
    int e = 0;
    if (fflush(stdout) != 0)
        e = errno;
    if (fclose(stdout) != 0 && !e && errno != EBADF) /* EBADF: stdout was closed (>&-) */
        e = errno;
    if (!failed && !e)
        return;
    if (!stdout_reported)
        cli_stdout_failed(e);
    fflush(stderr);
    _exit(EXIT_ERROR);
}

void cli_stdout_check_at_exit(void)
{
    atexit(close_stdout);
}

/* ---- output names ------------------------------------------------------------------------ */

const char *cli_extension(const char *path)
{
    static char ext[16];
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    ext[0] = 0;
    if (!dot || dot[1] == 0 || strlen(dot + 1) >= sizeof ext)
        return ext;
    size_t i = 0;
    for (const char *p = dot + 1; *p; p++)
        ext[i++] = (char)tolower((unsigned char)*p);
    ext[i] = 0;
    return ext;
}

char *cli_numbered_path(const char *out, int n)
{
    const char *slash = strrchr(out, '/');
    const char *dot = strrchr(slash ? slash + 1 : out, '.');
    size_t stem = dot ? (size_t)(dot - out) : strlen(out);
    size_t len = strlen(out) + 24;
    char *p = malloc(len);
    if (!p)
        return NULL;
    snprintf(p, len, "%.*s-%d%s", (int)stem, out, n, dot ? dot : "");
    return p;
}

int cli_stderr_is_tty(void)
{
    return isatty(2);
}

/* ---- outputs that are inputs ------------------------------------------------------------- */

/* A file by device and inode, and the path it was reached by (for the message). */
typedef struct file_id {
    dev_t dev;
    ino_t ino;
    char *path;
} file_id;

struct cli_inputs {
    file_id *v;
    size_t n, cap;
    int sorted;
    const char *const *exts[8]; /* the extensions read inside folders, per mode */
    size_t n_exts;
};

static int id_cmp(const void *a, const void *b)
{
    const file_id *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return x->ino < y->ino ? -1 : x->ino > y->ino ? 1 : 0;
}

static void inputs_add(cli_inputs *in, const char *path, const struct stat *st)
{
    if (in->n == in->cap) {
        size_t nc = in->cap ? in->cap * 2 : 64;
        file_id *nv = realloc(in->v, nc * sizeof *nv);
        if (!nv)
            return; /* out of memory: fewer checks, never a false refusal */
        in->v = nv;
        in->cap = nc;
    }
    char *p = strdup(path);
    if (!p)
        return;
    in->v[in->n++] = (file_id){st->st_dev, st->st_ino, p};
    in->sorted = 0;
}

static int read_in_folders(const cli_inputs *in, const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return 0;
    char ext[16];
    size_t i = 0;
    for (const char *p = dot + 1; *p && i + 1 < sizeof ext; p++)
        ext[i++] = (char)tolower((unsigned char)*p);
    ext[i] = 0;
    for (size_t m = 0; m < in->n_exts; m++)
        for (const char *const *e = in->exts[m]; *e; e++)
            if (strcmp(*e, ext) == 0)
                return 1;
    return 0;
}

/* The files a command would read in a folder, as src/mode/files.c finds them: recursively,
 * symbolic links followed, names starting with a dot left out, by extension.  Nothing is
 * reported: the command's own reading says what cannot be opened. */
static void inputs_walk(cli_inputs *in, const char *dir, int depth)
{
    if (depth > 64)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(len);
        if (!p)
            break;
        snprintf(p, len, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                inputs_walk(in, p, depth + 1);
            else if (S_ISREG(st.st_mode) && read_in_folders(in, e->d_name))
                inputs_add(in, p, &st);
        }
        free(p);
    }
    closedir(d);
}

cli_inputs *cli_inputs_new(const srnn_opts *o)
{
    cli_inputs *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    const srnn_mode_def *m = o && o->mode ? srnn_modes_by_name(o->mode) : NULL;
    if (m) {
        in->exts[in->n_exts++] = m->in_exts;
    } else {
        size_t n = 0;
        const srnn_mode_def *const *all = srnn_modes_all(&n);
        for (size_t i = 0; i < n && in->n_exts < 8; i++)
            in->exts[in->n_exts++] = all[i]->in_exts;
    }
    return in;
}

void cli_inputs_add(cli_inputs *in, const char *path, int walk)
{
    struct stat st;
    if (!in || !path || strcmp(path, "-") == 0 || stat(path, &st) != 0)
        return;
    inputs_add(in, path, &st);
    if (walk && S_ISDIR(st.st_mode)) {
        char *d = strdup(path);
        if (!d)
            return;
        size_t n = strlen(d);
        while (n > 1 && d[n - 1] == '/')
            d[--n] = 0;
        inputs_walk(in, d, 0);
        free(d);
    }
}

const char *cli_inputs_find(cli_inputs *in, const char *path)
{
    struct stat st;
    if (!in || !path || in->n == 0 || stat(path, &st) != 0)
        return NULL;
    if (!in->sorted) {
        qsort(in->v, in->n, sizeof *in->v, id_cmp);
        in->sorted = 1;
    }
    file_id key = {st.st_dev, st.st_ino, NULL};
    const file_id *hit = bsearch(&key, in->v, in->n, sizeof *in->v, id_cmp);
    return hit ? hit->path : NULL;
}

void cli_inputs_free(cli_inputs *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->n; i++)
        free(in->v[i].path);
    free(in->v);
    free(in);
}

/* The inputs of a command, from its options: the positional files and folders (walked when
 * walk), --prime, --reference (walked when walk), --soundfont. */
static cli_inputs *inputs_of(const srnn_opts *o, int walk)
{
    cli_inputs *in = cli_inputs_new(o);
    if (!in)
        return NULL;
    for (int i = 0; i < o->n_pos; i++)
        cli_inputs_add(in, o->pos[i], walk);
    cli_inputs_add(in, o->prime, 0);
    cli_inputs_add(in, o->reference, walk);
    cli_inputs_add(in, o->soundfont, 0);
    cli_inputs_add(in, o->model, 0); /* eval --model */
    return in;
}

void cli_refuse_input(const char *cmd, const char *out, const char *input)
{
    char a[CLI_NAME_MAX], b[CLI_NAME_MAX];
    fprintf(stderr, "songrnn %s: %s: is one of the inputs (%s); choose another output\n", cmd,
            cli_escape(out, a, sizeof a), cli_escape(input, b, sizeof b));
}

/* The outputs to compare, each an existing path (one that does not exist replaces nothing). */
typedef struct outputs {
    char **v;
    size_t n, cap;
} outputs;

/* Adds path (taken over when take) if it exists. */
static void outputs_add(outputs *w, const char *path, int take)
{
    struct stat st;
    char *p = NULL;
    if (path && strcmp(path, "-") != 0 && stat(path, &st) == 0)
        p = take ? (char *)path : strdup(path);
    else if (take)
        free((char *)path);
    if (!p)
        return;
    if (w->n == w->cap) {
        size_t nc = w->cap ? 2 * w->cap : 16;
        char **nv = realloc(w->v, nc * sizeof *nv);
        if (!nv) {
            free(p);
            return;
        }
        w->v = nv;
        w->cap = nc;
    }
    w->v[w->n++] = p;
}

static int is_folder(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* roundtrip with several inputs or a folder writes FOLDER/NAME for each input file NAME. */
static void roundtrip_outputs(outputs *w, const srnn_opts *o)
{
    cli_inputs *in = cli_inputs_new(o);
    if (!in)
        return;
    for (int i = 0; i < o->n_pos; i++)
        cli_inputs_add(in, o->pos[i], 1);
    for (size_t i = 0; i < in->n; i++) {
        const char *p = in->v[i].path, *slash = strrchr(p, '/');
        if (is_folder(p))
            continue;
        size_t len = strlen(o->output) + strlen(p) + 2;
        char *dst = malloc(len);
        if (dst) {
            snprintf(dst, len, "%s/%s", o->output, slash ? slash + 1 : p);
            outputs_add(w, dst, 1);
        }
    }
    cli_inputs_free(in);
}

int cli_guard_outputs(const char *cmd, const srnn_opts *o)
{
    /* From here on a signal removes the temporary files of the outputs being written. */
    srnn_tmp_cleanup_on_signals();
    outputs w = {0};
    if (o->output) {
        if (strcmp(cmd, "roundtrip") == 0 && (o->n_pos > 1 || (o->n_pos == 1 &&
                                              is_folder(o->pos[0])) || is_folder(o->output))) {
            roundtrip_outputs(&w, o);
        } else if (strcmp(cmd, "generate") == 0 && o->count > 1) {
            for (int i = 1; i <= o->count; i++)
                outputs_add(&w, cli_numbered_path(o->output, i), 1);
        } else {
            outputs_add(&w, o->output, 0);
        }
    }
    outputs_add(&w, o->history, 0);
    outputs_add(&w, o->audio_file, 0);
    int status = 0;
    /* Nothing there yet: nothing to replace.  The folders are walked only when an output is
     * a file the walk would gather (by its real name, symlinks resolved): train --resume -o
     * MODEL.srnn does not stat the whole corpus. */
    cli_inputs *in = NULL;
    if (w.n) {
        cli_inputs *probe = cli_inputs_new(o);
        int walk = !probe;
        for (size_t i = 0; probe && i < w.n && !walk; i++) {
            char *real = realpath(w.v[i], NULL);
            const char *name = real ? real : w.v[i], *slash = strrchr(name, '/');
            walk = read_in_folders(probe, slash ? slash + 1 : name);
            free(real);
        }
        cli_inputs_free(probe);
        in = inputs_of(o, walk);
    }
    for (size_t i = 0; i < w.n && !status; i++) {
        const char *hit = cli_inputs_find(in, w.v[i]);
        if (hit) {
            cli_refuse_input(cmd, w.v[i], hit);
            status = EXIT_USAGE;
        }
    }
    cli_inputs_free(in);
    for (size_t i = 0; i < w.n; i++)
        free(w.v[i]);
    free(w.v);
    if (status)
        return status;
    /* Commands that print on stdout or play: an -o they would ignore is refused, not taken. */
    if (o->output && (strcmp(cmd, "info") == 0 || strcmp(cmd, "bench") == 0 ||
                      strcmp(cmd, "play") == 0)) {
        fprintf(stderr, "songrnn %s: -o: %s\n", cmd,
                strcmp(cmd, "play") == 0 ? "play writes a file only with --audio-file FILE.wav"
                                         : "this command prints on stdout (redirect it with >)");
        return EXIT_USAGE;
    }
    return 0;
}
