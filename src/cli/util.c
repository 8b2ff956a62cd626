/* Helpers shared by the subcommands: messages, file gathering, output names. */
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

void cli_report(const char *file, const srnn_error *err)
{
    const char *msg = err && err->msg[0] ? err->msg : "failed";
    if (err && err->line > 0 && err->col > 0)
        fprintf(stderr, "songrnn: %s:%d:%d: %s\n", file, err->line, err->col, msg);
    else if (err && err->line > 0)
        fprintf(stderr, "songrnn: %s:%d: %s\n", file, err->line, msg);
    else
        fprintf(stderr, "songrnn: %s: %s\n", file, msg);
}

void cli_fail(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "songrnn: %s: ", file);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

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

static int has_ext(const char *path, const char *const *exts)
{
    const char *e = cli_extension(path);
    for (; exts && *exts; exts++)
        if (strcmp(e, *exts) == 0)
            return 1;
    return 0;
}

static int files_push(cli_files *f, const char *path)
{
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 64;
        char **np = realloc(f->paths, nc * sizeof *np);
        if (!np)
            return -1;
        f->paths = np;
        f->cap = nc;
    }
    f->paths[f->n] = strdup(path);
    if (!f->paths[f->n])
        return -1;
    f->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(cli_files *f, const char *dir, const char *const *exts, int depth)
{
    if (depth > 64)
        return 0; /* symlink loops */
    DIR *d = opendir(dir);
    if (!d) {
        cli_fail(dir, "cannot open folder: %s", strerror(errno));
        return 0; /* reported and skipped; the rest still count */
    }
    size_t first = f->n;
    struct dirent *e;
    cli_files sub = {0};
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
                files_push(&sub, p);
            else if (S_ISREG(st.st_mode) && has_ext(p, exts))
                files_push(f, p);
        }
        free(p);
    }
    closedir(d);
    if (f->n > first)
        qsort(f->paths + first, f->n - first, sizeof(char *), cmp_str);
    if (sub.n) /* sub.paths is NULL when empty: qsort(NULL, 0) is UB (UBSan) */
        qsort(sub.paths, sub.n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < sub.n; i++)
        walk(f, sub.paths[i], exts, depth + 1);
    cli_files_free(&sub);
    return 0;
}

int cli_files_gather(cli_files *out, const char *const *args, int n_args, const char *const *exts)
{
    for (int i = 0; i < n_args; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0) {
            cli_fail(args[i], "%s", strerror(errno));
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            /* Strip trailing slashes so reported paths read well. */
            char *d = strdup(args[i]);
            if (!d)
                return 1;
            size_t n = strlen(d);
            while (n > 1 && d[n - 1] == '/')
                d[--n] = 0;
            walk(out, d, exts, 0);
            free(d);
        } else {
            files_push(out, args[i]);
        }
    }
    return 0;
}

void cli_files_free(cli_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->paths[i]);
    free(f->paths);
    memset(f, 0, sizeof *f);
}

int cli_stderr_is_tty(void)
{
    return isatty(2);
}
