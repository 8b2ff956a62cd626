/* Bols as strokes of the dayan (right drum) and the bayan (left drum) on channel 10. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/tabla.h"

/* GM percussion stand-ins for each tabla stroke (same order as the tabla keys below). */
static int gm_key(int key)
{
    switch (key) {
    case SRNN_STROKE_GE: return 41;  /* low floor tom */
    case SRNN_STROKE_GA: return 43;  /* high floor tom */
    case SRNN_STROKE_KE: return 37;  /* side stick */
    case SRNN_STROKE_NA: return 60;  /* hi bongo */
    case SRNN_STROKE_TIN: return 63; /* open hi conga */
    case SRNN_STROKE_TUN: return 64; /* low conga */
    case SRNN_STROKE_TE: return 62;  /* mute hi conga */
    case SRNN_STROKE_RE: return 61;  /* low bongo */
    default: return key;
    }
}

int srnn_bol_strokes(int bol, srnn_tabla_map map, uint8_t keys[2])
{
    const char *b = srnn_bol_name(bol);
    int n = 0;
    if (!b || !keys)
        return 0;
#define IS(s) (strcmp(b, s) == 0)
    /* The dayan's part. */
    if (IS("Dha") || IS("Ta") || IS("Na") || IS("Ne") || IS("Kda"))
        keys[n++] = SRNN_STROKE_NA;
    else if (IS("Dhin") || IS("Dhi") || IS("Tin") || IS("Di") || IS("Din") || IS("Dhe"))
        keys[n++] = SRNN_STROKE_TIN;
    else if (IS("Tun") || IS("Tu"))
        keys[n++] = SRNN_STROKE_TUN;
    else if (IS("Te") || IS("Ti") || IS("Tit") || IS("Dhit") || IS("Dhet") || IS("Tra"))
        keys[n++] = SRNN_STROKE_TE;
    else if (IS("Ra") || IS("Re"))
        keys[n++] = SRNN_STROKE_RE;
    /* The bayan's part: open (Dha Dhin Dhi Dhit Dhet Dhe Ge Ghe Gi, steady Ga) or closed. */
    if (IS("Dha") || IS("Dhin") || IS("Dhi") || IS("Dhit") || IS("Dhet") || IS("Dhe") ||
        IS("Ge") || IS("Ghe") || IS("Gi"))
        keys[n++] = SRNN_STROKE_GE;
    else if (IS("Ga"))
        keys[n++] = SRNN_STROKE_GA;
    else if (IS("Ki") || IS("Ke") || IS("Ka") || IS("Kat") || IS("Kda"))
        keys[n++] = SRNN_STROKE_KE;
    if (IS("Tra") && n < 2)
        keys[n++] = SRNN_STROKE_RE;
#undef IS
    if (map == SRNN_TABLA_MAP_GM)
        for (int i = 0; i < n; i++)
            keys[i] = (uint8_t)gm_key(keys[i]);
    return n;
}

typedef struct stroke {
    double onset;
    uint8_t key, vel;
} stroke;

static int by_key_onset(const void *a, const void *b)
{
    const stroke *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->onset < y->onset ? -1 : x->onset > y->onset;
}

int srnn_tabla_to_piece(const srnn_tabla *t, srnn_tabla_map map, srnn_piece **out,
                        srnn_error *err)
{
    if (!t || !out)
        return srnn_error_set(err, SRNN_EARG, "nothing to play");
    *out = NULL;
    size_t nb = srnn_tabla_beat_count(t), ns = 0;
    for (size_t i = 0; i < nb; i++) {
        int n;
        (void)srnn_tabla_beat(t, i, &n);
        ns += 2 * (size_t)n;
    }
    stroke *s = malloc((ns ? ns : 1) * sizeof *s);
    srnn_piece *p = srnn_piece_new();
    if (!s || !p) {
        free(s);
        srnn_piece_free(p);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    const srnn_taal *tl = srnn_tabla_taal(t);
    size_t k = 0;
    for (size_t i = 0; i < nb; i++) {
        int n;
        const uint8_t *beat = srnn_tabla_beat(t, i, &n);
        for (int j = 0; j < n; j++) {
            uint8_t keys[2];
            int nk = srnn_bol_strokes(beat[j], map, keys);
            /* Sam loudest, then each beat's first stroke; khali strokes as they come. */
            uint8_t vel = i % (size_t)tl->beats == 0 && j == 0 ? 112 : j == 0 ? 100 : 84;
            for (int q = 0; q < nk; q++)
                s[k++] = (stroke){(double)i + (double)j / n, keys[q], vel};
        }
    }
    /* A stroke rings until the next one on its key (at most two beats): striking the same
     * spot again stops the old ring, as the hand does. */
    qsort(s, k, sizeof *s, by_key_onset);
    int rc = SRNN_OK;
    for (size_t i = 0; i < k && rc == SRNN_OK; i++) {
        double dur = 2.0;
        if (i + 1 < k && s[i + 1].key == s[i].key && s[i + 1].onset - s[i].onset < dur)
            dur = s[i + 1].onset - s[i].onset;
        if (dur <= 0)
            continue; /* the same key twice at once: once is enough */
        srnn_note nt = {s[i].onset, dur, s[i].key, s[i].vel, SRNN_DRUM_CHANNEL, 0};
        rc = srnn_piece_add_note(p, &nt);
    }
    free(s);
    if (rc == SRNN_OK)
        rc = srnn_piece_add_tempo(p, 0, 60e6 / srnn_tabla_tempo(t));
    if (rc == SRNN_OK && tl->beats <= 64)
        rc = srnn_piece_add_timesig(p, 0, tl->beats, 4);
    if (rc == SRNN_OK) {
        char title[160];
        const char *ti = srnn_tabla_title(t);
        if (!ti[0]) {
            snprintf(title, sizeof title, "%s %s", tl->name,
                     srnn_tabla_form_name(srnn_tabla_form_of(t)));
            ti = title;
        }
        rc = srnn_piece_set_title(p, ti);
    }
    if (rc != SRNN_OK) {
        srnn_piece_free(p);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    srnn_piece_sort_notes(p);
    *out = p;
    return SRNN_OK;
}
