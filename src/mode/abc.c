/* ABC mode: tunes as text, one token per character (the seeds' SongRNN); generated text is
 * written as .abc, or parsed by the ABC parser for .mid, .wav and play.
 *
 * Each tune of a file (its X: line to the blank line or next X:) is one document, normalized
 * by srnn_abc_chars_normalize (no comment or %% lines, no trailing blanks).  A tune that our
 * parser refuses is reported with its line and column and left out of the corpus, so the
 * network learns only ABC that can be played; the other tunes of the file still count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mode_internal.h"
#include "songrnn/abc.h"
#include "songrnn/sample.h"

static const char *const ABC_EXTS[] = {"abc", NULL};

static int abc_load(const char *path, const srnn_mode_opts *o, srnn_docs *docs,
                    srnn_mode_error *err)
{
    unsigned char *data = NULL;
    size_t size = 0;
    srnn_error e = {0};
    int rc = srnn_file_read_all(path, &data, &size, &e);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, path, rc, &e);
    const char *text = (const char *)data;
    srnn_abc_tune_info *tunes = NULL;
    size_t n = 0;
    if ((rc = srnn_abc_list_tunes(text, size, &tunes, &n, &e)) != SRNN_OK) {
        free(data);
        return srnn_mode_fail_with(err, path, rc, &e);
    }
    if (n == 0) {
        free(data);
        return srnn_mode_fail(err, path, SRNN_EINPUT, "no ABC tune (no X: or K: line)");
    }
    size_t kept = 0;
    int oom = 0;
    for (size_t i = 0; i < n && !oom; i++) {
        char label[64];
        char *t = NULL;
        size_t tl = 0;
        if (tunes[i].x >= 0)
            snprintf(label, sizeof label, " X:%d", tunes[i].x);
        else
            snprintf(label, sizeof label, " tune %zu", i + 1);
        size_t llen = strlen(path) + strlen(label) + 1;
        char *full = malloc(llen);
        if (!full || srnn_abc_chars_normalize(text + tunes[i].offset, tunes[i].length, &t, &tl,
                                              &e) != SRNN_OK) {
            free(full);
            oom = 1;
            break;
        }
        snprintf(full, llen, "%s%s", path, label);
        /* The tune alone, as the network will see it, must parse. */
        srnn_piece *p = NULL;
        if (srnn_abc_parse(t, tl, -1, 0, &p, &e) != SRNN_OK) {
            /* Report where it is in the file, not in the normalized copy. */
            srnn_error ferr = {0};
            srnn_piece *q = NULL;
            if (srnn_abc_parse_tune(text, size, &tunes[i], NULL, &q, &ferr) != SRNN_OK)
                e = ferr;
            srnn_piece_free(q);
            char msg[sizeof e.msg];
            snprintf(msg, sizeof msg, "%.180s (tune%.40s left out)", e.msg, label);
            memcpy(e.msg, msg, sizeof msg);
            srnn_mode_report(o, path, &e);
            free(t);
            free(full);
            continue;
        }
        srnn_piece_free(p);
        if (srnn_mode_docs_add(docs, full, NULL, t, tl) != 0)
            oom = 1;
        else
            kept++;
        free(t);
        free(full);
    }
    free(tunes);
    free(data);
    if (oom)
        return srnn_mode_fail(err, path, SRNN_ENOMEM, "out of memory");
    if (kept == 0) {
        srnn_mode_fail(err, path, SRNN_EINPUT, "every tune was left out");
        err->reported = 1; /* each with its own report */
        return SRNN_EINPUT;
    }
    return SRNN_OK;
}

static int abc_build_vocab(const srnn_docs *docs, const srnn_mode_opts *o, srnn_vocab **out,
                           srnn_docs_stats *st, srnn_mode_error *err)
{
    (void)o;
    const char **texts = malloc((docs->n ? docs->n : 1) * sizeof *texts);
    size_t *lens = malloc((docs->n ? docs->n : 1) * sizeof *lens);
    if (!texts || !lens) {
        free(texts);
        free(lens);
        return srnn_mode_fail(err, "vocabulary", SRNN_ENOMEM, "out of memory");
    }
    size_t chars = 0;
    for (size_t i = 0; i < docs->n; i++) {
        texts[i] = docs->d[i].text;
        lens[i] = docs->d[i].len;
        chars += lens[i];
    }
    srnn_error e = {0};
    int rc = srnn_abc_chars_vocab(texts, lens, docs->n, out, &e);
    free(texts);
    free(lens);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, "vocabulary", rc, &e);
    st->chars = chars;
    return SRNN_OK;
}

static int abc_encode(const srnn_vocab *v, const srnn_doc *doc, int32_t **toks, size_t *n,
                      srnn_error *err)
{
    if (srnn_vocab_mode(v) != SRNN_MODE_ABC)
        return srnn_error_set(err, SRNN_EINPUT, "a %s model cannot read ABC input",
                              srnn_mode_name(srnn_vocab_mode(v)));
    return srnn_abc_chars_encode(v, doc->text, doc->len, toks, n, err);
}

/* The generated text as a tune: an X: line first when the model left it out, and a final
 * newline. */
static int abc_tune_text(const srnn_vocab *v, const int32_t *toks, size_t n, char **text,
                         size_t *len, srnn_error *err)
{
    char *t = NULL;
    size_t tl = 0;
    int rc = srnn_abc_chars_decode(v, toks, n, &t, &tl, err);
    if (rc != SRNN_OK)
        return rc;
    size_t skip = 0; /* leading blank lines would end the tune before it starts */
    while (skip < tl && (t[skip] == '\n' || t[skip] == ' '))
        skip++;
    int has_x = tl - skip >= 2 && t[skip] == 'X' && t[skip + 1] == ':';
    const char *head = has_x ? "" : "X:1\n";
    size_t hl = strlen(head), body = tl - skip;
    int nl = body == 0 || t[tl - 1] != '\n';
    char *out = malloc(hl + body + 2);
    if (!out) {
        free(t);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    memcpy(out, head, hl);
    memcpy(out + hl, t + skip, body);
    size_t ol = hl + body;
    if (nl)
        out[ol++] = '\n';
    out[ol] = 0;
    free(t);
    *text = out;
    *len = ol;
    return SRNN_OK;
}

static int abc_to_text(const srnn_vocab *v, const int32_t *toks, size_t n, char **text,
                       srnn_error *err)
{
    size_t len;
    return abc_tune_text(v, toks, n, text, &len, err);
}

static int abc_to_piece(const srnn_vocab *v, const int32_t *toks, size_t n,
                        const srnn_mode_opts *o, srnn_piece **out, srnn_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = abc_tune_text(v, toks, n, &text, &len, err);
    if (rc != SRNN_OK)
        return rc;
    rc = srnn_abc_parse(text, len, -1, o && o->melody_only ? SRNN_ABC_MELODY_ONLY : 0, out, err);
    free(text);
    if (rc != SRNN_OK && err) {
        /* line:col are in the text that -o OUT.abc writes with the same --seed. */
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "the generated tune does not parse (line:col of its .abc "
                 "text): %.180s", err->msg);
        memcpy(err->msg, msg, sizeof msg);
    }
    return rc;
}

static int abc_doc_piece(srnn_doc *doc, const srnn_mode_opts *o, srnn_piece **out,
                         srnn_error *err)
{
    return srnn_abc_parse(doc->text, doc->len, -1, o->melody_only ? SRNN_ABC_MELODY_ONLY : 0,
                          out, err);
}

static int abc_read_piece(const char *path, const srnn_mode_opts *o, srnn_piece **out,
                          srnn_mode_error *err)
{
    int select = -1;
    if (o->tune) {
        char *end = NULL;
        long x = strtol(o->tune, &end, 10);
        if (end == o->tune || *end != 0 || x < 0 || x > 1000000000L)
            return srnn_mode_fail(err, path, SRNN_EARG, "--tune takes a tune's X: number, not "
                                  "'%s'", o->tune);
        select = (int)x;
    }
    unsigned flags = o->melody_only ? SRNN_ABC_MELODY_ONLY : 0;
    if (!o->tune && o->piece > 0) {
        select = o->piece - 1; /* by position: X: numbers may repeat or be missing */
        flags |= SRNN_ABC_BY_INDEX;
    }
    unsigned char *text = NULL;
    size_t len = 0;
    srnn_error e = {0};
    int rc = srnn_file_read_all(path, &text, &len, &e);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, path, rc, &e);
    rc = srnn_abc_parse((const char *)text, len, select, flags, out, &e);
    free(text);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, path, srnn_mode_not_usage(rc), &e);
    return SRNN_OK;
}

static int abc_list_pieces(const char *path, const srnn_mode_opts *o, srnn_mode_piece_info **out,
                           size_t *n, srnn_mode_error *err)
{
    (void)o;
    *out = NULL;
    *n = 0;
    unsigned char *text = NULL;
    size_t len = 0;
    srnn_error e = {0};
    int rc = srnn_file_read_all(path, &text, &len, &e);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, path, rc, &e);
    srnn_abc_tune_info *tunes = NULL;
    size_t count = 0;
    rc = srnn_abc_list_tunes((const char *)text, len, &tunes, &count, &e);
    free(text);
    if (rc != SRNN_OK)
        return srnn_mode_fail_with(err, path, srnn_mode_not_usage(rc), &e);
    if (count == 0)
        return srnn_mode_fail(err, path, SRNN_EINPUT, "no ABC tune (no X: or K: line)");
    srnn_mode_piece_info *p = calloc(count, sizeof *p);
    if (!p) {
        free(tunes);
        return srnn_mode_fail(err, path, SRNN_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < count; i++) {
        p[i].x = tunes[i].x;
        memcpy(p[i].title, tunes[i].title, sizeof p[i].title);
        p[i].title[sizeof p[i].title - 1] = 0;
    }
    free(tunes);
    *out = p;
    *n = count;
    return SRNN_OK;
}

static int abc_prime_text(const srnn_vocab *v, const char *text, int32_t **toks, size_t *n,
                          srnn_error *err)
{
    return srnn_abc_chars_encode_prime(v, text, toks, n, err);
}

/* Grammar-aware sampling: the tracker follows the tune (primer included) and narrows each
 * step's mask to the characters that keep it parsable and finishable in the tokens left. */
typedef struct abc_gen {
    srnn_abc_grammar *g;
    char **bytes; /* [V] each token's text; NULL for <start>, <end> */
    size_t *lens;
    int V, start, end;
    size_t fed;   /* tokens of the sequence already fed */
    size_t base;  /* the sequence length at the first sampled token */
    long length;  /* tokens to sample */
} abc_gen;

/* A tune opens with its header: a stored training window is read as the end of a previous
 * tune (cut after its last newline), then <end> <start>, the state training saw at every
 * tune's start; the output begins after them. */
static void abc_frame_window(const srnn_vocab *v, int32_t *toks, size_t *n)
{
    int nl = srnn_vocab_lookup(v, "<nl>");
    while (*n > 0 && toks[*n - 1] != nl)
        (*n)--;
    toks[(*n)++] = srnn_vocab_end_id(v);
    toks[(*n)++] = srnn_vocab_start_id(v);
}

static void abc_gen_end(void *state)
{
    abc_gen *a = state;
    if (!a)
        return;
    for (int i = 0; a->bytes && i < a->V; i++)
        free(a->bytes[i]);
    free(a->bytes);
    free(a->lens);
    srnn_abc_grammar_free(a->g);
    free(a);
}

static int abc_constrain(const int32_t *seq, size_t len, uint8_t *mask, void *ud)
{
    abc_gen *a = ud;
    if (a->fed == 0 && a->base == 0)
        a->base = len;
    for (; a->fed < len; a->fed++) {
        int t = seq[a->fed];
        if (t == a->start || t == a->end || t < 0 || t >= a->V)
            srnn_abc_grammar_reset(a->g); /* a new tune (primers hold <end> <start>) */
        else if (a->bytes[t])
            (void)srnn_abc_grammar_step(a->g, a->bytes[t], a->lens[t]); /* refused: lost */
    }
    long left = a->length - (long)(len - a->base);
    srnn_abc_grammar_mask(a->g, (const char *const *)a->bytes, a->lens, a->V, a->end,
                          left > 0 ? left : 1, mask);
    return 0;
}

static int abc_gen_begin(const srnn_vocab *v, const srnn_mode_opts *o,
                         struct srnn_generate_opts *go, void **state, srnn_mode_error *err)
{
    (void)o;
    *state = NULL;
    abc_gen *a = calloc(1, sizeof *a);
    int V = srnn_vocab_size(v);
    srnn_error e = {0};
    if (!a || V <= 0 || !(a->bytes = calloc((size_t)V, sizeof *a->bytes)) ||
        !(a->lens = calloc((size_t)V, sizeof *a->lens)) ||
        srnn_abc_grammar_new(&a->g, &e) != SRNN_OK) {
        abc_gen_end(a);
        return srnn_mode_fail(err, "generate", SRNN_ENOMEM, "out of memory");
    }
    a->V = V;
    a->start = srnn_vocab_start_id(v);
    a->end = srnn_vocab_end_id(v);
    for (int i = 0; i < V; i++) {
        if (i == a->start || i == a->end)
            continue;
        int32_t id = i;
        char *t = NULL;
        size_t tl = 0;
        if (srnn_abc_chars_decode(v, &id, 1, &t, &tl, &e) != SRNN_OK) {
            abc_gen_end(a);
            return srnn_mode_fail_with(err, "generate", SRNN_EINPUT, &e);
        }
        if (tl == 0) {
            free(t);
            t = NULL;
        }
        a->bytes[i] = t;
        a->lens[i] = tl;
    }
    a->length = go->length;
    go->constrain = abc_constrain;
    go->constrain_ud = a;
    *state = a;
    return SRNN_OK;
}

static const srnn_mode_hooks ABC_HOOKS = {
    .load = abc_load,
    .build_vocab = abc_build_vocab,
    .encode = abc_encode,
    .to_text = abc_to_text,
    .to_piece = abc_to_piece,
    .doc_piece = abc_doc_piece,
    .read_piece = abc_read_piece,
    .list_pieces = abc_list_pieces,
    .prime_text = abc_prime_text,
    .gen_begin = abc_gen_begin,
    .gen_end = abc_gen_end,
    .frame_window = abc_frame_window,
};

const srnn_mode_def SRNN_MODE_DEF_ABC = {
    .mode = SRNN_MODE_ABC,
    .name = "abc",
    .in_exts = ABC_EXTS,
    .text_ext = "abc",
    .what = "ABC file",
    .default_length = 1000,
    .has_prime_text = 1,
    .hooks = &ABC_HOOKS,
};
