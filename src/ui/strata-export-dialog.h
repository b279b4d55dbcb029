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

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_EXPORT_DIALOG (strata_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StrataExportDialog, strata_export_dialog, STRATA, EXPORT_DIALOG, AdwWindow)

GtkWidget *strata_export_dialog_new (GtkWindow     *parent,
                                     StrataSession *session);

G_END_DECLS
