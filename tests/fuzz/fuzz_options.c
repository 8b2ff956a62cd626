/* libFuzzer harness: the command-line option parser (srnn_opts_parse).  The input is split at
 * NUL bytes into argv strings; its first byte picks the option groups, as each subcommand
 * accepts a different set. */
#include <stdio.h>

#include "../../src/cli/options.h"
#include "fuzz_common.h"

#define MAX_ARGS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w")))
        return 0;
    if (size < 1 || size > 4096)
        return 0;
    unsigned groups = data[0] == 0xff ? ~0u : (unsigned)data[0] * 0x41u; /* spread the bits */
    /* A copy: argv strings must be NUL-terminated and writable, like the real ones. */
    char *buf = malloc(size);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = 0;
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    for (size_t i = 0; i < size - 1 && argc < MAX_ARGS;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    srnn_opts o;
    srnn_opts_defaults(&o);
    int rc = srnn_opts_parse(&o, groups, argc, argv, "fuzz", "fuzz [options]", null, null);
    FUZZ_ASSERT(rc == 0 || rc == 1 || rc == 2);
    if (rc == 0) {
        FUZZ_ASSERT(o.n_pos >= 0 && o.n_pos <= argc);
        for (int i = 0; i < o.n_pos; i++)
            FUZZ_ASSERT(o.pos[i] >= buf && o.pos[i] < buf + size);
        FUZZ_ASSERT(o.layers >= 1 && o.hidden >= 1 && o.count >= 1);
        FUZZ_ASSERT(o.dropout >= 0 && o.dropout < 1 && o.lr > 0 && o.temperature > 0);
        FUZZ_ASSERT(o.top_p > 0 && o.top_p <= 1);
        (void)srnn_opts_given(&o, "lr");
    }
    free(buf);
    return 0;
}
