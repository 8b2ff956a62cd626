/* poison_model IN OUT VALUE: a copy of a model file with every network parameter set to VALUE
 * (a huge finite number such as 3e38), for the test of a training run whose loss overflows.
 * Only the parameters change; the file goes through our own codec, so it stays valid. */
#include <stdio.h>
#include <stdlib.h>

#include "songrnn/model.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: poison_model IN OUT VALUE\n");
        return 2;
    }
    srnn_modelfile mf;
    srnn_error err;
    if (srnn_modelfile_read(argv[1], &mf, &err) != SRNN_OK) {
        fprintf(stderr, "poison_model: %s: %s\n", argv[1], err.msg);
        return 1;
    }
    float v = strtof(argv[3], NULL);
    for (size_t i = 0; i < mf.n_params; i++)
        mf.params[i] = (i % 2) ? v : -v;
    int rc = srnn_modelfile_write(argv[2], &mf, &err);
    if (rc != SRNN_OK)
        fprintf(stderr, "poison_model: %s: %s\n", argv[2], err.msg);
    srnn_modelfile_release(&mf);
    return rc == SRNN_OK ? 0 : 1;
}
