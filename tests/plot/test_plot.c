/* plot: the colour scale by hand; the history CSV reader (values, errors with line and column);
 * activations against a tanh RNN computed by hand from the documented parameter layout; the
 * most variable units; PNGs read back through cairo (size, the cells' colours). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "songrnn/nn.h"
#include "songrnn/plot.h"
#include "srnn_config.h"

#if SRNN_HAVE_CAIRO
#include <cairo.h>
#endif

static void test_diverging(void)
{
    double c[3];
    srnn_plot_diverging(0, -1, 1, c);
    CHECK(c[0] == 1 && c[1] == 1 && c[2] == 1);
    srnn_plot_diverging(NAN, -1, 1, c);
    CHECK(c[0] == 1 && c[1] == 1 && c[2] == 1);
    srnn_plot_diverging(-1, -1, 1, c);
    CHECK(c[2] > c[1] && c[1] > c[0]); /* blue */
    double blue[3] = {c[0], c[1], c[2]};
    srnn_plot_diverging(1, -1, 1, c);
    CHECK(c[0] > c[1] && c[0] > c[2]); /* red */
    double red[3] = {c[0], c[1], c[2]};
    /* Halfway: halfway between white and the end, on each side; beyond the ends: the ends. */
    srnn_plot_diverging(0.5, -1, 1, c);
    for (int i = 0; i < 3; i++)
        CHECK_NEAR(c[i], (1 + red[i]) / 2, 1e-12);
    srnn_plot_diverging(-0.25, -0.5, 2, c); /* asymmetric scale: -0.25 is half of vmin */
    for (int i = 0; i < 3; i++)
        CHECK_NEAR(c[i], (1 + blue[i]) / 2, 1e-12);
    srnn_plot_diverging(7, -1, 1, c);
    for (int i = 0; i < 3; i++)
        CHECK(c[i] == red[i]);
    srnn_plot_diverging(-7, -1, 1, c);
    for (int i = 0; i < 3; i++)
        CHECK(c[i] == blue[i]);
}

static void test_csv(void)
{
    srnn_history_entry *h = NULL;
    size_t n = 0;
    srnn_error err = {0};
    const char *good = "epoch,train_loss,val_loss,train_acc,val_acc,val_perplexity,seconds,tokens\r\n"
                       "1,5.5,4.25,0.125,0.2,70.1,2.5,1000\r\n"
                       "\n"
                       "2, 3.0 ,nan,0.5,0.75,nan,1.0,2000\n";
    CHECK(srnn_history_parse_csv(good, strlen(good), &h, &n, &err) == SRNN_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK(h[0].train_loss == 5.5 && h[0].val_loss == 4.25 && h[0].train_acc == 0.125);
        CHECK(h[0].val_acc == 0.2 && h[0].seconds == 2.5 && h[0].tokens == 1000);
        CHECK(h[1].train_loss == 3.0 && isnan(h[1].val_loss) && h[1].val_acc == 0.75);
        CHECK(h[1].tokens == 2000);
    }
    free(h);
    /* Columns in another order, optional ones missing. */
    const char *reordered = "val_acc,train_acc,val_loss,train_loss\n0.5,0.25,2,3\n";
    CHECK(srnn_history_parse_csv(reordered, strlen(reordered), &h, &n, &err) == SRNN_OK);
    CHECK(n == 1 && h[0].train_loss == 3 && h[0].val_loss == 2 && h[0].train_acc == 0.25 &&
          h[0].val_acc == 0.5 && h[0].tokens == 0);
    free(h);

    struct {
        const char *text, *msg;
        int line, col;
    } bad[] = {
        {"", "empty", 0, 0},
        {"epoch,train_loss,val_loss,train_acc,val_acc\n", "no epochs", 0, 0},
        {"epoch,train_loss,val_loss,train_acc\n1,2,3,4\n", "val_acc", 1, 1},
        {"train_loss,val_loss,train_acc,val_acc\n1,2,x3,4\n", "train_acc is not a number", 2, 5},
        {"train_loss,val_loss,train_acc,val_acc\n1,2,3,4\n1,2,3\n", "3 fields", 3, 1},
        {"train_loss,val_loss,train_acc,val_acc\n1,2,3,inf\n", "val_acc is not", 2, 7},
        {"train_loss,val_loss,train_acc,val_acc\n1,2,,4\n", "train_acc is not", 2, 5},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        h = (srnn_history_entry *)1;
        int rc = srnn_history_parse_csv(bad[i].text, strlen(bad[i].text), &h, &n, &err);
        CHECK_MSG(rc == SRNN_EINPUT, "case %zu", i);
        CHECK(h == NULL);
        CHECK_MSG(strstr(err.msg, bad[i].msg) != NULL, "case %zu: %s", i, err.msg);
        CHECK_MSG(err.line == bad[i].line && err.col == bad[i].col, "case %zu: %d:%d", i,
                  err.line, err.col);
    }
    CHECK(srnn_history_read_csv("/nonexistent/h.csv", &h, &n, &err) != SRNN_OK);
}

static size_t tensor_offset(srnn_nn *nn, const char *name)
{
    srnn_nn_tensor_info ti;
    for (int i = 0; srnn_nn_tensor(nn, i, &ti) == 0; i++)
        if (strcmp(ti.name, name) == 0)
            return ti.offset;
    fprintf(stderr, "no tensor %s\n", name);
    abort();
}

/* One tanh RNN layer, no convolution: h_t = tanh(W_ih e[x_t] + b_ih + W_hh h_{t-1} + b_hh). */
static void test_activations(void)
{
    enum { V = 5, E = 3, H = 4 };
    srnn_nn_config cfg = {.vocab = V, .embed = E, .conv_channels = 0, .conv_kernel = 1,
                          .cell = SRNN_CELL_RNN, .layers = 1, .hidden = H};
    srnn_nn *nn = NULL;
    CHECK(srnn_nn_create(&nn, &cfg, NULL) == SRNN_OK);
    if (!nn)
        return;
    srnn_nn_init(nn, 7);
    const srnn_real *p = srnn_nn_params(nn);
    const srnn_real *emb = p + tensor_offset(nn, "embed.weight");
    const srnn_real *wih = p + tensor_offset(nn, "rnn.l0.weight_ih");
    const srnn_real *whh = p + tensor_offset(nn, "rnn.l0.weight_hh");
    const srnn_real *bih = p + tensor_offset(nn, "rnn.l0.bias_ih");
    const srnn_real *bhh = p + tensor_offset(nn, "rnn.l0.bias_hh");
    const int32_t toks[6] = {0, 3, 1, 4, 4, 2};
    float *acts = NULL;
    int size = 0;
    srnn_error err = {0};
    /* Run some other sequence first: collect must start from a fresh state. */
    CHECK(srnn_nn_step(nn, 2, NULL, NULL) == SRNN_OK);
    CHECK(srnn_activations_collect(nn, toks, 6, 0, &acts, &size, &err) == SRNN_OK);
    CHECK(size == H);
    double h[H] = {0};
    for (int t = 0; t < 6 && acts; t++) {
        double nh[H];
        for (int i = 0; i < H; i++) {
            double s = bih[i] + bhh[i];
            for (int j = 0; j < E; j++)
                s += wih[i * E + j] * emb[toks[t] * E + j];
            for (int j = 0; j < H; j++)
                s += whh[i * H + j] * h[j];
            nh[i] = tanh(s);
        }
        for (int i = 0; i < H; i++) {
            h[i] = nh[i];
            CHECK_NEAR(acts[t * H + i], h[i], 1e-5);
        }
    }
    free(acts);
    /* Bad arguments: no such layer, no convolution, no tokens, a token out of range. */
    CHECK(srnn_activations_collect(nn, toks, 6, 1, &acts, &size, &err) == SRNN_EARG);
    CHECK(acts == NULL && strstr(err.msg, "no layer 1") != NULL);
    CHECK(srnn_activations_collect(nn, toks, 6, -1, &acts, &size, &err) == SRNN_EARG);
    CHECK(srnn_activations_collect(nn, toks, 0, 0, &acts, &size, &err) == SRNN_EARG);
    const int32_t bad[2] = {1, V};
    CHECK(srnn_activations_collect(nn, bad, 2, 0, &acts, &size, &err) != SRNN_OK);
    CHECK(acts == NULL);
    srnn_nn_free(nn);
}

static void test_top_variable(void)
{
    /* 4 steps x 3 units: unit 0 constant, unit 1 swings by 1, unit 2 by 0.5. */
    const float a[12] = {0.3f, -1, 0.5f, 0.3f, 1, -0.5f, 0.3f, -1, 0.5f, 0.3f, 1, -0.5f};
    int idx[5] = {-1, -1, -1, -1, -1};
    CHECK(srnn_activations_top_variable(a, 4, 3, 2, idx) == 2);
    CHECK(idx[0] == 1 && idx[1] == 2 && idx[2] == -1);
    CHECK(srnn_activations_top_variable(a, 4, 3, 5, idx) == 3);
    CHECK(idx[0] == 1 && idx[1] == 2 && idx[2] == 0);
    CHECK(srnn_activations_top_variable(a, 0, 3, 2, idx) == 0);
    CHECK(srnn_activations_top_variable(NULL, 4, 3, 2, idx) == 0);
}

#if SRNN_HAVE_CAIRO
/* Pixels of surface s within 1 of the 8-bit colour of rgb. */
static long count_colour(cairo_surface_t *s, const double rgb[3])
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int want[3];
    for (int i = 0; i < 3; i++)
        want[i] = (int)lround(rgb[i] * 255);
    long n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t px;
            memcpy(&px, d + (size_t)y * stride + (size_t)x * 4, 4);
            int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
            if (abs(r - want[0]) <= 1 && abs(g - want[1]) <= 1 && abs(b - want[2]) <= 1)
                n++;
        }
    return n;
}

static void test_png(const char *dir)
{
    char path[4096];
    srnn_error err = {0};
    /* Curves: the picture has its size and both series' colours. */
    srnn_history_entry h[3] = {{3.0, 2.8, 0.2, 0.25, 1, 10},
                               {2.5, 2.6, 0.3, 0.3, 1, 10},
                               {2.0, NAN, 0.4, NAN, 1, 10}};
    snprintf(path, sizeof path, "%s/curves.png", dir);
    CHECK(srnn_plot_history(path, h, 3, "test", &err) == SRNN_OK);
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    CHECK(cairo_image_surface_get_width(s) == 900 && cairo_image_surface_get_height(s) == 760);
    const double train_rgb[3] = {0.12, 0.47, 0.71}, val_rgb[3] = {0.85, 0.37, 0.01};
    CHECK(count_colour(s, train_rgb) > 200);
    CHECK(count_colour(s, val_rgb) > 100);
    cairo_surface_destroy(s);
    CHECK(srnn_plot_history(path, h, 0, "test", &err) == SRNN_EINPUT);

    /* Heatmap: cells without text; each value's colour fills its cell (14 x 22 pixels, less
     * the line under it), the colour bar adds at most two 16-pixel columns. */
    const char *labels[4] = {"", "", "", ""};
    const float values[4] = {-1, 1, 0.5f, 0};
    srnn_heatmap hm = {.labels = labels, .n_tokens = 4, .values = values, .n_rows = 1,
                       .vmin = -1, .vmax = 1, .title = "t", .width = 400};
    snprintf(path, sizeof path, "%s/heat.png", dir);
    CHECK(srnn_plot_heatmap(path, &hm, &err) == SRNN_OK);
    s = cairo_image_surface_create_from_png(path);
    CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    CHECK(cairo_image_surface_get_width(s) == 400);
    double c[3];
    const double v[3] = {-1, 1, 0.5};
    for (int i = 0; i < 3; i++) {
        srnn_plot_diverging(v[i], -1, 1, c);
        long k = count_colour(s, c);
        CHECK_MSG(k >= 14 * 21 && k <= 14 * 22 + 32, "value %g: %ld pixels", v[i], k);
    }
    srnn_plot_diverging(-0.5, -1, 1, c); /* not in the data: only the colour bar has it */
    CHECK(count_colour(s, c) <= 32);
    cairo_surface_destroy(s);

    /* Rows: one more row makes the picture taller by a panel. */
    const float two[8] = {-1, 1, 0.5f, 0, 0, 0, 0, 0};
    const char *titles[2] = {"a", "b"};
    hm.values = two;
    hm.n_rows = 2;
    hm.row_titles = titles;
    CHECK(srnn_plot_heatmap(path, &hm, &err) == SRNN_OK);
    s = cairo_image_surface_create_from_png(path);
    int h2 = cairo_image_surface_get_height(s);
    cairo_surface_destroy(s);
    hm.n_rows = 1;
    CHECK(srnn_plot_heatmap(path, &hm, &err) == SRNN_OK);
    s = cairo_image_surface_create_from_png(path);
    CHECK(h2 > cairo_image_surface_get_height(s));
    cairo_surface_destroy(s);

    /* Breaks start new lines: a taller picture than without. */
    const unsigned char brk[4] = {1, 1, 1, 0};
    hm.breaks = brk;
    CHECK(srnn_plot_heatmap(path, &hm, &err) == SRNN_OK);
    s = cairo_image_surface_create_from_png(path);
    CHECK(cairo_image_surface_get_height(s) >= 3 * 22 + h2 / 2);
    cairo_surface_destroy(s);

    /* Refused: a scale that does not straddle 0, too many rows for a PNG, a bad folder. */
    hm.vmin = 0;
    CHECK(srnn_plot_heatmap(path, &hm, &err) == SRNN_EARG);
    hm.vmin = -1;
    float *many = calloc(4 * 2000, sizeof *many);
    hm.values = many;
    hm.n_rows = 2000;
    hm.row_titles = NULL;
    CHECK(srnn_plot_heatmap(path, &hm, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "too large") != NULL);
    free(many);
    hm.values = values;
    hm.n_rows = 1;
    CHECK(srnn_plot_heatmap("/nonexistent/dir/h.png", &hm, &err) == SRNN_EIO);
}
#endif

int main(void)
{
    test_diverging();
    test_csv();
    test_activations();
    test_top_variable();
#if SRNN_HAVE_CAIRO
    CHECK(srnn_plot_available() == 1);
    char dir[] = "/tmp/srnn_plot_XXXXXX";
    if (mkdtemp(dir)) {
        test_png(dir);
        char path[256];
        snprintf(path, sizeof path, "%s/curves.png", dir);
        unlink(path);
        snprintf(path, sizeof path, "%s/heat.png", dir);
        unlink(path);
        rmdir(dir);
    } else {
        CHECK(!"mkdtemp");
    }
#else
    CHECK(srnn_plot_available() == 0);
    srnn_history_entry h = {1, 1, 0, 0, 0, 0};
    srnn_error err = {0};
    CHECK(srnn_plot_history("x.png", &h, 1, NULL, &err) == SRNN_EINPUT);
    CHECK(strstr(err.msg, "built without cairo") != NULL);
#endif
    return check_finish("test_plot");
}
