/* Finding a General MIDI soundfont without flags, and checking a file is one before FluidSynth
 * sees it (FluidSynth's own messages for a wrong file are vague and go to its log). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "synth_internal.h"

static const char *const DEFAULT_DIRS = "/usr/share/sounds/sf2:/usr/share/soundfonts";
/* Best first: FluidR3 (fluid-soundfont-gm) sounds better than TimGM6mb (timgm6mb-soundfont);
 * default-GM.sf2 is the alternatives link Debian points at one of them. */
static const char *const NAMES[] = {"FluidR3_GM.sf2", "TimGM6mb.sf2", "default-GM.sf2"};

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int srnn_synth_find_soundfont(char *buf, size_t size, srnn_error *err)
{
    if (!buf || size == 0)
        return srnn_error_set(err, SRNN_EARG, "find_soundfont: no buffer");
    buf[0] = 0;
    const char *env = getenv("SRNN_SOUNDFONT_PATH");
    const char *dirs = env ? env : DEFAULT_DIRS;
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        const char *p = dirs;
        while (*p) {
            const char *colon = strchr(p, ':');
            size_t len = colon ? (size_t)(colon - p) : strlen(p);
            if (len > 0) {
                int w = snprintf(buf, size, "%.*s/%s", (int)len, p, NAMES[i]);
                if (w > 0 && (size_t)w < size && is_file(buf))
                    return SRNN_OK;
            }
            p += len;
            if (*p == ':')
                p++;
        }
    }
    buf[0] = 0;
    return srnn_error_set(err, SRNN_EINPUT,
                          "no General MIDI soundfont found in %s; install the Debian package "
                          "timgm6mb-soundfont or fluid-soundfont-gm, or pass --soundfont FILE.sf2",
                          env ? env : DEFAULT_DIRS);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The preset data: nine sub-chunks of fixed-size records (SoundFont 2.04, section 7), each
 * list ending with a terminal record.  FluidSynth refuses a file without them, and then tries
 * its DLS loader, which prints glib warnings; checking here keeps such files away from it. */
static int check_pdta(FILE *f, long pos, uint32_t size)
{
    static const struct {
        char id[5];
        uint32_t rec, min;
    } want[] = {{"phdr", 38, 2}, {"pbag", 4, 1}, {"pmod", 10, 1}, {"pgen", 4, 1}, {"inst", 22, 2},
                {"ibag", 4, 1},  {"imod", 10, 1}, {"igen", 4, 1}, {"shdr", 46, 2}};
    unsigned seen = 0;
    long end = pos + (long)size;
    while (pos + 8 <= end) {
        unsigned char c[8];
        if (fseek(f, pos, SEEK_SET) != 0 || fread(c, 1, 8, f) != 8)
            return 0;
        uint32_t len = get32(c + 4);
        if ((uint64_t)pos + 8 + len > (uint64_t)end)
            return 0;
        for (unsigned i = 0; i < 9; i++)
            if (memcmp(c, want[i].id, 4) == 0) {
                if (len % want[i].rec != 0 || len / want[i].rec < want[i].min)
                    return 0;
                seen |= 1u << i;
            }
        pos += 8 + (long)len + (long)(len & 1);
    }
    return seen == 0x1ff;
}

int srnn_synth_check_soundfont(const char *path, srnn_error *err)
{
    if (!path)
        return srnn_error_set(err, SRNN_EARG, "check_soundfont: no path");
    if (!is_file(path)) {
        struct stat st;
        if (stat(path, &st) == 0)
            return srnn_error_set(err, SRNN_EINPUT, "not a soundfont: not a regular file");
        return srnn_error_set(err, SRNN_EIO, "cannot open soundfont: %s", strerror(errno));
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return srnn_error_set(err, SRNN_EIO, "cannot open soundfont: %s", strerror(errno));
    unsigned char h[12];
    size_t got = fread(h, 1, sizeof h, f);
    if (got < sizeof h || memcmp(h, "RIFF", 4) != 0 || memcmp(h + 8, "sfbk", 4) != 0) {
        fclose(f);
        return srnn_error_set(err, SRNN_EINPUT,
                              "not a soundfont: no RIFF 'sfbk' header (expected a .sf2 or .sf3 "
                              "SoundFont file)");
    }
    /* The three top-level lists a SoundFont must have, within the file: a file cut short or
     * with only a header is refused here, before FluidSynth (and the DLS loader it falls back
     * to, which complains on stderr) sees it. */
    uint32_t riff = get32(h + 4);
    fseek(f, 0, SEEK_END);
    long fsize = ftell(f);
    int have_info = 0, have_sdta = 0, have_pdta = 0, pdta_ok = 0;
    long pos = 12;
    while (fsize > 0 && pos + 12 <= fsize && (uint64_t)pos < (uint64_t)riff + 8) {
        unsigned char c[12];
        if (fseek(f, pos, SEEK_SET) != 0 || fread(c, 1, 12, f) != 12)
            break;
        uint32_t size = get32(c + 4);
        if ((uint64_t)pos + 8 + size > (uint64_t)fsize)
            break; /* a chunk running past the end: cut short */
        if (memcmp(c, "LIST", 4) == 0) {
            have_info |= memcmp(c + 8, "INFO", 4) == 0;
            have_sdta |= memcmp(c + 8, "sdta", 4) == 0;
            if (memcmp(c + 8, "pdta", 4) == 0) {
                have_pdta = 1;
                pdta_ok = size >= 4 && check_pdta(f, pos + 12, size - 4);
            }
        }
        pos += 8 + (long)size + (long)(size & 1);
    }
    fclose(f);
    if (!(have_info && have_sdta && have_pdta))
        return srnn_error_set(err, SRNN_EINPUT,
                              "not a soundfont: damaged or cut short (its INFO, sdta and pdta "
                              "parts are not all there)");
    if (!pdta_ok)
        return srnn_error_set(err, SRNN_EINPUT,
                              "not a soundfont: its preset data (pdta) is damaged");
    return SRNN_OK;
}
