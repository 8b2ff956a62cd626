/* The files of a corpus: paths given, folders searched recursively, sorted. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mode_internal.h"

const char *srnn_mode_extension(const char *path, char ext[16])
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    ext[0] = 0;
    if (!dot || dot[1] == 0 || strlen(dot + 1) >= 16)
        return ext;
    size_t i = 0;
    for (const char *p = dot + 1; *p; p++)
        ext[i++] = (char)tolower((unsigned char)*p);
    ext[i] = 0;
    return ext;
}

int srnn_mode_ext_in(const char *ext, const char *const *exts)
{
    for (; exts && *exts; exts++)
        if (strcmp(ext, *exts) == 0)
            return 1;
    return 0;
}

static int files_push(srnn_mode_files *f, const char *path)
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

static void walk(srnn_mode_files *f, const char *dir, const char *const *exts, int depth,
                 const srnn_mode_opts *o)
{
    if (depth > 64)
        return; /* symlink loops */
    DIR *d = opendir(dir);
    if (!d) {
        /* reported and skipped; the rest still count */
        srnn_mode_reportf(o, dir, "cannot open folder: %s", strerror(errno));
        f->failed++;
        return;
    }
    size_t first = f->n;
    struct dirent *e;
    srnn_mode_files sub = {0};
    char ext[16];
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
            else if (S_ISREG(st.st_mode) && srnn_mode_ext_in(srnn_mode_extension(p, ext), exts))
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
        walk(f, sub.paths[i], exts, depth + 1, o);
    srnn_mode_files_free(&sub);
}

int srnn_mode_files_gather(srnn_mode_files *out, const char *const *args, int n_args,
                           const char *const *exts, const srnn_mode_opts *o,
                           srnn_mode_error *err)
{
    for (int i = 0; i < n_args; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0)
            return srnn_mode_fail(err, args[i], SRNN_EIO, "%s", strerror(errno));
        if (S_ISDIR(st.st_mode)) {
            /* Strip trailing slashes so reported paths read well. */
            char *d = strdup(args[i]);
            if (!d)
                return srnn_mode_fail(err, args[i], SRNN_ENOMEM, "out of memory");
            size_t n = strlen(d);
            while (n > 1 && d[n - 1] == '/')
                d[--n] = 0;
            walk(out, d, exts, 0, o);
            free(d);
        } else {
            files_push(out, args[i]);
        }
    }
    return SRNN_OK;
}

void srnn_mode_files_free(srnn_mode_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->paths[i]);
    free(f->paths);
    memset(f, 0, sizeof *f);
}
