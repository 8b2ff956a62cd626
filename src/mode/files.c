/* The files of a corpus: paths given, folders searched recursively, sorted. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
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

/* The (device, inode) pairs walked so far: a real folder is searched once and a real file
 * counted once, however many links lead to them, so branching symlink loops neither hang the
 * walk nor repeat pieces.  Open addressing; capacity a power of two, at most half full. */
typedef struct seen_set {
    struct seen_key {
        dev_t dev;
        ino_t ino;
        int used;
    } *slot;
    size_t cap, n;
} seen_set;

static size_t seen_slot(dev_t dev, ino_t ino, size_t cap)
{
    return ((uint64_t)dev * 0x9E3779B97F4A7C15ull ^ (uint64_t)ino * 0xC2B2AE3D27D4EB4Full) &
           (cap - 1);
}

/* 1 when (dev, ino) is new (and now recorded), 0 when seen before, -1 out of memory. */
static int seen_add(seen_set *s, dev_t dev, ino_t ino)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 256;
        struct seen_key *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slot[i].used)
                continue;
            size_t h = seen_slot(s->slot[i].dev, s->slot[i].ino, nc);
            while (ns[h].used)
                h = (h + 1) & (nc - 1);
            ns[h] = s->slot[i];
        }
        free(s->slot);
        s->slot = ns;
        s->cap = nc;
    }
    size_t h = seen_slot(dev, ino, s->cap);
    for (; s->slot[h].used; h = (h + 1) & (s->cap - 1))
        if (s->slot[h].dev == dev && s->slot[h].ino == ino)
            return 0;
    s->slot[h] = (struct seen_key){dev, ino, 1};
    s->n++;
    return 1;
}

static void walk(srnn_mode_files *f, seen_set *seen, const char *dir, const char *const *exts,
                 const srnn_mode_opts *o)
{
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
        /* Devices, FIFOs and sockets in a folder are not pieces: never opened. */
        if (stat(p, &st) == 0 &&
            (S_ISDIR(st.st_mode) ||
             (S_ISREG(st.st_mode) && srnn_mode_ext_in(srnn_mode_extension(p, ext), exts))) &&
            seen_add(seen, st.st_dev, st.st_ino) > 0)
            files_push(S_ISDIR(st.st_mode) ? &sub : f, p);
        free(p);
    }
    closedir(d);
    if (f->n > first)
        qsort(f->paths + first, f->n - first, sizeof(char *), cmp_str);
    if (sub.n) /* sub.paths is NULL when empty: qsort(NULL, 0) is UB (UBSan) */
        qsort(sub.paths, sub.n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < sub.n; i++)
        walk(f, seen, sub.paths[i], exts, o);
    srnn_mode_files_free(&sub);
}

int srnn_mode_files_gather(srnn_mode_files *out, const char *const *args, int n_args,
                           const char *const *exts, const srnn_mode_opts *o,
                           srnn_mode_error *err)
{
    seen_set seen = {0};
    int rc = SRNN_OK;
    for (int i = 0; i < n_args && rc == SRNN_OK; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0) {
            rc = srnn_mode_fail(err, args[i], SRNN_EIO, "%s", strerror(errno));
            break;
        }
        /* A pipe (`<(...)`, /dev/stdin) is read like a file, with its size cap; a device
         * could be endless (/dev/zero) or block (a tty). */
        if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
            rc = srnn_mode_fail(err, args[i], SRNN_EINPUT, "a device, not a file");
            break;
        }
        if (S_ISDIR(st.st_mode)) {
            if (seen_add(&seen, st.st_dev, st.st_ino) == 0)
                continue; /* the same folder again */
            /* Strip trailing slashes so reported paths read well. */
            char *d = strdup(args[i]);
            if (!d) {
                rc = srnn_mode_fail(err, args[i], SRNN_ENOMEM, "out of memory");
                break;
            }
            size_t n = strlen(d);
            while (n > 1 && d[n - 1] == '/')
                d[--n] = 0;
            walk(out, &seen, d, exts, o);
            free(d);
        } else {
            /* a file given by name is read even when a folder walked already holds it */
            files_push(out, args[i]);
        }
    }
    free(seen.slot);
    return rc;
}

void srnn_mode_files_free(srnn_mode_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->paths[i]);
    free(f->paths);
    memset(f, 0, sizeof *f);
}
