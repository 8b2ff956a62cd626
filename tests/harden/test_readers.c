/* Every file of the given folders through every reader: MIDI, ABC, model file (codec and whole
 * model), vocabulary blob, and bol text when the tabla module is built.  Each file is also fed
 * damaged: cut in half, missing its last byte, and with one byte flipped.  The readers are the
 * fuzz harnesses of tests/fuzz (linked here under other names), so every output is checked
 * as the fuzzers check it; run in the ASan build (tools/sanitize), any memory or UB error
 * fails the run.  Files whose reader is known must be accepted by it (the project's corpora
 * and fixtures) or refused (tests/midi/data/bad_*), and nothing may be taken for a model file
 * that is not one.
 *
 *   test_readers [--corpus] DIR...   --corpus: the folders are ../shared/corpora (exit 77 when
 *                                    absent) */
#include <dirent.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../check.h"
#include "../fuzz/fuzz_common.h"

int srnn_fuzz_one_midi(const uint8_t *data, size_t size);
int srnn_fuzz_one_abc(const uint8_t *data, size_t size);
int srnn_fuzz_one_model(const uint8_t *data, size_t size);
int srnn_fuzz_one_vocab(const uint8_t *data, size_t size);
#ifdef HAVE_TABLA
int srnn_fuzz_one_tabla(const uint8_t *data, size_t size);
#endif

typedef struct reader {
    const char *name;
    int (*run)(const uint8_t *, size_t);
    long accepted, refused;
} reader;

static reader readers[] = {
    {"midi", srnn_fuzz_one_midi, 0, 0},
    {"abc", srnn_fuzz_one_abc, 0, 0},
    {"model", srnn_fuzz_one_model, 0, 0},
    {"vocab", srnn_fuzz_one_vocab, 0, 0},
#ifdef HAVE_TABLA
    {"tabla", srnn_fuzz_one_tabla, 0, 0},
#endif
};
#define N_READERS (sizeof readers / sizeof readers[0])

static long files, damaged;

/* The reader that must accept (1) or refuse (0) a file of the project, by its path; -1: no
 * expectation for that reader. */
static int expected(const char *path, const char *reader_name)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int is_mid = !fnmatch("*.mid", base, 0);
    if (!strcmp(reader_name, "midi") && is_mid) {
        if (!fnmatch("bad_*", base, 0))
            return 0;
        if (strstr(path, "corpora/piano/") || strstr(path, "tests/synth/data/") ||
            !fnmatch("ok_*", base, 0))
            return 1;
    }
    if (!strcmp(reader_name, "model"))
        return !fnmatch("*.srnn", base, 0) ? (strstr(path, "seeds/model/") ? 1 : -1)
                                           : 0; /* nothing else is a model */
    if (!strcmp(reader_name, "abc") && strstr(path, "corpora/piano/src/") &&
        !fnmatch("*.abc", base, 0))
        return 1;
    if (!strcmp(reader_name, "tabla") && strstr(path, "seeds/tabla/"))
        return 1;
    return -1;
}

static void feed(const char *path, const uint8_t *data, size_t size, int whole)
{
    for (size_t r = 0; r < N_READERS; r++) {
        readers[r].run(data, size);
        int ok = srnn_fuzz_accepted;
        if (whole) {
            ok ? readers[r].accepted++ : readers[r].refused++;
            int want = expected(path, readers[r].name);
            CHECK_MSG(want < 0 || want == ok, "%s: the %s reader %s it", path, readers[r].name,
                      ok ? "accepted" : "refused");
        }
    }
}

/* An exactly sized copy of data[0..n), so a read past the end is an ASan report. */
static void feed_copy(const char *path, const uint8_t *data, size_t n, long flip_at, int whole)
{
    uint8_t *c = malloc(n ? n : 1);
    if (!c)
        return;
    memcpy(c, data, n);
    if (flip_at >= 0 && (size_t)flip_at < n)
        c[flip_at] ^= 0x5a;
    feed(path, c, n, whole);
    free(c);
    damaged += !whole;
}

static int is_ext(const char *base, const char *const *exts)
{
    for (; *exts; exts++)
        if (!fnmatch(*exts, base, 0))
            return 1;
    return 0;
}

static void walk(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            size_t len = strlen(path) + strlen(e->d_name) + 2;
            char *sub = malloc(len);
            if (!sub)
                break;
            snprintf(sub, len, "%s/%s", path, e->d_name);
            walk(sub);
            free(sub);
        }
        closedir(d);
        return;
    }
    static const char *const skip[] = {"*.py", "*.c", "*.h", "*.sh", "meson.build", NULL};
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (!S_ISREG(st.st_mode) || is_ext(base, skip) || st.st_size > (64 << 20))
        return;
    unsigned char *data = NULL;
    size_t size = 0;
    srnn_error err;
    if (srnn_file_read_all(path, &data, &size, &err) != SRNN_OK) {
        CHECK_MSG(0, "%s: %s", path, err.msg);
        return;
    }
    files++;
    feed_copy(path, data, size, -1, 1); /* the file as is */
    srnn_fuzz_abc_max_tunes = 8; /* damaged copies: the first tunes are enough */
    feed_copy(path, data, size / 2, -1, 0);
    if (size > 0)
        feed_copy(path, data, size - 1, -1, 0);
    feed_copy(path, data, size, (long)(size / 3), 0);
    srnn_fuzz_abc_max_tunes = (size_t)-1;
    free(data);
}

int main(int argc, char **argv)
{
    int corpus = argc > 1 && !strcmp(argv[1], "--corpus");
    int first = corpus ? 2 : 1;
    if (corpus) {
        struct stat st;
        if (argc <= first || stat(argv[first], &st) != 0) {
            fprintf(stderr, "test_readers: no shared corpora, skipped\n");
            return CHECK_SKIP;
        }
    }
    srnn_fuzz_abc_max_tunes = (size_t)-1; /* every tune of every ABC file */
    for (int i = first; i < argc; i++)
        walk(argv[i]);
    fprintf(stderr, "test_readers: %ld files, %ld damaged copies\n", files, damaged);
    for (size_t r = 0; r < N_READERS; r++)
        fprintf(stderr, "  %-6s accepted %ld, refused %ld\n", readers[r].name,
                readers[r].accepted, readers[r].refused);
    CHECK(files > 0);
    for (size_t r = 0; r < N_READERS; r++)
        if (strcmp(readers[r].name, "vocab") != 0)
            CHECK_MSG(readers[r].accepted > 0 || (corpus && strcmp(readers[r].name, "midi") &&
                                                  strcmp(readers[r].name, "abc")),
                      "the %s reader accepted nothing", readers[r].name);
    return check_finish("test_readers");
}
