/* libFuzzer harness: the bol parser (srnn_tabla_parse), then what the program does with a
 * composition it accepted: write it back as .bol text and read that again, strokes as a note
 * list, the bol tokenizer both ways. */
#include "songrnn/tabla.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    srnn_tabla *t = NULL;
    srnn_error err;
    srnn_fuzz_accepted = 0;
    if (srnn_tabla_parse((const char *)data, size, &t, &err) != SRNN_OK) {
        fuzz_check_failure(t, &err);
        FUZZ_ASSERT(err.line >= 0 && err.col >= 0);
        return 0;
    }
    srnn_fuzz_accepted = 1;
    FUZZ_ASSERT(srnn_tabla_taal(t) != NULL && srnn_tabla_title(t) != NULL);
    size_t beats = srnn_tabla_beat_count(t);
    for (size_t i = 0; i < beats; i++) {
        int n = -1;
        const uint8_t *b = srnn_tabla_beat(t, i, &n);
        FUZZ_ASSERT(b != NULL && n >= 1 && n <= SRNN_BOL_MAX_BEAT);
        for (int k = 0; k < n; k++)
            FUZZ_ASSERT(b[k] < srnn_bol_count());
    }
    FUZZ_ASSERT(srnn_tabla_beat(t, beats, &(int){0}) == NULL);

    /* What we write, we read back, beat for beat. */
    char *text = NULL;
    if (srnn_tabla_write(t, &text, &err) == SRNN_OK) {
        srnn_tabla *again = NULL;
        FUZZ_ASSERT(srnn_tabla_parse(text, strlen(text), &again, &err) == SRNN_OK);
        FUZZ_ASSERT(srnn_tabla_beat_count(again) == beats);
        srnn_tabla_free(again);
        free(text);
    }

    for (int map = 0; map <= 1; map++) {
        srnn_piece *piece = NULL;
        if (srnn_tabla_to_piece(t, (srnn_tabla_map)map, &piece, &err) == SRNN_OK) {
            fuzz_check_piece(piece);
            srnn_piece_free(piece);
        }
    }

    srnn_vocab *v = NULL;
    if (srnn_tabla_vocab_new(&v, &err) == SRNN_OK) {
        int32_t *toks = NULL;
        size_t n = 0;
        if (srnn_tabla_encode(v, t, &toks, &n, &err) == SRNN_OK) {
            for (size_t i = 0; i < n; i++)
                FUZZ_ASSERT(toks[i] >= 0 && toks[i] < srnn_vocab_size(v));
            srnn_tabla *back = NULL;
            if (srnn_tabla_decode(v, toks, n, &back, &err) == SRNN_OK) {
                FUZZ_ASSERT(srnn_tabla_beat_count(back) == beats);
                srnn_tabla_free(back);
            }
            free(toks);
        }
        srnn_vocab_free(v);
    }
    srnn_tabla_free(t);
    return 0;
}
