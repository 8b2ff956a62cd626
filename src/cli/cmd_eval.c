/* songrnn eval GENERATED... --reference CORPUS : objective statistics of generated pieces (MIDI,
 * ABC tunes or tabla compositions, read by their mode) against a corpus, after Yang & Lerch (2018); see include/songrnn/eval.h for what is
 * computed.  A table on the terminal, or CSV / JSON with --format. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "songrnn/eval.h"
#include "songrnn/midi.h"

static const char USAGE[] =
    "songrnn eval GENERATED... --reference CORPUS [--format table|csv|json] [-o FILE]";

/* Reads the pieces of args (files and folders of the mode) into set: every MIDI file, every tune
 * of an ABC file, every .bol composition.  Unreadable ones are reported and skipped. */
static int load_set(const srnn_mode_def *mode, const char *const *args, int n_args,
                    const srnn_mode_opts *mo, srnn_eval_set *set, size_t *n_docs)
{
    srnn_docs *docs = NULL;
    srnn_mode_error merr;
    if (srnn_docs_load(mode, args, n_args, mo, &docs, &merr) != SRNN_OK) {
        cli_mode_report(&merr);
        return -1;
    }
    *n_docs = srnn_docs_count(docs);
    for (size_t i = 0; i < srnn_docs_count(docs); i++) {
        srnn_piece *p = NULL;
        srnn_error err = {0};
        if (srnn_docs_take_piece(docs, i, mo, &p, &err) != SRNN_OK ||
            srnn_eval_set_add(set, p, &err) != 0)
            cli_report(srnn_docs_label(docs, i), &err);
        srnn_piece_free(p);
    }
    srnn_docs_free(docs);
    return 0;
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
    fprintf(out, "  },\n  \"mean_kld\": %.6g,\n  \"mean_overlap\": %.6g\n}\n",
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
    srnn_mode_opts mo;
    cli_mode_opts(&o, &mo);
    const srnn_mode_def *mode = cli_mode_choose(&o, &mo);
    if (!mode)
        goto done;
    if (load_set(mode, o.pos, o.n_pos, &mo, gen, &files_g) != 0)
        goto done;
    const char *const refs[] = {o.reference};
    if (load_set(mode, refs, 1, &mo, ref, &files_r) != 0)
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
    if (strcmp(o.format, "csv") == 0)
        write_csv(out, res);
    else if (strcmp(o.format, "json") == 0)
        write_json(out, res, srnn_eval_set_count(gen), srnn_eval_set_count(ref), o.reference);
    else
        write_table(out, res, srnn_eval_set_count(gen), srnn_eval_set_count(ref), o.reference);
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
    srnn_eval_set_free(gen);
    srnn_eval_set_free(ref);
    return status;
}
