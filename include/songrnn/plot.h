/* songrnn — pictures of a model (src/plot): training curves and neuron heatmaps as PNG files
 * through cairo, and the numbers behind them (history CSV, activations over a sequence).
 *
 * The PNG functions need cairo (build option 'cairo'); without it they return SRNN_EINPUT with
 * "built without cairo" and srnn_plot_available() is 0.  Files are written atomically. */
#ifndef SONGRNN_PLOT_H
#define SONGRNN_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "songrnn/common.h"
#include "songrnn/model.h"

/* 1 when this build can write PNG files. */
int srnn_plot_available(void);

/* ---- training curves ------------------------------------------------------------------- */

/* Reads the CSV of `songrnn train --history` (header row naming the columns; train_loss,
 * val_loss, train_acc and val_acc are needed, seconds and tokens are optional; other columns
 * are ignored; "nan" is a value).  Errors carry the line and column.  *out malloc'ed. */
int srnn_history_parse_csv(const char *text, size_t len, srnn_history_entry **out, size_t *n,
                           srnn_error *err) SRNN_WARN_UNUSED;
int srnn_history_read_csv(const char *path, srnn_history_entry **out, size_t *n,
                          srnn_error *err) SRNN_WARN_UNUSED;

/* Two panels, one above the other: training and validation loss per epoch (nats per token),
 * training and validation accuracy per epoch; labelled axes, a legend, title on top (may be
 * NULL).  Values that are NaN are left out.  SRNN_EINPUT when n is 0. */
int srnn_plot_history(const char *path, const srnn_history_entry *h, size_t n, const char *title,
                      srnn_error *err) SRNN_WARN_UNUSED;

/* ---- heatmaps ------------------------------------------------------------------------------ */

/* Activations drawn along a sequence: every token a cell in reading order, wrapping like text,
 * the cell's background the value's colour on a diverging scale (vmin blue, 0 white, vmax
 * red).  One panel per row of values (a neuron), each with its title; a labelled colour bar on
 * top. */
typedef struct srnn_heatmap {
    const char *const *labels;    /* [n_tokens] UTF-8 text of each cell ("" for none) */
    const unsigned char *breaks;  /* [n_tokens] or NULL: 1 = a new line after this cell */
    size_t n_tokens;
    const float *values;          /* [n_rows][n_tokens] */
    const char *const *row_titles; /* [n_rows] or NULL */
    int n_rows;
    double vmin, vmax;            /* vmin < 0 < vmax; values beyond are clamped */
    const char *title;            /* may be NULL */
    const char *scale_label;      /* under the colour bar; may be NULL */
    int monospace;                /* 1: cells of one width (characters); 0: fitted to labels */
    int width;                    /* image width in pixels; 0: 1200 */
} srnn_heatmap;

/* SRNN_EINPUT when the picture would be too large for a PNG (more than 30000 pixels high):
 * fewer rows or tokens are needed. */
int srnn_plot_heatmap(const char *path, const srnn_heatmap *hm, srnn_error *err)
    SRNN_WARN_UNUSED;

/* The diverging scale: value v on [vmin, vmax] -> rgb in [0, 1] (vmin blue, 0 white, vmax red,
 * linear in between on each side; clamped). */
void srnn_plot_diverging(double v, double vmin, double vmax, double rgb[3]);

/* ---- activations --------------------------------------------------------------------------- */

struct srnn_nn;

/* Runs the network one token at a time from a fresh step state over tokens[n] and keeps
 * recurrent layer `layer`'s hidden output after each token (-1: the convolution after ReLU):
 * *acts = [n][*size], malloc'ed.  The step state is left after the last token. */
int srnn_activations_collect(struct srnn_nn *nn, const int32_t *tokens, size_t n, int layer,
                             float **acts, int *size, srnn_error *err) SRNN_WARN_UNUSED;

/* The k units of acts [n][size] whose values vary most over the sequence (largest standard
 * deviation first; ties: the lower index).  Returns how many were written to idx (k or size,
 * whichever is smaller). */
int srnn_activations_top_variable(const float *acts, size_t n, int size, int k, int *idx);

#endif
