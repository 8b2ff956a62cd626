/* Dumps the notes of every tune of an ABC file, for tools/abc_compare:
 *   abc_dump [--melody-only] FILE.abc
 * prints "X <number> <title>" per tune, then "N <onset beats> <pitch> <duration> <voice>
 * <channel>" per note, or "E <line>:<col>: <message>" when the tune fails; warnings go to
 * stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/abc.h"

static void on_warn(void *ud, int line, int col, const char *msg)
{
    fprintf(stderr, "%s:%d:%d: warning: %s\n", (const char *)ud, line, col, msg);
}

int main(int argc, char **argv)
{
    unsigned flags = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--melody-only"))
            flags |= SRNN_ABC_MELODY_ONLY;
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: abc_dump [--melody-only] FILE.abc\n");
        return 2;
    }
    unsigned char *text;
    size_t len;
    srnn_error err = {{0}, 0, 0};
    if (srnn_file_read_all(path, &text, &len, &err)) {
        fprintf(stderr, "abc_dump: %s: %s\n", path, err.msg);
        return 1;
    }
    srnn_abc_tune_info *tunes;
    size_t n;
    if (srnn_abc_list_tunes((const char *)text, len, &tunes, &n, &err)) {
        fprintf(stderr, "abc_dump: %s: %s\n", path, err.msg);
        free(text);
        return 1;
    }
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        printf("X %d %s\n", tunes[i].x, tunes[i].title);
        srnn_abc_options o = {flags | SRNN_ABC_BY_INDEX, on_warn, (void *)path};
        srnn_piece *pc;
        srnn_error_clear(&err);
        if (srnn_abc_parse_ex((const char *)text, len, (int)i, &o, &pc, &err)) {
            printf("E %d:%d: %s\n", err.line, err.col, err.msg);
            failed++;
            continue;
        }
        const srnn_note *ns = srnn_piece_notes(pc);
        for (size_t k = 0; k < srnn_piece_note_count(pc); k++)
            printf("N %.6f %d %.6f %d %d\n", ns[k].onset, ns[k].pitch, ns[k].duration, ns[k].voice,
                   ns[k].channel);
        srnn_piece_free(pc);
    }
    free(tunes);
    free(text);
    return failed ? 1 : 0;
}
