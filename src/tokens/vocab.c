/* Vocabularies: a list of token strings with a hash table, the notes layout derived from the
 * strings themselves, and a checksummed byte blob for the model file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokens_internal.h"

static const char *const MODE_NAMES[] = {"notes", "abc", "tabla"};

const char *srnn_mode_name(srnn_mode mode)
{
    return (unsigned)mode < 3 ? MODE_NAMES[mode] : "unknown";
}

int srnn_mode_from_name(const char *name)
{
    for (int i = 0; name && i < 3; i++)
        if (strcmp(name, MODE_NAMES[i]) == 0)
            return i;
    return -1;
}

void srnn_vocab_free(srnn_vocab *v)
{
    if (!v)
        return;
    for (int i = 0; v->tok && i < v->n; i++)
        free(v->tok[i]);
    free(v->tok);
    free(v->slots);
    free(v->shift_id);
    free(v->vel_id);
    free(v->pos_id);
    free(v->dur_steps);
    free(v->dur_id);
    free(v->kind);
    free(v->value);
    free(v->sets);
    free(v->set_id);
    free(v->greedy);
    free(v->set_slots);
    free(v);
}

srnn_mode srnn_vocab_mode(const srnn_vocab *v)
{
    return v ? v->mode : SRNN_MODE_NOTES;
}

int srnn_vocab_size(const srnn_vocab *v)
{
    return v ? v->n : 0;
}

const char *srnn_vocab_token(const srnn_vocab *v, int id)
{
    return v && id >= 0 && id < v->n ? v->tok[id] : NULL;
}

static uint32_t str_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int srnn_vocab_lookup(const srnn_vocab *v, const char *token)
{
    if (!v || !token || !v->slots)
        return -1;
    for (uint32_t i = str_hash(token) & v->mask;; i = (i + 1) & v->mask) {
        int32_t s = v->slots[i];
        if (s == 0)
            return -1;
        if (strcmp(v->tok[s - 1], token) == 0)
            return s - 1;
    }
}

int srnn_vocab_start_id(const srnn_vocab *v)
{
    return v ? v->start_id : -1;
}

int srnn_vocab_end_id(const srnn_vocab *v)
{
    return v ? v->end_id : -1;
}

int srnn_notes_grid(const srnn_vocab *v)
{
    return v && v->mode == SRNN_MODE_NOTES ? v->grid : 0;
}

int srnn_notes_velocity_bins(const srnn_vocab *v)
{
    return v && v->mode == SRNN_MODE_NOTES ? v->vel_bins : 0;
}

int srnn_notes_tokens_kind(const srnn_vocab *v)
{
    return v && v->mode == SRNN_MODE_NOTES ? v->tokens : -1;
}

srnn_notes_part srnn_notes_token_part(const srnn_vocab *v, int id)
{
    if (!v || v->mode != SRNN_MODE_NOTES || id < 0 || id >= v->n)
        return SRNN_NOTES_PART_OTHER;
    switch (v->kind[id]) {
    case TK_SHIFT:
    case TK_POS:
        return SRNN_NOTES_PART_TIME;
    case TK_BAR:
    case TK_METER:
        return SRNN_NOTES_PART_BAR;
    case TK_VEL:
        return SRNN_NOTES_PART_VELOCITY;
    case TK_PITCH:
        return SRNN_NOTES_PART_PITCH;
    case TK_DUR:
        return SRNN_NOTES_PART_DURATION;
    default:
        return SRNN_NOTES_PART_OTHER;
    }
}

const char *srnn_notes_part_name(srnn_notes_part part)
{
    static const char *const NAMES[SRNN_NOTES_PARTS] = {"time", "bar", "velocity", "pitch",
                                                        "duration", "other"};
    return part >= 0 && part < SRNN_NOTES_PARTS ? NAMES[part] : "other";
}

int srnn_notes_velocity_level(const srnn_vocab *v, int k)
{
    return v && v->mode == SRNN_MODE_NOTES && k >= 0 && k < v->vel_bins ? v->vel_level[k] : 0;
}

int srnn_notes_meter_count(const srnn_vocab *v)
{
    return v && v->mode == SRNN_MODE_NOTES && v->tokens == SRNN_TOKENS_METRIC ? v->n_meters : 0;
}

int srnn_notes_meter(const srnn_vocab *v, int k, int *num, int *den)
{
    if (k < 0 || k >= srnn_notes_meter_count(v))
        return -1;
    *num = v->meter_num[k];
    *den = v->meter_den[k];
    return v->meter_id[k];
}

/* ---- notes layout -------------------------------------------------------------------- */

/* A canonical decimal (no sign, no leading zero) of at most 12 digits at *s; advances *s. */
static int parse_num(const char **s, int64_t *out)
{
    const char *p = *s;
    if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
        return -1;
    int64_t x = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (++digits > 12)
            return -1;
        x = x * 10 + (*p - '0');
    }
    *s = p;
    *out = x;
    return 0;
}

/* What a notes token string means; -1 when it is not one.  *value: steps, velocity, position;
 * meters: numerator in *value, denominator in *den. */
static int parse_notes_token(const char *t, int64_t *value, int64_t *den, pset *set)
{
    memset(set, 0, sizeof *set);
    if (strcmp(t, "<start>") == 0)
        return TK_START;
    if (strcmp(t, "<end>") == 0)
        return TK_END;
    if (strcmp(t, "Bar") == 0)
        return TK_BAR;
    const char *p = t + 1;
    int64_t x;
    switch (t[0]) {
    case 'T':
    case 'D':
        if (parse_num(&p, &x) || *p || x < 1 || x > SRNN_STEPS_MAX)
            return -1;
        *value = x;
        return t[0] == 'T' ? TK_SHIFT : TK_DUR;
    case 'V':
        if (parse_num(&p, &x) || *p || x < 1 || x > 127)
            return -1;
        *value = x;
        return TK_VEL;
    case 'P':
        if (parse_num(&p, &x) || *p || x >= BAR_STEPS_MAX)
            return -1;
        *value = x;
        return TK_POS;
    case 'M': {
        int64_t d;
        if (parse_num(&p, &x) || *p++ != '/' || parse_num(&p, &d) || *p || x < 1 || x > 64 ||
            d < 1 || d > 64 || (d & (d - 1)))
            return -1;
        *value = x;
        *den = d;
        return TK_METER;
    }
    case 'N':
        if (parse_num(&p, &x) || *p || x > 127)
            return -1;
        set->w[x >> 6] |= 1ull << (x & 63);
        return TK_PITCH;
    case 'C': {
        int64_t last = -1;
        int count = 0;
        for (;;) {
            if (parse_num(&p, &x) || x > 127 || x <= last)
                return -1;
            set->w[x >> 6] |= 1ull << (x & 63);
            last = x;
            count++;
            if (*p == 0)
                break;
            if (*p++ != '.')
                return -1;
        }
        return count >= 2 ? TK_PITCH : -1;
    }
    default:
        return -1;
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The grid of a metric vocabulary: its positions cover exactly the longest meter's bar. */
static int metric_grid(const srnn_vocab *v, int n_pos)
{
    int best = 0;
    for (int m = 1; m < v->n_meters; m++) /* the largest num/den */
        if ((int64_t)v->meter_num[m] * v->meter_den[best] >
            (int64_t)v->meter_num[best] * v->meter_den[m])
            best = m;
    int64_t q = (int64_t)n_pos * v->meter_den[best], d = 4 * (int64_t)v->meter_num[best];
    if (n_pos < 1 || q % d || q / d < 1 || q / d > SRNN_GRID_MAX)
        return 0;
    int g = (int)(q / d);
    for (int m = 0; m < v->n_meters; m++)
        if (!meter_steps(v->meter_num[m], v->meter_den[m], g))
            return 0;
    return g;
}

/* Derives the notes-mode tables from the token strings, validating that every token is a
 * notes token and that the vocabulary is complete: N0..N127 and at least one D; time shifts
 * T1..T{4G} (timeshift), or Bar, meters and P0..P{L-1} for the longest bar L (metric); V
 * tokens name distinct velocities. */
static int notes_layout(srnn_vocab *v, srnn_error *err)
{
    int n = v->n;
    v->kind = calloc((size_t)n, 1);
    v->value = calloc((size_t)n, sizeof *v->value);
    v->sets = malloc((size_t)n * sizeof *v->sets);
    v->set_id = malloc((size_t)n * sizeof *v->set_id);
    int64_t *durs = malloc((size_t)n * 2 * sizeof *durs);
    if (!v->kind || !v->value || !v->sets || !v->set_id || !durs) {
        free(durs);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    int64_t max_shift = 0, max_pos = -1;
    int n_shift = 0, n_pitch = 0, n_pos = 0, n_bar = 0, vel_seen[128] = {0};
    v->n_dur = 0;
    v->bar_id = -1;
    for (int i = 0; i < 128; i++)
        v->pitch_id[i] = -1;
    int rc = SRNN_OK;
    for (int i = 0; i < n; i++) {
        int64_t val = 0, den = 0;
        pset s;
        int k = parse_notes_token(v->tok[i], &val, &den, &s);
        if (k < 0) {
            rc = srnn_error_set(err, SRNN_EINPUT, "token %d '%.40s' is not a notes token", i,
                                v->tok[i]);
            goto fail;
        }
        v->kind[i] = (uint8_t)k;
        v->value[i] = val;
        if (k == TK_SHIFT) {
            n_shift++;
            max_shift = val > max_shift ? val : max_shift;
        } else if (k == TK_VEL) {
            vel_seen[val] = i + 1;
            v->vel_bins++;
        } else if (k == TK_POS) {
            n_pos++;
            max_pos = val > max_pos ? val : max_pos;
        } else if (k == TK_BAR) {
            n_bar++;
            v->bar_id = i;
        } else if (k == TK_METER) {
            if (v->n_meters == METERS_MAX) {
                rc = srnn_error_set(err, SRNN_EINPUT, "more than %d meter tokens", METERS_MAX);
                goto fail;
            }
            v->value[i] = v->n_meters;
            v->meter_num[v->n_meters] = (int)val;
            v->meter_den[v->n_meters] = (int)den;
            v->meter_id[v->n_meters++] = i;
        } else if (k == TK_DUR) {
            durs[2 * v->n_dur] = val;
            durs[2 * v->n_dur + 1] = i;
            v->n_dur++;
        } else if (k == TK_PITCH) {
            v->value[i] = v->n_sets;
            v->sets[v->n_sets] = s;
            v->set_id[v->n_sets++] = i;
            if (pset_count(s) == 1) {
                n_pitch++;
                int p = s.w[0] ? __builtin_ctzll(s.w[0]) : 64 + __builtin_ctzll(s.w[1]);
                v->pitch_id[p] = i;
            } else {
                v->n_chords++;
            }
        }
    }
    if (n_pitch != 128 || v->n_dur < 1) {
        rc = srnn_error_set(err, SRNN_EINPUT,
                            "a notes vocabulary needs N0..N127 and a duration token");
        goto fail;
    }
    if (n_bar || v->n_meters || n_pos) {
        v->tokens = SRNN_TOKENS_METRIC;
        /* Strings are distinct (the caller checked), so a count equal to max + 1 is 0..max. */
        if (n_bar != 1 || v->n_meters < 1 || n_shift || n_pos != max_pos + 1 ||
            !(v->grid = metric_grid(v, n_pos))) {
            rc = srnn_error_set(err, SRNN_EINPUT,
                                "a metric vocabulary needs Bar, meters M{n}/{d}, positions "
                                "P0..P{L-1} for its longest bar L on a grid of 1..%d steps, "
                                "and no time shifts",
                                SRNN_GRID_MAX);
            goto fail;
        }
        v->bar_steps_max = n_pos;
        for (int m = 0; m < v->n_meters; m++)
            v->meter_steps[m] = meter_steps(v->meter_num[m], v->meter_den[m], v->grid);
    } else {
        v->tokens = SRNN_TOKENS_TIMESHIFT;
        if (max_shift % 4 || max_shift / 4 < 1 || max_shift / 4 > SRNN_GRID_MAX ||
            n_shift != max_shift) {
            rc = srnn_error_set(err, SRNN_EINPUT,
                                "time shifts are not T1..T{4G} for a grid G of 1..%d",
                                SRNN_GRID_MAX);
            goto fail;
        }
        v->grid = (int)(max_shift / 4);
    }
    qsort(durs, (size_t)v->n_dur, 2 * sizeof *durs, cmp_i64);
    v->dur_steps = malloc((size_t)v->n_dur * sizeof *v->dur_steps);
    v->dur_id = malloc((size_t)v->n_dur * sizeof *v->dur_id);
    v->shift_id = malloc((size_t)(max_shift + 1) * sizeof *v->shift_id);
    v->vel_id = malloc(((size_t)v->vel_bins + 1) * sizeof *v->vel_id);
    v->pos_id = malloc(((size_t)n_pos + 1) * sizeof *v->pos_id);
    v->greedy = malloc(((size_t)v->n_chords + 1) * sizeof *v->greedy);
    uint32_t cap = 16;
    while (cap < 2u * (uint32_t)v->n_sets)
        cap <<= 1;
    v->set_slots = calloc(cap, sizeof *v->set_slots);
    v->set_mask = cap - 1;
    if (!v->dur_steps || !v->dur_id || !v->shift_id || !v->vel_id || !v->pos_id ||
        !v->greedy || !v->set_slots) {
        rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
        goto fail;
    }
    for (int i = 0; i < v->n_dur; i++) {
        v->dur_steps[i] = durs[2 * i];
        v->dur_id[i] = (int32_t)durs[2 * i + 1];
    }
    free(durs);
    durs = NULL;
    /* Velocity levels ascending; a velocity goes to the nearest level (ties: the louder). */
    int lv = 0;
    for (int vel = 1; vel <= 127; vel++) {
        if (vel_seen[vel]) {
            v->vel_level[lv] = (uint8_t)vel;
            v->vel_id[lv] = vel_seen[vel] - 1;
            v->value[vel_seen[vel] - 1] = lv;
            lv++;
        }
    }
    for (int vel = 0; vel < 128; vel++) {
        int best = 0;
        for (int k = 1; k < lv; k++)
            if (abs(v->vel_level[k] - vel) <= abs(v->vel_level[best] - vel))
                best = k;
        v->vel_nearest[vel] = (uint8_t)best;
    }
    for (int i = 0; i < n; i++) {
        if (v->kind[i] == TK_SHIFT)
            v->shift_id[v->value[i]] = i;
        else if (v->kind[i] == TK_POS)
            v->pos_id[v->value[i]] = i;
    }
    /* Greedy order of the chords: most pitches first, then lowest id (the builder gives the
     * most frequent chords the lowest ids); sets are in id order, so the key is exact. */
    int64_t *keys = malloc(((size_t)v->n_chords + 1) * sizeof *keys);
    if (!keys)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    int nc = 0;
    for (int s = 0; s < v->n_sets; s++) {
        if (pset_count(v->sets[s]) > 1)
            keys[nc++] = (int64_t)(128 - pset_count(v->sets[s])) << 32 | s;
        uint32_t h = (uint32_t)pset_hash(v->sets[s]) & v->set_mask;
        while (v->set_slots[h])
            h = (h + 1) & v->set_mask;
        v->set_slots[h] = s + 1;
    }
    qsort(keys, (size_t)nc, sizeof *keys, cmp_i64);
    for (int i = 0; i < nc; i++)
        v->greedy[i] = (int32_t)(keys[i] & 0xFFFFFFFF);
    free(keys);
    return SRNN_OK;
fail:
    free(durs);
    return rc;
}

/* The index in sets of a pitch set, or -1. */
int srnn__vocab_find_set(const srnn_vocab *v, pset s)
{
    for (uint32_t h = (uint32_t)pset_hash(s) & v->set_mask;; h = (h + 1) & v->set_mask) {
        int32_t k = v->set_slots[h];
        if (k == 0)
            return -1;
        if (pset_eq(v->sets[k - 1], s))
            return k - 1;
    }
}

int srnn_vocab_new_from_tokens(srnn_mode mode, const char *const *tokens, int n,
                               srnn_vocab **out, srnn_error *err)
{
    if (!out)
        return srnn_error_set(err, SRNN_EARG, "no output vocabulary");
    *out = NULL;
    if ((unsigned)mode > SRNN_MODE_TABLA)
        return srnn_error_set(err, SRNN_EARG, "unknown mode %d", (int)mode);
    if (!tokens || n < 2 || n > SRNN_VOCAB_MAX)
        return srnn_error_set(err, SRNN_EARG, "a vocabulary has 2 to %d tokens, not %d",
                              SRNN_VOCAB_MAX, n);
    srnn_vocab *v = calloc(1, sizeof *v);
    if (!v)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    v->mode = mode;
    v->tok = calloc((size_t)n, sizeof *v->tok);
    uint32_t cap = 16;
    while (cap < 2u * (uint32_t)n)
        cap <<= 1;
    v->slots = calloc(cap, sizeof *v->slots);
    v->mask = cap - 1;
    if (!v->tok || !v->slots) {
        srnn_vocab_free(v);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    v->n = n;
    int rc = SRNN_OK;
    for (int i = 0; i < n; i++) {
        const char *t = tokens[i];
        size_t len = t ? strlen(t) : 0;
        if (len == 0 || len > TOKEN_LEN_MAX) {
            rc = srnn_error_set(err, SRNN_EINPUT, "token %d is empty or longer than %d bytes", i,
                                TOKEN_LEN_MAX);
            goto fail;
        }
        if (!(v->tok[i] = strdup(t))) {
            rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
            goto fail;
        }
        uint32_t h = str_hash(t) & v->mask;
        for (; v->slots[h]; h = (h + 1) & v->mask) {
            if (strcmp(v->tok[v->slots[h] - 1], t) == 0) {
                rc = srnn_error_set(err, SRNN_EINPUT, "token '%.40s' appears twice (%d and %d)",
                                    t, v->slots[h] - 1, i);
                goto fail;
            }
        }
        v->slots[h] = i + 1;
    }
    v->start_id = srnn_vocab_lookup(v, "<start>");
    v->end_id = srnn_vocab_lookup(v, "<end>");
    if (v->start_id < 0 || v->end_id < 0) {
        rc = srnn_error_set(err, SRNN_EINPUT, "the vocabulary has no <start> or no <end> token");
        goto fail;
    }
    if (mode == SRNN_MODE_NOTES && (rc = notes_layout(v, err)) != SRNN_OK)
        goto fail;
    *out = v;
    return SRNN_OK;
fail:
    srnn_vocab_free(v);
    return rc;
}

/* ---- the byte blob --------------------------------------------------------------------
 *   "SRNNVOCB"  u32 version  u32 mode  u32 grid  u32 velocity_bins  u32 n
 *   n x (u32 length, bytes)  u32 CRC-32 of everything before it
 * Integers little-endian.  The checksum catches every flipped byte and every truncation.
 * Version 1 (songrnn 0.1): velocity tokens V1..Vn were n equal bins of 1..127; they are read
 * as the velocity their bin decoded to (its middle), so old models keep their meaning.
 * Version 2: velocity tokens name the velocity itself (V64). */

static const unsigned char MAGIC[8] = {'S', 'R', 'N', 'N', 'V', 'O', 'C', 'B'};
#define BLOB_VERSION 2u
#define HEADER_SIZE (8 + 5 * 4)

static uint32_t crc32_bytes(const unsigned char *p, size_t n)
{
    static uint32_t table[256];
    static int ready;
    if (!ready) { /* benign race: every thread writes the same values */
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        ready = 1;
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static void put_u32(unsigned char *p, uint32_t x)
{
    p[0] = (unsigned char)x;
    p[1] = (unsigned char)(x >> 8);
    p[2] = (unsigned char)(x >> 16);
    p[3] = (unsigned char)(x >> 24);
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int srnn_vocab_save(const srnn_vocab *v, unsigned char **blob, size_t *size, srnn_error *err)
{
    if (!v || !blob || !size)
        return srnn_error_set(err, SRNN_EARG, "no vocabulary or no output");
    *blob = NULL;
    *size = 0;
    size_t total = HEADER_SIZE + 4;
    for (int i = 0; i < v->n; i++)
        total += 4 + strlen(v->tok[i]);
    unsigned char *b = malloc(total);
    if (!b)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    memcpy(b, MAGIC, 8);
    put_u32(b + 8, BLOB_VERSION);
    put_u32(b + 12, (uint32_t)v->mode);
    put_u32(b + 16, (uint32_t)v->grid);
    put_u32(b + 20, (uint32_t)v->vel_bins);
    put_u32(b + 24, (uint32_t)v->n);
    size_t at = HEADER_SIZE;
    for (int i = 0; i < v->n; i++) {
        size_t len = strlen(v->tok[i]);
        put_u32(b + at, (uint32_t)len);
        memcpy(b + at + 4, v->tok[i], len);
        at += 4 + len;
    }
    put_u32(b + at, crc32_bytes(b, at));
    *blob = b;
    *size = total;
    return SRNN_OK;
}

/* Version 1's bin k of n (velocities v with 1 + (v - 1) * n / 127 == k) decoded to the middle
 * of the bin: its V{k} token is renamed V{middle}. */
static int legacy_velocity_names(char **toks, uint32_t n, int bins, srnn_error *err)
{
    for (uint32_t i = 0; i < n; i++) {
        const char *p = toks[i] + 1;
        int64_t k;
        if (toks[i][0] != 'V' || parse_num(&p, &k) || *p || k < 1 || k > bins)
            continue;
        int lo = 0, hi = 0;
        for (int vel = 1; vel <= 127; vel++)
            if (1 + (vel - 1) * bins / 127 == k) {
                lo = lo ? lo : vel;
                hi = vel;
            }
        char *t = malloc(16);
        if (!t)
            return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
        snprintf(t, 16, "V%d", (lo + hi) / 2);
        free(toks[i]);
        toks[i] = t;
    }
    return SRNN_OK;
}

int srnn_vocab_load(const unsigned char *b, size_t size, srnn_vocab **out, srnn_error *err)
{
    if (!out)
        return srnn_error_set(err, SRNN_EARG, "no output vocabulary");
    *out = NULL;
    if (!b || size < 8 || memcmp(b, MAGIC, 8) != 0)
        return srnn_error_set(err, SRNN_EINPUT, "not a songrnn vocabulary");
    if (size < HEADER_SIZE + 4)
        return srnn_error_set(err, SRNN_EINPUT, "vocabulary truncated");
    uint32_t version = get_u32(b + 8);
    if (version != 1 && version != BLOB_VERSION)
        return srnn_error_set(err, SRNN_EINPUT, "vocabulary format version %u (this program reads %u)",
                              version, BLOB_VERSION);
    if (get_u32(b + size - 4) != crc32_bytes(b, size - 4))
        return srnn_error_set(err, SRNN_EINPUT, "vocabulary damaged or truncated (checksum mismatch)");
    uint32_t mode = get_u32(b + 12), grid = get_u32(b + 16), bins = get_u32(b + 20);
    uint32_t n = get_u32(b + 24);
    if (mode > SRNN_MODE_TABLA)
        return srnn_error_set(err, SRNN_EINPUT, "vocabulary of unknown mode %u", mode);
    if (n < 2 || n > SRNN_VOCAB_MAX || n > (size - HEADER_SIZE - 4) / 5)
        return srnn_error_set(err, SRNN_EINPUT, "vocabulary size %u is impossible", n);
    char **toks = calloc(n, sizeof *toks);
    if (!toks)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    int rc = SRNN_OK;
    size_t at = HEADER_SIZE, end = size - 4;
    uint32_t i;
    for (i = 0; i < n; i++) {
        if (end - at < 4) {
            rc = srnn_error_set(err, SRNN_EINPUT, "vocabulary truncated at token %u", i);
            goto done;
        }
        uint32_t len = get_u32(b + at);
        at += 4;
        if (len == 0 || len > TOKEN_LEN_MAX || len > end - at || memchr(b + at, 0, len)) {
            rc = srnn_error_set(err, SRNN_EINPUT, "vocabulary token %u is damaged", i);
            goto done;
        }
        if (!(toks[i] = malloc(len + 1))) {
            rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
            goto done;
        }
        memcpy(toks[i], b + at, len);
        toks[i][len] = 0;
        at += len;
    }
    if (at != end) {
        rc = srnn_error_set(err, SRNN_EINPUT, "vocabulary has %zu stray bytes", end - at);
        goto done;
    }
    if (version == 1 && mode == SRNN_MODE_NOTES && bins > 0 && bins <= VEL_BINS_MAX &&
        (rc = legacy_velocity_names(toks, n, (int)bins, err)) != SRNN_OK)
        goto done;
    srnn_vocab *v = NULL;
    if ((rc = srnn_vocab_new_from_tokens((srnn_mode)mode, (const char *const *)toks, (int)n, &v,
                                         err)) != SRNN_OK) {
        if (rc == SRNN_EARG)
            rc = SRNN_EINPUT;
        goto done;
    }
    if ((uint32_t)v->grid != grid || (uint32_t)v->vel_bins != bins) {
        srnn_vocab_free(v);
        rc = srnn_error_set(err, SRNN_EINPUT,
                            "vocabulary header (grid %u, %u velocity bins) disagrees with its "
                            "tokens",
                            grid, bins);
        goto done;
    }
    *out = v;
done:
    for (uint32_t k = 0; k < n; k++)
        free(toks[k]);
    free(toks);
    return rc;
}
