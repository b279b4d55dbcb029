/* strata-meter.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A level meter: peak and RMS bars per channel on a dB scale, the peak hold, and a clip
 * indicator that stays lit until clicked ("clip-reset" is emitted then).
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

/* The scale: linear in dB from the floor (bottom of the bars) to the top. */
#define STRATA_METER_FLOOR_DB (-60.0)
#define STRATA_METER_TOP_DB     6.0

#define STRATA_TYPE_METER_WIDGET (strata_meter_widget_get_type ())
G_DECLARE_FINAL_TYPE (StrataMeterWidget, strata_meter_widget, STRATA, METER_WIDGET, GtkWidget)

GtkWidget *strata_meter_widget_new          (void);
void       strata_meter_widget_set_levels   (StrataMeterWidget *self,
                                             const StrataMeter *levels);
void       strata_meter_widget_get_levels   (StrataMeterWidget *self,
                                             StrataMeter       *levels);
gboolean   strata_meter_widget_get_clip_lit (StrataMeterWidget *self);
/* Where the bars run, in widget coordinates: a level's bar reaches
 * rect.y + rect.height * (1 - strata_meter_widget_level_to_fraction (level)). */
void       strata_meter_widget_get_bar_rect (StrataMeterWidget *self,
                                             graphene_rect_t   *rect);
/* A linear amplitude to the fraction of the bar it lights (0 at or below the floor). */
gdouble    strata_meter_widget_level_to_fraction (gdouble amplitude);

G_END_DECLS
