/* strata-automation-lane.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-automation"
#include "config.h"
#include "strata-automation-lane.h"
#include "strata-props-private.h"

#include <string.h>

struct _StrataAutomationLane
{
  GObject  parent_instance;
  char    *param;
  gboolean enabled;
  GArray  *points;
};

G_DEFINE_FINAL_TYPE (StrataAutomationLane, strata_automation_lane, G_TYPE_OBJECT)

enum { PROP_0, PROP_PARAM, PROP_ENABLED, N_PROPS };
enum { POINTS_CHANGED, N_SIGNALS };
static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static const gsize offsets[N_PROPS] = {
  [PROP_PARAM] = G_STRUCT_OFFSET (StrataAutomationLane, param),
  [PROP_ENABLED] = G_STRUCT_OFFSET (StrataAutomationLane, enabled),
};

STRATA_DEFINE_PROP_ACCESSORS (strata_automation_lane, StrataAutomationLane, offsets)

static void
strata_automation_lane_finalize (GObject *object)
{
  StrataAutomationLane *self = STRATA_AUTOMATION_LANE (object);

  g_free (self->param);
  g_array_unref (self->points);
  G_OBJECT_CLASS (strata_automation_lane_parent_class)->finalize (object);
}

static void
strata_automation_lane_class_init (StrataAutomationLaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_automation_lane_finalize;
  object_class->get_property = strata_automation_lane_get_property;
  object_class->set_property = strata_automation_lane_set_property;

  properties[PROP_PARAM] = g_param_spec_string ("param", NULL, NULL, NULL,
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                G_PARAM_STATIC_STRINGS);
  properties[PROP_ENABLED] = g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                                                   STRATA_PROP_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[POINTS_CHANGED] = g_signal_new ("points-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
strata_automation_lane_init (StrataAutomationLane *self)
{
  self->enabled = TRUE;
  self->points = g_array_new (FALSE, FALSE, sizeof (StrataAutomationPoint));
}

StrataAutomationLane *
strata_automation_lane_new (const char *param)
{
  g_return_val_if_fail (param != NULL, NULL);
  return g_object_new (STRATA_TYPE_AUTOMATION_LANE, "param", param, NULL);
}

StrataAutomationLane *
strata_automation_lane_copy (StrataAutomationLane *self)
{
  StrataAutomationLane *copy;

  g_return_val_if_fail (STRATA_IS_AUTOMATION_LANE (self), NULL);
  copy = strata_automation_lane_new (self->param);
  copy->enabled = self->enabled;
  g_array_append_vals (copy->points, self->points->data, self->points->len);
  return copy;
}

const char *
strata_automation_lane_get_param (StrataAutomationLane *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOMATION_LANE (self), NULL);
  return self->param;
}

gboolean
strata_automation_lane_get_enabled (StrataAutomationLane *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOMATION_LANE (self), FALSE);
  return self->enabled;
}

const StrataAutomationPoint *
strata_automation_lane_get_points (StrataAutomationLane *self, guint *n_points)
{
  g_return_val_if_fail (STRATA_IS_AUTOMATION_LANE (self), NULL);
  *n_points = self->points->len;
  return (const StrataAutomationPoint *) self->points->data;
}

/* Returns FALSE (and changes nothing) when the points are not in non-decreasing frame order. */
gboolean
strata_automation_lane_set_points (StrataAutomationLane        *self,
                                   const StrataAutomationPoint *points,
                                   guint                        n_points)
{
  g_return_val_if_fail (STRATA_IS_AUTOMATION_LANE (self), FALSE);
  g_return_val_if_fail (points != NULL || n_points == 0, FALSE);

  for (guint i = 1; i < n_points; i++)
    if (points[i].frame < points[i - 1].frame)
      return FALSE;

  if (n_points == self->points->len
      && (n_points == 0 || memcmp (points, self->points->data, n_points * sizeof *points) == 0))
    return TRUE;

  g_array_set_size (self->points, 0);
  g_array_append_vals (self->points, points, n_points);
  g_signal_emit (self, signals[POINTS_CHANGED], 0);
  return TRUE;
}

gboolean
strata_automation_lane_is_stepped (StrataAutomationLane *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOMATION_LANE (self), FALSE);
  return g_str_equal (self->param, "mute");
}

gdouble
strata_automation_lane_value_at (StrataAutomationLane *self, gint64 frame, gdouble fallback)
{
  const StrataAutomationPoint *p;
  guint n, lo, hi;

  g_return_val_if_fail (STRATA_IS_AUTOMATION_LANE (self), fallback);

  p = (const StrataAutomationPoint *) self->points->data;
  n = self->points->len;
  if (n == 0)
    return fallback;
  if (frame < p[0].frame)
    return p[0].value;
  if (frame >= p[n - 1].frame)
    return p[n - 1].value;

  /* The last point at or before frame; after a step the later point of the pair wins. */
  lo = 0;
  hi = n - 1;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (p[mid].frame <= frame)
        lo = mid;
      else
        hi = mid;
    }
  if (strata_automation_lane_is_stepped (self) || p[hi].frame == p[lo].frame)
    return p[lo].value;
  return p[lo].value + (p[hi].value - p[lo].value)
                       * (gdouble) (frame - p[lo].frame) / (gdouble) (p[hi].frame - p[lo].frame);
}
