/* A 16-bit PCM WAV written block by block into a temporary file next to its destination and
 * renamed when complete (srnn_output), so a render cut short never leaves a half file under
 * the real name and long pieces never have to fit in memory.  A device or a FIFO is written
 * in place, as a stream. */
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
    /* PATH.tmp.PID, renamed when complete, for a regular file (srnn_file_sweep_stale knows a
     * killed writer's leftover by that name); /dev/null or a FIFO is written in place. */
    int rc = srnn_output_open(&w->out, path, 0, err);
    if (rc != SRNN_OK)
        return rc;
    w->f = srnn_output_stream(&w->out, err);
    if (!w->f) {
        srnn_wav_abort(w);
        return SRNN_EIO;
    }
    w->rate = rate;
    w->channels = channels;
    /* A stream cannot be rewound to fix the sizes at the end: its header says "as long as
     * there is data" (the largest sizes), which players of piped WAV read to the end. */
    w->seekable = !srnn_output_in_place(&w->out) || lseek(fileno(w->f), 0, SEEK_CUR) >= 0;
    unsigned char h[44];
    header(h, rate, channels, w->seekable ? 0 : UINT64_MAX / 8);
    if (fwrite(h, 1, sizeof h, w->f) != sizeof h) {
        int e = errno;
        srnn_wav_abort(w);
        return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(e));
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
    if (w->seekable) {
        unsigned char h[44];
        header(h, w->rate, w->channels, w->frames);
        if (fseek(w->f, 0, SEEK_SET) != 0 || fwrite(h, 1, sizeof h, w->f) != sizeof h) {
            int e = errno;
            srnn_wav_abort(w);
            return srnn_error_set(err, SRNN_EIO, "cannot write: %s", strerror(e));
        }
    }
    w->f = NULL; /* the output closes it */
    return srnn_output_commit(&w->out, err);
}

void srnn_wav_abort(srnn_wav_writer *w)
{
    if (!w)
        return;
    if (w->out.dest)
        srnn_output_abort(&w->out);
    w->f = NULL;
}
