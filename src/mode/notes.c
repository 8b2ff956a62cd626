/* Notes mode: MIDI files in (put on their annotated beats when POP909-style annotations lie
 * beside them), note and chord tokens (metric or timeshift), MIDI or audio out with the meter
 * the model wrote and a key signature; generation through the notes grammar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mode_internal.h"
#include "songrnn/midi.h"
#include "songrnn/sample.h"

static const char *const MIDI_EXTS[] = {"mid", "midi", "smf", "kar", NULL};

/* The beat annotations beside path (POP909's beat_midi.txt), when there are: the piece goes
 * onto its annotated bars.  Annotations that do not fit are reported; the piece stays as it
 * was. */
static void align_to_annotations(const char *path, srnn_piece *p, const srnn_mode_opts *o)
{
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path + 1) : 0;
    static const char NAME[] = "beat_midi.txt";
    char *ann = malloc(dir + sizeof NAME);
    if (!ann)
        return;
    memcpy(ann, path, dir);
    memcpy(ann + dir, NAME, sizeof NAME);
    unsigned char *text = NULL;
    size_t len = 0;
    srnn_error e = {0};
    if (srnn_file_read_all(ann, &text, &len, &e) == SRNN_OK) {
        srnn_beats b;
        int meter;
        if (srnn_beats_parse((const char *)text, len, &b, &e) != SRNN_OK) {
            srnn_mode_report(o, ann, &e); /* line:col in the message */
        } else {
            if (srnn_piece_align_beats(p, &b, &meter, &e) != SRNN_OK)
                srnn_mode_reportf(o, ann, "beat annotations not used: %s", e.msg);
            srnn_beats_release(&b);
        }
        free(text);
    }
    free(ann);
}

static int notes_load(const char *path, const srnn_mode_opts *o, srnn_docs *docs,
                      srnn_mode_error *err)
{
    srnn_piece *p = NULL;
    srnn_error e = {0};
    int rc = srnn_midi_read(path, 0, &p, &e);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, path, rc, &e);
    if (srnn_piece_end_beat(p) > SRNN_NOTES_MAX_BEATS) {
        double beats = srnn_piece_end_beat(p);
        srnn_piece_free(p);
        return srnn_mode_fail(err, path, SRNN_EINPUT, "the piece is too long: it lasts %.0f "
                              "beats, more than songrnn reads (%.0f)", beats, SRNN_NOTES_MAX_BEATS);
    }
    align_to_annotations(path, p, o);
    if (srnn_mode_docs_add(docs, path, p, NULL, 0) != 0) {
        srnn_piece_free(p);
        return srnn_mode_fail(err, path, SRNN_ENOMEM, "out of memory");
    }
    return SRNN_OK;
}

static int notes_build_vocab(const srnn_docs *docs, const srnn_mode_opts *o, srnn_vocab **out,
                             srnn_docs_stats *st, srnn_mode_error *err)
{
    srnn_notes_opts nopts = {.grid = o->grid, .max_vocab = o->max_vocab,
                             .velocity_bins = o->velocity_bins,
                             .tokens = (srnn_notes_tokens)o->tokens,
                             .velocity_scale = (srnn_velocity_scale)o->velocity_scale,
                             .transpose = o->transpose};
    srnn_notes_builder *b = srnn_notes_builder_new(&nopts);
    if (!b)
        return srnn_mode_fail(err, "vocabulary", SRNN_ENOMEM, "out of memory");
    for (size_t i = 0; i < docs->n; i++) {
        if (srnn_notes_builder_add(b, docs->d[i].piece) != SRNN_OK) {
            srnn_notes_builder_free(b);
            return srnn_mode_fail(err, docs->d[i].label, SRNN_ENOMEM, "out of memory");
        }
    }
    srnn_error e = {0};
    int rc = srnn_notes_builder_finish(b, out, &st->coverage, &e);
    srnn_notes_builder_free(b);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, "vocabulary", rc, &e);
    st->tokens = st->coverage.tokens;
    return SRNN_OK;
}

static int notes_encode(const srnn_vocab *v, const srnn_doc *doc, int32_t **toks, size_t *n,
                        srnn_error *err)
{
    return srnn_notes_encode(v, doc->piece, toks, n, err);
}

/* The user's primer, then the continuation: the primer's notes, tempo map, meters and keys
 * as they were, the continuation's notes where the tokens put them (after the primer's), and
 * the meters it changes to after the primer's last bar. */
static int primer_then(const srnn_piece *prime, const srnn_piece *cont, srnn_piece **out)
{
    srnn_piece *p = srnn_piece_copy(prime);
    if (!p)
        return SRNN_ENOMEM;
    int rc = SRNN_OK;
    /* The continuation on a channel of its own (a track of its own in the file), so that a
     * re-strike of a pitch the primer holds does not cut the primer's note, and a DAW shows
     * what was written and what was generated apart. */
    unsigned used = 1u << SRNN_DRUM_CHANNEL;
    const srnn_note *pn = srnn_piece_notes(prime);
    for (size_t i = 0; i < srnn_piece_note_count(prime); i++)
        used |= 1u << pn[i].channel;
    int ch = 0;
    while (ch < 15 && (used >> ch & 1))
        ch++;
    const srnn_note *cn = srnn_piece_notes(cont);
    for (size_t i = 0; rc == SRNN_OK && i < srnn_piece_note_count(cont); i++) {
        srnn_note n = cn[i];
        n.channel = (uint8_t)((used >> ch & 1) ? 0 : ch);
        rc = srnn_piece_add_note(p, &n);
    }
    double end = srnn_piece_end_beat(prime);
    const srnn_timesig *ts = srnn_piece_timesigs(cont);
    for (size_t i = 0; rc == SRNN_OK && i < srnn_piece_timesig_count(cont); i++)
        if (ts[i].beat >= end && ts[i].beat > 0)
            rc = srnn_piece_add_timesig(p, ts[i].beat, ts[i].num, ts[i].den);
    if (rc != SRNN_OK) {
        srnn_piece_free(p);
        return rc;
    }
    srnn_piece_sort_notes(p);
    *out = p;
    return SRNN_OK;
}

/* The continuation alone in the primer's tempo, meter (when the tokens carry none) and key,
 * as they are where the primer ends. */
static int continuation_of(const srnn_piece *prime, srnn_piece *cont, int metric)
{
    double end = srnn_piece_end_beat(prime);
    int rc = SRNN_OK;
    const srnn_tempo *tp = srnn_piece_tempos(prime);
    size_t k = 0, n = srnn_piece_tempo_count(prime);
    for (size_t i = 0; i < n; i++)
        k = tp[i].beat <= end ? i : k;
    if (n)
        rc = srnn_piece_add_tempo(cont, 0, tp[k].us_per_quarter);
    const srnn_keysig *ks = srnn_piece_keysigs(prime);
    n = srnn_piece_keysig_count(prime);
    for (size_t i = k = 0; i < n; i++)
        k = ks[i].beat <= end ? i : k;
    if (rc == SRNN_OK && n)
        rc = srnn_piece_add_keysig(cont, 0, ks[k].sharps, ks[k].minor);
    const srnn_timesig *ts = srnn_piece_timesigs(prime);
    n = srnn_piece_timesig_count(prime);
    for (size_t i = k = 0; i < n; i++)
        k = ts[i].beat <= end ? i : k;
    if (rc == SRNN_OK && n && !metric)
        rc = srnn_piece_add_timesig(cont, 0, ts[k].num, ts[k].den);
    return rc;
}

static int notes_to_piece(const srnn_vocab *v, const int32_t *toks, size_t n,
                          const srnn_mode_opts *o, srnn_piece **out, srnn_error *err)
{
    *out = NULL;
    const srnn_piece *prime = o->prime_piece;
    srnn_notes_decode_opts d = {.skip = o->context,
                                .keep_time = prime && !o->continuation_only};
    srnn_piece *p = NULL;
    int rc = srnn_notes_decode_ex(v, toks, n, &d, &p, err);
    if (rc != SRNN_OK)
        return rc;
    int metric = srnn_notes_tokens_kind(v) == SRNN_TOKENS_METRIC;
    if (prime && !o->continuation_only) {
        srnn_piece *both = NULL;
        rc = primer_then(prime, p, &both);
        srnn_piece_free(p);
        p = both;
    } else if (prime) {
        rc = continuation_of(prime, p, metric);
    }
    int sharps, minor;
    /* Without a key of its own, the key the notes are in, so that notation is spelled in it. */
    if (rc == SRNN_OK && srnn_piece_keysig_count(p) == 0 &&
        srnn_piece_estimate_key(p, &sharps, &minor) == 0)
        rc = srnn_piece_add_keysig(p, 0, sharps, minor);
    if (rc != SRNN_OK) {
        srnn_piece_free(p);
        return srnn_error_set(err, rc, "out of memory");
    }
    *out = p;
    return SRNN_OK;
}

static int notes_doc_piece(srnn_doc *doc, const srnn_mode_opts *o, srnn_piece **out,
                           srnn_error *err)
{
    (void)o;
    *out = doc->piece;
    doc->piece = NULL;
    return *out ? SRNN_OK : srnn_error_set(err, SRNN_EARG, "the piece was taken already");
}

static int notes_read_piece(const char *path, const srnn_mode_opts *o, srnn_piece **out,
                            srnn_mode_error *err)
{
    if (o->tune)
        srnn_mode_reportf(o, path, "--tune applies to ABC files; ignored");
    srnn_error e = {0};
    int rc = srnn_midi_read(path, 0, out, &e);
    return rc == SRNN_OK ? SRNN_OK : srnn_mode_fail_with(err, path, srnn_mode_not_usage(rc), &e);
}

/* ---- generation: the notes grammar --------------------------------------------------------- */

typedef struct notes_gen {
    srnn_notes_grammar *g;
    size_t fed;      /* tokens of the sequence the grammar has seen */
    int close_prime; /* the primer's last event is whole: what follows starts a new one */
} notes_gen;

static int notes_constrain(const int32_t *seq, size_t len, uint8_t *mask, void *ud)
{
    notes_gen *s = ud;
    for (; s->fed < len; s->fed++)
        srnn_notes_grammar_feed(s->g, seq[s->fed]);
    if (s->close_prime) {
        srnn_notes_grammar_close_event(s->g);
        s->close_prime = 0;
    }
    srnn_notes_grammar_mask(s->g, mask);
    return 0;
}

static void notes_reweight(float *logits, const uint8_t *mask, void *ud)
{
    notes_gen *s = ud;
    srnn_notes_grammar_bias(s->g, mask, logits);
}

static void notes_gen_end(void *state)
{
    notes_gen *s = state;
    if (!s)
        return;
    srnn_notes_grammar_free(s->g);
    free(s);
}

/* Of the bars that set out to repeat the one before, about 7 in 10 come out as its exact
 * rhythm (the network can still disagree; measured on POP909 and piano-midi-de, docs/
 * training.md): so that as many generated bars repeat as the corpus's do, more set out to. */
#define BARS_COPIED 0.7

static double bars_repeating(double corpus_share)
{
    if (!(corpus_share > 0))
        return 0; /* unknown (an older model): every bar */
    return corpus_share / BARS_COPIED < 1 ? corpus_share / BARS_COPIED : 1;
}

static int notes_gen_begin(const srnn_vocab *v, const srnn_mode_opts *o,
                           struct srnn_generate_opts *go, void **state, srnn_mode_error *err)
{
    notes_gen *s = calloc(1, sizeof *s);
    if (!s)
        return srnn_mode_fail(err, "generate", SRNN_ENOMEM, "out of memory");
    srnn_notes_grammar_opts g = {.pitch_min = o->pitch_min, .pitch_max = o->pitch_max,
                                 .meter_num = o->meter_num, .meter_den = o->meter_den,
                                 .key_prior = o->key_prior, .key_share = o->key_share,
                                 .repeat_share = bars_repeating(o->repeat_share),
                                 .seed = go->seed,
                                 .repeat_prior = o->repeat_prior};
    srnn_error e = {0};
    int rc = srnn_notes_grammar_new(v, &g, &s->g, &e);
    if (rc != SRNN_OK) {
        free(s);
        if (rc == SRNN_EARG && o->meter_num > 0) {
            /* a meter the model never learned: say which it knows */
            char have[512] = "";
            int num, den;
            for (int k = 0; srnn_notes_meter(v, k, &num, &den) >= 0; k++)
                snprintf(have + strlen(have), sizeof have - strlen(have), "%s%d/%d",
                         k ? ", " : "", num, den);
            return srnn_mode_fail(err, "--meter", SRNN_EARG, "%d/%d is not a meter the model "
                                  "learned (%s)", o->meter_num, o->meter_den,
                                  have[0] ? have : "a timeshift model writes no meters");
        }
        return srnn_mode_fail_with(err, "generate", rc, &e);
    }
    s->close_prime = o->prime != NULL;
    go->constrain = notes_constrain;
    go->reweight = notes_reweight;
    go->constrain_ud = s;
    *state = s;
    return SRNN_OK;
}

/* A stored training window starts anywhere: from its first bar line, with its meter, so that
 * the network's state is that of a piece (room for 2 more tokens). */
static void notes_frame_window(const srnn_vocab *v, int32_t *toks, size_t *n)
{
    if (srnn_notes_tokens_kind(v) != SRNN_TOKENS_METRIC)
        return;
    int bar = srnn_vocab_lookup(v, "Bar");
    size_t at = 0;
    while (at < *n && toks[at] != bar)
        at++;
    if (at == *n)
        return;
    int32_t *w = malloc((*n + 2) * sizeof *w);
    if (!w)
        return;
    size_t k = srnn_notes_window(v, toks, *n, at, w, *n - at + 1);
    memcpy(toks, w, k * sizeof *w);
    *n = k;
    free(w);
}

static const srnn_mode_hooks NOTES_HOOKS = {
    .load = notes_load,
    .build_vocab = notes_build_vocab,
    .encode = notes_encode,
    .to_text = srnn_mode_token_strings,
    .to_piece = notes_to_piece,
    .doc_piece = notes_doc_piece,
    .read_piece = notes_read_piece,
    .gen_begin = notes_gen_begin,
    .gen_end = notes_gen_end,
    .frame_window = notes_frame_window,
};

const srnn_mode_def SRNN_MODE_DEF_NOTES = {
    .mode = SRNN_MODE_NOTES,
    .name = "notes",
    .in_exts = MIDI_EXTS,
    .text_ext = NULL,
    .what = "MIDI file",
    .default_length = 256,
    .has_prime_text = 0,
    .hooks = &NOTES_HOOKS,
};
