/* strata-export-dialog.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The export dialog: range (whole song, loop, selection), format (WAV 16/24/32f, FLAC 16/24),
 * master and/or stems, loudness (off, -14, -16, -23, custom) with a true-peak ceiling. It runs
 * the shared offline render (strata_render_async) with progress, time remaining and Cancel,
 * then shows the measured loudness and true peak and offers to open the folder.
 */
#pragma once

#include <adwaita.h>

#include "strata-render.h"
#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_EXPORT_DIALOG (strata_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StrataExportDialog, strata_export_dialog, STRATA, EXPORT_DIALOG, AdwWindow)

/* The choices of the Range rows and the Loudness row, in the order shown. */
typedef enum
{
  STRATA_EXPORT_RANGE_WHOLE,
  STRATA_EXPORT_RANGE_LOOP,
  STRATA_EXPORT_RANGE_SELECTION,
} StrataExportRange;

typedef enum
{
  STRATA_EXPORT_LOUDNESS_OFF,
  STRATA_EXPORT_LOUDNESS_STREAMING,   /* -14 LUFS */
  STRATA_EXPORT_LOUDNESS_PODCAST,     /* -16 LUFS */
  STRATA_EXPORT_LOUDNESS_BROADCAST,   /* -23 LUFS, EBU R128 */
  STRATA_EXPORT_LOUDNESS_CUSTOM,
} StrataExportLoudness;

GtkWidget *strata_export_dialog_new         (GtkWindow            *parent,
                                             StrataSession        *session);

/* What Export would render, from the dialog's current state (options is initialised here;
 * clear it with strata_render_options_clear). FALSE with an error when the state cannot be
 * exported (no file name, nothing to write). */
gboolean   strata_export_dialog_get_options (StrataExportDialog   *self,
                                             StrataRenderOptions  *options,
                                             GError              **error);

G_END_DECLS
