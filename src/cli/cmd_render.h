/* Helpers of cmd_render.c that play shares: reading a sound input and finding a soundfont. */
#ifndef SRNN_CLI_CMD_RENDER_H
#define SRNN_CLI_CMD_RENDER_H

#include <stddef.h>

#include "options.h"
#include "songrnn/notes.h"

/* Reads a .mid, .abc (--tune, --melody-only) or .bol file into a new piece
 * (srnn_mode_read_piece).  Returns 0, or 1 on an input error and 2 on a usage error, after
 * reporting. */
int cli_sound_load(const char *path, const srnn_opts *o, srnn_piece **out);
/* The same for one piece of the file without --tune (1-based, srnn_mode_list_pieces). */
int cli_sound_load_piece(const char *path, const srnn_opts *o, int piece, srnn_piece **out);
/* The soundfont to use: the given one or the one found without flags, checked; its path goes
 * into buf.  Returns 0, or 1 after reporting (no FluidSynth, none found, not a soundfont). */
int cli_sound_soundfont(const char *given, char *buf, size_t size);
/* The soundfont an input file plays with (srnn_mode_soundfont_for): --soundfont, else for .bol
 * and tabla models the tabla font, else NULL (a General MIDI font). */
const char *cli_sound_soundfont_for(const char *path, const srnn_opts *o);

#endif
