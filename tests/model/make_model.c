/* Writes a small model file for the `songrnn info` test: abc mode, 12 tokens, embed 4,
 * conv 3:2, 2 x GRU 5, Adam state, three epochs of history with known values. */
#include <stdio.h>
#include <string.h>

#include "songrnn/model.h"
#include "songrnn/vocab.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_model OUT\n");
        return 2;
    }
    static const char *const toks[] = {"<start>", "<end>", "a", "b", "c", "d", "e", "|", "\n",
                                       " ", "X", ":"};
    srnn_vocab *v = NULL;
    srnn_model *m = NULL;
    srnn_error err = {0};
    srnn_model_config cfg;
    srnn_model_config_defaults(&cfg);
    strcpy(cfg.net.cell, "gru");
    cfg.net.embed = 4;
    cfg.net.conv_channels = 3;
    cfg.net.conv_kernel = 2;
    cfg.net.layers = 2;
    cfg.net.hidden = 5;
    cfg.train.seed = 7;
    cfg.train.epoch = 3;
    cfg.train.step = 1234;
    if (srnn_vocab_new_from_tokens(SRNN_MODE_ABC, toks, 12, &v, &err) ||
        srnn_model_new(&m, &cfg, v, &err) || srnn_model_optim_create(m, NULL, &err)) {
        fprintf(stderr, "make_model: %s\n", err.msg);
        return 1;
    }
    /* The best validation loss is at epoch 2. */
    const srnn_history_entry h[3] = {{2.5, 2.4, 0.10, 0.11, 10.0, 1000},
                                     {2.0, 1.9, 0.20, 0.21, 11.0, 1000},
                                     {1.5, 2.1, 0.30, 0.19, 12.5, 1000}};
    for (int i = 0; i < 3; i++)
        if (srnn_model_history_add(m, &h[i]))
            return 1;
    if (srnn_model_save(m, argv[1], 1, &err)) {
        fprintf(stderr, "make_model: %s: %s\n", argv[1], err.msg);
        return 1;
    }
    srnn_model_free(m);
    srnn_vocab_free(v);
    return 0;
}
