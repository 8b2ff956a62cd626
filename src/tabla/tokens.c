/* The tabla tokenizer (DESIGN §4): one token a syllable, a token ending each beat that says
 * whether it also ends a vibhag or the cycle, and a header of taal, form and tempo.  And the
 * grammar that keeps sampled sequences in the taal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/tabla.h"

#define BPM_MIN 20
#define BPM_MAX 400
#define BPM_STEP 10
#define GEN_MAX_BEAT 8 /* syllables a generated beat may hold */

static const char *const ENDS[3] = {"/", "|", "||"};

int srnn_tabla_vocab_new(srnn_vocab **out, srnn_error *err)
{
    enum { CAP = 128 };
    char store[CAP][24];
    const char *toks[CAP];
    int n = 0;
#define ADD(...) (snprintf(store[n], sizeof store[n], __VA_ARGS__), toks[n] = store[n], n++)
    ADD("<start>");
    ADD("<end>");
    for (int i = 0; i < 3; i++)
        ADD("%s", ENDS[i]);
    for (int i = 0; i < srnn_taal_count(); i++)
        ADD("taal:%s", srnn_taal_at(i)->name);
    for (int i = 0; i < SRNN_FORM_COUNT; i++)
        ADD("form:%s", srnn_tabla_form_name((srnn_tabla_form)i));
    for (int b = BPM_MIN; b <= BPM_MAX; b += BPM_STEP)
        ADD("bpm:%d", b);
    for (int i = 0; i < srnn_bol_count(); i++)
        ADD("%s", srnn_bol_name(i));
#undef ADD
    return srnn_vocab_new_from_tokens(SRNN_MODE_TABLA, toks, n, out, err);
}

/* What a token is, by its string, so any tabla vocabulary (saved in a model) works. */
enum { K_OTHER, K_START, K_END, K_BEATEND, K_TAAL, K_FORM, K_BPM, K_BOL };

typedef struct tokinfo {
    uint8_t kind;
    int16_t value; /* taal index, form, bpm, bol id */
} tokinfo;

static int classify(const srnn_vocab *v, tokinfo **out)
{
    int V = srnn_vocab_size(v);
    tokinfo *ti = calloc((size_t)(V > 0 ? V : 1), sizeof *ti);
    if (!ti)
        return SRNN_ENOMEM;
    for (int i = 0; i < V; i++) {
        const char *s = srnn_vocab_token(v, i);
        if (!s)
            continue;
        if (strcmp(s, "<start>") == 0) {
            ti[i].kind = K_START;
        } else if (strcmp(s, "<end>") == 0) {
            ti[i].kind = K_END;
        } else if (strcmp(s, "/") == 0 || strcmp(s, "|") == 0 || strcmp(s, "||") == 0) {
            ti[i].kind = K_BEATEND;
            ti[i].value = (int16_t)strlen(s) - (s[0] == '/');
        } else if (strncmp(s, "taal:", 5) == 0 && srnn_taal_find(s + 5)) {
            const srnn_taal *t = srnn_taal_find(s + 5);
            ti[i].kind = K_TAAL;
            for (int k = 0; k < srnn_taal_count(); k++)
                if (srnn_taal_at(k) == t)
                    ti[i].value = (int16_t)k;
        } else if (strncmp(s, "form:", 5) == 0 && srnn_tabla_form_find(s + 5) >= 0) {
            ti[i].kind = K_FORM;
            ti[i].value = (int16_t)srnn_tabla_form_find(s + 5);
        } else if (strncmp(s, "bpm:", 4) == 0) {
            int b = atoi(s + 4);
            if (b >= 10 && b <= 600) {
                ti[i].kind = K_BPM;
                ti[i].value = (int16_t)b;
            }
        } else if (srnn_bol_lookup(s, strlen(s)) >= 0 && strcmp(s, srnn_bol_name(srnn_bol_lookup(s, strlen(s)))) == 0) {
            ti[i].kind = K_BOL;
            ti[i].value = (int16_t)srnn_bol_lookup(s, strlen(s));
        }
    }
    *out = ti;
    return SRNN_OK;
}

static int find_tok(const srnn_vocab *v, const char *prefix, const char *name)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s%s", prefix, name ? name : "");
    return srnn_vocab_lookup(v, buf);
}

int srnn_tabla_encode(const srnn_vocab *v, const srnn_tabla *t, int32_t **toks, size_t *n,
                      srnn_error *err)
{
    if (!v || !t || !toks || !n)
        return srnn_error_set(err, SRNN_EARG, "nothing to encode");
    if (srnn_vocab_mode(v) != SRNN_MODE_TABLA)
        return srnn_error_set(err, SRNN_EINPUT, "a %s vocabulary cannot hold tabla bols",
                              srnn_mode_name(srnn_vocab_mode(v)));
    const srnn_taal *tl = srnn_tabla_taal(t);
    size_t nb = srnn_tabla_beat_count(t), cap = 8;
    for (size_t i = 0; i < nb; i++) {
        int k;
        (void)srnn_tabla_beat(t, i, &k);
        cap += (size_t)k + 1;
    }
    int32_t *o = malloc(cap * sizeof *o);
    if (!o)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    size_t len = 0;
    int bpm = (int)((srnn_tabla_tempo(t) + BPM_STEP / 2.0) / BPM_STEP) * BPM_STEP;
    bpm = bpm < BPM_MIN ? BPM_MIN : bpm > BPM_MAX ? BPM_MAX : bpm;
    char num[16];
    snprintf(num, sizeof num, "%d", bpm);
    int head[4] = {srnn_vocab_start_id(v), find_tok(v, "taal:", tl->name),
                   find_tok(v, "form:", srnn_tabla_form_name(srnn_tabla_form_of(t))),
                   find_tok(v, "bpm:", num)};
    int ends[3];
    for (int i = 0; i < 3; i++)
        ends[i] = srnn_vocab_lookup(v, ENDS[i]);
    int rc = SRNN_OK;
    for (int i = 0; i < 4; i++)
        if (head[i] < 0)
            rc = srnn_error_set(err, SRNN_EINPUT, "the vocabulary lacks a header token");
    for (int i = 0; i < 3; i++)
        if (ends[i] < 0)
            rc = srnn_error_set(err, SRNN_EINPUT, "the vocabulary lacks the beat end '%s'",
                                ENDS[i]);
    for (int i = 0; i < 4 && rc == SRNN_OK; i++)
        o[len++] = head[i];
    for (size_t i = 0; i < nb && rc == SRNN_OK; i++) {
        int k;
        const uint8_t *beat = srnn_tabla_beat(t, i, &k);
        for (int j = 0; j < k; j++) {
            int id = srnn_vocab_lookup(v, srnn_bol_name(beat[j]));
            if (id < 0) {
                rc = srnn_error_set(err, SRNN_EINPUT, "the vocabulary lacks the bol %s",
                                    srnn_bol_name(beat[j]));
                break;
            }
            o[len++] = id;
        }
        int p = (int)(i % (size_t)tl->beats);
        o[len++] = ends[p == tl->beats - 1 ? 2 : srnn_taal_vibhag_end(tl, p) ? 1 : 0];
    }
    if (rc != SRNN_OK) {
        free(o);
        return rc;
    }
    o[len++] = srnn_vocab_end_id(v);
    *toks = o;
    *n = len;
    return SRNN_OK;
}

int srnn_tabla_decode(const srnn_vocab *v, const int32_t *toks, size_t n, srnn_tabla **out,
                      srnn_error *err)
{
    if (!v || (!toks && n) || !out)
        return srnn_error_set(err, SRNN_EARG, "nothing to decode");
    *out = NULL;
    tokinfo *ti = NULL;
    if (classify(v, &ti) != SRNN_OK)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    int V = srnn_vocab_size(v);
    const srnn_taal *taal = NULL;
    int form = -1, bpm = 0;
    size_t i = 0;
    /* The header: its tokens in any order before the first bol. */
    for (; i < n; i++) {
        if (toks[i] < 0 || toks[i] >= V) {
            free(ti);
            return srnn_error_set(err, SRNN_EINPUT, "token %d is outside the vocabulary",
                                  toks[i]);
        }
        tokinfo k = ti[toks[i]];
        if (k.kind == K_TAAL && !taal)
            taal = srnn_taal_at(k.value);
        else if (k.kind == K_FORM && form < 0)
            form = k.value;
        else if (k.kind == K_BPM && !bpm)
            bpm = k.value;
        else if (k.kind == K_BOL || k.kind == K_END)
            break;
    }
    srnn_tabla *t = srnn_tabla_new(taal, form < 0 ? SRNN_FORM_THEKA : (srnn_tabla_form)form,
                                   bpm ? bpm : SRNN_TABLA_DEFAULT_TEMPO);
    if (!t) {
        free(ti);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    uint8_t beat[SRNN_BOL_MAX_BEAT];
    int nbeat = 0, rc = SRNN_OK;
    for (; i < n && rc == SRNN_OK; i++) {
        if (toks[i] < 0 || toks[i] >= V) {
            rc = srnn_error_set(err, SRNN_EINPUT, "token %d is outside the vocabulary", toks[i]);
            break;
        }
        tokinfo k = ti[toks[i]];
        if (k.kind == K_END)
            break;
        if (k.kind == K_BOL && nbeat < SRNN_BOL_MAX_BEAT) {
            beat[nbeat++] = (uint8_t)k.value;
        } else if ((k.kind == K_BEATEND || k.kind == K_BOL) && nbeat > 0) {
            rc = srnn_tabla_add_beat(t, beat, nbeat);
            nbeat = 0;
            if (k.kind == K_BOL)
                beat[nbeat++] = (uint8_t)k.value;
        }
    }
    if (rc == SRNN_OK && nbeat > 0)
        rc = srnn_tabla_add_beat(t, beat, nbeat);
    free(ti);
    if (rc != SRNN_OK) {
        srnn_tabla_free(t);
        return rc == SRNN_ENOMEM ? srnn_error_set(err, rc, "out of memory") : rc;
    }
    *out = t;
    return SRNN_OK;
}

/* ---- the grammar of generation ----------------------------------------------------------- */

struct srnn_tabla_gen {
    const srnn_vocab *v;
    tokinfo *ti;
    int V;
    int taal;          /* forced taal index, or -1 */
    int cycles, max_cycles;
    size_t budget;
    size_t len0;       /* the sequence's length at the first call: the primer */
    int started;
    int dha;           /* the bol a form ending on sam lands with */
};

size_t srnn_tabla_gen_budget(const srnn_taal *taal, int cycles)
{
    int C = taal ? taal->beats : 16;
    return (size_t)(cycles > 0 ? cycles : 1) * (size_t)C * (GEN_MAX_BEAT + 1) + (size_t)C * 2 +
           16;
}

int srnn_tabla_gen_new(const srnn_vocab *v, const srnn_taal *taal, int cycles, int max_cycles,
                       size_t budget, srnn_tabla_gen **out, srnn_error *err)
{
    if (!v || !out || cycles < 0)
        return srnn_error_set(err, SRNN_EARG, "bad generation constraint");
    *out = NULL;
    srnn_tabla_gen *g = calloc(1, sizeof *g);
    if (!g || classify(v, &g->ti) != SRNN_OK) {
        free(g);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    g->v = v;
    g->V = srnn_vocab_size(v);
    g->taal = -1;
    for (int k = 0; taal && k < srnn_taal_count(); k++)
        if (srnn_taal_at(k) == taal)
            g->taal = k;
    g->cycles = cycles;
    g->max_cycles = max_cycles > 0 ? max_cycles : 8;
    g->budget = budget;
    g->dha = srnn_bol_lookup("Dha", 3);
    *out = g;
    return SRNN_OK;
}

void srnn_tabla_gen_free(srnn_tabla_gen *g)
{
    if (!g)
        return;
    free(g->ti);
    free(g);
}

/* Where the sequence stands. */
typedef struct gstate {
    int phase;        /* 0 taal, 1 form, 2 tempo, 3 body */
    int taal, form;
    size_t beats;     /* beats completed */
    int syl;          /* syllables of the beat under way */
    int first;        /* its first bol */
    int last_n, last_first; /* the last completed beat's syllables and first bol */
} gstate;

static void scan(const srnn_tabla_gen *g, const int32_t *seq, size_t len, gstate *s)
{
    memset(s, 0, sizeof *s);
    s->taal = g->taal >= 0 ? g->taal : 0;
    for (size_t i = 0; i < len; i++) {
        if (seq[i] < 0 || seq[i] >= g->V)
            continue;
        tokinfo k = g->ti[seq[i]];
        switch (k.kind) {
        case K_START:
            memset(s, 0, sizeof *s);
            s->taal = g->taal >= 0 ? g->taal : 0;
            break;
        case K_TAAL:
            if (s->phase == 0)
                s->taal = k.value, s->phase = 1;
            break;
        case K_FORM:
            if (s->phase <= 1)
                s->form = k.value, s->phase = 2;
            break;
        case K_BPM:
            if (s->phase <= 2)
                s->phase = 3;
            break;
        case K_BOL:
            s->phase = 3;
            if (s->syl++ == 0)
                s->first = k.value;
            break;
        case K_BEATEND:
            if (s->syl > 0) {
                s->beats++;
                s->last_n = s->syl;
                s->last_first = s->first;
            }
            s->syl = 0;
            break;
        default:
            break;
        }
    }
}

/* Whether b beats make a valid ending (a form that ends on sam lands on one Dha), and the
 * first valid ending at or after b. */
static int valid_end(const srnn_tabla_gen *g, const gstate *s, size_t b)
{
    size_t C = (size_t)srnn_taal_at(s->taal)->beats;
    size_t extra = srnn_tabla_form_ends_on_sam((srnn_tabla_form)s->form) ? 1 : 0;
    if (b < C + extra || b % C != extra)
        return 0;
    if (extra && (b != s->beats || s->last_n != 1 || s->last_first != g->dha))
        return 0;
    size_t cyc = b / C;
    if (g->cycles > 0)
        return cyc == (size_t)g->cycles;
    return cyc <= (size_t)g->max_cycles;
}

static size_t next_end(const srnn_tabla_gen *g, const gstate *s, size_t b)
{
    size_t C = (size_t)srnn_taal_at(s->taal)->beats;
    size_t extra = srnn_tabla_form_ends_on_sam((srnn_tabla_form)s->form) ? 1 : 0;
    if (g->cycles > 0)
        return (size_t)g->cycles * C + extra;
    size_t k = b <= extra ? 1 : (b - extra + C - 1) / C;
    if (k < 1)
        k = 1;
    return k * C + extra;
}

/* Fewest tokens that finish from: `beats` completed and `syl` syllables under way. */
static size_t need(const srnn_tabla_gen *g, const gstate *s, size_t beats, int syl)
{
    if (syl > 0)
        return 1 + need(g, s, beats + 1, 0);
    size_t target = next_end(g, s, beats);
    if (target < beats)
        return (size_t)-1 / 4; /* past the only ending: cannot finish well */
    return (target - beats) * 2 + 1;
}

int srnn_tabla_gen_mask(srnn_tabla_gen *g, const int32_t *seq, size_t len, uint8_t *mask)
{
    if (!g || !mask)
        return 0;
    if (!g->started) {
        g->started = 1;
        g->len0 = len;
    }
    size_t used = len - g->len0;
    size_t left = g->budget > used ? g->budget - used : 0; /* including this token */
    gstate s;
    scan(g, seq, len, &s);
    const srnn_taal *tl = srnn_taal_at(s.taal);
    int C = tl->beats;
    int p = (int)(s.beats % (size_t)C);
    /* The beat end this beat takes: 0 "/", 1 "|", 2 "||". */
    int want_end = p == C - 1 ? 2 : srnn_taal_vibhag_end(tl, p) ? 1 : 0;
    /* Tokens still needed after one more bol.  On a sam beat where a tukda, tihai or
     * chakradar could end, only a lone Dha ends it: any other bol moves the ending a cycle on. */
    size_t cost_bol = need(g, &s, s.beats, s.syl + 1), cost_other = cost_bol;
    int sam_beat = srnn_tabla_form_ends_on_sam((srnn_tabla_form)s.form) && s.phase == 3 &&
                   s.beats % (size_t)C == 0 && s.beats >= (size_t)C &&
                   next_end(g, &s, s.beats) == s.beats + 1;
    if (sam_beat)
        cost_other = 1 + 2 * (size_t)C + 1;
    int bol_ok = s.syl < GEN_MAX_BEAT && cost_bol + 1 <= left;
    int other_ok = s.syl < GEN_MAX_BEAT && cost_other + 1 <= left;
    /* At a valid ending with a fixed cycle count, nothing but the end. */
    if (s.syl == 0 && g->cycles > 0 && s.beats >= next_end(g, &s, s.beats))
        bol_ok = 0;
    if (s.syl == 0 && g->cycles == 0 && s.beats / (size_t)C >= (size_t)g->max_cycles &&
        valid_end(g, &s, s.beats))
        bol_ok = 0;
    /* The sam beat that ends a tukda, tihai or chakradar is Dha alone. */
    int final = srnn_tabla_form_ends_on_sam((srnn_tabla_form)s.form) && s.phase == 3 &&
                s.beats % (size_t)C == 0 && s.beats >= (size_t)C &&
                (g->cycles > 0 ? s.beats == (size_t)g->cycles * (size_t)C
                               : s.beats / (size_t)C >= (size_t)g->max_cycles);
    if (final && s.syl > 0)
        bol_ok = 0;
    if (!bol_ok)
        other_ok = 0;
    int any = 0;
    for (int i = 0; i < g->V; i++) {
        tokinfo k = g->ti[i];
        int ok = 0;
        switch (s.phase) {
        case 0:
            ok = k.kind == K_TAAL && (g->taal < 0 || k.value == g->taal);
            break;
        case 1:
            ok = k.kind == K_FORM;
            break;
        case 2:
            ok = k.kind == K_BPM;
            break;
        default:
            if (k.kind == K_BOL)
                ok = k.value == g->dha && s.syl == 0 ? bol_ok : other_ok && !final;
            else if (k.kind == K_BEATEND)
                ok = s.syl > 0 && k.value == want_end;
            else if (k.kind == K_END)
                ok = s.syl == 0 && valid_end(g, &s, s.beats);
        }
        any |= ok;
        mask[i] = mask[i] && ok;
    }
    if (!any) {
        /* The budget ran out (a long primer, a short --length): keep the grammar at least. */
        for (int i = 0; i < g->V; i++) {
            tokinfo k = g->ti[i];
            mask[i] = s.phase < 3 ? 0
                      : s.syl > 0 ? k.kind == K_BEATEND && k.value == want_end
                                  : k.kind == K_BOL || (k.kind == K_END &&
                                                        valid_end(g, &s, s.beats));
        }
    }
    return 0;
}
