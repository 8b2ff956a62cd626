/* libFuzzer harness: the MIDI reader (srnn_midi_read_memory), then tokenizer and writer. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The flags come from the input's last byte, so one corpus reaches every path. */
    unsigned flags = size ? (data[size - 1] & 3u) : 0;
    srnn_piece *piece = NULL;
    srnn_error err;
    srnn_fuzz_accepted = 0;
    if (srnn_midi_read_memory(data, size, flags, &piece, &err) != SRNN_OK) {
        fuzz_check_failure(piece, &err);
        return 0;
    }
    srnn_fuzz_accepted = 1;
    fuzz_check_piece(piece);
    FUZZ_ASSERT(srnn_piece_note_count(piece) > 0); /* "no notes" is an error */
    fuzz_downstream(piece);
    srnn_piece_free(piece);
    return 0;
}
