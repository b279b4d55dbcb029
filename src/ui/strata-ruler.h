/* strata-ruler.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The time ruler above the clip canvas: bars and beats (labels thin out when zoomed out),
 * markers, the loop and punch ranges with draggable edges, and the playhead.
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

/* Bar labels are never closer than this, in pixels: when zoomed out only every 2nd, 4th,
 * 8th... bar is labelled. */
#define STRATA_RULER_LABEL_SPACING 60
#define STRATA_RULER_HEIGHT        40

#define STRATA_TYPE_RULER (strata_ruler_get_type ())
G_DECLARE_FINAL_TYPE (StrataRuler, strata_ruler, STRATA, RULER, GtkWidget)

GtkWidget *strata_ruler_new            (StrataSession *session,
                                        GtkAdjustment *hadjustment);
/* The bars the ruler labels in its visible width, in order (a GArray of gint32). */
GArray    *strata_ruler_dup_bar_labels (StrataRuler   *self);

G_END_DECLS
