/* Whole-file reads and output files: a temporary file in the same folder, fsync, rename, for
 * regular files; in place for devices and FIFOs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "songrnn/common.h"

/* Removes PATH.tmp.PID files of writers that died mid-write (SIGKILL, power cut): PID no
 * longer a process.  A live writer's file, or any other name, is left alone. */
void srnn_file_sweep_stale(const char *path)
{
    if (!path || !*path)
        return;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dlen = slash ? (size_t)(slash - path) : 0;
    char *folder = malloc(dlen + 2);
    if (!folder)
        return;
    if (slash && dlen == 0)
        strcpy(folder, "/");
    else if (slash)
        memcpy(folder, path, dlen), folder[dlen] = 0;
    else
        strcpy(folder, ".");
    DIR *d = opendir(folder);
    size_t blen = strlen(base);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strncmp(n, base, blen) != 0 || strncmp(n + blen, ".tmp.", 5) != 0)
            continue;
        const char *digits = n + blen + 5;
        char *end;
        errno = 0;
        long pid = strtol(digits, &end, 10);
        if (*digits < '0' || *digits > '9' || *end || errno || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive, or not ours to judge */
        size_t len = strlen(folder) + strlen(n) + 2;
        char *full = malloc(len);
        if (full) {
            snprintf(full, len, "%s/%s", folder, n);
            unlink(full);
            free(full);
        }
    }
    if (d)
        closedir(d);
    free(folder);
}

int srnn_file_same(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!a || !b || stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void output_free(srnn_output *o)
{
    srnn_tmp_unregister(o->slot);
    free(o->dest);
    free(o->tmp);
    o->dest = o->tmp = NULL;
    o->slot = -1;
    o->fd = -1;
    o->f = NULL;
}

static int output_error(srnn_output *o, srnn_error *err, int e)
{
    output_free(o);
    return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(e));
}

int srnn_output_open(srnn_output *o, const char *path, unsigned flags, srnn_error *err)
{
    if (!o)
        return srnn_error_set(err, SRNN_EARG, "no output");
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->slot = -1;
    if (!path || !*path)
        return srnn_error_set(err, SRNN_EARG, "no path");
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return srnn_error_set(err, SRNN_EIO, "is a folder");
    if (exists && S_ISSOCK(st.st_mode))
        return srnn_error_set(err, SRNN_EIO, "is a socket: a file cannot be written to it");
    if (exists && !S_ISREG(st.st_mode)) {
        /* A device or a FIFO: written in place, never renamed over. */
        o->dest = strdup(path);
        if (!o->dest)
            return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
        if (flags & SRNN_OUTPUT_NAME_ONLY)
            return SRNN_OK;
        o->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (o->fd < 0)
            return output_error(o, err, errno);
        return SRNN_OK;
    }
    /* A symbolic link stays one: the file it points to is what gets replaced.  A dangling
     * link (realpath fails) is replaced itself, as a new file would be made. */
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
        o->dest = realpath(path, NULL);
    if (!o->dest)
        o->dest = strdup(path);
    size_t n = o->dest ? strlen(o->dest) + 32 : 0;
    o->tmp = o->dest ? malloc(n) : NULL;
    if (!o->tmp) {
        output_free(o);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    snprintf(o->tmp, n, "%s.tmp.%ld", o->dest, (long)getpid());
    o->slot = srnn_tmp_register(o->tmp); /* before the file exists: a signal never misses it */
    o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (o->fd < 0)
        return output_error(o, err, errno);
    /* The new file keeps the permissions of the one it replaces. */
    if (exists)
        (void)fchmod(o->fd, st.st_mode & 07777);
    if (flags & SRNN_OUTPUT_NAME_ONLY) {
        close(o->fd);
        o->fd = -1;
    }
    return SRNN_OK;
}

const char *srnn_output_name(const srnn_output *o)
{
    return o->tmp ? o->tmp : o->dest;
}

int srnn_output_in_place(const srnn_output *o)
{
    return o->dest && !o->tmp;
}

FILE *srnn_output_stream(srnn_output *o, srnn_error *err)
{
    if (o->f)
        return o->f;
    if (o->fd < 0) {
        srnn_error_set(err, SRNN_EARG, "output not open");
        return NULL;
    }
    o->f = fdopen(o->fd, "wb");
    if (!o->f) {
        srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(errno));
        return NULL;
    }
    o->fd = -1; /* the stream owns it now */
    return o->f;
}

int srnn_output_commit(srnn_output *o, srnn_error *err)
{
    if (!o || !o->dest)
        return srnn_error_set(err, SRNN_EARG, "output not open");
    int e = 0;
    int fd = o->f ? fileno(o->f) : o->fd;
    if (o->f) {
        errno = 0;
        if (fflush(o->f) != 0)
            e = errno ? errno : EIO;
        else if (ferror(o->f))
            e = EIO; /* an earlier write failed; its caller should have said why */
    }
    /* fsync before rename: after a power cut, the new name never points to missing data.
     * EINVAL/EROFS: a file system or a device that cannot sync, nothing lost by going on. */
    if (!e && o->tmp && fd >= 0 && fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
        e = errno;
    if (o->f) {
        if (fclose(o->f) != 0 && !e)
            e = errno;
    } else if (o->fd >= 0 && close(o->fd) != 0 && !e) {
        e = errno;
    }
    o->f = NULL;
    o->fd = -1;
    if (!e && o->tmp && rename(o->tmp, o->dest) != 0)
        e = errno;
    if (e) {
        if (o->tmp)
            unlink(o->tmp);
        return output_error(o, err, e);
    }
    if (o->tmp)
        srnn_file_sweep_stale(o->dest);
    output_free(o);
    return SRNN_OK;
}

void srnn_output_abort(srnn_output *o)
{
    if (!o)
        return;
    if (o->f)
        fclose(o->f);
    else if (o->fd >= 0)
        close(o->fd);
    if (o->tmp)
        unlink(o->tmp);
    output_free(o);
}

int srnn_file_write_atomic(const char *path, const void *data, size_t size, srnn_error *err)
{
    if (!path || (!data && size))
        return srnn_error_set(err, SRNN_EARG, "no path or data");
    srnn_output out;
    int rc = srnn_output_open(&out, path, 0, err);
    if (rc != SRNN_OK)
        return rc;
    const unsigned char *p = data;
    size_t left = size;
    while (left > 0) {
        ssize_t w = write(out.fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            srnn_output_abort(&out);
            return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    return srnn_output_commit(&out, err);
}

int srnn_file_read_all(const char *path, unsigned char **data, size_t *size, srnn_error *err)
{
    if (!path || !data || !size)
        return srnn_error_set(err, SRNN_EARG, "no path");
    *data = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return srnn_error_set(err, SRNN_EIO, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return srnn_error_set(err, SRNN_EIO, "is a directory");
    }
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    for (;;) {
        if (len == cap) {
            if (cap > ((size_t)1 << 30)) {
                free(buf);
                fclose(f);
                return srnn_error_set(err, SRNN_EINPUT, "file larger than 1 GiB");
            }
            cap *= 2;
            unsigned char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
            }
            buf = nb;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0) {
            if (ferror(f)) {
                free(buf);
                fclose(f);
                return srnn_error_set(err, SRNN_EIO, "cannot read: %s", strerror(errno));
            }
            break;
        }
    }
    fclose(f);
    buf[len] = 0;
    *data = buf;
    *size = len;
    return SRNN_OK;
}
