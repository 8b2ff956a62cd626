/* songrnn eval GENERATED... --reference CORPUS : objective statistics of generated pieces (MIDI,
 * ABC tunes or tabla compositions, read by their mode) against a corpus: the features of Yang
 * & Lerch (2018), and what a musician hears (onset phase, key, bar repetition, velocity
 * spread, the longest run copied from the corpus); with --model, the model's negative
 * log-likelihood of the pieces per token and per note.  See include/songrnn/eval.h.  A table
 * on the terminal, or CSV / JSON with --format. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "songrnn/eval.h"
#include "songrnn/midi.h"
#include "songrnn/model.h"
#include "songrnn/sample.h"

static const char USAGE[] =
    "songrnn eval GENERATED... --reference CORPUS [--format table|csv|json] [-o FILE]";

/* What the sets add up to beyond the Yang & Lerch features. */
typedef struct extra {
    srnn_music_stats music;
    size_t longest;          /* generated: the longest run copied from the reference */
    const char *longest_in;  /* which generated piece it is in */
    double nll;              /* --model: summed over the pieces' tokens */
    size_t nll_tokens, nll_notes;
    double nll_sampled;      /* the same as generate samples: grammar and priors */
    size_t nll_outside;      /* tokens it would never sample */
    double nll_part[SRNN_NOTES_PARTS]; /* notes mode: the network's, by what a token says */
} extra;

typedef struct load_ctx {
    srnn_model *model;        /* --model, or NULL */
    const srnn_mode_opts *gen_opts; /* with model: how generate would sample from it */
    const srnn_copy_index *copies; /* generated pieces: the reference to compare with */
    srnn_copy_index *index;   /* the reference: its pieces go in */
} load_ctx;

/* Reads the pieces of args (files and folders of the mode) into set: every MIDI file, every tune
 * of an ABC file, every .bol composition, with their musical statistics, copies and, with a
 * model, likelihood.  Unreadable ones are reported and skipped. */
static int load_set(const srnn_mode_def *mode, const char *const *args, int n_args,
                    const srnn_mode_opts *mo, srnn_eval_set *set, size_t *n_docs,
                    const load_ctx *c, extra *x)
{
    srnn_docs *docs = NULL;
    srnn_mode_error merr;
    if (srnn_docs_load(mode, args, n_args, mo, &docs, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        return -1;
    }
    *n_docs = srnn_docs_count(docs);
    int status = 0;
    for (size_t i = 0; i < srnn_docs_count(docs) && status == 0; i++) {
        srnn_piece *p = NULL;
        srnn_error err = {0};
        double nll = 0, nll_sampled = 0, part[SRNN_NOTES_PARTS] = {0};
        size_t count = 0, outside = 0;
        if (c->model) { /* the tokens first: a text mode encodes the document's text */
            const srnn_vocab *v = srnn_model_vocab(c->model);
            int32_t *toks = NULL;
            size_t n = 0;
            if (srnn_docs_encode(docs, i, v, &toks, &n, &err) != SRNN_OK) {
                cli_report(srnn_docs_label(docs, i), &err);
                continue;
            }
            /* the network's, and as generate samples (at temperature 1, in the mode's grammar,
             * with its priors) */
            srnn_generate_opts go = {.sample = {.temperature = 1, .top_p = 1}, .length = 1};
            srnn_mode_gen *mg = NULL;
            srnn_mode_error merr;
            if (srnn_mode_gen_begin(mode, v, c->gen_opts, &go, &mg, &merr) != SRNN_OK) {
                cli_mode_report(&merr);
                free(toks);
                srnn_docs_free(docs);
                return -1;
            }
            double *each = n > 1 ? malloc(2 * (n - 1) * sizeof *each) : NULL;
            int rc = n > 1 && !each ? srnn_error_set(&err, SRNN_ENOMEM, "out of memory")
                                    : srnn_generate_score_each(srnn_model_net(c->model), v, &go,
                                                               toks, n, each,
                                                               each ? each + (n - 1) : NULL,
                                                               &outside, &err);
            srnn_mode_gen_end(mg);
            for (size_t k = 0; rc == SRNN_OK && k + 1 < n; k++) {
                nll += each[k];
                nll_sampled += each[n - 1 + k];
                part[srnn_notes_token_part(v, toks[k + 1])] += each[k];
                count++;
            }
            free(each);
            free(toks);
            if (rc != SRNN_OK) {
                cli_report(srnn_docs_label(docs, i), &err);
                continue;
            }
        }
        if (srnn_docs_take_piece(docs, i, mo, &p, &err) != SRNN_OK ||
            srnn_eval_set_add(set, p, &err) != 0) {
            cli_report(srnn_docs_label(docs, i), &err);
            srnn_piece_free(p);
            continue;
        }
        x->nll += nll;
        x->nll_sampled += nll_sampled;
        x->nll_outside += outside;
        x->nll_tokens += count;
        for (int k = 0; k < SRNN_NOTES_PARTS; k++)
            x->nll_part[k] += part[k];
        x->nll_notes += c->model ? srnn_piece_note_count(p) : 0;
        size_t longest = 0;
        if (srnn_music_stats_add(&x->music, p) != SRNN_OK ||
            (c->index && srnn_copy_index_add(c->index, p) != SRNN_OK) ||
            (c->copies && srnn_copy_index_longest(c->copies, p, &longest, &err) != SRNN_OK)) {
            cli_fail(srnn_docs_label(docs, i), "out of memory");
            status = -1;
        }
        if (longest > x->longest) {
            x->longest = longest;
            free((char *)x->longest_in);
            x->longest_in = strdup(srnn_docs_label(docs, i));
        }
        srnn_piece_free(p);
    }
    srnn_docs_free(docs);
    return status;
}

static void write_music_table(FILE *out, const extra *g, const extra *r, int with_model)
{
    fprintf(out, "\nmusical statistics (tools/music_stats reads the same from the files; "
                 "docs/music-stats.md)\n");
    fprintf(out, "%-34s %12s %12s\n", "", "generated", "reference");
    fprintf(out, "%-34s %12.3f %12s\n", "onset-phase KL from the reference",
            srnn_music_onset_kl(&r->music, &g->music), "0");
    fprintf(out, "%-34s %11.1f%% %11.1f%%\n", "in key (best major scale)",
            100 * srnn_music_in_key(&g->music), 100 * srnn_music_in_key(&r->music));
    fprintf(out, "%-34s %11.1f%% %11.1f%%\n", "bars repeating an earlier rhythm",
            100 * srnn_music_bar_repetition(&g->music), 100 * srnn_music_bar_repetition(&r->music));
    fprintf(out, "%-34s %12.2f %12.2f\n", "velocity standard deviation",
            srnn_music_velocity_sd(&g->music), srnn_music_velocity_sd(&r->music));
    fprintf(out, "%-34s %12zu %12s   %s\n", "longest run copied (notes)", g->longest, "-",
            g->longest_in ? g->longest_in : "");
    if (with_model)
        fprintf(out, "model: %.4f nats per token, %.4f per note (%zu tokens, %zu notes of the "
                "generated pieces)\n", g->nll_tokens ? g->nll / (double)g->nll_tokens : NAN,
                g->nll_notes ? g->nll / (double)g->nll_notes : NAN, g->nll_tokens, g->nll_notes);
    if (with_model)
        fprintf(out, "as generate samples (grammar, priors): %.4f nats per token, %.4f per note "
                "(%zu tokens it would not sample)\n",
                g->nll_tokens ? g->nll_sampled / (double)g->nll_tokens : NAN,
                g->nll_notes ? g->nll_sampled / (double)g->nll_notes : NAN, g->nll_outside);
    if (with_model && g->nll_notes && g->nll_part[SRNN_NOTES_PART_OTHER] < g->nll) {
        fprintf(out, "the network's per note, by what the tokens say:");
        for (int k = 0; k < SRNN_NOTES_PARTS; k++)
            if (g->nll_part[k] != 0)
                fprintf(out, " %s %.4f", srnn_notes_part_name(k),
                        g->nll_part[k] / (double)g->nll_notes);
        fprintf(out, "\n");
    }
}

static void write_music_json(FILE *out, const extra *g, const extra *r, int with_model)
{
    const extra *sets[2] = {g, r};
    static const char *const NAMES[2] = {"generated", "reference"};
    fprintf(out, "  \"music\": {\n");
    for (int k = 0; k < 2; k++) {
        const srnn_music_stats *m = &sets[k]->music;
        fprintf(out, "    \"%s\": {\"pieces\": %zu, \"notes\": %zu, \"onset_phase_kl\": %.6g, "
                     "\"in_key\": %.6g, \"bar_repetition\": %.6g, \"velocity_std\": %.6g, "
                     "\"onset_hist\": [", NAMES[k], m->pieces, m->notes,
                srnn_music_onset_kl(&r->music, m), srnn_music_in_key(m),
                srnn_music_bar_repetition(m), srnn_music_velocity_sd(m));
        for (int b = 0; b < 12; b++)
            fprintf(out, "%s%llu", b ? ", " : "", (unsigned long long)m->onset_hist[b]);
        fprintf(out, "]");
        if (k == 0)
            fprintf(out, ", \"longest_copy\": %zu", g->longest);
        fprintf(out, "}%s\n", k == 0 ? "," : "");
    }
    fprintf(out, "  }%s\n", with_model ? "," : "");
    if (with_model)
        fprintf(out, "  \"model\": {\"tokens\": %zu, \"notes\": %zu, \"nll_per_token\": %.6g, "
                     "\"nll_per_note\": %.6g, \"sampled_nll_per_token\": %.6g, "
                     "\"sampled_nll_per_note\": %.6g, \"not_sampled\": %zu, "
                     "\"nll_per_note_by_part\": {",
                g->nll_tokens, g->nll_notes,
                g->nll_tokens ? g->nll / (double)g->nll_tokens : 0,
                g->nll_notes ? g->nll / (double)g->nll_notes : 0,
                g->nll_tokens ? g->nll_sampled / (double)g->nll_tokens : 0,
                g->nll_notes ? g->nll_sampled / (double)g->nll_notes : 0, g->nll_outside);
    if (with_model) {
        for (int k = 0; k < SRNN_NOTES_PARTS; k++)
            fprintf(out, "%s\"%s\": %.6g", k ? ", " : "", srnn_notes_part_name(k),
                    g->nll_notes ? g->nll_part[k] / (double)g->nll_notes : 0);
        fprintf(out, "}}\n");
    }
}

static void put_num(FILE *out, double v, const char *fmt, const char *none)
{
    if (isfinite(v))
        fprintf(out, fmt, v);
    else
        fputs(none, out);
}

static void write_table(FILE *out, const srnn_eval_result *r, size_t ng, size_t nr,
                        const char *ref)
{
    fprintf(out, "%zu generated pieces against %zu reference pieces (%s)\n\n", ng, nr, ref);
    fprintf(out, "%-26s %17s %17s %26s %8s %8s\n", "", "generated", "reference",
            "mean distance", "KL", "overlap");
    fprintf(out, "%-26s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n", "feature", "mean", "sd", "mean",
            "sd", "intra-g", "intra-r", "inter", "(nats)", "area");
    double skl = 0, soa = 0;
    for (int f = 0; f < SRNN_EVAL_N_FEATURES; f++) {
        fprintf(out, "%-26s ", srnn_eval_feature_label(f));
        put_num(out, r[f].gen_mean, "%8.2f ", "       - ");
        put_num(out, r[f].gen_sd, "%8.2f ", "       - ");
        put_num(out, r[f].ref_mean, "%8.2f ", "       - ");
        put_num(out, r[f].ref_sd, "%8.2f ", "       - ");
        put_num(out, r[f].intra_gen, "%8.3f ", "       - ");
        put_num(out, r[f].intra_ref, "%8.3f ", "       - ");
        put_num(out, r[f].inter, "%8.3f ", "       - ");
        fprintf(out, "%8.3f %8.3f\n", r[f].kld, r[f].overlap);
        skl += r[f].kld;
        soa += r[f].overlap;
    }
    fprintf(out, "%-26s %71s %8.3f %8.3f\n", "mean over features", "",
            skl / SRNN_EVAL_N_FEATURES, soa / SRNN_EVAL_N_FEATURES);
    fprintf(out, "\nKL = KL(intra-reference || inter-set) of the distance densities; overlap 1 "
                 "and KL 0: as close to the reference as its own pieces are to each other.\n");
}

static void write_csv(FILE *out, const srnn_eval_result *r)
{
    fprintf(out, "feature,gen_mean,gen_sd,ref_mean,ref_sd,intra_gen,intra_ref,inter,kld,"
                 "overlap\n");
    for (int f = 0; f < SRNN_EVAL_N_FEATURES; f++) {
        fprintf(out, "%s", srnn_eval_feature_name(f));
        const double v[] = {r[f].gen_mean, r[f].gen_sd, r[f].ref_mean, r[f].ref_sd,
                            r[f].intra_gen, r[f].intra_ref, r[f].inter, r[f].kld, r[f].overlap};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fputc(',', out);
            put_num(out, v[k], "%.6g", "");
        }
        fputc('\n', out);
    }
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void write_json(FILE *out, const srnn_eval_result *r, size_t ng, size_t nr,
                       const char *ref)
{
    fprintf(out, "{\n  \"generated_pieces\": %zu,\n  \"reference_pieces\": %zu,\n"
                 "  \"reference\": ", ng, nr);
    json_string(out, ref);
    fprintf(out, ",\n  \"features\": {\n");
    double skl = 0, soa = 0;
    static const char *const KEYS[] = {"gen_mean", "gen_sd",    "ref_mean", "ref_sd", "intra_gen",
                                       "intra_ref", "inter", "kld", "overlap"};
    for (int f = 0; f < SRNN_EVAL_N_FEATURES; f++) {
        const double v[] = {r[f].gen_mean, r[f].gen_sd, r[f].ref_mean, r[f].ref_sd,
                            r[f].intra_gen, r[f].intra_ref, r[f].inter, r[f].kld, r[f].overlap};
        fprintf(out, "    \"%s\": {", srnn_eval_feature_name(f));
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fprintf(out, "%s\"%s\": ", k ? ", " : "", KEYS[k]);
            put_num(out, v[k], "%.6g", "null");
        }
        fprintf(out, "}%s\n", f + 1 < SRNN_EVAL_N_FEATURES ? "," : "");
        skl += r[f].kld;
        soa += r[f].overlap;
    }
    fprintf(out, "  },\n  \"mean_kld\": %.6g,\n  \"mean_overlap\": %.6g,\n",
            skl / SRNN_EVAL_N_FEATURES, soa / SRNN_EVAL_N_FEATURES);
}

int cmd_eval(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, OPT_G_EVAL, argc - 1, argv + 1, "eval", USAGE, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc)
        return EXIT_USAGE;
    if ((rc = cli_guard_outputs("eval", &o)) != 0) /* outputs that are inputs */
        return rc;
    if (o.n_pos == 0 || !o.reference) {
        fprintf(stderr, "songrnn eval: %s\nusage: %s\n",
                o.n_pos == 0 ? "no generated pieces given" : "no --reference CORPUS", USAGE);
        return EXIT_USAGE;
    }
    int status = EXIT_ERROR;
    extra xg, xr;
    memset(&xg, 0, sizeof xg);
    memset(&xr, 0, sizeof xr);
    load_ctx cg = {0}, cr = {0};
    srnn_eval_set *gen = srnn_eval_set_new(), *ref = srnn_eval_set_new();
    srnn_error err = {0};
    srnn_eval_result res[SRNN_EVAL_N_FEATURES];
    size_t files_g = 0, files_r = 0;
    FILE *out = stdout;
    char *buf = NULL;
    size_t len = 0;
    if (!gen || !ref) {
        cli_fail(o.reference, "out of memory");
        goto done;
    }
    /* the mode of the generated pieces (--mode, or their extensions) reads the reference too */
    srnn_mode_opts mo, gmo;
    cli_mode_opts(&o, &mo);
    const srnn_mode_def *mode = cli_mode_choose(&o, &mo);
    if (!mode)
        goto done;
    if (o.model) {
        srnn_mode_error merr;
        const srnn_mode_def *mm = NULL;
        if (srnn_mode_model_open(o.model, &cg.model, &mm, &merr) != SRNN_OK) {
            cli_mode_report(&merr);
            goto done;
        }
        if (mm != mode) {
            cli_fail(o.model, "a %s model cannot score %s pieces", mm->name, mode->name);
            goto done;
        }
        gmo = mo;
        if (cli_mode_opts_for_model(&o, mode, cg.model, &gmo, "eval") != 0)
            goto done;
        cg.gen_opts = &gmo;
    }
    /* The reference first: the generated pieces' copies are looked for in it. */
    const char *const refs[] = {o.reference};
    if (!(cr.index = srnn_copy_index_new()) ||
        load_set(mode, refs, 1, &mo, ref, &files_r, &cr, &xr) != 0)
        goto done;
    cg.copies = cr.index;
    if (load_set(mode, o.pos, o.n_pos, &mo, gen, &files_g, &cg, &xg) != 0)
        goto done;
    if (srnn_eval_set_count(gen) == 0) {
        cli_fail(o.pos[0], "none of the %zu generated pieces could be read", files_g);
        goto done;
    }
    if (srnn_eval_compare(gen, ref, res, &err) != SRNN_OK) {
        cli_report(o.reference, &err);
        goto done;
    }
    int to_file = o.output && strcmp(o.output, "-") != 0;
    if (to_file && !(out = open_memstream(&buf, &len))) {
        cli_fail(o.output, "out of memory");
        goto done;
    }
    if (strcmp(o.format, "csv") == 0) {
        write_csv(out, res);
    } else if (strcmp(o.format, "json") == 0) {
        write_json(out, res, srnn_eval_set_count(gen), srnn_eval_set_count(ref), o.reference);
        write_music_json(out, &xg, &xr, cg.model != NULL);
        fprintf(out, "}\n");
    } else {
        write_table(out, res, srnn_eval_set_count(gen), srnn_eval_set_count(ref), o.reference);
        write_music_table(out, &xg, &xr, cg.model != NULL);
    }
    status = EXIT_OK;
    if (to_file) {
        fclose(out);
        if (srnn_file_write_atomic(o.output, buf, len, &err) != SRNN_OK) {
            cli_report(o.output, &err);
            status = EXIT_ERROR;
        } else if (!o.quiet) {
            fprintf(stderr, "songrnn: wrote %s\n", o.output);
        }
    }
done:
    free(buf);
    free((char *)xg.longest_in);
    free((char *)xr.longest_in);
    srnn_model_free(cg.model);
    srnn_copy_index_free(cr.index);
    srnn_eval_set_free(gen);
    srnn_eval_set_free(ref);
    return status;
}
