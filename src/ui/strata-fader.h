/* strata-fader.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A mixer fader: "value" in dB from -inf (-INFINITY) to +6 dB on a dB scale; double-click
 * resets to 0 dB, Ctrl drags fine. "moved" (gdouble value_db, guint merge_key) is emitted only
 * for the user's moves; one gesture's moves share a merge key so they fold into one undo step.
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_FADER_MAX_DB     6.0
/* The lowest finite level on the travel; below it the fader reads -inf. */
#define STRATA_FADER_FLOOR_DB (-80.0)

#define STRATA_TYPE_FADER (strata_fader_get_type ())
G_DECLARE_FINAL_TYPE (StrataFader, strata_fader, STRATA, FADER, GtkWidget)

GtkWidget *strata_fader_new       (void);
gdouble    strata_fader_get_value (StrataFader *self);
void       strata_fader_set_value (StrataFader *self,
                                   gdouble      value_db);

/* The fader law: a level in dB to the fraction of the travel (0 bottom, 1 top), and back. */
gdouble    strata_fader_db_to_position (gdouble value_db);
gdouble    strata_fader_position_to_db (gdouble position);

/* A merge key no gesture has used yet: each drag, click or key press of a mixer control takes
 * one, so that its moves fold into one undo step and the next gesture starts another. */
guint      strata_fader_next_merge_key (void);

G_END_DECLS
