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

#define STRATA_TYPE_FADER (strata_fader_get_type ())
G_DECLARE_FINAL_TYPE (StrataFader, strata_fader, STRATA, FADER, GtkWidget)

GtkWidget *strata_fader_new       (void);
gdouble    strata_fader_get_value (StrataFader *self);
void       strata_fader_set_value (StrataFader *self,
                                   gdouble      value_db);

G_END_DECLS
