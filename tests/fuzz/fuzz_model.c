/* libFuzzer harness: the model-file loader, both layers: srnn_modelfile_decode (the codec) and
 * srnn_model_decode (codec + vocabulary + network + optimizer state), then what `info` and
 * `generate` read of a loaded model. */
#include "songrnn/model.h"

#include "fuzz_common.h"

static void run(const uint8_t *data, size_t size);

/* The file's size field and CRC make nearly every mutation a refused file, so each input is
 * decoded twice: as it is, and with its size field and CRC made right, which lets mutations
 * reach the sections behind them. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size);
    int accepted = srnn_fuzz_accepted;
    if (size >= 28) {
        uint8_t *c = malloc(size);
        if (c) {
            memcpy(c, data, size);
            uint64_t total = size;
            for (int i = 0; i < 8; i++)
                c[16 + i] = (uint8_t)(total >> (8 * i));
            uint32_t crc = srnn_crc32(0, c, size - 4);
            for (int i = 0; i < 4; i++)
                c[size - 4 + i] = (uint8_t)(crc >> (8 * i));
            run(c, size);
            free(c);
        }
    }
    srnn_fuzz_accepted = accepted; /* the readers test asks about the file as it is */
    return 0;
}

static void run(const uint8_t *data, size_t size)
{
    srnn_error err;
    srnn_modelfile mf;
    srnn_fuzz_accepted = 0;
    int rc = srnn_modelfile_decode(data, size, &mf, &err);
    if (rc != SRNN_OK) {
        /* "leaves mf zeroed on failure" */
        FUZZ_ASSERT(mf.vocab == NULL && mf.params == NULL && mf.history == NULL &&
                    mf.opt_state == NULL && mf.primers == NULL);
        FUZZ_ASSERT(err.msg[0] != 0);
    } else {
        /* Re-encoding what was decoded gives a file that decodes again. */
        unsigned char *bytes = NULL;
        size_t n = 0;
        if (srnn_modelfile_encode(&mf, &bytes, &n, &err) == SRNN_OK) {
            srnn_modelfile again;
            FUZZ_ASSERT(srnn_modelfile_decode(bytes, n, &again, &err) == SRNN_OK);
            FUZZ_ASSERT(again.n_params == mf.n_params && again.vocab_size == mf.vocab_size);
            srnn_modelfile_release(&again);
            free(bytes);
        }
        srnn_modelfile_release(&mf);
    }

    srnn_model *model = NULL;
    if (srnn_model_decode(data, size, &model, &err) != SRNN_OK) {
        fuzz_check_failure(model, &err);
        return;
    }
    srnn_fuzz_accepted = 1;
    FUZZ_ASSERT(rc == SRNN_OK); /* the model loads only what the codec accepts */
    const srnn_vocab *vocab = srnn_model_vocab(model);
    int v = srnn_vocab_size(vocab);
    FUZZ_ASSERT(v > 0 && v == srnn_model_get_config(model)->net.vocab_size);
    for (int i = 0; i < v && i < 64; i++)
        FUZZ_ASSERT(srnn_vocab_token(vocab, i) != NULL);
    size_t nh = 0, np = 0, len = 0;
    const srnn_history_entry *h = srnn_model_history(model, &nh);
    FUZZ_ASSERT(nh == 0 || h != NULL);
    const uint32_t *pr = srnn_model_primers(model, &np, &len);
    for (size_t i = 0; pr && i < np * len; i++)
        FUZZ_ASSERT(pr[i] < (uint32_t)v); /* generate feeds these to the network */
    srnn_model_free(model);
}
