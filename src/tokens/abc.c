/* The abc tokenizer: one token per character of a tune's text (the seeds' SongRNN), framed by
 * <start> and <end>.  Token strings are the characters themselves except for the few that
 * would not print on one line (see vocab.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/vocab.h"

#define NAME_MAX_LEN 16

/* Length of the UTF-8 character at s (at most n bytes): 2..4 for a valid multi-byte character
 * (no overlongs, no surrogates, at most U+10FFFF), 1 otherwise. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    unsigned cp;
    if (c < 0xC2 || c > 0xF4)
        return 1;
    k = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n < k)
        return 1;
    cp = c & (0x7Fu >> k);
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 1;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 1;
    return k;
}

/* The token string of a byte standing alone. */
static void byte_name(unsigned c, char name[NAME_MAX_LEN])
{
    if (c == '\n')
        strcpy(name, "<nl>");
    else if (c == ' ')
        strcpy(name, "<sp>");
    else if (c > ' ' && c < 0x7F) {
        name[0] = (char)c;
        name[1] = 0;
    } else {
        snprintf(name, NAME_MAX_LEN, "<0x%02X>", c & 0xFF);
    }
}

/* The token string of the character at s (its byte length in *clen). */
static void char_name(const unsigned char *s, size_t n, char name[NAME_MAX_LEN], size_t *clen)
{
    size_t k = utf8_len(s, n);
    *clen = k;
    if (k > 1) {
        memcpy(name, s, k);
        name[k] = 0;
    } else {
        byte_name(s[0], name);
    }
}

/* The bytes a token string stands for; 0 bytes for <start>, <end> and strings that are not
 * character tokens. */
static size_t token_bytes(const char *t, char out[NAME_MAX_LEN])
{
    if (strcmp(t, "<nl>") == 0) {
        out[0] = '\n';
        return 1;
    }
    if (strcmp(t, "<sp>") == 0) {
        out[0] = ' ';
        return 1;
    }
    if (strncmp(t, "<0x", 3) == 0 && strlen(t) == 6 && t[5] == '>') {
        unsigned v = 0;
        for (int i = 3; i < 5; i++) {
            char c = t[i];
            v = v * 16 + (unsigned)(c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 0);
        }
        out[0] = (char)v;
        return 1;
    }
    if (t[0] == '<' && t[1])
        return 0; /* <start>, <end> */
    size_t l = strlen(t);
    if (l >= NAME_MAX_LEN)
        return 0;
    memcpy(out, t, l);
    return l;
}

/* Human-readable description of the character at s, for messages. */
static void char_describe(const unsigned char *s, size_t n, char *buf, size_t size)
{
    char name[NAME_MAX_LEN];
    size_t k;
    char_name(s, n, name, &k);
    if (s[0] == '\n')
        snprintf(buf, size, "newline");
    else if (s[0] == ' ')
        snprintf(buf, size, "space");
    else if (k == 1 && (s[0] < ' ' || s[0] >= 0x7F))
        snprintf(buf, size, "byte 0x%02X", s[0]);
    else
        snprintf(buf, size, "'%s'", name);
}

/* Information fields that say nothing the music needs: area, book, discography, file, group,
 * history, notes, origin, source, words after the tune, transcription. */
static int is_meta_field(const char *s, size_t n)
{
    return n >= 2 && s[1] == ':' && s[0] && strchr("ABDFGHNOSWZ", s[0]) != NULL;
}

int srnn_abc_chars_normalize(const char *text, size_t len, char **out, size_t *out_len,
                             srnn_error *err)
{
    if (!out || !out_len || (!text && len))
        return srnn_error_set(err, SRNN_EARG, "srnn_abc_chars_normalize: bad arguments");
    *out = NULL;
    *out_len = 0;
    char *buf = malloc(len + 2);
    if (!buf)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    size_t o = 0, i = 0;
    while (i < len) {
        /* One line: [i, e), its terminator \n, \r\n or \r. */
        size_t e = i;
        while (e < len && text[e] != '\n' && text[e] != '\r')
            e++;
        size_t next = e < len ? e + 1 + (text[e] == '\r' && e + 1 < len && text[e + 1] == '\n')
                              : len;
        size_t first = i;
        while (first < e && (text[first] == ' ' || text[first] == '\t'))
            first++;
        size_t last = e;
        while (last > i && (text[last - 1] == ' ' || text[last - 1] == '\t'))
            last--;
        if (first < e && text[first] != '%' && !is_meta_field(text + i, e - i)) {
            for (size_t k = i; k < last; k++)
                buf[o++] = text[k] == '\t' ? ' ' : text[k];
            buf[o++] = '\n';
        }
        i = next;
    }
    buf[o] = 0;
    *out = buf;
    *out_len = o;
    return SRNN_OK;
}

/* Sorting by the bytes each token stands for: the names <nl>, <sp>, <0xNN> sort as their
 * character would. */
typedef struct named {
    char bytes[NAME_MAX_LEN];
    char name[NAME_MAX_LEN];
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    return strcmp(x->bytes, y->bytes) != 0 ? strcmp(x->bytes, y->bytes) : strcmp(x->name, y->name);
}

/* The code point of a valid multi-byte UTF-8 character of k bytes. */
static uint32_t utf8_decode(const unsigned char *s, size_t k)
{
    uint32_t cp = s[0] & (0x7Fu >> k);
    for (size_t i = 1; i < k; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    return cp;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A set of code points (open addressing; 0 marks an empty slot: code points here are >= 0x80). */
typedef struct cpset {
    uint32_t *slot;
    size_t cap, n;
} cpset;

static int cpset_add(cpset *set, uint32_t cp)
{
    if (2 * (set->n + 1) > set->cap) {
        size_t nc = set->cap ? 2 * set->cap : 64;
        uint32_t *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slot[i])
                continue;
            size_t h = (set->slot[i] * 2654435761u) & (nc - 1);
            while (ns[h])
                h = (h + 1) & (nc - 1);
            ns[h] = set->slot[i];
        }
        free(set->slot);
        set->slot = ns;
        set->cap = nc;
    }
    size_t h = (cp * 2654435761u) & (set->cap - 1);
    for (; set->slot[h]; h = (h + 1) & (set->cap - 1))
        if (set->slot[h] == cp)
            return 0;
    set->slot[h] = cp;
    set->n++;
    return 0;
}

int srnn_abc_chars_vocab(const char *const *texts, const size_t *lens, size_t n,
                         srnn_vocab **out, srnn_error *err)
{
    if (!out || (n && (!texts || !lens)))
        return srnn_error_set(err, SRNN_EARG, "srnn_abc_chars_vocab: bad arguments");
    *out = NULL;
    /* Single bytes in a table; multi-byte characters in a set of code points. */
    unsigned char seen[256] = {0};
    cpset multi = {0};
    int rc = SRNN_OK;
    for (size_t t = 0; t < n; t++) {
        const unsigned char *s = (const unsigned char *)texts[t];
        if (!s && lens[t]) {
            rc = srnn_error_set(err, SRNN_EARG, "text %zu is NULL", t);
            goto done;
        }
        for (size_t i = 0; i < lens[t];) {
            size_t k = utf8_len(s + i, lens[t] - i);
            if (k == 1)
                seen[s[i]] = 1;
            else if (cpset_add(&multi, utf8_decode(s + i, k)) != 0) {
                rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
                goto done;
            }
            i += k;
        }
    }
    size_t n_single = 0;
    for (int c = 0; c < 256; c++)
        n_single += seen[c];
    size_t total = 2 + n_single + multi.n;
    if (total > SRNN_VOCAB_MAX) {
        rc = srnn_error_set(err, SRNN_EINPUT, "%zu distinct characters: more than a vocabulary "
                            "holds", total - 2);
        goto done;
    }
    named *all = calloc(total, sizeof *all);
    const char **names = calloc(total, sizeof *names);
    if (!all || !names) {
        free(all);
        free(names);
        rc = srnn_error_set(err, SRNN_ENOMEM, "out of memory");
        goto done;
    }
    size_t k = 0;
    for (int c = 0; c < 256; c++) {
        if (!seen[c])
            continue;
        byte_name((unsigned)c, all[k].name);
        all[k].bytes[0] = (char)c;
        k++;
    }
    for (size_t j = 0; j < multi.cap; j++) {
        if (!multi.slot[j])
            continue;
        utf8_encode(multi.slot[j], all[k].name);
        memcpy(all[k].bytes, all[k].name, sizeof all[k].bytes);
        k++;
    }
    qsort(all, k, sizeof *all, cmp_named);
    size_t m = 0;
    names[m++] = "<start>";
    names[m++] = "<end>";
    for (size_t j = 0; j < k; j++)
        names[m++] = all[j].name;
    rc = srnn_vocab_new_from_tokens(SRNN_MODE_ABC, names, (int)m, out, err);
    free(all);
    free(names);
done:
    free(multi.slot);
    return rc;
}

/* Writes the tokens of text at toks[*n...] (room for len tokens); an unknown character is an
 * error at its line and column in text. */
static int encode_chars(const srnn_vocab *v, const char *text, size_t len, int32_t *toks,
                        size_t *n, srnn_error *err)
{
    const unsigned char *s = (const unsigned char *)text;
    int line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        char name[NAME_MAX_LEN];
        size_t k;
        char_name(s + i, len - i, name, &k);
        int id = srnn_vocab_lookup(v, name);
        if (id < 0 || id == srnn_vocab_start_id(v) || id == srnn_vocab_end_id(v)) {
            char what[40];
            char_describe(s + i, len - i, what, sizeof what);
            return srnn_error_set_at(err, SRNN_EINPUT, line, col,
                                     "character %s is not in the model's vocabulary", what);
        }
        toks[(*n)++] = id;
        if (s[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += k;
    }
    return SRNN_OK;
}

int srnn_abc_chars_encode(const srnn_vocab *v, const char *text, size_t len, int32_t **tokens,
                          size_t *n, srnn_error *err)
{
    if (!v || !tokens || !n || (!text && len))
        return srnn_error_set(err, SRNN_EARG, "srnn_abc_chars_encode: bad arguments");
    *tokens = NULL;
    *n = 0;
    if (srnn_vocab_mode(v) != SRNN_MODE_ABC)
        return srnn_error_set(err, SRNN_EARG, "a %s vocabulary cannot encode ABC text",
                              srnn_mode_name(srnn_vocab_mode(v)));
    int32_t *t = malloc((len + 2) * sizeof *t);
    if (!t)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    size_t k = 0;
    t[k++] = srnn_vocab_start_id(v);
    int rc = encode_chars(v, text, len, t, &k, err);
    if (rc != SRNN_OK) {
        free(t);
        return rc;
    }
    t[k++] = srnn_vocab_end_id(v);
    *tokens = t;
    *n = k;
    return SRNN_OK;
}

int srnn_abc_chars_encode_prime(const srnn_vocab *v, const char *str, int32_t **tokens,
                                size_t *n, srnn_error *err)
{
    if (!v || !str || !tokens || !n)
        return srnn_error_set(err, SRNN_EARG, "srnn_abc_chars_encode_prime: bad arguments");
    *tokens = NULL;
    *n = 0;
    if (srnn_vocab_mode(v) != SRNN_MODE_ABC)
        return srnn_error_set(err, SRNN_EARG, "a %s vocabulary cannot encode ABC text",
                              srnn_mode_name(srnn_vocab_mode(v)));
    size_t len = strlen(str);
    int32_t *t = malloc((len + 1) * sizeof *t);
    if (!t)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        /* One character of the primer: an escape, or one UTF-8 character as it stands. */
        char c = str[i];
        size_t step = 1, clen = 1; /* bytes of str used; bytes of the character */
        const char *ch = str + i;
        if (c == '\\' && i + 1 < len &&
            (str[i + 1] == 'n' || str[i + 1] == 't' || str[i + 1] == '\\')) {
            ch = str[i + 1] == 'n' ? "\n" : str[i + 1] == 't' ? " " : "\\";
            step = 2;
        } else if (c == '\t') {
            ch = " ";
        } else if (c == '\r' && i + 1 < len && str[i + 1] == '\n') {
            i++; /* a CRLF pasted in: the LF follows */
            continue;
        } else {
            step = clen = utf8_len((const unsigned char *)str + i, len - i);
        }
        size_t one = 0;
        int rc = encode_chars(v, ch, clen, t + k, &one, err);
        if (rc != SRNN_OK) {
            free(t);
            if (err) {
                err->line = 1;
                err->col = (int)i + 1;
            }
            return rc;
        }
        k += one;
        i += step;
    }
    *tokens = t;
    *n = k;
    return SRNN_OK;
}

int srnn_abc_chars_decode(const srnn_vocab *v, const int32_t *tokens, size_t n, char **text,
                          size_t *len, srnn_error *err)
{
    if (!v || !text || (!tokens && n))
        return srnn_error_set(err, SRNN_EARG, "srnn_abc_chars_decode: bad arguments");
    *text = NULL;
    if (len)
        *len = 0;
    if (srnn_vocab_mode(v) != SRNN_MODE_ABC)
        return srnn_error_set(err, SRNN_EARG, "a %s vocabulary cannot decode ABC text",
                              srnn_mode_name(srnn_vocab_mode(v)));
    int start = srnn_vocab_start_id(v), end = srnn_vocab_end_id(v);
    char *buf = malloc(n * 4 + 1);
    if (!buf)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (tokens[i] == end)
            break;
        if (tokens[i] == start)
            continue;
        const char *t = srnn_vocab_token(v, tokens[i]);
        if (!t) {
            free(buf);
            return srnn_error_set(err, SRNN_EINPUT, "token %d is outside the vocabulary (%d "
                                  "tokens)", (int)tokens[i], srnn_vocab_size(v));
        }
        char b[NAME_MAX_LEN];
        size_t l = token_bytes(t, b);
        if (l > 4)
            l = 4; /* a character is at most 4 bytes; a longer string is no abc token */
        memcpy(buf + o, b, l);
        o += l;
    }
    buf[o] = 0;
    *text = buf;
    if (len)
        *len = o;
    return SRNN_OK;
}
