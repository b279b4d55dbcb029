/* strata-arrange-view.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Arrange page: ruler, track headers and clip canvas scrolled together, the add-track
 * menu, the editing shortcuts (S, Ctrl+J, Delete, Ctrl+D, Ctrl+C/X/V), file drops and
 * audio import.
 */
#pragma once

#include <adwaita.h>

#include "strata-clip-canvas.h"
#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_ARRANGE_VIEW (strata_arrange_view_get_type ())
G_DECLARE_FINAL_TYPE (StrataArrangeView, strata_arrange_view, STRATA, ARRANGE_VIEW, GtkWidget)

GtkWidget *strata_arrange_view_new    (StrataSession     *session);
/* Imports audio files onto `track` at `frame` (snapped), one after the other, with progress;
 * with no track, each file gets a new track. One undo step per file. */
void       strata_arrange_view_import (StrataArrangeView *self,
                                       GFile            **files,
                                       guint              n_files,
                                       StrataTrack       *track,
                                       gint64             frame);
StrataClipCanvas *strata_arrange_view_get_canvas (StrataArrangeView *self);
/* Whether files are still being imported (queued or decoding). */
gboolean   strata_arrange_view_is_importing (StrataArrangeView *self);

G_END_DECLS
