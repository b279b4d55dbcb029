/* strata-ruler.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The time ruler above the clip canvas: bars and beats (labels thin out when zoomed out),
 * markers, the loop and punch ranges with draggable edges, and the playhead; its context menu
 * turns the ranges on and off and renames or removes a marker.
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

/* Bar labels are never closer than this, in pixels: when zoomed out only every 2nd, 4th,
 * 8th... bar is labelled. */
#define STRATA_RULER_LABEL_SPACING 60
#define STRATA_RULER_HEIGHT        40
/* The loop band is the top STRATA_RULER_BAND_HEIGHT pixels, the punch band the same again
 * below it; bar numbers and markers fill the rest. */
#define STRATA_RULER_BAND_HEIGHT   10

#define STRATA_TYPE_RULER (strata_ruler_get_type ())
G_DECLARE_FINAL_TYPE (StrataRuler, strata_ruler, STRATA, RULER, GtkWidget)

GtkWidget *strata_ruler_new            (StrataSession *session,
                                        GtkAdjustment *hadjustment);
/* The bars the ruler labels in its visible width, in order (a GArray of gint32). */
GArray    *strata_ruler_dup_bar_labels (StrataRuler   *self);

/* Presses the primary button at (x, y), moves the pointer by dx along the ruler and releases
 * it: the same code a pointer drag runs (a click when dx is 0). For scripted use and tests. */
void       strata_ruler_drag           (StrataRuler   *self,
                                        double         x,
                                        double         y,
                                        double         dx);
/* `n_press` presses of `button` at (x, y) in quick succession, as a click gesture counts them:
 * with the primary button 2 is a double-click (add or rename a marker); the secondary button
 * opens the context menu there. For scripted use and tests. */
void       strata_ruler_click          (StrataRuler   *self,
                                        guint          button,
                                        int            n_press,
                                        double         x,
                                        double         y);

G_END_DECLS
