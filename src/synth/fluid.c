/* FluidSynth: the live backend and the offline renderer.
 *
 * Why the live backend schedules on the synth's sample clock: FluidSynth's 'file' audio driver
 * renders one period (64 frames) per 1 ms timer tick whenever its sample count is behind the
 * wall clock (fluid_aufile.c), so it is paced to real time but in bursts, and falls behind and
 * catches up when the machine is busy.  An audio card drifts from the system clock as well.
 * Scheduling by the wall clock would put notes at the wrong places in the audio; so events go
 * to a fluid_sequencer without the system timer, registered with the synth, which the synth
 * advances from its own sample count every 64-frame block: each event lands at its time in
 * the audio whatever the driver's speed, and before the driver starts the clock stands at 0.
 * Events are sent to our own sequencer client (not straight to the synth) so that the moment
 * each one is played is seen, on the same clock, and its lateness measured. */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "srnn_config.h"
#include "synth_internal.h"

int srnn_synth_have_fluidsynth(void)
{
    return SRNN_HAVE_FLUIDSYNTH;
}

#if !SRNN_HAVE_FLUIDSYNTH

int srnn_fluid_backend_open(srnn_player *p, const srnn_player_opts *opts, srnn_backend *b,
                            srnn_error *err)
{
    (void)p;
    (void)opts;
    (void)b;
    return srnn_error_set(err, SRNN_EINPUT,
                          "built without FluidSynth (install libfluidsynth-dev and rebuild)");
}

void srnn_render_opts_init(srnn_render_opts *opts)
{
    if (opts) {
        memset(opts, 0, sizeof *opts);
        opts->tail = 2.0;
    }
}

int srnn_synth_render_wav(const srnn_synth_event *events, size_t n, double end,
                          const srnn_render_opts *opts, const char *path,
                          srnn_render_stats *stats, srnn_error *err)
{
    (void)events;
    (void)n;
    (void)end;
    (void)opts;
    (void)path;
    (void)stats;
    return srnn_error_set(err, SRNN_EINPUT,
                          "built without FluidSynth (install libfluidsynth-dev and rebuild)");
}

#else

#include <fluidsynth.h>

#define SAMPLE_RATE 44100

static void quiet_log(int level, const char *message, void *data)
{
    (void)level;
    (void)message;
    (void)data;
}

/* FluidSynth logs to stderr by default; a library must not print, so its log is silenced unless
 * the user asked for it. */
static void set_logging(int verbose)
{
    for (int level = FLUID_PANIC; level <= FLUID_DBG; level++)
        fluid_set_log_function(level, verbose ? fluid_default_log_function : quiet_log, NULL);
}

static int make_synth(const char *soundfont, int verbose, int rate, fluid_settings_t **settings_out,
                      fluid_synth_t **synth_out, srnn_error *err)
{
    char found[4096];
    if (!soundfont) {
        if (srnn_synth_find_soundfont(found, sizeof found, err) != 0)
            return SRNN_EINPUT;
        soundfont = found;
    }
    srnn_error e = {0};
    if (srnn_synth_check_soundfont(soundfont, &e) != 0)
        return srnn_error_set(err, SRNN_EINPUT, "%s: %s", soundfont, e.msg);
    set_logging(verbose);
    fluid_settings_t *settings = new_fluid_settings();
    if (!settings)
        return srnn_error_set(err, SRNN_ENOMEM, "FluidSynth: cannot create settings");
    fluid_settings_setnum(settings, "synth.sample-rate", rate);
    fluid_settings_setint(settings, "synth.threadsafe-api", 1);
    /* FluidSynth's default gain (0.2) leaves a piano piece near -27 dBFS; 0.5 is still clear of
     * clipping for dense piano writing. */
    fluid_settings_setnum(settings, "synth.gain", 0.5);
    fluid_synth_t *synth = new_fluid_synth(settings);
    if (!synth) {
        delete_fluid_settings(settings);
        return srnn_error_set(err, SRNN_ENOMEM, "FluidSynth: cannot create the synth");
    }
    if (fluid_synth_sfload(synth, soundfont, 1) == FLUID_FAILED) {
        delete_fluid_synth(synth);
        delete_fluid_settings(settings);
        return srnn_error_set(err, SRNN_EINPUT,
                              "%s: FluidSynth could not load this soundfont (damaged file?)",
                              soundfont);
    }
    *settings_out = settings;
    *synth_out = synth;
    return SRNN_OK;
}

static void apply(fluid_synth_t *synth, const srnn_synth_event *ev)
{
    switch (ev->type) {
    case SRNN_SYNTH_NOTE_ON:
        if (ev->channel < 16 && ev->key < 128)
            fluid_synth_noteon(synth, ev->channel, ev->key,
                               ev->value == 0 ? 1 : ev->value > 127 ? 127 : ev->value);
        break;
    case SRNN_SYNTH_NOTE_OFF:
        if (ev->channel < 16 && ev->key < 128)
            fluid_synth_noteoff(synth, ev->channel, ev->key);
        break;
    case SRNN_SYNTH_PROGRAM:
        if (ev->channel < 16 && ev->value < 128)
            fluid_synth_program_change(synth, ev->channel, ev->value);
        break;
    case SRNN_SYNTH_ALL_NOTES_OFF:
        for (int c = 0; c < 16; c++)
            if (ev->channel == SRNN_SYNTH_ALL_CHANNELS || ev->channel == c)
                fluid_synth_all_notes_off(synth, c);
        break;
    default:
        break;
    }
}

/* ---- live -------------------------------------------------------------------------------- */

/* Events in flight between the player thread and the synth thread, by a running index.  The
 * player thread hands them over in time order with nondecreasing ticks, so when the sequencer
 * calls back for one, every earlier one is due as well: they are played in index order, which
 * keeps the push order of simultaneous events (the sequencer's own order among equal times is
 * not specified). */
#define RING 65536

typedef struct fluid_backend {
    srnn_player *player;
    fluid_settings_t *settings;
    fluid_synth_t *synth;
    fluid_sequencer_t *seq;
    fluid_seq_id_t client;
    fluid_audio_driver_t *driver;
    fluid_event_t *fev;
    srnn_output out;  /* the file driver's WAV (--audio-file); out.dest NULL without one */
    unsigned int last_tick;
    uint64_t next;          /* index of the next event handed over (player thread) */
    atomic_uint_fast64_t played; /* events played (synth thread) */
    srnn_synth_event ring[RING];
} fluid_backend;

static void on_event(unsigned int time, fluid_event_t *event, fluid_sequencer_t *seq, void *data)
{
    (void)time;
    fluid_backend *b = data;
    if (fluid_event_get_type(event) != FLUID_SEQ_TIMER)
        return;
    uint64_t idx = (uint64_t)(uintptr_t)fluid_event_get_data(event);
    uint64_t played = atomic_load(&b->played);
    if (idx < played)
        return; /* already played with an earlier callback of the same block */
    /* fluid_sequencer_get_tick is the tick being processed: the synth's sample clock */
    double now = fluid_sequencer_get_tick(seq) / 1000.0;
    for (uint64_t i = played; i <= idx; i++) {
        const srnn_synth_event *ev = &b->ring[i % RING];
        apply(b->synth, ev);
        srnn_player_note_lateness(b->player, now - ev->time);
    }
    atomic_store(&b->played, idx + 1);
}

static double fl_now(void *self)
{
    fluid_backend *b = self;
    return fluid_sequencer_get_tick(b->seq) / 1000.0;
}

static int fl_send(void *self, const srnn_synth_event *ev, srnn_error *err)
{
    fluid_backend *b = self;
    if (b->next - atomic_load(&b->played) >= RING)
        return srnn_error_set(err, SRNN_EINPUT,
                              "more than %d events within the lookahead window", RING);
    double t = ceil(ev->time * 1000.0);
    unsigned int tick = t > 4.0e9 ? 4000000000u : (unsigned int)t;
    if (tick < b->last_tick)
        tick = b->last_tick; /* a late event: as soon as possible, after those before it */
    b->last_tick = tick;
    b->ring[b->next % RING] = *ev;
    fluid_event_timer(b->fev, (void *)(uintptr_t)b->next);
    fluid_event_set_source(b->fev, -1);
    fluid_event_set_dest(b->fev, b->client);
    if (fluid_sequencer_send_at(b->seq, b->fev, tick, 1) != FLUID_OK)
        return srnn_error_set(err, SRNN_ENOMEM, "FluidSynth: cannot schedule an event");
    b->next++;
    return SRNN_OK;
}

static int fl_start(void *self, srnn_error *err)
{
    fluid_backend *b = self;
    srnn_synth_quiet_alsa();
    b->driver = new_fluid_audio_driver(b->settings, b->synth);
    if (!b->driver) {
        char *name = NULL;
        fluid_settings_dupstr(b->settings, "audio.driver", &name);
        srnn_error_set(err, SRNN_EIO,
                       "FluidSynth could not open the audio driver '%s' (no sound card? "
                       "--audio-driver file --audio-file OUT.wav writes the sound to a file)",
                       name ? name : "?");
        fluid_free(name);
        return SRNN_EIO;
    }
    return SRNN_OK;
}

static void fl_panic(void *self)
{
    fluid_backend *b = self;
    fluid_sequencer_remove_events(b->seq, -1, b->client, -1);
    for (int c = 0; c < 16; c++)
        fluid_synth_all_notes_off(b->synth, c);
}

static int fl_close(void *self, int keep, srnn_error *err)
{
    fluid_backend *b = self;
    int rc = SRNN_OK;
    if (b->driver) {
        for (int c = 0; c < 16; c++)
            fluid_synth_all_notes_off(b->synth, c);
        delete_fluid_audio_driver(b->driver);
    }
    if (b->out.dest) {
        /* The file driver wrote under a temporary name; only a complete file gets the real
         * name (deleting the driver finishes the WAV).  Without a driver nothing was written.
         * A device or a FIFO was written in place: nothing to rename or remove. */
        if (b->driver && keep) {
            char *dest = strdup(b->out.dest);
            if (srnn_output_commit(&b->out, err) != SRNN_OK) {
                char msg[sizeof err->msg];
                snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
                rc = srnn_error_set(err, SRNN_EIO, "%s: %s", dest ? dest : "?", msg);
            }
            free(dest);
        } else {
            srnn_output_abort(&b->out);
        }
    }
    if (b->fev)
        delete_fluid_event(b->fev);
    if (b->seq)
        delete_fluid_sequencer(b->seq);
    if (b->synth)
        delete_fluid_synth(b->synth);
    if (b->settings)
        delete_fluid_settings(b->settings);
    free(b);
    return rc;
}

typedef struct driver_names {
    const char *want;
    int found;
    char names[160];
} driver_names;

static void collect_driver(void *data, const char *name, const char *option)
{
    (void)name;
    driver_names *d = data;
    if (strcmp(option, d->want) == 0)
        d->found = 1;
    size_t len = strlen(d->names);
    snprintf(d->names + len, sizeof d->names - len, "%s%s", len ? ", " : "", option);
}

int srnn_fluid_backend_open(srnn_player *p, const srnn_player_opts *opts, srnn_backend *be,
                            srnn_error *err)
{
    if (!p || !opts || !be)
        return srnn_error_set(err, SRNN_EARG, "fluid_backend_open: NULL argument");
    const char *drv = opts->audio_driver;
    if (opts->audio_file && !drv)
        drv = "file";
    if (drv && strcmp(drv, "file") == 0 && !opts->audio_file)
        return srnn_error_set(err, SRNN_EARG, "the file audio driver needs --audio-file FILE.wav");
    fluid_backend *b = calloc(1, sizeof *b);
    if (!b)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    b->player = p;
    atomic_init(&b->played, 0);
    int rc = make_synth(opts->soundfont, opts->verbose, SAMPLE_RATE, &b->settings, &b->synth, err);
    if (rc != 0) {
        free(b);
        return rc;
    }
    if (drv) {
        /* FluidSynth accepts any string here and fails only when the driver is created, after
         * the music has been queued; say it now, with the names it knows. */
        driver_names dn = {drv, 0, {0}};
        fluid_settings_foreach_option(b->settings, "audio.driver", &dn, collect_driver);
        if (!dn.found || fluid_settings_setstr(b->settings, "audio.driver", drv) != FLUID_OK) {
            (void)fl_close(b, 0, NULL);
            return srnn_error_set(err, SRNN_EARG, "FluidSynth has no audio driver '%s' (it has: %s)",
                                  drv, dn.names[0] ? dn.names : "none");
        }
    }
    if (drv && strcmp(drv, "file") == 0) {
        /* say now, not after playback, if it can't be written */
        srnn_error oe = {0};
        if (srnn_output_open(&b->out, opts->audio_file, SRNN_OUTPUT_NAME_ONLY, &oe) != SRNN_OK) {
            (void)fl_close(b, 0, NULL);
            return srnn_error_set(err, SRNN_EIO, "%s: %s", opts->audio_file, oe.msg);
        }
        fluid_settings_setstr(b->settings, "audio.file.name", srnn_output_name(&b->out));
        fluid_settings_setstr(b->settings, "audio.file.type", "wav");
        fluid_settings_setstr(b->settings, "audio.file.format", "s16");
    }
    b->seq = new_fluid_sequencer2(0);
    b->fev = new_fluid_event();
    if (!b->seq || !b->fev) {
        (void)fl_close(b, 0, NULL);
        return srnn_error_set(err, SRNN_ENOMEM, "FluidSynth: cannot create the sequencer");
    }
    /* The synth client makes the synth advance the sequencer from its sample clock. */
    if (fluid_sequencer_register_fluidsynth(b->seq, b->synth) == FLUID_FAILED ||
        (b->client = fluid_sequencer_register_client(b->seq, "songrnn", on_event, b)) ==
            FLUID_FAILED) {
        (void)fl_close(b, 0, NULL);
        return srnn_error_set(err, SRNN_ENOMEM, "FluidSynth: cannot register with the sequencer");
    }
    be->self = b;
    be->start = fl_start;
    be->now = fl_now;
    be->send = fl_send;
    be->panic = fl_panic;
    be->close = fl_close;
    return SRNN_OK;
}

/* ---- offline ----------------------------------------------------------------------------- */

void srnn_render_opts_init(srnn_render_opts *opts)
{
    if (opts) {
        memset(opts, 0, sizeof *opts);
        opts->tail = 2.0;
    }
}

#define CHUNK 4096

typedef struct renderer {
    fluid_synth_t *synth;
    srnn_wav_writer wav;
    int16_t buf[2 * CHUNK];
    uint64_t frame;
    int peak;
} renderer;

/* Renders `frames` frames; *chunk_peak gets the loudest sample of the last chunk. */
static int render_frames(renderer *r, uint64_t frames, int *chunk_peak, srnn_error *err)
{
    while (frames > 0) {
        int len = frames > CHUNK ? CHUNK : (int)frames;
        if (fluid_synth_write_s16(r->synth, len, r->buf, 0, 2, r->buf, 1, 2) != FLUID_OK)
            return srnn_error_set(err, SRNN_EIO, "FluidSynth failed to render");
        int pk = 0;
        for (int i = 0; i < 2 * len; i++) {
            int v = r->buf[i] < 0 ? -(int)r->buf[i] : r->buf[i];
            if (v > pk)
                pk = v;
        }
        if (pk > r->peak)
            r->peak = pk;
        if (chunk_peak)
            *chunk_peak = pk;
        if (srnn_wav_write(&r->wav, r->buf, (size_t)len, err) != 0)
            return SRNN_EIO;
        r->frame += (uint64_t)len;
        frames -= (uint64_t)len;
    }
    return SRNN_OK;
}

int srnn_synth_render_wav(const srnn_synth_event *events, size_t n, double end,
                          const srnn_render_opts *opts, const char *path,
                          srnn_render_stats *stats, srnn_error *err)
{
    if ((!events && n) || !path)
        return srnn_error_set(err, SRNN_EARG, "render_wav: NULL argument");
    srnn_render_opts o;
    srnn_render_opts_init(&o);
    if (opts)
        o = *opts;
    int rate = o.sample_rate > 0 ? o.sample_rate : SAMPLE_RATE;
    if (rate < 8000 || rate > 192000)
        return srnn_error_set(err, SRNN_EARG, "sample rate %d out of range", rate);
    double tail = o.tail >= 0 && o.tail <= 60 ? o.tail : 2.0;
    if (!(end >= 0))
        return srnn_error_set(err, SRNN_EARG, "render_wav: bad end time");
    if (end > 1e6) /* the piece's fault, not the output's: SRNN_EINPUT */
        return srnn_error_set(err, SRNN_EINPUT, "the piece is too long to render: %.0f s of "
                              "music, at most 1000000 s (11 days) go into a WAV file", end);
    if (stats)
        memset(stats, 0, sizeof *stats);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    fluid_settings_t *settings = NULL;
    renderer *r = calloc(1, sizeof *r);
    if (!r)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    int rc = make_synth(o.soundfont, o.verbose, rate, &settings, &r->synth, err);
    if (rc != 0) {
        free(r);
        return rc;
    }
    rc = srnn_wav_open(&r->wav, path, rate, 2, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const srnn_synth_event *ev = &events[i];
        double t = ev->time >= 0 && ev->time <= 1e6 ? ev->time : 0;
        uint64_t at = (uint64_t)llround(t * rate);
        if (at > r->frame)
            rc = render_frames(r, at - r->frame, NULL, err);
        if (rc == 0)
            apply(r->synth, ev);
    }
    /* Up to the end of the piece, then the releases and reverb ring out up to the tail, stopping
     * at the first silent chunk. */
    uint64_t end_frame = (uint64_t)llround(end * rate);
    if (rc == 0 && end_frame > r->frame)
        rc = render_frames(r, end_frame - r->frame, NULL, err);
    uint64_t tail_end = r->frame + (uint64_t)llround(tail * rate);
    while (rc == 0 && r->frame < tail_end) {
        uint64_t len = tail_end - r->frame < CHUNK / 4 ? tail_end - r->frame : CHUNK / 4;
        int pk = 0;
        rc = render_frames(r, len, &pk, err);
        if (pk <= 2) /* below -84 dBFS: the rest is silence */
            break;
    }
    if (rc == 0)
        rc = srnn_wav_close(&r->wav, err);
    else
        srnn_wav_abort(&r->wav);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc == 0 && stats) {
        stats->audio_seconds = (double)r->frame / rate;
        stats->render_seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
        stats->peak = r->peak / 32767.0;
    }
    delete_fluid_synth(r->synth);
    delete_fluid_settings(settings);
    free(r);
    return rc;
}

#endif
