/* Whole-file reads and atomic writes (temporary file in the same folder, fsync, rename). */
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

int srnn_file_write_atomic(const char *path, const void *data, size_t size, srnn_error *err)
{
    if (!path || (!data && size))
        return srnn_error_set(err, SRNN_EARG, "no path or data");
    size_t n = strlen(path);
    char *tmp = malloc(n + 32);
    if (!tmp)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    snprintf(tmp, n + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(e));
    }
    const unsigned char *p = data;
    size_t left = size;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            free(tmp);
            return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    /* fsync before rename: after a power cut, the new name never points to missing data. */
    if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(e));
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(e));
    }
    free(tmp);
    srnn_file_sweep_stale(path);
    return SRNN_OK;
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
