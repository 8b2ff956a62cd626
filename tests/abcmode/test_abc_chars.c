/* The abc character tokenizer against hand-worked examples: normalization, the vocabulary of a
 * tiny corpus, framed encoding, decoding, primer escapes, unknown characters, UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "songrnn/vocab.h"

static int toks_eq(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    return na == nb && memcmp(a, b, na * sizeof *a) == 0;
}

static void test_normalize(void)
{
    const char in[] = "X:1\r\nT:Hi\t \r\nS:a source\n% a comment\r\n  %%MIDI program 1\r\n"
                      "Z:someone\r\nR:reel\n\r\nK:C\rC\tD|  \nN:a note\n\"Am\"A\nW:words";
    char *out = NULL;
    size_t n = 0;
    srnn_error err = {0};
    CHECK(srnn_abc_chars_normalize(in, strlen(in), &out, &n, &err) == SRNN_OK);
    const char want[] = "X:1\nT:Hi\nR:reel\nK:C\nC D|\n\"Am\"A\n";
    CHECK_MSG(out && strcmp(out, want) == 0, "got [%s]", out ? out : "(null)");
    CHECK(n == strlen(want));
    free(out);
    CHECK(srnn_abc_chars_normalize("", 0, &out, &n, &err) == SRNN_OK && n == 0 && out[0] == 0);
    free(out);
    CHECK(srnn_abc_chars_normalize(NULL, 3, &out, &n, &err) == SRNN_EARG);
}

/* Corpus "X:1\nK:C\nC D|\n": by byte value <nl> 0x0A, <sp> 0x20, '1' 0x31, ':' 0x3A, 'C' 0x43,
 * 'D' 0x44, 'K' 0x4B, 'X' 0x58, '|' 0x7C, after <start> (0) and <end> (1). */
static void test_vocab_encode_decode(void)
{
    const char tune[] = "X:1\nK:C\nC D|\n";
    const char *texts[] = {tune};
    size_t lens[] = {strlen(tune)};
    srnn_vocab *v = NULL;
    srnn_error err = {0};
    CHECK(srnn_abc_chars_vocab(texts, lens, 1, &v, &err) == SRNN_OK);
    if (!v)
        return;
    const char *want[] = {"<start>", "<end>", "<nl>", "<sp>", "1", ":", "C", "D", "K", "X", "|"};
    CHECK(srnn_vocab_size(v) == 11);
    CHECK(srnn_vocab_mode(v) == SRNN_MODE_ABC);
    for (int i = 0; i < 11; i++)
        CHECK_MSG(srnn_vocab_token(v, i) && strcmp(srnn_vocab_token(v, i), want[i]) == 0,
                  "token %d is %s, want %s", i, srnn_vocab_token(v, i), want[i]);

    int32_t *t = NULL;
    size_t n = 0;
    CHECK(srnn_abc_chars_encode(v, tune, strlen(tune), &t, &n, &err) == SRNN_OK);
    const int32_t enc[] = {0, 9, 5, 4, 2, 8, 5, 6, 2, 6, 3, 7, 10, 2, 1};
    CHECK(toks_eq(t, n, enc, sizeof enc / sizeof enc[0]));

    char *text = NULL;
    size_t len = 0;
    CHECK(srnn_abc_chars_decode(v, t, n, &text, &len, &err) == SRNN_OK);
    CHECK(text && strcmp(text, tune) == 0 && len == strlen(tune));
    free(text);
    free(t);

    /* <end> ends the text; a <start> inside is skipped; no <start> at all is fine. */
    const int32_t d1[] = {0, 6, 0, 3, 7, 1, 9, 9};
    CHECK(srnn_abc_chars_decode(v, d1, 8, &text, &len, &err) == SRNN_OK);
    CHECK(text && strcmp(text, "C D") == 0 && len == 3);
    free(text);
    const int32_t d2[] = {10, 10};
    CHECK(srnn_abc_chars_decode(v, d2, 2, &text, NULL, &err) == SRNN_OK);
    CHECK(text && strcmp(text, "||") == 0);
    free(text);
    CHECK(srnn_abc_chars_decode(v, NULL, 0, &text, &len, &err) == SRNN_OK && len == 0);
    free(text);
    const int32_t bad[] = {0, 6, 11};
    CHECK(srnn_abc_chars_decode(v, bad, 3, &text, &len, &err) == SRNN_EINPUT);
    CHECK(text == NULL);
    const int32_t neg[] = {-1};
    CHECK(srnn_abc_chars_decode(v, neg, 1, &text, &len, &err) == SRNN_EINPUT);

    /* A character outside the vocabulary: named, at its line and column. */
    srnn_error_clear(&err);
    CHECK(srnn_abc_chars_encode(v, "X:1\nK:G\n", 8, &t, &n, &err) == SRNN_EINPUT);
    CHECK(t == NULL && n == 0);
    CHECK_MSG(err.line == 2 && err.col == 3 && strstr(err.msg, "'G'"), "%d:%d %s", err.line,
              err.col, err.msg);
    srnn_error_clear(&err);
    CHECK(srnn_abc_chars_encode(v, "X: \t", 4, &t, &n, &err) == SRNN_EINPUT);
    CHECK(err.line == 1 && err.col == 4 && strstr(err.msg, "0x09"));

    /* Primer escapes: \n newline, \t space, \\ backslash; other backslashes stand. */
    int32_t *p = NULL;
    size_t np = 0;
    CHECK(srnn_abc_chars_encode_prime(v, "X:1\\nK:C\\tD", &p, &np, &err) == SRNN_OK);
    const int32_t pw[] = {9, 5, 4, 2, 8, 5, 6, 3, 7};
    CHECK(toks_eq(p, np, pw, 9));
    free(p);
    CHECK(srnn_abc_chars_encode_prime(v, "", &p, &np, &err) == SRNN_OK && np == 0);
    free(p);
    srnn_error_clear(&err);
    CHECK(srnn_abc_chars_encode_prime(v, "CD\\\\", &p, &np, &err) == SRNN_EINPUT);
    CHECK_MSG(err.col == 3 && strstr(err.msg, "'\\'"), "%d %s", err.col, err.msg);
    srnn_error_clear(&err);
    CHECK(srnn_abc_chars_encode_prime(v, "C\\x", &p, &np, &err) == SRNN_EINPUT);
    CHECK(err.line == 1 && err.col == 2);
    srnn_error_clear(&err);
    CHECK(srnn_abc_chars_encode_prime(v, "CDé", &p, &np, &err) == SRNN_EINPUT);
    CHECK_MSG(err.col == 3 && strstr(err.msg, "'é'"), "%d %s", err.col, err.msg);

    /* Saved and loaded with the model, the vocabulary stays an abc one. */
    unsigned char *blob = NULL;
    size_t bsize = 0;
    srnn_vocab *v2 = NULL;
    CHECK(srnn_vocab_save(v, &blob, &bsize, &err) == SRNN_OK);
    CHECK(srnn_vocab_load(blob, bsize, &v2, &err) == SRNN_OK);
    CHECK(v2 && srnn_vocab_mode(v2) == SRNN_MODE_ABC && srnn_vocab_size(v2) == 11);
    CHECK(srnn_abc_chars_encode(v2, tune, strlen(tune), &t, &n, &err) == SRNN_OK);
    CHECK(toks_eq(t, n, enc, sizeof enc / sizeof enc[0]));
    free(t);
    free(blob);
    srnn_vocab_free(v2);
    srnn_vocab_free(v);
}

/* UTF-8 characters are one token each; other bytes get <0xNN> names. */
static void test_bytes(void)
{
    const char a[] = "\xc3\xa9\x01 \xff\xc3";
    const char *texts[] = {a};
    size_t lens[] = {sizeof a - 1};
    srnn_vocab *v = NULL;
    srnn_error err = {0};
    CHECK(srnn_abc_chars_vocab(texts, lens, 1, &v, &err) == SRNN_OK);
    if (!v)
        return;
    /* by bytes: 0x01, 0x20, 0xC3 (alone), 0xC3 0xA9, 0xFF */
    const char *want[] = {"<start>", "<end>", "<0x01>", "<sp>", "<0xC3>", "\xc3\xa9", "<0xFF>"};
    CHECK(srnn_vocab_size(v) == 7);
    for (int i = 0; i < 7 && i < srnn_vocab_size(v); i++)
        CHECK_MSG(strcmp(srnn_vocab_token(v, i), want[i]) == 0, "token %d is %s", i,
                  srnn_vocab_token(v, i));
    int32_t *t = NULL;
    size_t n = 0;
    CHECK(srnn_abc_chars_encode(v, a, sizeof a - 1, &t, &n, &err) == SRNN_OK);
    const int32_t enc[] = {0, 5, 2, 3, 6, 4, 1};
    CHECK(toks_eq(t, n, enc, 7));
    char *text = NULL;
    size_t len = 0;
    CHECK(srnn_abc_chars_decode(v, t, n, &text, &len, &err) == SRNN_OK);
    CHECK(text && len == sizeof a - 1 && memcmp(text, a, len) == 0);
    free(text);
    free(t);
    srnn_vocab_free(v);

    /* A notes vocabulary is refused. */
    srnn_notes_opts no = {0};
    srnn_notes_builder *b = srnn_notes_builder_new(&no);
    srnn_vocab *nv = NULL;
    CHECK(b && srnn_notes_builder_finish(b, &nv, NULL, &err) == SRNN_OK && nv);
    srnn_notes_builder_free(b);
    if (nv) {
        CHECK(srnn_abc_chars_encode(nv, "A", 1, &t, &n, &err) == SRNN_EARG);
        CHECK(srnn_abc_chars_decode(nv, enc, 1, &text, &len, &err) == SRNN_EARG);
        CHECK(srnn_abc_chars_encode_prime(nv, "A", &t, &n, &err) == SRNN_EARG);
        srnn_vocab_free(nv);
    }
    CHECK(srnn_abc_chars_vocab(NULL, NULL, 0, &v, &err) == SRNN_OK && srnn_vocab_size(v) == 2);
    srnn_vocab_free(v);
}

/* Random bytes: normalized, they build a vocabulary that encodes and decodes them exactly;
 * any primer string is either encoded or refused, never a crash. */
static void test_random(void)
{
    uint32_t x = 12345;
    for (int round = 0; round < 300; round++) {
        char in[400];
        size_t len = 0;
        x = x * 1664525u + 1013904223u;
        size_t want = (x >> 8) % sizeof in;
        for (size_t i = 0; i < want; i++) {
            x = x * 1664525u + 1013904223u;
            /* mostly ABC-like ASCII, some newlines, some high and control bytes */
            unsigned r = x >> 24;
            in[len++] = (char)(r < 200 ? 32 + r % 95 : r < 220 ? '\n' : r);
        }
        char *norm = NULL;
        size_t nl = 0;
        srnn_error err = {0};
        CHECK(srnn_abc_chars_normalize(in, len, &norm, &nl, &err) == SRNN_OK);
        const char *texts[] = {norm};
        srnn_vocab *v = NULL;
        CHECK(srnn_abc_chars_vocab(texts, &nl, 1, &v, &err) == SRNN_OK);
        int32_t *t = NULL;
        size_t n = 0;
        char *back = NULL;
        size_t bl = 0;
        CHECK(srnn_abc_chars_encode(v, norm, nl, &t, &n, &err) == SRNN_OK);
        CHECK(srnn_abc_chars_decode(v, t, n, &back, &bl, &err) == SRNN_OK);
        CHECK(back && bl == nl && memcmp(back, norm, nl) == 0);
        in[len < sizeof in ? len : sizeof in - 1] = 0;
        int32_t *p = NULL;
        size_t np = 0;
        int rc = srnn_abc_chars_encode_prime(v, in, &p, &np, &err);
        CHECK(rc == SRNN_OK || rc == SRNN_EINPUT);
        free(p);
        free(back);
        free(t);
        srnn_vocab_free(v);
        free(norm);
    }
}

/* Many distinct characters (3,000 CJK code points, written in descending order): one token
 * each, in ascending order of their bytes. */
static void test_many(void)
{
    enum { N = 3000 };
    char *text = malloc(N * 3);
    for (int i = 0; i < N; i++) {
        unsigned cp = 0x4E00 + (unsigned)(N - 1 - i);
        text[3 * i] = (char)(0xE0 | (cp >> 12));
        text[3 * i + 1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        text[3 * i + 2] = (char)(0x80 | (cp & 0x3F));
    }
    const char *texts[] = {text};
    size_t lens[] = {N * 3};
    srnn_vocab *v = NULL;
    srnn_error err = {0};
    CHECK(srnn_abc_chars_vocab(texts, lens, 1, &v, &err) == SRNN_OK);
    CHECK(srnn_vocab_size(v) == N + 2);
    CHECK(v && memcmp(srnn_vocab_token(v, 2), "\xe4\xb8\x80", 4) == 0); /* U+4E00 */
    CHECK(v && memcmp(srnn_vocab_token(v, N + 1), text, 3) == 0);    /* the largest */
    int32_t *t = NULL;
    size_t n = 0;
    CHECK(srnn_abc_chars_encode(v, text, N * 3, &t, &n, &err) == SRNN_OK);
    CHECK(n == N + 2 && t[1] == N + 1 && t[N] == 2);
    free(t);
    srnn_vocab_free(v);
    free(text);
}

int main(void)
{
    test_random();
    test_many();
    test_normalize();
    test_vocab_encode_decode();
    test_bytes();
    return check_finish("test_abc_chars");
}
