/* Datasets: the split by piece and the striped windows, checked against hand-worked layouts. */
#include <string.h>

#include "../check.h"
#include "songrnn/train.h"

int main(void)
{
    srnn_error err;
    srnn_dataset *ds = srnn_dataset_new();
    /* ten pieces; piece i holds tokens 100*i .. 100*i + 9 */
    for (int i = 0; i < 10; i++) {
        int32_t t[10];
        for (int j = 0; j < 10; j++)
            t[j] = 100 * i + j;
        CHECK(srnn_dataset_add(ds, t, 10) == SRNN_OK);
    }
    CHECK(srnn_dataset_pieces(ds) == 10 && srnn_dataset_tokens(ds) == 100);

    /* split by piece: 2 of 10 to validation, whole pieces, disjoint, reproducible */
    srnn_dataset *tr, *va, *tr2, *va2;
    CHECK(srnn_dataset_split(ds, 0.2, 7, &tr, &va, &err) == SRNN_OK);
    CHECK(srnn_dataset_pieces(va) == 2 && srnn_dataset_pieces(tr) == 8);
    int seen[10] = {0};
    for (size_t i = 0; i < srnn_dataset_pieces(tr); i++) {
        size_t n;
        const int32_t *p = srnn_dataset_piece(tr, i, &n);
        CHECK(n == 10 && p[0] % 100 == 0 && p[9] == p[0] + 9);
        seen[p[0] / 100]++;
    }
    for (size_t i = 0; i < srnn_dataset_pieces(va); i++) {
        size_t n;
        const int32_t *p = srnn_dataset_piece(va, i, &n);
        seen[p[0] / 100]++;
    }
    for (int i = 0; i < 10; i++)
        CHECK(seen[i] == 1);
    CHECK(srnn_dataset_split(ds, 0.2, 7, &tr2, &va2, &err) == SRNN_OK);
    CHECK(srnn_dataset_piece(va2, 0, NULL)[0] == srnn_dataset_piece(va, 0, NULL)[0]);
    srnn_dataset_free(tr2);
    srnn_dataset_free(va2);
    /* a tiny fraction still holds out one piece; 0 holds out none */
    CHECK(srnn_dataset_split(ds, 0.01, 7, &tr2, &va2, &err) == SRNN_OK);
    CHECK(srnn_dataset_pieces(va2) == 1);
    srnn_dataset_free(tr2);
    srnn_dataset_free(va2);
    CHECK(srnn_dataset_split(ds, 0, 7, &tr2, &va2, &err) == SRNN_OK);
    CHECK(srnn_dataset_pieces(va2) == 0 && srnn_dataset_pieces(tr2) == 10);
    srnn_dataset_free(tr2);
    srnn_dataset_free(va2);
    CHECK(srnn_dataset_split(ds, 1.0, 7, &tr2, &va2, &err) != SRNN_OK);

    /* unshuffled layout, B = 2, T = 4: stripes of 50 tokens; windows = (50 - 1) / 4 = 12 */
    srnn_epoch *ep;
    CHECK(srnn_epoch_new(&ep, ds, 2, 4, 0, &err) == SRNN_OK);
    CHECK(srnn_epoch_windows(ep) == 12);
    int in[8], tg[8];
    srnn_epoch_window(ep, 0, in, tg);
    /* stream 0 starts at piece 0, stream 1 at token 50: piece 5 */
    int want_in[8] = {0, 1, 2, 3, 500, 501, 502, 503};
    int want_tg[8] = {1, 2, 3, 4, 501, 502, 503, 504};
    CHECK(memcmp(in, want_in, sizeof in) == 0 && memcmp(tg, want_tg, sizeof tg) == 0);
    /* window 2 of stream 0: tokens 8..11 -> 8, 9, 100, 101 (crossing into piece 1) */
    srnn_epoch_window(ep, 2, in, tg);
    CHECK(in[0] == 8 && in[1] == 9 && in[2] == 100 && in[3] == 101 && tg[3] == 102);
    /* the last window's last target stays inside the stripe: token 48 of 50 */
    srnn_epoch_window(ep, 11, in, tg);
    CHECK(in[3] == 407 && tg[3] == 408 && tg[7] == 908);
    srnn_epoch_free(ep);

    /* shuffled: same multiset of pieces, different order for different seeds, same for same */
    srnn_epoch *a, *b, *c;
    CHECK(srnn_epoch_new(&a, ds, 1, 9, srnn_epoch_seed(1, 0), &err) == SRNN_OK);
    CHECK(srnn_epoch_new(&b, ds, 1, 9, srnn_epoch_seed(1, 0), &err) == SRNN_OK);
    CHECK(srnn_epoch_new(&c, ds, 1, 9, srnn_epoch_seed(1, 1), &err) == SRNN_OK);
    int ia[9], ta[9], ib[9], tb[9], order_differs = 0, same = 1, firsts[10] = {0};
    for (size_t w = 0; w < srnn_epoch_windows(a); w++) {
        srnn_epoch_window(a, w, ia, ta);
        srnn_epoch_window(b, w, ib, tb);
        same &= memcmp(ia, ib, sizeof ia) == 0;
        srnn_epoch_window(c, w, ib, tb);
        order_differs |= memcmp(ia, ib, sizeof ia) != 0;
    }
    CHECK(same && order_differs);
    /* B = 1, T = 9: windows = (100 - 1) / 9 = 11, each piece's first token is at 10k */
    CHECK(srnn_epoch_windows(a) == 11);
    for (size_t w = 0; w < 11; w++) {
        srnn_epoch_window(a, w, ia, ta);
        for (int t = 0; t < 9; t++)
            if (ia[t] % 100 == 0)
                firsts[ia[t] / 100]++;
    }
    for (int i = 0; i < 10; i++)
        CHECK(firsts[i] == 1);
    srnn_epoch_free(a);
    srnn_epoch_free(b);
    srnn_epoch_free(c);

    /* batch fitting: 100 tokens, T = 9 -> at most 10 streams */
    CHECK(srnn_epoch_fit_batch(ds, 64, 9) == 10);
    CHECK(srnn_epoch_fit_batch(ds, 4, 9) == 4);
    CHECK(srnn_epoch_fit_batch(ds, 4, 100) == 0);
    CHECK(srnn_epoch_seed(0, 0) != 0 && srnn_epoch_seed(5, 1) != srnn_epoch_seed(5, 2));

    srnn_dataset_free(tr);
    srnn_dataset_free(va);
    srnn_dataset_free(ds);
    return check_finish("test_dataset");
}
