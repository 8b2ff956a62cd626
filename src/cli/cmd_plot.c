/* songrnn plot MODEL|HISTORY.csv -o FILE.png : training and validation loss and accuracy per
 * epoch, from the history inside a model file or from the CSV of `train --history`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "songrnn/model.h"
#include "songrnn/plot.h"

static const char USAGE[] = "songrnn plot MODEL|HISTORY.csv -o FILE.png";

int cmd_plot(int argc, char **argv)
{
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, 0, argc - 1, argv + 1, "plot", USAGE, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc)
        return EXIT_USAGE;
    if ((rc = cli_guard_outputs("plot", &o)) != 0) /* outputs that are inputs */
        return rc;
    if (o.n_pos != 1 || !o.output) {
        fprintf(stderr, "songrnn plot: %s\nusage: %s\n",
                o.n_pos == 0 ? "no model or history given"
                : o.n_pos > 1 ? "one model or history at a time"
                              : "no output (-o FILE.png)", USAGE);
        return EXIT_USAGE;
    }
    if (strcmp(cli_extension(o.output), "png") != 0) {
        char a[CLI_NAME_MAX];
        fprintf(stderr, "songrnn plot: %s: the picture is a PNG (-o FILE.png)\n",
                cli_escape(o.output, a, sizeof a));
        return EXIT_USAGE;
    }
    if (!srnn_plot_available()) {
        cli_fail(o.output, "built without cairo: no PNG output");
        return EXIT_ERROR;
    }
    const char *in = o.pos[0];
    const char *base = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
    srnn_error err = {0};
    srnn_history_entry *owned = NULL;
    const srnn_history_entry *h = NULL;
    size_t n = 0;
    srnn_model *m = NULL;
    char title[512];
    if (strcmp(cli_extension(in), "csv") == 0) {
        if (srnn_history_read_csv(in, &owned, &n, &err) != SRNN_OK) {
            cli_report(in, &err);
            return EXIT_ERROR;
        }
        h = owned;
        snprintf(title, sizeof title, "%s: %zu epoch%s", base, n, n == 1 ? "" : "s");
    } else {
        if (srnn_model_load(in, &m, &err) != SRNN_OK) {
            cli_report(in, &err);
            return EXIT_ERROR;
        }
        h = srnn_model_history(m, &n);
        const srnn_model_config *c = srnn_model_get_config(m);
        char cell[8];
        snprintf(cell, sizeof cell, "%s", c->net.cell);
        for (char *p = cell; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        char conv[32] = "";
        if (c->net.conv_channels > 0)
            snprintf(conv, sizeof conv, "conv %d:%d, ", c->net.conv_channels, c->net.conv_kernel);
        snprintf(title, sizeof title, "%s: %s%d x %s %d, dropout %g, %s; %zu epoch%s", base,
                 conv, c->net.layers, cell, c->net.hidden, c->net.dropout,
                 c->train.optimizer[0] ? c->train.optimizer : "-", n, n == 1 ? "" : "s");
    }
    int status = EXIT_OK;
    if (srnn_plot_history(o.output, h, n, title, &err) != SRNN_OK) {
        cli_report(err.msg[0] && n == 0 ? in : o.output, &err);
        status = EXIT_ERROR;
    } else if (!o.quiet) {
        cli_wrote(o.output, NULL);
    }
    free(owned);
    srnn_model_free(m);
    return status;
}
