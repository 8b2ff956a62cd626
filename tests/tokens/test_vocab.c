/* Vocabularies: lookup, construction from token strings (every mode), and the byte blob:
 * round trip, refusal of every truncation, of every flipped byte and of random bytes. */
#include <string.h>

#include "../check.h"
#include "songrnn/vocab.h"

static srnn_vocab *notes_vocab(int max_vocab, int bins)
{
    srnn_piece *p = srnn_piece_new();
    /* Enough different chords to fill a few slots. */
    for (int i = 0; i < 40; i++) {
        for (int j = 0; j <= i % 4; j++) {
            srnn_note n = {.onset = i, .duration = 1 + (i % 3), .pitch = (uint8_t)(40 + i + 3 * j),
                           .velocity = (uint8_t)(20 + 2 * i)};
            CHECK(srnn_piece_add_note(p, &n) == SRNN_OK);
        }
    }
    srnn_notes_opts o = {.max_vocab = max_vocab, .velocity_bins = bins,
                         .tokens = SRNN_TOKENS_TIMESHIFT};
    srnn_notes_builder *b = srnn_notes_builder_new(&o);
    CHECK(srnn_notes_builder_add(b, p) == SRNN_OK);
    srnn_vocab *v = NULL;
    srnn_error err = {0};
    CHECK(srnn_notes_builder_finish(b, &v, NULL, &err) == SRNN_OK);
    srnn_notes_builder_free(b);
    srnn_piece_free(p);
    return v;
}

static void test_lookup(void)
{
    srnn_vocab *v = notes_vocab(0, 0);
    CHECK(srnn_vocab_mode(v) == SRNN_MODE_NOTES);
    CHECK(srnn_notes_grid(v) == 12);
    /* 226 tokens before chords, 30 distinct chords in the piece (i % 4 = 1, 2, 3). */
    CHECK(srnn_vocab_size(v) == 226 + 30);
    for (int i = 0; i < srnn_vocab_size(v); i++)
        CHECK(srnn_vocab_lookup(v, srnn_vocab_token(v, i)) == i);
    CHECK(srnn_vocab_start_id(v) == 0 && srnn_vocab_end_id(v) == 1);
    CHECK(strcmp(srnn_vocab_token(v, 0), "<start>") == 0);
    CHECK(srnn_vocab_lookup(v, "N60") >= 0 && srnn_vocab_lookup(v, "N128") == -1);
    CHECK(srnn_vocab_lookup(v, "T48") >= 0 && srnn_vocab_lookup(v, "T49") == -1);
    CHECK(srnn_vocab_lookup(v, "D24") >= 0 && srnn_vocab_lookup(v, "D25") == -1);
    CHECK(srnn_vocab_lookup(v, "D27") >= 0 && srnn_vocab_lookup(v, "D192") >= 0);
    CHECK(srnn_vocab_lookup(v, "C41.44") >= 0);
    CHECK(srnn_vocab_lookup(v, "") == -1 && srnn_vocab_lookup(v, NULL) == -1);
    CHECK(srnn_vocab_token(v, -1) == NULL && srnn_vocab_token(v, srnn_vocab_size(v)) == NULL);
    srnn_vocab_free(v);
    CHECK(strcmp(srnn_mode_name(SRNN_MODE_TABLA), "tabla") == 0);
    CHECK(srnn_mode_from_name("abc") == SRNN_MODE_ABC && srnn_mode_from_name("midi") == -1);
}

static void test_from_tokens(void)
{
    srnn_error err = {0};
    srnn_vocab *v = NULL;
    /* abc: one token a character, newline and space included. */
    const char *abc[] = {"<start>", "<end>", "a", "b", "|", " ", "\n", "^"};
    CHECK(srnn_vocab_new_from_tokens(SRNN_MODE_ABC, abc, 8, &v, &err) == SRNN_OK);
    CHECK(srnn_vocab_size(v) == 8 && srnn_vocab_lookup(v, "\n") == 6);
    CHECK(srnn_notes_grid(v) == 0);
    int32_t t[] = {0, 2, 1};
    srnn_piece *p = NULL;
    CHECK(srnn_notes_decode(v, t, 3, &p, &err) == SRNN_EARG && p == NULL);
    srnn_vocab_free(v);
    const char *dup[] = {"<start>", "<end>", "a", "a"};
    CHECK(srnn_vocab_new_from_tokens(SRNN_MODE_ABC, dup, 4, &v, &err) == SRNN_EINPUT && !v);
    CHECK(strstr(err.msg, "twice") != NULL);
    const char *nostart[] = {"<end>", "a"};
    CHECK(srnn_vocab_new_from_tokens(SRNN_MODE_TABLA, nostart, 2, &v, &err) == SRNN_EINPUT);
    const char *empty[] = {"<start>", "<end>", ""};
    CHECK(srnn_vocab_new_from_tokens(SRNN_MODE_TABLA, empty, 3, &v, &err) == SRNN_EINPUT);
    CHECK(srnn_vocab_new_from_tokens((srnn_mode)7, abc, 8, &v, &err) == SRNN_EARG);

    /* notes: the token strings of a built vocabulary make the same vocabulary again; any
     * malformed token is refused. */
    srnn_vocab *ref = notes_vocab(240, 2);
    int n = srnn_vocab_size(ref);
    const char **toks = malloc((size_t)(n + 1) * sizeof *toks);
    for (int i = 0; i < n; i++)
        toks[i] = srnn_vocab_token(ref, i);
    CHECK(srnn_vocab_new_from_tokens(SRNN_MODE_NOTES, toks, n, &v, &err) == SRNN_OK);
    CHECK(srnn_notes_grid(v) == 12 && srnn_notes_velocity_bins(v) == 2);
    CHECK(srnn_vocab_size(v) == 240);
    srnn_vocab_free(v);
    const char *bad[] = {"N128", "N060", "C60.60", "C64.60", "C60", "C60.", "T0", "T49", "D0",
                         "V128", "V0", "V064", "X1", "D-1", "C1.2.3.x", "T1x"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        toks[n] = bad[k];
        int rc = srnn_vocab_new_from_tokens(SRNN_MODE_NOTES, toks, n + 1, &v, &err);
        CHECK_MSG(rc == SRNN_EINPUT && v == NULL, "'%s' accepted", bad[k]);
    }
    /* A missing pitch or shift is refused too. */
    toks[srnn_vocab_lookup(ref, "N5")] = "N200";
    CHECK(srnn_vocab_new_from_tokens(SRNN_MODE_NOTES, toks, n, &v, &err) == SRNN_EINPUT);
    free(toks);
    srnn_vocab_free(ref);
}

/* The standard CRC-32 (zlib's), written here from its definition. */
static uint32_t crc32_ref(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* Damage that keeps the checksum right reaches the parser: it must refuse or accept, never
 * crash, and what it accepts must be a consistent vocabulary. */
static void test_blob_parser(void)
{
    CHECK(crc32_ref((const unsigned char *)"123456789", 9) == 0xCBF43926u);
    srnn_vocab *v = notes_vocab(240, 2);
    unsigned char *blob = NULL;
    size_t size = 0;
    srnn_error err = {0};
    CHECK(srnn_vocab_save(v, &blob, &size, &err) == SRNN_OK);
    uint32_t stored = (uint32_t)blob[size - 4] | (uint32_t)blob[size - 3] << 8 |
                      (uint32_t)blob[size - 2] << 16 | (uint32_t)blob[size - 1] << 24;
    CHECK(stored == crc32_ref(blob, size - 4));
    unsigned char *c = malloc(size);
    uint64_t r = 99;
    int accepted = 0;
    for (int it = 0; it < 5000; it++) {
        memcpy(c, blob, size);
        int k = 1 + it % 3;
        for (int j = 0; j < k; j++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = 8 + (size_t)(r >> 33) % (size - 12);
            c[at] = (unsigned char)(r >> 20);
        }
        uint32_t crc = crc32_ref(c, size - 4);
        for (int b = 0; b < 4; b++)
            c[size - 4 + (size_t)b] = (unsigned char)(crc >> (8 * b));
        srnn_vocab *w = NULL;
        int rc = srnn_vocab_load(c, size, &w, &err);
        CHECK((rc == SRNN_OK) == (w != NULL));
        CHECK(rc == SRNN_OK || rc == SRNN_EINPUT);
        if (w) {
            accepted++;
            for (int i = 0; i < srnn_vocab_size(w); i++)
                CHECK(srnn_vocab_lookup(w, srnn_vocab_token(w, i)) == i);
        }
        srnn_vocab_free(w);
    }
    fprintf(stderr, "checksummed mutations accepted as valid vocabularies: %d of 5000\n",
            accepted);
    free(c);
    free(blob);
    srnn_vocab_free(v);
}

/* A version-1 blob (songrnn 0.1) written here byte by byte: its velocity tokens V1..V4 were
 * four equal bins of 1..127 (1..32, 33..64, 65..96, 97..127) decoded to their middles; they
 * load as V16, V48, V80, V112 with their ids unchanged. */
static void test_blob_v1(void)
{
    const char *toks[2 + 48 + 48 + 128 + 4];
    char names[2 + 48 + 48 + 128 + 4][8];
    int n = 0;
    toks[n++] = "<start>";
    toks[n++] = "<end>";
    for (int k = 1; k <= 48; k++, n++)
        snprintf(names[n], 8, "T%d", k), toks[n] = names[n];
    for (int k = 1; k <= 48; k++, n++) /* any durations do for the layout */
        snprintf(names[n], 8, "D%d", k), toks[n] = names[n];
    for (int k = 0; k < 128; k++, n++)
        snprintf(names[n], 8, "N%d", k), toks[n] = names[n];
    for (int k = 1; k <= 4; k++, n++)
        snprintf(names[n], 8, "V%d", k), toks[n] = names[n];
    unsigned char blob[8192];
    size_t at = 0;
    memcpy(blob, "SRNNVOCB", 8);
    at = 8;
    const uint32_t head[5] = {1, 0 /* notes */, 12, 4, (uint32_t)n};
    for (int i = 0; i < 5; i++, at += 4)
        for (int b = 0; b < 4; b++)
            blob[at + (size_t)b] = (unsigned char)(head[i] >> (8 * b));
    for (int i = 0; i < n; i++) {
        uint32_t len = (uint32_t)strlen(toks[i]);
        for (int b = 0; b < 4; b++)
            blob[at + (size_t)b] = (unsigned char)(len >> (8 * b));
        memcpy(blob + at + 4, toks[i], len);
        at += 4 + len;
    }
    uint32_t crc = crc32_ref(blob, at);
    for (int b = 0; b < 4; b++)
        blob[at + (size_t)b] = (unsigned char)(crc >> (8 * b));
    at += 4;
    srnn_vocab *v = NULL;
    srnn_error err = {0};
    CHECK_MSG(srnn_vocab_load(blob, at, &v, &err) == SRNN_OK, "%s", err.msg);
    CHECK(srnn_notes_velocity_bins(v) == 4 && srnn_notes_tokens_kind(v) == SRNN_TOKENS_TIMESHIFT);
    CHECK(srnn_vocab_lookup(v, "V16") == n - 4 && srnn_vocab_lookup(v, "V48") == n - 3 &&
          srnn_vocab_lookup(v, "V80") == n - 2 && srnn_vocab_lookup(v, "V112") == n - 1);
    CHECK(srnn_vocab_lookup(v, "V1") < 0);
    /* Decoded as before: V4 (now V112) gives velocity 112. */
    int32_t t[] = {0, n - 1, srnn_vocab_lookup(v, "N60"), srnn_vocab_lookup(v, "D12")};
    srnn_piece *p = NULL;
    CHECK(srnn_notes_decode(v, t, 4, &p, &err) == SRNN_OK);
    CHECK(srnn_piece_note_count(p) == 1 && srnn_piece_notes(p)[0].velocity == 112);
    srnn_piece_free(p);
    srnn_vocab_free(v);
    /* A version this program does not know is refused with its number. */
    blob[8] = 9;
    CHECK(srnn_vocab_load(blob, at, &v, &err) == SRNN_EINPUT && strstr(err.msg, "version 9"));
}

static void test_blob(void)
{
    srnn_vocab *v = notes_vocab(250, 3);
    unsigned char *blob = NULL;
    size_t size = 0;
    srnn_error err = {0};
    CHECK(srnn_vocab_save(v, &blob, &size, &err) == SRNN_OK);
    CHECK(size > 28);
    srnn_vocab *w = NULL;
    CHECK(srnn_vocab_load(blob, size, &w, &err) == SRNN_OK);
    CHECK(w && srnn_vocab_size(w) == srnn_vocab_size(v));
    for (int i = 0; w && i < srnn_vocab_size(v); i++)
        CHECK(strcmp(srnn_vocab_token(v, i), srnn_vocab_token(w, i)) == 0);
    CHECK(srnn_notes_grid(w) == 12 && srnn_notes_velocity_bins(w) == 3);
    CHECK(srnn_vocab_mode(w) == SRNN_MODE_NOTES);
    srnn_vocab_free(w);

    /* Every truncation is refused with a message. */
    int accepted = 0, no_msg = 0;
    for (size_t k = 0; k < size; k++) {
        err.msg[0] = 0;
        w = NULL;
        if (srnn_vocab_load(blob, k, &w, &err) != SRNN_EINPUT || w)
            accepted++;
        no_msg += err.msg[0] == 0;
        srnn_vocab_free(w);
    }
    CHECK_MSG(accepted == 0, "%d truncations accepted", accepted);
    CHECK(no_msg == 0);
    /* Every byte flipped (three ways) is refused. */
    unsigned char *c = malloc(size);
    accepted = 0;
    for (size_t k = 0; k < size; k++) {
        static const unsigned char masks[] = {0x01, 0x80, 0xFF};
        for (int m = 0; m < 3; m++) {
            memcpy(c, blob, size);
            c[k] ^= masks[m];
            w = NULL;
            if (srnn_vocab_load(c, size, &w, &err) != SRNN_EINPUT || w)
                accepted++;
            srnn_vocab_free(w);
        }
    }
    CHECK_MSG(accepted == 0, "%d flipped blobs accepted", accepted);
    /* Random bytes, with and without a valid magic. */
    uint64_t r = 12345;
    for (int it = 0; it < 2000; it++) {
        size_t n = 1 + (size_t)(it * 7 % 300);
        unsigned char buf[300];
        for (size_t k = 0; k < n; k++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            buf[k] = (unsigned char)(r >> 56);
        }
        if (it % 2 && n >= 8)
            memcpy(buf, "SRNNVOCB", 8);
        w = NULL;
        CHECK(srnn_vocab_load(buf, n, &w, &err) == SRNN_EINPUT && w == NULL);
    }
    /* An extra byte at the end is refused too. */
    unsigned char *longer = malloc(size + 1);
    memcpy(longer, blob, size);
    longer[size] = 0;
    CHECK(srnn_vocab_load(longer, size + 1, &w, &err) == SRNN_EINPUT);
    free(longer);
    free(c);
    free(blob);
    srnn_vocab_free(v);

    /* An abc vocabulary round-trips as well. */
    const char *abc[] = {"<start>", "<end>", "a", "\n", "|"};
    CHECK(srnn_vocab_new_from_tokens(SRNN_MODE_ABC, abc, 5, &v, &err) == SRNN_OK);
    CHECK(srnn_vocab_save(v, &blob, &size, &err) == SRNN_OK);
    CHECK(srnn_vocab_load(blob, size, &w, &err) == SRNN_OK);
    CHECK(w && srnn_vocab_mode(w) == SRNN_MODE_ABC && srnn_vocab_lookup(w, "\n") == 3);
    srnn_vocab_free(w);
    free(blob);
    srnn_vocab_free(v);
}

int main(void)
{
    test_lookup();
    test_from_tokens();
    test_blob();
    test_blob_v1();
    test_blob_parser();
    return check_finish("test_vocab");
}
