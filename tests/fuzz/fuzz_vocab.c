/* libFuzzer harness: the vocabulary blob of the model file (srnn_vocab_load), then a save and
 * load round trip and a decode of every token id. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    srnn_vocab *vocab = NULL;
    srnn_error err;
    srnn_fuzz_accepted = 0;
    if (srnn_vocab_load(data, size, &vocab, &err) != SRNN_OK) {
        fuzz_check_failure(vocab, &err);
        return 0;
    }
    srnn_fuzz_accepted = 1;
    int n = srnn_vocab_size(vocab);
    FUZZ_ASSERT(n > 0 && n <= SRNN_VOCAB_MAX);
    for (int i = 0; i < n; i++) {
        const char *t = srnn_vocab_token(vocab, i);
        FUZZ_ASSERT(t && t[0]);
        FUZZ_ASSERT(srnn_vocab_lookup(vocab, t) == i);
    }
    FUZZ_ASSERT(srnn_vocab_start_id(vocab) >= 0 && srnn_vocab_end_id(vocab) >= 0);
    unsigned char *blob = NULL;
    size_t bn = 0;
    FUZZ_ASSERT(srnn_vocab_save(vocab, &blob, &bn, &err) == SRNN_OK);
    srnn_vocab *again = NULL;
    FUZZ_ASSERT(srnn_vocab_load(blob, bn, &again, &err) == SRNN_OK);
    FUZZ_ASSERT(srnn_vocab_size(again) == n);
    srnn_vocab_free(again);
    free(blob);
    if (srnn_vocab_mode(vocab) == SRNN_MODE_NOTES && n <= 4096) {
        /* Every token alone, and all of them in a row, decode without harm. */
        int32_t *ids = malloc((size_t)n * sizeof *ids);
        if (ids) {
            for (int i = 0; i < n; i++)
                ids[i] = i;
            srnn_piece *piece = NULL;
            if (srnn_notes_decode(vocab, ids, (size_t)n, &piece, &err) == SRNN_OK) {
                fuzz_check_piece(piece);
                srnn_piece_free(piece);
            }
            free(ids);
        }
    }
    srnn_vocab_free(vocab);
    return 0;
}
