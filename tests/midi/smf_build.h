/* Tiny byte builder for hand-made Standard MIDI Files in the tests: the expected notes of each
 * file are worked out by hand next to the bytes, independent of our writer. */
#ifndef SRNN_TESTS_SMF_BUILD_H
#define SRNN_TESTS_SMF_BUILD_H

#include <stddef.h>
#include <string.h>

typedef struct bytes {
    unsigned char b[8192];
    size_t n;
} bytes;

static void b_put(bytes *o, const unsigned char *p, size_t n)
{
    if (o->n + n <= sizeof o->b) {
        memcpy(o->b + o->n, p, n);
        o->n += n;
    }
}

static void b_u32(bytes *o, unsigned v)
{
    unsigned char p[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    b_put(o, p, 4);
}

/* MThd with the given fields. */
static void b_header(bytes *o, unsigned format, unsigned ntracks, unsigned division)
{
    unsigned char p[6] = {(unsigned char)(format >> 8), (unsigned char)format,
                          (unsigned char)(ntracks >> 8), (unsigned char)ntracks,
                          (unsigned char)(division >> 8), (unsigned char)division};
    b_put(o, (const unsigned char *)"MThd", 4);
    b_u32(o, 6);
    b_put(o, p, 6);
}

/* MTrk chunk around the event bytes. */
static void b_track(bytes *o, const unsigned char *ev, size_t n)
{
    b_put(o, (const unsigned char *)"MTrk", 4);
    b_u32(o, (unsigned)n);
    b_put(o, ev, n);
}

#define B_TRACK(o, ...)                                                                        \
    do {                                                                                       \
        static const unsigned char ev_[] = {__VA_ARGS__};                                      \
        b_track((o), ev_, sizeof ev_);                                                         \
    } while (0)

#define EOT 0x00, 0xFF, 0x2F, 0x00

#endif
