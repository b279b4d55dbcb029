/* strata-meter.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A level meter: peak and RMS bars per channel on a dB scale, the peak hold, and a clip
 * indicator that stays lit until clicked.
 */
#pragma once

#include <adwaita.h>

#include "strata-session.h"

G_BEGIN_DECLS

#define STRATA_TYPE_METER_WIDGET (strata_meter_widget_get_type ())
G_DECLARE_FINAL_TYPE (StrataMeterWidget, strata_meter_widget, STRATA, METER_WIDGET, GtkWidget)

GtkWidget *strata_meter_widget_new        (void);
void       strata_meter_widget_set_levels (StrataMeterWidget *self,
                                           const StrataMeter *levels);

G_END_DECLS
