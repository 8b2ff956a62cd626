/* The WAV writer (header fields worked out by hand from the RIFF/WAVE layout) and the
 * soundfont search and check, in a scratch folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "songrnn/synth.h"
#include "synth_internal.h"

static char dir[256];

static unsigned long get32(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 |
           (unsigned long)p[3] << 24;
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(data, 1, n, f) == n);
        fclose(f);
    }
}

/* The smallest well-formed SoundFont outline (SoundFont 2.04 layout): RIFF sfbk with empty
 * INFO and sdta lists and a pdta list of the nine record chunks, each the minimum number of
 * zeroed records.  Returns its size in buf (at least 512 bytes). */
static size_t minimal_sf2(unsigned char *buf)
{
    static const struct {
        const char *id;
        unsigned len;
    } sub[] = {{"phdr", 76}, {"pbag", 4}, {"pmod", 10}, {"pgen", 4}, {"inst", 44},
               {"ibag", 4},  {"imod", 10}, {"igen", 4}, {"shdr", 92}};
    size_t n = 0;
#define PUT4(s) (memcpy(buf + n, (s), 4), n += 4)
#define PUT32(v) (buf[n] = (unsigned char)(v), buf[n + 1] = (unsigned char)((v) >> 8),         \
                  buf[n + 2] = (unsigned char)((v) >> 16), buf[n + 3] = 0, n += 4)
    PUT4("RIFF");
    size_t riff_size_at = n;
    PUT32(0);
    PUT4("sfbk");
    PUT4("LIST"), PUT32(4), PUT4("INFO");
    PUT4("LIST"), PUT32(4), PUT4("sdta");
    PUT4("LIST");
    size_t pdta_size_at = n;
    PUT32(0);
    PUT4("pdta");
    for (int i = 0; i < 9; i++) {
        PUT4(sub[i].id);
        PUT32(sub[i].len);
        memset(buf + n, 0, sub[i].len);
        n += sub[i].len;
    }
    size_t pd = n - pdta_size_at - 4, rs = n - 8;
    buf[pdta_size_at] = (unsigned char)pd;
    buf[pdta_size_at + 1] = (unsigned char)(pd >> 8);
    buf[riff_size_at] = (unsigned char)rs;
    buf[riff_size_at + 1] = (unsigned char)(rs >> 8);
#undef PUT4
#undef PUT32
    return n;
}

static void test_wav(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/out.wav", dir);
    srnn_wav_writer w;
    srnn_error err = {0};
    CHECK(srnn_wav_open(&w, path, 44100, 2, &err) == 0);
    /* three frames, left/right: (1, -1), (32767, -32768), (256, 0) */
    int16_t s[6] = {1, -1, 32767, -32768, 256, 0};
    CHECK(srnn_wav_write(&w, s, 2, &err) == 0);
    CHECK(srnn_wav_write(&w, s + 4, 1, &err) == 0);
    struct stat st;
    CHECK(stat(path, &st) != 0); /* nothing under the real name before close */
    CHECK(srnn_wav_close(&w, &err) == 0);
    unsigned char *d = NULL;
    size_t n = 0;
    CHECK(srnn_file_read_all(path, &d, &n, &err) == 0);
    CHECK(n == 44 + 12);
    if (n == 56) {
        CHECK(memcmp(d, "RIFF", 4) == 0 && get32(d + 4) == 36 + 12);
        CHECK(memcmp(d + 8, "WAVEfmt ", 8) == 0 && get32(d + 16) == 16);
        CHECK(d[20] == 1 && d[21] == 0); /* PCM */
        CHECK(d[22] == 2 && d[23] == 0); /* stereo */
        CHECK(get32(d + 24) == 44100);
        CHECK(get32(d + 28) == 176400); /* bytes a second: 44100 * 2 channels * 2 bytes */
        CHECK(d[32] == 4 && d[34] == 16);
        CHECK(memcmp(d + 36, "data", 4) == 0 && get32(d + 40) == 12);
        const unsigned char want[12] = {0x01, 0x00, 0xff, 0xff, 0xff, 0x7f,
                                        0x00, 0x80, 0x00, 0x01, 0x00, 0x00};
        CHECK(memcmp(d + 44, want, 12) == 0);
    }
    free(d);
    CHECK(check_count_entries(dir, "") == 1); /* no temporary left behind */
    /* an aborted write leaves nothing */
    char path2[512];
    snprintf(path2, sizeof path2, "%s/aborted.wav", dir);
    CHECK(srnn_wav_open(&w, path2, 44100, 2, &err) == 0);
    CHECK(srnn_wav_write(&w, s, 3, &err) == 0);
    srnn_wav_abort(&w);
    CHECK(stat(path2, &st) != 0);
    CHECK(check_count_entries(dir, "") == 1);
    /* a folder that does not exist */
    CHECK(srnn_wav_open(&w, "/nonexistent-srnn/x.wav", 44100, 2, &err) == SRNN_EIO);
    CHECK(strstr(err.msg, "cannot") != NULL);
    unlink(path);
}

static void test_soundfont(void)
{
    char sub[512], buf[1024], p[1024];
    srnn_error err = {0};
    /* an empty folder: not found, and the message names both Debian packages */
    snprintf(sub, sizeof sub, "%s/empty", dir);
    CHECK(mkdir(sub, 0755) == 0);
    setenv("SRNN_SOUNDFONT_PATH", sub, 1);
    CHECK(srnn_synth_find_soundfont(buf, sizeof buf, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "timgm6mb-soundfont") != NULL);
    CHECK(strstr(err.msg, "fluid-soundfont-gm") != NULL);
    CHECK(strstr(err.msg, sub) != NULL);
    CHECK(buf[0] == 0);

    /* two folders; the better font (FluidR3) wins over TimGM6mb whatever the folder order */
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    CHECK(mkdir(a, 0755) == 0 && mkdir(b, 0755) == 0);
    unsigned char hdr[512];
    size_t hn = minimal_sf2(hdr);
    snprintf(p, sizeof p, "%s/TimGM6mb.sf2", a);
    write_file(p, hdr, hn);
    char env[1100];
    snprintf(env, sizeof env, "%s::%s", sub, a);
    setenv("SRNN_SOUNDFONT_PATH", env, 1);
    CHECK(srnn_synth_find_soundfont(buf, sizeof buf, &err) == 0);
    CHECK(strcmp(buf, p) == 0);
    CHECK(srnn_synth_check_soundfont(buf, &err) == 0);
    snprintf(p, sizeof p, "%s/FluidR3_GM.sf2", b);
    write_file(p, hdr, hn);
    snprintf(env, sizeof env, "%s:%s", a, b);
    setenv("SRNN_SOUNDFONT_PATH", env, 1);
    CHECK(srnn_synth_find_soundfont(buf, sizeof buf, &err) == 0);
    CHECK(strcmp(buf, p) == 0);
    /* too small a buffer is not found, not a truncated path */
    char tiny[8];
    CHECK(srnn_synth_find_soundfont(tiny, sizeof tiny, &err) != 0);
    unsetenv("SRNN_SOUNDFONT_PATH");

    /* files that are not soundfonts */
    snprintf(p, sizeof p, "%s/text.sf2", dir);
    write_file(p, "hello, I am not a soundfont\n", 28);
    CHECK(srnn_synth_check_soundfont(p, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "not a soundfont") != NULL);
    const unsigned char wave[12] = {'R', 'I', 'F', 'F', 100, 0, 0, 0, 'W', 'A', 'V', 'E'};
    write_file(p, wave, sizeof wave);
    CHECK(srnn_synth_check_soundfont(p, &err) == SRNN_EINPUT);
    write_file(p, "RIFF", 4);
    CHECK(srnn_synth_check_soundfont(p, &err) == SRNN_EINPUT);
    write_file(p, hdr, hn);
    CHECK_MSG(srnn_synth_check_soundfont(p, &err) == 0, "%s", err.msg);
    /* cut short: the pdta list runs past the end of the file, or is missing */
    write_file(p, hdr, hn - 1);
    CHECK(srnn_synth_check_soundfont(p, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "cut short") != NULL);
    write_file(p, hdr, 36);
    CHECK(srnn_synth_check_soundfont(p, &err) == SRNN_EINPUT);
    /* a record chunk of the wrong size (shdr records are 46 bytes) */
    unsigned char bad[512];
    memcpy(bad, hdr, hn);
    bad[hn - 92 - 4] = 91;
    write_file(p, bad, hn);
    CHECK(srnn_synth_check_soundfont(p, &err) == SRNN_EINPUT);
    /* the preset headers missing (phdr, the first chunk of pdta at byte 48, renamed) */
    memcpy(bad, hdr, hn);
    memcpy(bad + 48, "xxxx", 4);
    write_file(p, bad, hn);
    CHECK(srnn_synth_check_soundfont(p, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "pdta") != NULL);
    CHECK(srnn_synth_check_soundfont(dir, &err) == SRNN_EINPUT);
    snprintf(p, sizeof p, "%s/missing.sf2", dir);
    CHECK(srnn_synth_check_soundfont(p, &err) == SRNN_EIO);
    CHECK(strstr(err.msg, "No such file") != NULL);
}

int main(void)
{
    if (check_scratch_make(dir, sizeof dir, "synth-test") != 0)
        return 1;
    test_wav();
    test_soundfont();
    check_scratch_remove(dir);
    return check_finish("test_synth_files");
}
