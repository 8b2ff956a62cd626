/* Neuron activations over a sequence, for heatmaps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/nn.h"
#include "songrnn/plot.h"

int srnn_activations_collect(srnn_nn *nn, const int32_t *tokens, size_t n, int layer,
                             float **acts, int *size, srnn_error *err)
{
    if (!nn || !tokens || !acts || !size)
        return srnn_error_set(err, SRNN_EARG, "no network, tokens or output");
    *acts = NULL;
    *size = 0;
    const srnn_nn_config *cfg = srnn_nn_get_config(nn);
    if (layer < -1 || layer >= cfg->layers)
        return srnn_error_set(err, SRNN_EARG, "no layer %d (the network has %d, counted from 0)",
                              layer, cfg->layers);
    if (layer == -1 && cfg->conv_channels == 0)
        return srnn_error_set(err, SRNN_EARG, "the network has no convolution");
    if (n == 0)
        return srnn_error_set(err, SRNN_EARG, "no tokens");
    int H = layer == -1 ? cfg->conv_channels : cfg->hidden;
    if (n > SIZE_MAX / sizeof(float) / (size_t)H)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    float *a = malloc(n * (size_t)H * sizeof *a);
    if (!a)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    srnn_nn_step_reset(nn);
    for (size_t t = 0; t < n; t++) {
        int rc = srnn_nn_step(nn, tokens[t], NULL, err);
        if (rc != SRNN_OK) {
            free(a);
            return rc;
        }
        int h = 0;
        const srnn_real *v = srnn_nn_step_hidden(nn, layer, &h);
        if (!v || h != H) {
            free(a);
            return srnn_error_set(err, SRNN_EARG, "no activations for layer %d", layer);
        }
        for (int i = 0; i < H; i++)
            a[t * (size_t)H + (size_t)i] = (float)v[i];
    }
    *acts = a;
    *size = H;
    return SRNN_OK;
}

int srnn_activations_top_variable(const float *acts, size_t n, int size, int k, int *idx)
{
    if (!acts || !idx || size <= 0 || k <= 0 || n == 0)
        return 0;
    double *sd = malloc((size_t)size * sizeof *sd);
    if (!sd)
        return 0;
    for (int i = 0; i < size; i++) {
        double m = 0, s = 0;
        for (size_t t = 0; t < n; t++)
            m += acts[t * (size_t)size + (size_t)i];
        m /= (double)n;
        for (size_t t = 0; t < n; t++) {
            double d = acts[t * (size_t)size + (size_t)i] - m;
            s += d * d;
        }
        sd[i] = sqrt(s / (double)n);
    }
    int m = k < size ? k : size;
    /* Selection by repeated maximum: sizes are hundreds, k a handful. */
    unsigned char *taken = calloc((size_t)size, 1);
    if (!taken) {
        free(sd);
        return 0;
    }
    for (int j = 0; j < m; j++) {
        int best = -1;
        for (int i = 0; i < size; i++)
            if (!taken[i] && (best < 0 || sd[i] > sd[best]))
                best = i;
        taken[best] = 1;
        idx[j] = best;
    }
    free(taken);
    free(sd);
    return m;
}
