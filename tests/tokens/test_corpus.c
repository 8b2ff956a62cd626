/* The notes tokenizer over all of piano-midi-de: build the vocabulary (default bound), encode,
 * decode, and count the (onset on the grid, pitch) pairs that survive (all of them, by
 * construction) and the durations that agree; print the coverage, also with 4,096 chords
 * (the reference: 28,491 pitch sets, 87% of events, 72% of notes).  Skips (77)
 * without ../shared/corpora. */
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../check.h"
#include "../files.h"
#include "songrnn/midi.h"
#include "songrnn/vocab.h"


static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void print_cov(const char *what, const srnn_coverage *c, int size)
{
    printf("%s: vocabulary %d tokens, %zu chords; %zu pieces, %zu notes, %zu events, %zu distinct "
           "pitch sets; one token covers %.2f%% of events, %.2f%% of notes; %zu tokens; %zu notes "
           "longer than the duration table\n",
           what, size, c->chords_in_vocab, c->pieces, c->notes, c->events, c->distinct_sets,
           100.0 * (double)c->events_covered / (double)c->events,
           100.0 * (double)c->notes_covered / (double)c->notes, c->tokens, c->notes_clipped);
}

int main(void)
{
    const char *root = getenv("SRNN_SHARED_CORPORA");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/piano-midi-de", root ? root : "../shared/corpora");
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s absent: skipped\n", dir);
        return CHECK_SKIP;
    }
    static const char *const midi[] = {".mid", NULL};
    check_files files = {0};
    check_files_gather(&files, dir, midi);
    CHECK(files.n == 297);

    double t0 = now();
    srnn_piece **pieces = calloc(files.n, sizeof *pieces);
    size_t n_read = 0;
    for (size_t i = 0; i < files.n; i++) {
        srnn_error err = {0};
        if (srnn_midi_read(files.p[i], 0, &pieces[i], &err) != SRNN_OK) {
            fprintf(stderr, "%s: %s\n", files.p[i], err.msg);
            pieces[i] = NULL;
            continue;
        }
        n_read++;
    }
    double t1 = now();
    CHECK(n_read == files.n);

    srnn_notes_opts dflt = {0};
    srnn_notes_opts big = {.max_vocab = srnn_notes_base_size(12, 0) + 4096};
    srnn_notes_builder *b = srnn_notes_builder_new(&dflt);
    srnn_notes_builder *bb = srnn_notes_builder_new(&big);
    for (size_t i = 0; i < files.n; i++) {
        if (!pieces[i])
            continue;
        CHECK(srnn_notes_builder_add(b, pieces[i]) == SRNN_OK);
        CHECK(srnn_notes_builder_add(bb, pieces[i]) == SRNN_OK);
    }
    srnn_vocab *v = NULL, *vb = NULL;
    srnn_coverage cov, covb;
    srnn_error err = {0};
    CHECK(srnn_notes_builder_finish(b, &v, &cov, &err) == SRNN_OK);
    double t2 = now();
    CHECK(srnn_notes_builder_finish(bb, &vb, &covb, &err) == SRNN_OK);
    srnn_notes_builder_free(b);
    srnn_notes_builder_free(bb);
    if (!v || !vb)
        return check_finish("test_tokens_corpus");
    print_cov("default bound", &cov, srnn_vocab_size(v));
    print_cov("4096 chords", &covb, srnn_vocab_size(vb));
    /* The bound is reached: the chords fill what the timeshift layout leaves of 512 (specials,
     * 48 shifts, durations, 128 pitches, velocity levels); the metric layout's bars, meters and
     * positions come on top; everything but the chords is the fixed part. */
    int fixed = 0;
    for (int i = 0; i < srnn_vocab_size(v); i++)
        fixed += srnn_vocab_token(v, i)[0] != 'C';
    int ts_fixed = srnn_notes_base_size(12, cov.velocity_levels);
    CHECK(cov.chords_in_vocab == (size_t)(512 - ts_fixed));
    CHECK(srnn_vocab_size(v) == fixed + (int)cov.chords_in_vocab && srnn_vocab_size(v) >= 512);
    CHECK(covb.chords_in_vocab == (size_t)(srnn_vocab_size(vb) - fixed));
    CHECK(covb.chords_in_vocab > 3900);
    /* Long meters are split into bars of at most 8 beats: positions stop at P95. */
    CHECK(srnn_vocab_lookup(v, "P95") >= 0 && srnn_vocab_lookup(v, "P96") < 0);
    CHECK(srnn_notes_meter_count(v) > 20 && cov.bars_refit == 0);
    CHECK(covb.distinct_sets == cov.distinct_sets);
    CHECK(covb.events_covered > cov.events_covered);

    /* Round trip with the default vocabulary. */
    double t3 = now();
    size_t notes = 0, kept = 0, same_dur = 0, table_loss = 0, tokens = 0, decode_fail = 0;
    for (size_t i = 0; i < files.n; i++) {
        if (!pieces[i])
            continue;
        int32_t *t = NULL;
        size_t n = 0;
        srnn_piece *d = NULL;
        if (srnn_notes_encode(v, pieces[i], &t, &n, &err) != SRNN_OK ||
            srnn_notes_decode(v, t, n, &d, &err) != SRNN_OK) {
            decode_fail++;
            free(t);
            continue;
        }
        tokens += n;
        srnn_qpiece a, q;
        if (srnn_piece_quantize(pieces[i], 12, &a) == SRNN_OK &&
            srnn_piece_quantize(d, 12, &q) == SRNN_OK) {
            /* Both sorted by (onset, pitch), one note per pair: a merge counts the pairs. */
            size_t x = 0, y = 0;
            notes += a.n_notes;
            while (x < a.n_notes && y < q.n_notes) {
                const srnn_qnote *u = &a.notes[x], *w = &q.notes[y];
                if (u->onset == w->onset && u->pitch == w->pitch) {
                    kept++;
                    same_dur += u->duration == w->duration;
                    if (u->duration != w->duration) {
                        char name[32];
                        snprintf(name, sizeof name, "D%lld", (long long)u->duration);
                        if (srnn_vocab_lookup(v, name) < 0)
                            table_loss++; /* not in the duration table: rounded or clipped */
                    }
                    x++, y++;
                } else if (u->onset < w->onset || (u->onset == w->onset && u->pitch < w->pitch)) {
                    x++;
                } else {
                    y++;
                }
            }
            CHECK(q.n_notes == a.n_notes);
        }
        srnn_qpiece_release(&a);
        srnn_qpiece_release(&q);
        free(t);
        srnn_piece_free(d);
    }
    double t4 = now();
    CHECK(decode_fail == 0);
    CHECK(notes == cov.notes);
    CHECK(tokens == cov.tokens);
    CHECK_MSG(kept == notes, "%zu of %zu (onset, pitch) pairs kept", kept, notes);
    printf("round trip: %zu of %zu (onset, pitch) pairs kept (%.2f%%); durations equal on the "
           "grid: %zu (%.2f%%); %zu tokens\n",
           kept, notes, 100.0 * (double)kept / (double)notes, same_dur,
           100.0 * (double)same_dur / (double)notes, tokens);
    printf("durations that differ: %zu from the duration table (between entries or beyond "
           "16 beats), %zu from a chord token's one duration (the longest of its notes)\n",
           table_loss, kept - same_dur - table_loss);
    printf("time: reading %.2f s, building (default) %.2f s, encode+decode+compare %.2f s\n",
           t1 - t0, t2 - t1, t4 - t3);

    srnn_vocab_free(v);
    srnn_vocab_free(vb);
    for (size_t i = 0; i < files.n; i++)
        srnn_piece_free(pieces[i]);
    free(pieces);
    check_files_free(&files);
    return check_finish("test_tokens_corpus");
}
