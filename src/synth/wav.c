/* A 16-bit PCM WAV written block by block into a temporary file next to its destination and
 * renamed when complete, so a render cut short never leaves a half file under the real name
 * and long pieces never have to fit in memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synth_internal.h"

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

static void header(unsigned char h[44], int rate, int channels, uint64_t frames)
{
    uint64_t data = frames * (uint64_t)channels * 2;
    if (data > 0xffffffffu - 36)
        data = 0xffffffffu - 36; /* a WAV cannot say more; players read to the end anyway */
    memcpy(h, "RIFF", 4);
    put32(h + 4, (uint32_t)(36 + data));
    memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put16(h + 20, 1); /* PCM */
    put16(h + 22, (uint32_t)channels);
    put32(h + 24, (uint32_t)rate);
    put32(h + 28, (uint32_t)rate * (uint32_t)channels * 2);
    put16(h + 32, (uint32_t)channels * 2);
    put16(h + 34, 16);
    memcpy(h + 36, "data", 4);
    put32(h + 40, (uint32_t)data);
}

int srnn_wav_open(srnn_wav_writer *w, const char *path, int rate, int channels, srnn_error *err)
{
    if (!w || !path || rate <= 0 || channels <= 0 || channels > 8)
        return srnn_error_set(err, SRNN_EARG, "wav_open: bad argument");
    memset(w, 0, sizeof *w);
    size_t len = strlen(path);
    w->path = strdup(path);
    w->tmp = malloc(len + 32);
    if (!w->path || !w->tmp) {
        free(w->path);
        free(w->tmp);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    /* PATH.tmp.PID, as srnn_file_write_atomic names it, so a later write can tell a killed
     * writer's leftover (srnn_file_sweep_stale) */
    snprintf(w->tmp, len + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        int e = errno;
        free(w->path);
        free(w->tmp);
        w->path = w->tmp = NULL;
        return srnn_error_set(err, SRNN_EIO, "cannot create a file there: %s", strerror(e));
    }
    w->f = fdopen(fd, "wb");
    if (!w->f) {
        close(fd);
        srnn_wav_abort(w);
        return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(errno));
    }
    w->rate = rate;
    w->channels = channels;
    unsigned char h[44];
    header(h, rate, channels, 0);
    if (fwrite(h, 1, sizeof h, w->f) != sizeof h) {
        srnn_wav_abort(w);
        return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(errno));
    }
    return SRNN_OK;
}

int srnn_wav_write(srnn_wav_writer *w, const int16_t *s, size_t frames, srnn_error *err)
{
    if (!w || !w->f || (!s && frames))
        return srnn_error_set(err, SRNN_EARG, "wav_write: bad argument");
    size_t n = frames * (size_t)w->channels;
    unsigned char buf[4096];
    size_t i = 0;
    while (i < n) {
        size_t k = 0;
        for (; i < n && k + 2 <= sizeof buf; i++, k += 2)
            put16(buf + k, (uint16_t)s[i]); /* little-endian whatever the host */
        if (fwrite(buf, 1, k, w->f) != k)
            return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(errno));
    }
    w->frames += frames;
    return SRNN_OK;
}

int srnn_wav_close(srnn_wav_writer *w, srnn_error *err)
{
    if (!w || !w->f)
        return srnn_error_set(err, SRNN_EARG, "wav_close: not open");
    unsigned char h[44];
    header(h, w->rate, w->channels, w->frames);
    int bad = fseek(w->f, 0, SEEK_SET) != 0 || fwrite(h, 1, sizeof h, w->f) != sizeof h ||
              fflush(w->f) != 0 ||
              (fsync(fileno(w->f)) != 0 && errno != EINVAL && errno != EROFS);
    int e = errno;
    if (fclose(w->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    w->f = NULL;
    if (bad) {
        srnn_wav_abort(w);
        return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(e));
    }
    if (rename(w->tmp, w->path) != 0) {
        e = errno;
        srnn_wav_abort(w);
        return srnn_error_set(err, SRNN_EIO, "cannot rename into place: %s", strerror(e));
    }
    srnn_file_sweep_stale(w->path);
    free(w->tmp);
    free(w->path);
    w->tmp = w->path = NULL;
    return SRNN_OK;
}

void srnn_wav_abort(srnn_wav_writer *w)
{
    if (!w)
        return;
    if (w->f)
        fclose(w->f);
    w->f = NULL;
    if (w->tmp)
        unlink(w->tmp);
    free(w->tmp);
    free(w->path);
    w->tmp = w->path = NULL;
}
