/* libFuzzer harness: the ABC parser (srnn_abc_list_tunes, srnn_abc_parse_ex on each tune),
 * then the tokenizer and MIDI writer on what it accepted. */
#include "songrnn/abc.h"

#include "fuzz_common.h"

static void on_warning(void *ud, int line, int col, const char *msg)
{
    FUZZ_ASSERT(line >= 1 && col >= 1 && msg && msg[0]);
    (*(int *)ud)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    unsigned flags = size ? (data[size - 1] & 1u) : 0; /* melody only, from the last byte */
    srnn_abc_tune_info *tunes = NULL;
    size_t count = 0;
    srnn_error err;
    srnn_fuzz_accepted = 0;
    if (srnn_abc_list_tunes(text, size, &tunes, &count, &err) != SRNN_OK) {
        fuzz_check_failure(tunes, &err);
        return 0;
    }
    FUZZ_ASSERT(count == srnn_abc_tune_count(text, size));
    for (size_t i = 0; i < count; i++) {
        FUZZ_ASSERT(tunes[i].offset <= size && tunes[i].length <= size - tunes[i].offset);
        FUZZ_ASSERT(memchr(tunes[i].title, 0, sizeof tunes[i].title) != NULL);
    }
    /* Each tune by index (the first few: the rest take the same paths). */
    size_t parse = count ? (count < srnn_fuzz_abc_max_tunes ? count : srnn_fuzz_abc_max_tunes) : 1;
    for (size_t i = 0; i < parse; i++) {
        int warnings = 0;
        srnn_abc_options o = {.flags = flags | SRNN_ABC_BY_INDEX, .warn = on_warning,
                              .warn_ud = &warnings};
        srnn_piece *piece = NULL;
        if (srnn_abc_parse_ex(text, size, (int)i, &o, &piece, &err) != SRNN_OK) {
            fuzz_check_failure(piece, &err);
            FUZZ_ASSERT(err.line >= 0 && err.col >= 0);
            continue;
        }
        srnn_fuzz_accepted = 1;
        fuzz_check_piece(piece);
        fuzz_downstream(piece);
        srnn_piece_free(piece);
    }
    free(tunes);
    return 0;
}
