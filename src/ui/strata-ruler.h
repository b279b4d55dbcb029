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

#define STRATA_TYPE_RULER (strata_ruler_get_type ())
G_DECLARE_FINAL_TYPE (StrataRuler, strata_ruler, STRATA, RULER, GtkWidget)

GtkWidget *strata_ruler_new (StrataSession *session,
                             GtkAdjustment *hadjustment);

G_END_DECLS
