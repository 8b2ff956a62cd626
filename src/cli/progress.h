/* Training progress output of `songrnn train`. */
#ifndef SRNN_CLI_PROGRESS_H
#define SRNN_CLI_PROGRESS_H

#include <math.h>

#include "songrnn/train.h"

typedef struct cli_progress {
    int quiet, tty, drawn;
    double last;
} cli_progress;

static inline double exp_safe(double x)
{
    return x < 700 ? exp(x) : INFINITY;
}

void cli_progress_init(cli_progress *p, int quiet, int tty);
void cli_progress_update(cli_progress *p, const srnn_train_progress *s);
void cli_progress_epoch(cli_progress *p, const srnn_epoch_stats *s);

#endif
