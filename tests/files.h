/* The files of a folder for the C tests: every regular file below it (recursively, dot files
 * and folders skipped) whose name ends in one of the given extensions, sorted by path. */
#ifndef SRNN_TESTS_FILES_H
#define SRNN_TESTS_FILES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct check_files {
    char **p; /* [n] malloc'ed paths */
    size_t n, cap;
} check_files;

/* exts: NULL-terminated, with the dot (".mid"), compared without case; NULL: every file. */
static inline int check_files_ext(const char *name, const char *const *exts)
{
    if (!exts)
        return 1;
    size_t len = strlen(name);
    for (; *exts; exts++) {
        size_t el = strlen(*exts);
        if (len > el && strcasecmp(name + len - el, *exts) == 0)
            return 1;
    }
    return 0;
}

static inline void check_files_walk(check_files *f, const char *dir, const char *const *exts,
                                    int depth)
{
    DIR *d = depth < 16 ? opendir(dir) : NULL;
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(len);
        if (!path)
            break;
        snprintf(path, len, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            check_files_walk(f, path, exts, depth + 1);
        } else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
                   check_files_ext(e->d_name, exts)) {
            if (f->n == f->cap) {
                size_t nc = f->cap ? 2 * f->cap : 256;
                char **np = realloc(f->p, nc * sizeof *np);
                if (!np) {
                    free(path);
                    break;
                }
                f->p = np;
                f->cap = nc;
            }
            f->p[f->n++] = path;
            continue;
        }
        free(path);
    }
    closedir(d);
}

static inline int check_files_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void check_files_gather(check_files *f, const char *dir, const char *const *exts)
{
    check_files_walk(f, dir, exts, 0);
    if (f->n > 1)
        qsort(f->p, f->n, sizeof *f->p, check_files_cmp);
}

static inline void check_files_free(check_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->p[i]);
    free(f->p);
    memset(f, 0, sizeof *f);
}

#endif
