/* hostile_model IN OUTDIR: from a valid model file, writes OUTDIR/0000.srnn ... one file per
 * hostile declaration, and prints how many.  Every section's length, and every count the format
 * declares inside a section (CONF entries; PARM, OPTS floats; HIST rows and record size; PRIM
 * windows and length; cary streams and floats; the vocabulary blob's token count), is set in
 * turn to 0, 1, 2^31-1, 2^31, 2^32-1 and 2^62 (cut to the field's width), with the payload after
 * it kept, cut to 4 bytes or to none; a pair of counts also both at once.  Every number of the
 * config (epochs, steps, sizes, rates...) is set to those values too, and to -1, 2^63-1, NaN,
 * infinity.  The file's size field and both checksums (the file's and
 * the vocabulary blob's) are made right again, so that each file reaches the decoder's counts
 * instead of stopping at a checksum.  The layout is the one include/songrnn/model.h documents,
 * read here byte by byte, not through the codec. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/model.h"

#define HEADER 24
#define TRAILER 4

static const uint64_t VALUES[] = {0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu, 1ull << 62};
#define N_VALUES (sizeof VALUES / sizeof VALUES[0])

static uint64_t get_le(const unsigned char *p, int w)
{
    uint64_t v = 0;
    for (int i = w - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_le(unsigned char *p, uint64_t v, int w)
{
    for (int i = 0; i < w; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

typedef struct section {
    size_t head; /* offset of its tag */
    uint64_t len;
} section;

static unsigned char *in;
static size_t in_size;
static section secs[16];
static int n_secs;
static const char *outdir;
static int written;

static int emit(const unsigned char *b, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%04d.srnn", outdir, written);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        return -1;
    }
    written++;
    return 0;
}

/* The file with section s's payload replaced: its first `keep` bytes as they are, the field at
 * offset `at` (width w) set to v, the rest cut to `rest` bytes (SIZE_MAX: kept); sizes and
 * checksums made right. */
static int variant(int s, size_t at, int w, uint64_t v, size_t rest)
{
    const section *sc = &secs[s];
    size_t pay = sc->head + 12, plen = (size_t)sc->len, fixed = at + (size_t)w;
    size_t tail = plen - fixed;
    if (rest != SIZE_MAX && rest < tail)
        tail = rest;
    size_t new_plen = fixed + tail;
    size_t after = pay + plen, n = in_size - (plen - new_plen);
    unsigned char *b = malloc(n);
    if (!b)
        return -1;
    memcpy(b, in, pay + fixed);
    memcpy(b + pay + fixed, in + pay + fixed, tail);
    memcpy(b + pay + new_plen, in + after, in_size - after);
    put_le(b + pay + at, v, w);
    put_le(b + sc->head + 4, new_plen, 8);
    if (memcmp(in + sc->head, "VOCB", 4) == 0 && new_plen >= 8) /* the blob's own checksum */
        put_le(b + pay + new_plen - 4, srnn_crc32(0, b + pay, new_plen - 4), 4);
    put_le(b + 16, n, 8);
    put_le(b + n - 4, srnn_crc32(0, b, n - 4), 4);
    int rc = emit(b, n);
    free(b);
    return rc;
}

/* Section s's own length field set to v (the payload as it is). */
static int length_variant(int s, uint64_t v)
{
    unsigned char *b = malloc(in_size);
    if (!b)
        return -1;
    memcpy(b, in, in_size);
    put_le(b + secs[s].head + 4, v, 8);
    put_le(b + in_size - 4, srnn_crc32(0, b, in_size - 4), 4);
    int rc = emit(b, in_size);
    free(b);
    return rc;
}

/* The config entry values: each integer set to the hostile values and to -1 and 2^63-1 (the
 * counters a resumed run adds to: epochs, steps, ...), each float to NaN, infinity, -1 and
 * 1e308; same size, so only the file's checksum changes. */
static int config_variants(int s)
{
    static const uint64_t MORE[] = {~0ull, 0x7fffffffffffffffull};
    static const double FLOATS[] = {NAN, INFINITY, -1.0, 1e308};
    const unsigned char *p = in + secs[s].head + 12, *end = p + secs[s].len;
    if (end - p < 4)
        return 0;
    uint32_t n = (uint32_t)get_le(p, 4);
    p += 4;
    for (uint32_t e = 0; e < n && p < end; e++) {
        unsigned klen = *p++;
        if ((size_t)(end - p) < klen + 1u)
            break;
        p += klen;
        unsigned type = *p++;
        if (type == 's') {
            if (end - p < 4)
                break;
            p += 4 + get_le(p, 4);
            continue;
        }
        if (end - p < 8)
            break;
        size_t at = (size_t)(p - in);
        unsigned char *b = malloc(in_size);
        if (!b)
            return -1;
        size_t k_end = type == 'f' ? sizeof FLOATS / sizeof FLOATS[0]
                                   : N_VALUES + sizeof MORE / sizeof MORE[0];
        for (size_t k = 0; k < k_end; k++) {
            uint64_t v;
            if (type == 'f')
                memcpy(&v, &FLOATS[k], 8);
            else
                v = k < N_VALUES ? VALUES[k] : MORE[k - N_VALUES];
            memcpy(b, in, in_size);
            put_le(b + at, v, 8);
            put_le(b + in_size - 4, srnn_crc32(0, b, in_size - 4), 4);
            if (emit(b, in_size)) {
                free(b);
                return -1;
            }
        }
        free(b);
        p += 8;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: hostile_model IN OUTDIR\n");
        return 2;
    }
    outdir = argv[2];
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static unsigned char buf[64 << 20];
    in_size = fread(buf, 1, sizeof buf, f);
    fclose(f);
    in = buf;
    if (in_size < HEADER + TRAILER || get_le(in + 16, 8) != in_size) {
        fprintf(stderr, "hostile_model: %s: not a whole model file\n", argv[1]);
        return 1;
    }
    for (size_t at = HEADER; at + 12 <= in_size - TRAILER && n_secs < 16;) {
        secs[n_secs].head = at;
        secs[n_secs].len = get_le(in + at + 4, 8);
        at += 12 + (size_t)secs[n_secs].len;
        n_secs++;
    }
    /* Where each section declares its counts: offset in the payload and width. */
    static const struct {
        char tag[5];
        int n;
        int at[2], w[2];
    } COUNTS[] = {
        {"CONF", 1, {0}, {4}},       {"VOCB", 1, {24}, {4}},      {"PARM", 1, {0}, {8}},
        {"OPTS", 1, {0}, {8}},       {"HIST", 2, {0, 4}, {4, 4}}, {"PRIM", 2, {0, 4}, {4, 4}},
        {"cary", 2, {0, 4}, {4, 8}},
    };
    for (int s = 0; s < n_secs; s++) {
        if (memcmp(in + secs[s].head, "CONF", 4) == 0 && config_variants(s))
            return 1;
        for (size_t k = 0; k < N_VALUES; k++)
            if (length_variant(s, VALUES[k]))
                return 1;
        for (size_t c = 0; c < sizeof COUNTS / sizeof COUNTS[0]; c++) {
            if (memcmp(in + secs[s].head, COUNTS[c].tag, 4) != 0)
                continue;
            for (int j = 0; j < COUNTS[c].n; j++) {
                size_t at = (size_t)COUNTS[c].at[j];
                int w = COUNTS[c].w[j];
                if (at + (size_t)w > secs[s].len)
                    continue;
                uint64_t mask = w == 8 ? ~0ull : (1ull << (8 * w)) - 1;
                for (size_t k = 0; k < N_VALUES; k++) {
                    const size_t rests[3] = {SIZE_MAX, 4, 0};
                    for (int r = 0; r < 3; r++)
                        if (variant(s, at, w, VALUES[k] & mask, rests[r]))
                            return 1;
                }
            }
            /* Both counts of a pair at once (2^31 windows of 2^31 tokens: a product that
             * wraps past 2^64 to nothing), with no payload. */
            if (COUNTS[c].n == 2 && COUNTS[c].w[0] == 4 && COUNTS[c].w[1] == 4 &&
                secs[s].len >= 8)
                for (size_t k = 0; k < N_VALUES; k++)
                    if (variant(s, 0, 8, (VALUES[k] & 0xffffffffu) * 0x100000001ull, 0))
                        return 1;
        }
    }
    printf("%d\n", written);
    return 0;
}
