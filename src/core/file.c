/* Whole-file reads and atomic writes (temporary file in the same folder, fsync, rename). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "songrnn/common.h"

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
