/* songrnn's musical statistics (src/eval/music.c) against tools/music_stats, the independent
 * reader on mido: the exact per-piece counts of tests/eval/fixtures/music_stats.txt for every
 * piece of corpora/piano, and the longest copied run of each against the others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "songrnn/eval.h"
#include "songrnn/midi.h"

typedef struct row {
    char file[256];
    long long v[19]; /* NOTES H0..H11 IN_KEY BARS REPEATS VEL_SUM VEL_SQ */
    long long copy;
} row;

int main(void)
{
    const char *root = getenv("SRNN_SOURCE_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/eval/fixtures/music_stats.txt", root ? root : ".");
    FILE *f = fopen(path, "r");
    CHECK_MSG(f != NULL, "%s", path);
    if (!f)
        return check_finish("test_music_fixture");
    row rows[64];
    int n = 0;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "piece ", 6) == 0 && n < 64) {
            row *r = &rows[n++];
            char *p = line + 6;
            CHECK(sscanf(p, "%255s", r->file) == 1);
            p = strchr(p, ' ');
            for (int k = 0; k < 19 && p; k++)
                r->v[k] = strtoll(p, &p, 10);
        } else if (strncmp(line, "copy ", 5) == 0) {
            char file[256];
            long long c;
            CHECK(sscanf(line + 5, "%255s %lld", file, &c) == 2);
            for (int i = 0; i < n; i++)
                if (strcmp(rows[i].file, file) == 0)
                    rows[i].copy = c;
        }
    }
    fclose(f);
    CHECK(n >= 20);
    srnn_piece *pieces[64] = {0};
    srnn_error err = {0};
    int mismatched = 0;
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%.3000s/corpora/piano/%.255s", root ? root : ".",
                 rows[i].file);
        CHECK_MSG(srnn_midi_read(path, 0, &pieces[i], &err) == SRNN_OK, "%s: %s", path, err.msg);
        if (!pieces[i])
            continue;
        srnn_music_stats s;
        memset(&s, 0, sizeof s);
        CHECK(srnn_music_stats_add(&s, pieces[i]) == SRNN_OK);
        long long got[19] = {(long long)s.notes};
        for (int k = 0; k < 12; k++)
            got[1 + k] = (long long)s.onset_hist[k];
        got[13] = (long long)s.in_key;
        got[14] = (long long)s.bars;
        got[15] = (long long)s.bars_repeated;
        got[16] = (long long)s.velocity_sum;
        got[17] = (long long)s.velocity_sq;
        for (int k = 0; k < 18; k++) {
            if (got[k] != rows[i].v[k]) {
                mismatched++;
                CHECK_MSG(got[k] == rows[i].v[k], "%s: field %d is %lld, music_stats %lld",
                          rows[i].file, k, got[k], rows[i].v[k]);
            }
        }
    }
    /* Leave one out: each piece against the others. */
    for (int i = 0; i < n; i++) {
        if (!pieces[i])
            continue;
        srnn_copy_index *idx = srnn_copy_index_new();
        for (int j = 0; j < n; j++)
            if (j != i && pieces[j])
                CHECK(srnn_copy_index_add(idx, pieces[j]) == SRNN_OK);
        size_t longest = 0;
        CHECK(srnn_copy_index_longest(idx, pieces[i], &longest, &err) == SRNN_OK);
        CHECK_MSG((long long)longest == rows[i].copy, "%s: longest copy %zu, music_stats %lld",
                  rows[i].file, longest, rows[i].copy);
        srnn_copy_index_free(idx);
    }
    for (int i = 0; i < n; i++)
        srnn_piece_free(pieces[i]);
    printf("%d pieces compared with tools/music_stats; %d fields differ\n", n, mismatched);
    return check_finish("test_music_fixture");
}
