/* Helpers shared by the subcommands: messages, output names. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_report(const char *file, const srnn_error *err)
{
    const char *msg = err && err->msg[0] ? err->msg : "failed";
    if (err && err->line > 0 && err->col > 0)
        fprintf(stderr, "songrnn: %s:%d:%d: %s\n", file, err->line, err->col, msg);
    else if (err && err->line > 0)
        fprintf(stderr, "songrnn: %s:%d: %s\n", file, err->line, msg);
    else
        fprintf(stderr, "songrnn: %s: %s\n", file, msg);
}

void cli_fail(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "songrnn: %s: ", file);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

const char *cli_extension(const char *path)
{
    static char ext[16];
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    ext[0] = 0;
    if (!dot || dot[1] == 0 || strlen(dot + 1) >= sizeof ext)
        return ext;
    size_t i = 0;
    for (const char *p = dot + 1; *p; p++)
        ext[i++] = (char)tolower((unsigned char)*p);
    ext[i] = 0;
    return ext;
}

char *cli_numbered_path(const char *out, int n)
{
    const char *slash = strrchr(out, '/');
    const char *dot = strrchr(slash ? slash + 1 : out, '.');
    size_t stem = dot ? (size_t)(dot - out) : strlen(out);
    size_t len = strlen(out) + 24;
    char *p = malloc(len);
    if (!p)
        return NULL;
    snprintf(p, len, "%.*s-%d%s", (int)stem, out, n, dot ? dot : "");
    return p;
}

int cli_stderr_is_tty(void)
{
    return isatty(2);
}
