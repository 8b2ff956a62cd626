/* Error reports: one line, the caller prefixes the file name. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "songrnn/common.h"

static int error_vset(srnn_error *err, int code, int line, int col, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    err->line = line;
    err->col = col;
    return code;
}

int srnn_error_set(srnn_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, 0, 0, fmt, ap);
    va_end(ap);
    return code;
}

int srnn_error_set_at(srnn_error *err, int code, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, line, col, fmt, ap);
    va_end(ap);
    return code;
}

void srnn_error_clear(srnn_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}
