/* PortMidi: the live backend for a hardware or software MIDI port.  Events are written ahead of
 * their time with PortMidi timestamps (Pt_Time milliseconds) on a stream opened with a latency
 * above 0, so PortMidi (the ALSA sequencer's queue underneath) delivers each one at its time;
 * the conversion of an event to (timestamp, message) is srnn_pm_encode(), tested alone. */
#include <ctype.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "srnn_config.h"
#include "synth_internal.h"

int srnn_synth_have_portmidi(void)
{
    return SRNN_HAVE_PORTMIDI;
}

/* ALSA, under PortMidi and FluidSynth, prints to stderr when there is no sequencer or sound
 * device (as on machines without sound hardware).  A library must not print: a silent error handler is installed
 * through dlsym, so no ALSA header or link is needed and nothing happens where ALSA is absent. */
static void alsa_quiet(const char *file, int line, const char *function, int e, const char *fmt,
                       ...)
{
    (void)file;
    (void)line;
    (void)function;
    (void)e;
    (void)fmt;
}

void srnn_synth_quiet_alsa(void)
{
    typedef void (*handler_t)(const char *, int, const char *, int, const char *, ...);
    typedef int (*set_t)(handler_t);
    void *sym = dlsym(RTLD_DEFAULT, "snd_lib_error_set_handler");
    if (sym) {
        set_t set;
        memcpy(&set, &sym, sizeof set);
        set(alsa_quiet);
    }
}

#define NO_PORTS_HINT                                                                           \
    "(see songrnn play --list-ports), or play through FluidSynth instead: --synth fluidsynth"

#if !SRNN_HAVE_PORTMIDI

int srnn_pm_backend_open(srnn_player *p, const srnn_player_opts *opts, srnn_backend *b,
                         srnn_error *err)
{
    (void)p;
    (void)opts;
    (void)b;
    return srnn_error_set(err, SRNN_EINPUT,
                          "built without PortMidi (install libportmidi-dev and rebuild); "
                          "play through FluidSynth instead: --synth fluidsynth");
}

int srnn_synth_list_ports(srnn_synth_port **ports, size_t *n, srnn_error *err)
{
    if (ports)
        *ports = NULL;
    if (n)
        *n = 0;
    return srnn_error_set(err, SRNN_EINPUT, "built without PortMidi (install libportmidi-dev "
                                            "and rebuild)");
}

#else

#include <portmidi.h>
#include <porttime.h>

/* PortMidi's latency in ms: above 0 so that timestamps are honoured; small, because the player
 * already writes events a lookahead ahead of their time. */
#define PM_LATENCY_MS 10
/* The clock's origin is this far after the first event is handed over, so the first events are
 * as much on time as the rest. */
#define PM_STARTUP_MS 50

static int pm_init(srnn_error *err)
{
    srnn_synth_quiet_alsa();
    if (!Pt_Started() && Pt_Start(1, NULL, NULL) != ptNoError)
        return srnn_error_set(err, SRNN_EIO, "PortMidi: cannot start the timer");
    PmError e = Pm_Initialize();
    if (e != pmNoError)
        return srnn_error_set(err, SRNN_EIO, "PortMidi: %s", Pm_GetErrorText(e));
    return SRNN_OK;
}

int srnn_synth_list_ports(srnn_synth_port **ports, size_t *n, srnn_error *err)
{
    if (!ports || !n)
        return srnn_error_set(err, SRNN_EARG, "list_ports: NULL argument");
    *ports = NULL;
    *n = 0;
    if (pm_init(err) != 0)
        return SRNN_EIO;
    int count = Pm_CountDevices();
    srnn_synth_port *out = calloc(count > 0 ? (size_t)count : 1, sizeof *out);
    if (!out) {
        Pm_Terminate();
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    size_t k = 0;
    for (int i = 0; i < count; i++) {
        const PmDeviceInfo *info = Pm_GetDeviceInfo(i);
        if (!info || !info->output)
            continue;
        out[k].id = i;
        snprintf(out[k].name, sizeof out[k].name, "%s%s%s", info->interf ? info->interf : "",
                 info->interf ? ": " : "", info->name ? info->name : "?");
        k++;
    }
    Pm_Terminate();
    *ports = out;
    *n = k;
    return SRNN_OK;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

static int find_port(const char *port, srnn_error *err)
{
    int count = Pm_CountDevices();
    int outputs = 0;
    for (int i = 0; i < count; i++) {
        const PmDeviceInfo *info = Pm_GetDeviceInfo(i);
        outputs += info && info->output;
    }
    if (outputs == 0)
        return srnn_error_set(err, SRNN_EINPUT, "PortMidi found no MIDI output ports " NO_PORTS_HINT);
    if (!port) {
        int id = Pm_GetDefaultOutputDeviceID();
        if (id == pmNoDevice)
            return srnn_error_set(err, SRNN_EINPUT,
                                  "PortMidi has no default MIDI output port; pick one with "
                                  "--port ID|NAME (see songrnn play --list-ports)");
        return id;
    }
    char *end = NULL;
    long id = strtol(port, &end, 10);
    if (end != port && *end == 0) {
        const PmDeviceInfo *info = id >= 0 && id < count ? Pm_GetDeviceInfo((int)id) : NULL;
        if (!info || !info->output)
            return srnn_error_set(err, SRNN_EINPUT,
                                  "no MIDI output port %ld " NO_PORTS_HINT, id);
        return (int)id;
    }
    for (int i = 0; i < count; i++) {
        const PmDeviceInfo *info = Pm_GetDeviceInfo(i);
        if (info && info->output && info->name && contains_nocase(info->name, port))
            return i;
    }
    return srnn_error_set(err, SRNN_EINPUT, "no MIDI output port named '%s' " NO_PORTS_HINT,
                          port);
}

typedef struct pm_backend {
    srnn_player *player;
    PortMidiStream *stream;
    int32_t origin;
    int have_origin;
} pm_backend;

static void set_origin(pm_backend *b)
{
    if (!b->have_origin) {
        b->origin = Pt_Time() + PM_STARTUP_MS;
        b->have_origin = 1;
    }
}

static int pm_start(void *self, srnn_error *err)
{
    (void)err;
    set_origin(self);
    return SRNN_OK;
}

static double pm_now(void *self)
{
    pm_backend *b = self;
    if (!b->have_origin)
        return 0;
    return (Pt_Time() - b->origin) / 1000.0;
}

static int pm_send(void *self, const srnn_synth_event *ev, srnn_error *err)
{
    pm_backend *b = self;
    set_origin(b);
    srnn_pm_msg msgs[SRNN_PM_MAX_MSGS];
    int k = srnn_pm_encode(ev, b->origin, msgs);
    if (k == 0)
        return SRNN_OK; /* not a playable event */
    /* Written now, played at its timestamp: late only if its time has already passed. */
    int32_t now = Pt_Time();
    double late = (now - msgs[0].timestamp) / 1000.0;
    srnn_player_note_lateness(b->player, late > 0 ? late : 0);
    for (int i = 0; i < k; i++) {
        PmError e = Pm_WriteShort(b->stream, msgs[i].timestamp, (PmMessage)msgs[i].message);
        if (e != pmNoError)
            return srnn_error_set(err, SRNN_EIO, "PortMidi: %s", Pm_GetErrorText(e));
    }
    return SRNN_OK;
}

static void all_off_now(pm_backend *b)
{
    srnn_synth_event ev = {0, SRNN_SYNTH_ALL_NOTES_OFF, SRNN_SYNTH_ALL_CHANNELS, 0, 0};
    srnn_pm_msg msgs[SRNN_PM_MAX_MSGS];
    int k = srnn_pm_encode(&ev, 0, msgs);
    for (int i = 0; i < k; i++)
        Pm_WriteShort(b->stream, 0, (PmMessage)msgs[i].message); /* 0: at once */
}

static void pm_panic(void *self)
{
    pm_backend *b = self;
    /* Pm_Abort drops what is queued but leaves the stream unusable on some hosts; close and
     * reopen is not worth it: all-notes-off at once overtakes the queue on the port. */
    all_off_now(b);
}

static int pm_close(void *self, int keep, srnn_error *err)
{
    (void)keep, (void)err; /* nothing recorded */
    pm_backend *b = self;
    if (b->stream) {
        all_off_now(b);
        Pm_Close(b->stream);
    }
    Pm_Terminate();
    free(b);
    return SRNN_OK;
}

int srnn_pm_backend_open(srnn_player *p, const srnn_player_opts *opts, srnn_backend *be,
                         srnn_error *err)
{
    if (!p || !opts || !be)
        return srnn_error_set(err, SRNN_EARG, "pm_backend_open: NULL argument");
    if (pm_init(err) != 0)
        return SRNN_EIO;
    int id = find_port(opts->port, err);
    if (id < 0) {
        Pm_Terminate();
        return SRNN_EINPUT;
    }
    pm_backend *b = calloc(1, sizeof *b);
    if (!b) {
        Pm_Terminate();
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    b->player = p;
    PmError e = Pm_OpenOutput(&b->stream, id, NULL, 4096, NULL, NULL, PM_LATENCY_MS);
    if (e != pmNoError) {
        b->stream = NULL;
        (void)pm_close(b, 0, NULL);
        return srnn_error_set(err, SRNN_EIO, "PortMidi cannot open port %d: %s", id,
                              Pm_GetErrorText(e));
    }
    be->self = b;
    be->start = pm_start;
    be->now = pm_now;
    be->send = pm_send;
    be->panic = pm_panic;
    be->close = pm_close;
    return SRNN_OK;
}

#endif
