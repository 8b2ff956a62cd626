/* Temperature, top-k, top-p and argmax sampling over a logits vector. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/sample.h"

int srnn_sample_opts_check(const srnn_sample_opts *o, srnn_error *err)
{
    if (!o)
        return srnn_error_set(err, SRNN_EARG, "no sampling options");
    if (!(o->temperature > 0) || !isfinite(o->temperature))
        return srnn_error_set(err, SRNN_EARG, "temperature must be a number above 0, not %g",
                              o->temperature);
    if (o->top_k < 0)
        return srnn_error_set(err, SRNN_EARG, "top-k must be 0 or more");
    if (!(o->top_p > 0 && o->top_p <= 1))
        return srnn_error_set(err, SRNN_EARG, "top-p must be above 0 and at most 1, not %g",
                              o->top_p);
    return SRNN_OK;
}

static int float_desc(const void *a, const void *b)
{
    float x = ((const float *)a)[0], y = ((const float *)b)[0];
    if (x != y)
        return x > y ? -1 : 1;
    /* ties: lower index first, so the result does not depend on qsort's order */
    float i = ((const float *)a)[1], j = ((const float *)b)[1];
    return i < j ? -1 : i > j;
}

int srnn_sample_token(const float *logits, int n, const srnn_sample_opts *o, double u,
                      const uint8_t *mask, float *scratch)
{
    if (!logits || n <= 0)
        return 0;
    int best = -1;
    float maxl = -FLT_MAX;
    for (int i = 0; i < n; i++)
        if ((!mask || mask[i]) && (best < 0 || logits[i] > maxl)) {
            maxl = logits[i];
            best = i;
        }
    if (best < 0) { /* everything masked: fall back to the plain argmax */
        mask = NULL;
        best = 0;
        maxl = logits[0];
        for (int i = 1; i < n; i++)
            if (logits[i] > maxl) {
                maxl = logits[i];
                best = i;
            }
    }
    if (!o || o->argmax)
        return best;

    /* Probabilities at the temperature, relative to the maximum for stability. */
    double inv_t = 1.0 / o->temperature;
    float *p = scratch; /* [n] */
    double sum = 0;
    for (int i = 0; i < n; i++) {
        p[i] = (mask && !mask[i]) ? 0.0f : (float)exp((logits[i] - maxl) * inv_t);
        sum += p[i];
    }
    int k = o->top_k > 0 && o->top_k < n ? o->top_k : n;
    if (k < n || o->top_p < 1) {
        /* (probability, index) pairs, sorted by probability descending */
        float *sorted = scratch + n; /* [n][2] */
        for (int i = 0; i < n; i++) {
            sorted[2 * i] = p[i];
            sorted[2 * i + 1] = (float)i;
        }
        qsort(sorted, (size_t)n, 2 * sizeof(float), float_desc);
        int keep = k;
        if (o->top_p < 1) {
            double c = 0, target = o->top_p * sum;
            int m = 0;
            while (m < keep) {
                c += sorted[2 * m];
                m++;
                if (c >= target)
                    break;
            }
            keep = m;
        }
        double s2 = 0;
        for (int m = 0; m < keep; m++)
            s2 += sorted[2 * m];
        double r = u * s2, c = 0;
        int pick = (int)sorted[1];
        for (int m = 0; m < keep; m++) {
            c += sorted[2 * m];
            pick = (int)sorted[2 * m + 1];
            if (r < c)
                break;
        }
        return pick;
    }
    double r = u * sum, c = 0;
    int last = best;
    for (int i = 0; i < n; i++) {
        if (p[i] <= 0)
            continue;
        c += p[i];
        last = i;
        if (r < c)
            return i;
    }
    return last; /* rounding: u close to 1 */
}
