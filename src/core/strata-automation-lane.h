/* strata-automation-lane.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  gint64  frame;
  gdouble value;
} StrataAutomationPoint;

#define STRATA_TYPE_AUTOMATION_LANE (strata_automation_lane_get_type ())
G_DECLARE_FINAL_TYPE (StrataAutomationLane, strata_automation_lane, STRATA, AUTOMATION_LANE,
                      GObject)

/* The automation of one parameter (`volume_db`, `pan`, `mute` or `inserts[N].NAME`): points
 * sorted by frame (two at one frame make a step), interpolated linearly, held before the first
 * and after the last point. "points-changed" is emitted after any change to the points. */
StrataAutomationLane        *strata_automation_lane_new         (const char            *param);
StrataAutomationLane        *strata_automation_lane_copy        (StrataAutomationLane  *self);
const char                  *strata_automation_lane_get_param   (StrataAutomationLane  *self);
gboolean                     strata_automation_lane_get_enabled (StrataAutomationLane  *self);
const StrataAutomationPoint *strata_automation_lane_get_points  (StrataAutomationLane  *self,
                                                                 guint                 *n_points);
gboolean                     strata_automation_lane_set_points  (StrataAutomationLane  *self,
                                                                 const StrataAutomationPoint *points,
                                                                 guint                  n_points);
gboolean                     strata_automation_lane_is_stepped  (StrataAutomationLane  *self);
gdouble                      strata_automation_lane_value_at    (StrataAutomationLane  *self,
                                                                 gint64                 frame,
                                                                 gdouble                fallback);

G_END_DECLS
