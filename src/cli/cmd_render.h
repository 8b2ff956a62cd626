/* Helpers of cmd_render.c that play shares: reading a sound input and finding a soundfont. */
#ifndef SRNN_CLI_CMD_RENDER_H
#define SRNN_CLI_CMD_RENDER_H

#include <stddef.h>

#include "options.h"
#include "songrnn/notes.h"

/* Reads a .mid or .abc file (--tune, --melody-only) into a new piece.  Returns 0, or 1 on an
 * input error and 2 on a usage error, after reporting. */
int cli_sound_load(const char *path, const srnn_opts *o, srnn_piece **out);
/* The soundfont to use: the given one or the one found without flags, checked; its path goes
 * into buf.  Returns 0, or 1 after reporting (no FluidSynth, none found, not a soundfont). */
int cli_sound_soundfont(const char *given, char *buf, size_t size);
/* The soundfont an input file plays with: --soundfont, else for .bol and tabla models the
 * tabla font, else NULL (a General MIDI font). */
const char *cli_sound_soundfont_for(const char *path, const srnn_opts *o);

#if SRNN_CLI_MODE_TABLA
/* mode_tabla.c: a .bol file as strokes on channel 10 (0, or 1 after reporting), and the tabla
 * soundfont (NULL with --tabla-map gm). */
int cli_tabla_sound_load(const char *path, const srnn_opts *o, srnn_piece **out);
const char *cli_tabla_soundfont(const srnn_opts *o);
int cli_tabla_is_model(const char *path); /* a model file of tabla mode */
#endif

#endif
