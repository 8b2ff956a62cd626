/* Finding the tunes of a file, and the public entry points. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abc_internal.h"

static int is_x_line(const char *s, const char *e)
{
    return e - s >= 2 && s[0] == 'X' && s[1] == ':';
}

static int is_blank(const char *s, const char *e)
{
    for (; s < e; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

/* Fills up to cap entries of out (out may be NULL) and returns the number of tunes.  A tune
 * runs from its X: line to the first blank line or the next X: line. */
static size_t scan_tunes(const char *text, size_t len, srnn_abc_tune_info *out, size_t cap)
{
    size_t n = 0;
    int line = 0, in_tune = 0, any_k = 0;
    const char *p = text, *end = text + len;
    srnn_abc_tune_info *cur = NULL;
    while (p < end) {
        const char *ls = p;
        const char *le = memchr(p, '\n', (size_t)(end - p));
        if (!le)
            le = end;
        p = le < end ? le + 1 : end;
        line++;
        if (le - ls >= 2 && ls[0] == 'K' && ls[1] == ':')
            any_k = 1;
        if (is_x_line(ls, le)) {
            if (cur)
                cur->length = (size_t)(ls - text) - cur->offset;
            cur = n < cap && out ? &out[n] : NULL;
            n++;
            in_tune = 1;
            if (cur) {
                memset(cur, 0, sizeof *cur);
                cur->line = line;
                cur->offset = (size_t)(ls - text);
                const char *q = ls + 2;
                while (q < le && isspace((unsigned char)*q))
                    q++;
                long x = -1;
                if (q < le && isdigit((unsigned char)*q)) {
                    x = 0;
                    while (q < le && isdigit((unsigned char)*q) && x < 100000000)
                        x = x * 10 + (*q++ - '0');
                }
                cur->x = (int)x;
            }
            continue;
        }
        if (!in_tune)
            continue;
        if (is_blank(ls, le)) {
            if (cur)
                cur->length = (size_t)(ls - text) - cur->offset;
            cur = NULL;
            in_tune = 0;
            continue;
        }
        if (cur && !cur->title[0] && le - ls >= 2 && ls[0] == 'T' && ls[1] == ':') {
            const char *q = ls + 2, *qe = le;
            while (q < qe && isspace((unsigned char)*q))
                q++;
            while (qe > q && isspace((unsigned char)qe[-1]))
                qe--;
            snprintf(cur->title, sizeof cur->title, "%.*s", (int)(qe - q), q);
        }
    }
    if (cur)
        cur->length = len - cur->offset;
    if (n == 0 && any_k) {
        /* No X: at all: the whole text is one tune. */
        if (out && cap > 0) {
            memset(out, 0, sizeof *out);
            out->x = -1;
            out->line = 1;
            out->length = len;
        }
        n = 1;
    }
    return n;
}

size_t srnn_abc_tune_count(const char *text, size_t len)
{
    return text ? scan_tunes(text, len, NULL, 0) : 0;
}

int srnn_abc_list_tunes(const char *text, size_t len, srnn_abc_tune_info **tunes, size_t *count,
                        srnn_error *err)
{
    if (!tunes || !count || (!text && len))
        return srnn_error_set(err, SRNN_EARG, "srnn_abc_list_tunes: bad arguments");
    *tunes = NULL;
    *count = 0;
    size_t n = text ? scan_tunes(text, len, NULL, 0) : 0;
    if (n == 0)
        return SRNN_OK;
    srnn_abc_tune_info *t = calloc(n, sizeof *t);
    if (!t)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    scan_tunes(text, len, t, n);
    *tunes = t;
    *count = n;
    return SRNN_OK;
}

void abc_tune_clear(abc_tune *tune)
{
    for (int i = 0; i < ABC_MAX_VOICES; i++) {
        free(tune->voices[i].f);
        tune->voices[i].f = NULL;
    }
}

int srnn_abc_parse_ex(const char *text, size_t len, int select, const srnn_abc_options *opts,
                      srnn_piece **out, srnn_error *err)
{
    if (!out || (!text && len))
        return srnn_error_set(err, SRNN_EARG, "srnn_abc_parse: bad arguments");
    *out = NULL;
    unsigned flags = opts ? opts->flags : 0;
    srnn_abc_tune_info *tunes;
    size_t n;
    int r = srnn_abc_list_tunes(text, len, &tunes, &n, err);
    if (r)
        return r;
    if (n == 0)
        return srnn_error_set(err, SRNN_EINPUT, "no tune found (no X: or K: field)");
    size_t pick = n;
    if (select < 0)
        pick = 0;
    else if (flags & SRNN_ABC_BY_INDEX)
        pick = (size_t)select < n ? (size_t)select : n;
    else
        for (size_t i = 0; i < n && pick == n; i++)
            if (tunes[i].x == select)
                pick = i;
    if (pick == n) {
        free(tunes);
        if (flags & SRNN_ABC_BY_INDEX)
            return srnn_error_set(err, SRNN_EINPUT, "no tune number %d (the file has %zu tunes)",
                                  select + 1, n);
        return srnn_error_set(err, SRNN_EINPUT, "no tune with X:%d", select);
    }
    srnn_abc_tune_info info = tunes[pick];
    free(tunes);
    return srnn_abc_parse_tune(text, len, &info, opts, out, err);
}

int srnn_abc_parse_tune(const char *text, size_t len, const srnn_abc_tune_info *info,
                        const srnn_abc_options *opts, srnn_piece **out, srnn_error *err)
{
    if (!out || !info || (!text && len) || info->offset > len ||
        info->length > len - info->offset)
        return srnn_error_set(err, SRNN_EARG, "srnn_abc_parse_tune: bad arguments");
    *out = NULL;
    unsigned flags = opts ? opts->flags : 0;
    int r;
    abc_tune *tune = malloc(sizeof *tune);
    srnn_piece *piece = srnn_piece_new();
    if (!tune || !piece) {
        free(tune);
        srnn_piece_free(piece);
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    }
    r = abc_parse_tune(text + info->offset, info->length, info->line, opts, tune, err);
    if (r == SRNN_OK)
        r = abc_play(tune, flags, piece, err);
    abc_tune_clear(tune);
    free(tune);
    if (r) {
        srnn_piece_free(piece);
        return r;
    }
    *out = piece;
    return SRNN_OK;
}

int srnn_abc_parse(const char *text, size_t len, int select, unsigned flags, srnn_piece **out,
                   srnn_error *err)
{
    srnn_abc_options o = {flags, NULL, NULL};
    return srnn_abc_parse_ex(text, len, select, &o, out, err);
}
