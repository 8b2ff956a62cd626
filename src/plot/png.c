/* PNG pictures through cairo: training curves and activation heatmaps.  Text with cairo's toy
 * API (DejaVu Sans / DejaVu Sans Mono on Debian).  The PNG is made in memory and written
 * atomically. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "songrnn/plot.h"
#include "srnn_config.h"

#if SRNN_HAVE_CAIRO
#include <cairo.h>
#endif

void srnn_plot_diverging(double v, double vmin, double vmax, double rgb[3])
{
    /* Ends of the scale: a strong blue and a strong red (ColorBrewer RdBu's darker ends). */
    static const double BLUE[3] = {0.129, 0.400, 0.675}, RED[3] = {0.698, 0.094, 0.169};
    double t = 0;
    if (isnan(v))
        v = 0;
    if (v < 0 && vmin < 0)
        t = -fmin(v / vmin, 1.0);
    else if (v > 0 && vmax > 0)
        t = fmin(v / vmax, 1.0);
    const double *end = t < 0 ? BLUE : RED;
    double a = fabs(t);
    for (int i = 0; i < 3; i++)
        rgb[i] = 1.0 + (end[i] - 1.0) * a;
}

#if !SRNN_HAVE_CAIRO

int srnn_plot_available(void)
{
    return 0;
}

int srnn_plot_history(const char *path, const srnn_history_entry *h, size_t n, const char *title,
                      srnn_error *err)
{
    (void)path, (void)h, (void)n, (void)title;
    return srnn_error_set(err, SRNN_EINPUT, "built without cairo: no PNG output");
}

int srnn_plot_heatmap(const char *path, const srnn_heatmap *hm, srnn_error *err)
{
    (void)path, (void)hm;
    return srnn_error_set(err, SRNN_EINPUT, "built without cairo: no PNG output");
}

#else

int srnn_plot_available(void)
{
    return 1;
}

#define SANS "DejaVu Sans"
#define MONO "DejaVu Sans Mono"
#define MAX_HEIGHT 30000

/* ---- PNG in memory, then an atomic write ------------------------------------------------ */

typedef struct membuf {
    unsigned char *data;
    size_t len, cap;
    int failed;
} membuf;

static cairo_status_t membuf_write(void *closure, const unsigned char *data, unsigned int length)
{
    membuf *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + length)
            cap *= 2;
        unsigned char *nd = realloc(b->data, cap);
        if (!nd) {
            b->failed = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->data = nd;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static int write_png(cairo_surface_t *s, const char *path, srnn_error *err)
{
    cairo_surface_flush(s);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        return srnn_error_set(err, SRNN_ENOMEM, "cairo: %s",
                              cairo_status_to_string(cairo_surface_status(s)));
    membuf b = {0};
    cairo_status_t st = cairo_surface_write_to_png_stream(s, membuf_write, &b);
    int rc;
    if (st != CAIRO_STATUS_SUCCESS || b.failed)
        rc = srnn_error_set(err, SRNN_ENOMEM, "cairo: %s", cairo_status_to_string(st));
    else
        rc = srnn_file_write_atomic(path, b.data, b.len, err);
    free(b.data);
    return rc;
}

/* ---- text helpers ------------------------------------------------------------------------- */

static void font(cairo_t *cr, const char *face, double size, int bold)
{
    cairo_select_font_face(cr, face, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t te;
    cairo_text_extents(cr, s, &te);
    return te.x_advance;
}

/* Draws s with its anchor at (x, y): ax 0 left, 0.5 centre, 1 right; y is the baseline. */
static void text_at(cairo_t *cr, double x, double y, double ax, const char *s)
{
    cairo_move_to(cr, x - ax * text_width(cr, s), y);
    cairo_show_text(cr, s);
}

static void text_vertical(cairo_t *cr, double x, double y, const char *s)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -M_PI / 2);
    text_at(cr, 0, 0, 0.5, s);
    cairo_restore(cr);
}

/* A "nice" tick step for about `want` ticks over span: 1, 2 or 5 times a power of ten. */
static double nice_step(double span, int want)
{
    if (!(span > 0))
        return 1;
    double raw = span / want, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static void format_tick(char *buf, size_t cap, double v, double step)
{
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (dec > 6)
        dec = 6;
    if (fabs(v) < step * 1e-6)
        v = 0;
    snprintf(buf, cap, "%.*f", dec, v);
}

/* ---- training curves ----------------------------------------------------------------------- */

typedef struct series {
    const char *name;
    double rgb[3];
    int dashed;
    size_t field; /* offset of the double in srnn_history_entry */
} series;

static double field_of(const srnn_history_entry *e, size_t off)
{
    double v;
    memcpy(&v, (const char *)e + off, sizeof v);
    return v;
}

/* One panel: box (x0, y0, w, h) in pixels, the two series against the epoch. */
static void draw_panel(cairo_t *cr, double x0, double y0, double w, double h,
                       const srnn_history_entry *hist, size_t n, const series *ser, int nser,
                       const char *ylabel, int is_acc)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int s = 0; s < nser; s++)
        for (size_t i = 0; i < n; i++) {
            double v = field_of(&hist[i], ser[s].field);
            if (isfinite(v)) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
    if (!isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    if (hi - lo < 1e-9) {
        double pad = fmax(fabs(hi) * 0.05, 0.01);
        lo -= pad;
        hi += pad;
    }
    double ystep = nice_step(hi - lo, 5);
    lo = floor(lo / ystep) * ystep;
    hi = ceil(hi / ystep) * ystep;
    if (is_acc) {
        lo = fmax(lo, 0);
        hi = fmin(hi, 1);
        if (hi <= lo)
            hi = lo + ystep;
    }
    double xmin = 1, xmax = n > 1 ? (double)n : 2;
    double xstep = nice_step(xmax - xmin, 8);
    if (xstep < 1)
        xstep = 1;
#define PX(x) (x0 + ((x) - xmin) / (xmax - xmin) * w)
#define PY(y) (y0 + h - ((y) - lo) / (hi - lo) * h)
    char buf[32];
    /* Grid and ticks. */
    font(cr, SANS, 12, 0);
    cairo_set_line_width(cr, 1);
    for (double y = lo; y <= hi + ystep * 1e-6; y += ystep) {
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_move_to(cr, x0, floor(PY(y)) + 0.5);
        cairo_line_to(cr, x0 + w, floor(PY(y)) + 0.5);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        format_tick(buf, sizeof buf, y, ystep);
        text_at(cr, x0 - 6, PY(y) + 4, 1, buf);
    }
    for (double x = xmin; x <= xmax + 1e-6; x += xstep) {
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_move_to(cr, floor(PX(x)) + 0.5, y0);
        cairo_line_to(cr, floor(PX(x)) + 0.5, y0 + h);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        snprintf(buf, sizeof buf, "%.0f", x);
        text_at(cr, PX(x), y0 + h + 17, 0.5, buf);
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_rectangle(cr, x0 + 0.5, y0 + 0.5, w, h);
    cairo_stroke(cr);
    /* Axis labels. */
    font(cr, SANS, 13, 0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, x0 + w / 2, y0 + h + 36, 0.5, "epoch");
    text_vertical(cr, x0 - 52, y0 + h / 2, ylabel);
    /* Curves: lines between measured epochs, a dot on each. */
    cairo_save(cr);
    cairo_rectangle(cr, x0, y0, w, h);
    cairo_clip(cr);
    for (int s = 0; s < nser; s++) {
        cairo_set_source_rgb(cr, ser[s].rgb[0], ser[s].rgb[1], ser[s].rgb[2]);
        cairo_set_line_width(cr, 2);
        double dash[2] = {7, 4};
        cairo_set_dash(cr, dash, ser[s].dashed ? 2 : 0, 0);
        int pen = 0;
        for (size_t i = 0; i < n; i++) {
            double v = field_of(&hist[i], ser[s].field);
            if (!isfinite(v)) {
                pen = 0;
                continue;
            }
            if (pen)
                cairo_line_to(cr, PX((double)(i + 1)), PY(v));
            else
                cairo_move_to(cr, PX((double)(i + 1)), PY(v));
            pen = 1;
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        if (n <= 100)
            for (size_t i = 0; i < n; i++) {
                double v = field_of(&hist[i], ser[s].field);
                if (!isfinite(v))
                    continue;
                cairo_arc(cr, PX((double)(i + 1)), PY(v), 3.2, 0, 2 * M_PI);
                cairo_fill(cr);
            }
    }
    cairo_restore(cr);
    /* Legend, top right inside the panel (bottom right for accuracy, which rises). */
    font(cr, SANS, 12, 0);
    double lw = 0;
    for (int s = 0; s < nser; s++)
        lw = fmax(lw, text_width(cr, ser[s].name));
    double bw = lw + 50, bh = 8 + 18.0 * nser, bx = x0 + w - bw - 10,
           by = is_acc ? y0 + h - bh - 10 : y0 + 10;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_rectangle(cr, bx, by, bw, bh);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    for (int s = 0; s < nser; s++) {
        double ly = by + 15 + 18.0 * s;
        cairo_set_source_rgb(cr, ser[s].rgb[0], ser[s].rgb[1], ser[s].rgb[2]);
        cairo_set_line_width(cr, 2);
        double dash[2] = {7, 4};
        cairo_set_dash(cr, dash, ser[s].dashed ? 2 : 0, 0);
        cairo_move_to(cr, bx + 8, ly - 4);
        cairo_line_to(cr, bx + 36, ly - 4);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text_at(cr, bx + 42, ly, 0, ser[s].name);
    }
#undef PX
#undef PY
}

int srnn_plot_history(const char *path, const srnn_history_entry *h, size_t n, const char *title,
                      srnn_error *err)
{
    if (!path || (!h && n))
        return srnn_error_set(err, SRNN_EARG, "no path or no history");
    if (n == 0)
        return srnn_error_set(err, SRNN_EINPUT, "no training history (the model was not trained)");
    const int W = 900, H = 760;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, SANS, 17, 1);
    text_at(cr, W / 2.0, 30, 0.5, title && *title ? title : "training history");
    static const double TRAIN[3] = {0.12, 0.47, 0.71}, VAL[3] = {0.85, 0.37, 0.01};
    series loss[2] = {{"training loss", {TRAIN[0], TRAIN[1], TRAIN[2]}, 0,
                       offsetof(srnn_history_entry, train_loss)},
                      {"validation loss", {VAL[0], VAL[1], VAL[2]}, 1,
                       offsetof(srnn_history_entry, val_loss)}};
    series acc[2] = {{"training accuracy", {TRAIN[0], TRAIN[1], TRAIN[2]}, 0,
                      offsetof(srnn_history_entry, train_acc)},
                     {"validation accuracy", {VAL[0], VAL[1], VAL[2]}, 1,
                      offsetof(srnn_history_entry, val_acc)}};
    draw_panel(cr, 90, 60, W - 130, 270, h, n, loss, 2, "loss (cross-entropy, nats/token)", 0);
    draw_panel(cr, 90, 420, W - 130, 270, h, n, acc, 2, "accuracy (next token exact)", 1);
    cairo_destroy(cr);
    int rc = write_png(s, path, err);
    cairo_surface_destroy(s);
    return rc;
}

/* ---- heatmaps ------------------------------------------------------------------------------ */

#define CELL_H 22
#define CELL_FONT 14
#define ROW_TITLE_H 26
#define PANEL_GAP 14
#define MARGIN 20
#define HEADER_H 96

typedef struct cell_pos {
    float x;
    int row;
    float w;
} cell_pos;

/* Lays the cells out like text: returns the number of lines; pos[i] gets each cell's place. */
static int layout_cells(cairo_t *cr, const srnn_heatmap *hm, double width, cell_pos *pos)
{
    font(cr, MONO, CELL_FONT, 0);
    double mono_w = ceil(text_width(cr, "M")) + 3;
    double x = 0;
    int row = 0;
    for (size_t i = 0; i < hm->n_tokens; i++) {
        const char *lab = hm->labels && hm->labels[i] ? hm->labels[i] : "";
        double w = hm->monospace ? mono_w : fmax(ceil(text_width(cr, lab)) + 8, 14);
        if (w > width)
            w = width;
        if (x > 0 && x + w > width) {
            x = 0;
            row++;
        }
        pos[i] = (cell_pos){(float)x, row, (float)w};
        x += w;
        if (hm->breaks && hm->breaks[i] && i + 1 < hm->n_tokens) {
            x = 0;
            row++;
        }
    }
    return hm->n_tokens ? row + 1 : 0;
}

static void draw_colour_bar(cairo_t *cr, double x, double y, double w, double h,
                            const srnn_heatmap *hm)
{
    for (int i = 0; i < (int)w; i++) {
        double v = hm->vmin + (hm->vmax - hm->vmin) * (i + 0.5) / w, rgb[3];
        srnn_plot_diverging(v, hm->vmin, hm->vmax, rgb);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle(cr, x + i, y, 1, h);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x + 0.5, y + 0.5, w - 1, h - 1);
    cairo_stroke(cr);
    font(cr, SANS, 12, 0);
    double step = nice_step(hm->vmax - hm->vmin, 4);
    char buf[32];
    for (double v = ceil(hm->vmin / step) * step; v <= hm->vmax + step * 1e-6; v += step) {
        double px = x + (v - hm->vmin) / (hm->vmax - hm->vmin) * w;
        cairo_move_to(cr, floor(px) + 0.5, y + h);
        cairo_line_to(cr, floor(px) + 0.5, y + h + 5);
        cairo_stroke(cr);
        format_tick(buf, sizeof buf, v, step);
        text_at(cr, px, y + h + 18, 0.5, buf);
    }
}

int srnn_plot_heatmap(const char *path, const srnn_heatmap *hm, srnn_error *err)
{
    if (!path || !hm || !hm->values || hm->n_rows <= 0 || hm->n_tokens == 0)
        return srnn_error_set(err, SRNN_EARG, "nothing to draw");
    if (!(hm->vmin < 0 && hm->vmax > 0))
        return srnn_error_set(err, SRNN_EARG, "the scale must run from below 0 to above 0");
    if (hm->n_tokens > 1000000 || hm->n_rows > 10000)
        return srnn_error_set(err, SRNN_EINPUT, "too large a picture: fewer tokens or neurons");
    int W = hm->width > 0 ? hm->width : 1200;
    if (W < 300 || W > 16000)
        return srnn_error_set(err, SRNN_EARG, "image width %d out of range 300..16000", W);
    double content_w = W - 2 * MARGIN;
    cell_pos *pos = malloc(hm->n_tokens * sizeof *pos);
    if (!pos)
        return srnn_error_set(err, SRNN_ENOMEM, "out of memory");
    /* Measure on a scratch surface, then size the real one. */
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8);
    cairo_t *mcr = cairo_create(scratch);
    int lines = layout_cells(mcr, hm, content_w, pos);
    cairo_destroy(mcr);
    cairo_surface_destroy(scratch);
    double panel_h = ROW_TITLE_H + (double)lines * CELL_H + PANEL_GAP;
    double total_h = HEADER_H + panel_h * hm->n_rows + MARGIN;
    if (total_h > MAX_HEIGHT) {
        free(pos);
        return srnn_error_set(err, SRNN_EINPUT,
                              "too large a picture (%d neurons x %d lines of tokens): show fewer "
                              "neurons or a shorter sequence", hm->n_rows, lines);
    }
    int H = (int)ceil(total_h);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);

    /* Header: title, colour bar and its label. */
    cairo_set_source_rgb(cr, 0, 0, 0);
    /* The title shrinks until it fits the width. */
    const char *title = hm->title ? hm->title : "activations";
    double tsize = 16;
    font(cr, SANS, tsize, 1);
    while (tsize > 9 && text_width(cr, title) > content_w)
        font(cr, SANS, --tsize, 1);
    text_at(cr, MARGIN, 28, 0, title);
    double bar_w = 320, bar_x = MARGIN, bar_y = 44;
    draw_colour_bar(cr, bar_x, bar_y, bar_w, 16, hm);
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, SANS, 13, 0);
    text_at(cr, bar_x + bar_w + 16, bar_y + 13, 0,
            hm->scale_label ? hm->scale_label : "activation");

    double y = HEADER_H;
    for (int r = 0; r < hm->n_rows; r++) {
        const float *v = hm->values + (size_t)r * hm->n_tokens;
        cairo_set_source_rgb(cr, 0, 0, 0);
        font(cr, SANS, 14, 1);
        char def[32];
        snprintf(def, sizeof def, "row %d", r);
        text_at(cr, MARGIN, y + 18, 0, hm->row_titles && hm->row_titles[r] ? hm->row_titles[r]
                                                                            : def);
        double gy = y + ROW_TITLE_H;
        font(cr, MONO, CELL_FONT, 0);
        for (size_t i = 0; i < hm->n_tokens; i++) {
            double rgb[3], cx = MARGIN + pos[i].x, cy = gy + (double)pos[i].row * CELL_H;
            srnn_plot_diverging(v[i], hm->vmin, hm->vmax, rgb);
            cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
            cairo_rectangle(cr, cx, cy, pos[i].w, CELL_H);
            cairo_fill(cr);
            const char *lab = hm->labels && hm->labels[i] ? hm->labels[i] : "";
            if (*lab) {
                /* Dark text on light cells, white on saturated ones. */
                double lum = 0.30 * rgb[0] + 0.59 * rgb[1] + 0.11 * rgb[2];
                double c = lum < 0.55 ? 1.0 : 0.0;
                cairo_set_source_rgb(cr, c, c, c);
                text_at(cr, cx + pos[i].w / 2, cy + CELL_H - 6, 0.5, lab);
            }
        }
        /* A thin frame per line, so white cells still show where the sequence runs. */
        cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
        cairo_set_line_width(cr, 1);
        for (int l = 0; l < lines; l++) {
            double ly = gy + (double)l * CELL_H;
            cairo_move_to(cr, MARGIN, floor(ly + CELL_H) + 0.5);
            cairo_line_to(cr, MARGIN + content_w, floor(ly + CELL_H) + 0.5);
        }
        cairo_stroke(cr);
        y += panel_h;
    }
    cairo_destroy(cr);
    free(pos);
    int rc = write_png(s, path, err);
    cairo_surface_destroy(s);
    return rc;
}

#endif
