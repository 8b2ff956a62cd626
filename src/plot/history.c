/* The history CSV of `songrnn train --history`, read back for `songrnn plot`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/plot.h"

enum { COL_TRAIN_LOSS, COL_VAL_LOSS, COL_TRAIN_ACC, COL_VAL_ACC, COL_SECONDS, COL_TOKENS, N_COLS };
static const char *const COL_NAMES[N_COLS] = {"train_loss", "val_loss", "train_acc",
                                              "val_acc",    "seconds",  "tokens"};
#define MAX_FIELDS 64
#define MAX_ROWS 10000000

/* One field [s, e) as a number: a decimal or "nan" (any case), surrounding blanks allowed. */
static int parse_number(const char *s, const char *e, double *out)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    char buf[64];
    size_t len = (size_t)(e - s);
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    char *end;
    double v = strtod(buf, &end);
    if (*end != 0)
        return -1;
    if (isinf(v))
        return -1;
    *out = v;
    return 0;
}

int srnn_history_parse_csv(const char *text, size_t len, srnn_history_entry **out, size_t *n,
                           srnn_error *err)
{
    if (!text || !out || !n)
        return srnn_error_set(err, SRNN_EARG, "no text or no output");
    *out = NULL;
    *n = 0;
    int col_of[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        col_of[c] = -1;
    size_t cap = 0, count = 0;
    srnn_history_entry *h = NULL;
    int line = 0, n_fields_head = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        line++;
        const char *fs[MAX_FIELDS + 1], *fe[MAX_FIELDS + 1];
        int nf = 0;
        const char *q = p;
        for (;;) {
            const char *c = q;
            while (c < eol && *c != ',')
                c++;
            if (nf == MAX_FIELDS) {
                free(h);
                return srnn_error_set_at(err, SRNN_EINPUT, line, (int)(q - p) + 1,
                                         "more than %d columns", MAX_FIELDS);
            }
            fs[nf] = q;
            fe[nf] = c;
            nf++;
            if (c >= eol)
                break;
            q = c + 1;
        }
        int blank = nf == 1 && strspn(fs[0], " \t\r") >= (size_t)(fe[0] - fs[0]);
        if (blank) {
            p = eol + 1;
            continue;
        }
        if (n_fields_head == 0) {
            for (int f = 0; f < nf; f++) {
                const char *s = fs[f], *e = fe[f];
                while (s < e && (*s == ' ' || *s == '\t'))
                    s++;
                while (e > s && (e[-1] == ' ' || e[-1] == '\r'))
                    e--;
                for (int c = 0; c < N_COLS; c++)
                    if ((size_t)(e - s) == strlen(COL_NAMES[c]) &&
                        memcmp(s, COL_NAMES[c], (size_t)(e - s)) == 0)
                        col_of[c] = f;
            }
            for (int c = 0; c <= COL_VAL_ACC; c++)
                if (col_of[c] < 0)
                    return srnn_error_set_at(err, SRNN_EINPUT, line, 1,
                                             "no column '%s' in the header (a history CSV of "
                                             "songrnn train has epoch,train_loss,val_loss,...)",
                                             COL_NAMES[c]);
            n_fields_head = nf;
            p = eol + 1;
            continue;
        }
        if (nf != n_fields_head) {
            free(h);
            return srnn_error_set_at(err, SRNN_EINPUT, line, 1, "%d fields, the header has %d",
                                     nf, n_fields_head);
        }
        if (count == MAX_ROWS) {
            free(h);
            return srnn_error_set_at(err, SRNN_EINPUT, line, 1, "more than %d epochs", MAX_ROWS);
        }
        if (count == cap) {
            cap = cap ? 2 * cap : 64;
            srnn_history_entry *nh = realloc(h, cap * sizeof *nh);
            if (!nh) {
                free(h);
                return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
            }
            h = nh;
        }
        double v[N_COLS] = {0};
        for (int c = 0; c < N_COLS; c++) {
            int f = col_of[c];
            if (f < 0)
                continue;
            if (parse_number(fs[f], fe[f], &v[c]) != 0) {
                free(h);
                return srnn_error_set_at(err, SRNN_EINPUT, line, (int)(fs[f] - p) + 1,
                                         "%s is not a number", COL_NAMES[c]);
            }
        }
        h[count++] = (srnn_history_entry){v[COL_TRAIN_LOSS], v[COL_VAL_LOSS], v[COL_TRAIN_ACC],
                                          v[COL_VAL_ACC], v[COL_SECONDS],
                                          v[COL_TOKENS] > 0 && isfinite(v[COL_TOKENS])
                                              ? (uint64_t)v[COL_TOKENS] : 0};
        p = eol + 1;
    }
    if (n_fields_head == 0)
        return srnn_error_set(err, SRNN_EINPUT, "empty file (no header)");
    if (count == 0) {
        free(h);
        return srnn_error_set(err, SRNN_EINPUT, "no epochs after the header");
    }
    *out = h;
    *n = count;
    return SRNN_OK;
}

int srnn_history_read_csv(const char *path, srnn_history_entry **out, size_t *n,
                          srnn_error *err)
{
    if (!path || !out || !n)
        return srnn_error_set(err, SRNN_EARG, "no path or no output");
    unsigned char *data = NULL;
    size_t size = 0;
    int rc = srnn_file_read_all(path, &data, &size, err);
    if (rc != SRNN_OK)
        return rc;
    if (memchr(data, 0, size)) {
        free(data);
        return srnn_error_set(err, SRNN_EINPUT, "not a text file");
    }
    rc = srnn_history_parse_csv((const char *)data, size, out, n, err);
    free(data);
    return rc;
}
