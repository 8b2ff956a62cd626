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
    fclose(f);
    if (got < sizeof h || memcmp(h, "RIFF", 4) != 0 || memcmp(h + 8, "sfbk", 4) != 0)
        return srnn_error_set(err, SRNN_EINPUT,
                              "not a soundfont: no RIFF 'sfbk' header (expected a .sf2 or .sf3 "
                              "SoundFont file)");
    uint32_t riff = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 |
                    (uint32_t)h[7] << 24;
    if (riff < 4 + 12)
        return srnn_error_set(err, SRNN_EINPUT, "not a soundfont: RIFF chunk too small");
    return SRNN_OK;
}
