/* The shared option parser: values, ranges, groups, usage errors. */
#include <string.h>

#include "../check.h"
#include "../../src/cli/options.h"

static int parse(srnn_opts *o, unsigned groups, const char *line)
{
    static char buf[1024];
    char *argv[64];
    int argc = 0;
    strncpy(buf, line, sizeof buf - 1);
    for (char *t = strtok(buf, " "); t && argc < 64; t = strtok(NULL, " "))
        argv[argc++] = t;
    srnn_opts_defaults(o);
    FILE *null = fopen("/dev/null", "w");
    int rc = srnn_opts_parse(o, groups, argc, argv, "test", "test", null, null);
    fclose(null);
    return rc;
}

int main(void)
{
    srnn_opts o;
    unsigned all = ~0u;

    CHECK(parse(&o, all, "a.mid b.mid -o out.mid --temperature 0.5 --top-k 10") == 0);
    CHECK(o.n_pos == 2 && strcmp(o.pos[1], "b.mid") == 0);
    CHECK(strcmp(o.output, "out.mid") == 0);
    CHECK_NEAR(o.temperature, 0.5, 0);
    CHECK(o.top_k == 10);
    CHECK(srnn_opts_given(&o, "temperature") && !srnn_opts_given(&o, "top-p"));

    /* --name=value, -oFILE, defaults */
    CHECK(parse(&o, all, "--lr=0.01 -ox.srnn") == 0);
    CHECK_NEAR(o.lr, 0.01, 1e-15);
    CHECK(strcmp(o.output, "x.srnn") == 0);
    CHECK(o.layers == 2 && o.hidden == 256 && o.conv_channels == 128 && o.conv_kernel == 3);

    /* --conv C:K and --conv 0 */
    CHECK(parse(&o, all, "--conv 64:5") == 0 && o.conv_channels == 64 && o.conv_kernel == 5);
    CHECK(parse(&o, all, "--conv 0") == 0 && o.conv_channels == 0);
    CHECK(parse(&o, all, "--conv 64:") == 2);
    CHECK(parse(&o, all, "--conv x:3") == 2);

    /* invalid values are usage errors */
    CHECK(parse(&o, all, "--temperature -1") == 2);
    CHECK(parse(&o, all, "--temperature 0") == 2);
    CHECK(parse(&o, all, "--top-p 1.5") == 2);
    CHECK(parse(&o, all, "--top-p 0") == 2);
    CHECK(parse(&o, all, "--batch 0") == 2);
    CHECK(parse(&o, all, "--cell transformer") == 2);
    CHECK(parse(&o, all, "--epochs 1e3") == 2);
    CHECK(parse(&o, all, "--lr nan") == 2);
    CHECK(parse(&o, all, "--lr inf") == 2);
    CHECK(parse(&o, all, "--seed -3") == 2);
    CHECK(parse(&o, all, "--epochs") == 2);  /* missing value */
    CHECK(parse(&o, all, "--quiet=1") == 2); /* flags take no value */
    CHECK(parse(&o, all, "--no-such-option") == 2);

    /* an option outside the command's groups is unknown there */
    CHECK(parse(&o, OPT_G_TOKENS, "--temperature 1") == 2);
    CHECK(parse(&o, OPT_G_TOKENS, "--vocab 300 -q") == 0 && o.vocab == 300 && o.quiet);

    /* help, and "--" ends options */
    CHECK(parse(&o, all, "--help") == 1);
    CHECK(parse(&o, all, "-- -o") == 0 && o.n_pos == 1 && strcmp(o.pos[0], "-o") == 0);
    CHECK(parse(&o, all, "-") == 0 && o.n_pos == 1);

    return check_finish("test_options");
}
