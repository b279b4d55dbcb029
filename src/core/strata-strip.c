/* strata-strip.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-strip"
#include "config.h"
#include "strata-strip.h"
#include "strata-props-private.h"

#include <math.h>

typedef struct
{
  char       *id;
  char       *name;
  char       *color;
  double      volume_db;
  double      pan;
  gboolean    mute;
  gboolean    solo;
  char       *output;
  GListStore *inserts;
  GListStore *sends;
  GListStore *automation;
} StrataStripPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (StrataStrip, strata_strip, G_TYPE_OBJECT)

enum { PROP_0, PROP_ID, PROP_NAME, PROP_COLOR, PROP_VOLUME_DB, PROP_PAN, PROP_MUTE, PROP_SOLO,
       PROP_OUTPUT, N_PROPS };
static GParamSpec *properties[N_PROPS];
static const gsize offsets[N_PROPS] = {
  [PROP_ID] = G_STRUCT_OFFSET (StrataStripPrivate, id),
  [PROP_NAME] = G_STRUCT_OFFSET (StrataStripPrivate, name),
  [PROP_COLOR] = G_STRUCT_OFFSET (StrataStripPrivate, color),
  [PROP_VOLUME_DB] = G_STRUCT_OFFSET (StrataStripPrivate, volume_db),
  [PROP_PAN] = G_STRUCT_OFFSET (StrataStripPrivate, pan),
  [PROP_MUTE] = G_STRUCT_OFFSET (StrataStripPrivate, mute),
  [PROP_SOLO] = G_STRUCT_OFFSET (StrataStripPrivate, solo),
  [PROP_OUTPUT] = G_STRUCT_OFFSET (StrataStripPrivate, output),
};

#define PRIV(self) ((StrataStripPrivate *) strata_strip_get_instance_private (STRATA_STRIP (self)))

static void
strata_strip_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  if (prop_id == PROP_NAME)
    g_value_set_string (value, strata_strip_get_name (STRATA_STRIP (object)));
  else
    strata_prop_get (PRIV (object), offsets[prop_id], value, pspec);
}

static void
strata_strip_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  strata_prop_set (object, PRIV (object), offsets[prop_id], value, pspec);
}

static void
strata_strip_finalize (GObject *object)
{
  StrataStripPrivate *priv = PRIV (object);

  for (guint i = 1; i < N_PROPS; i++)
    strata_prop_clear (priv, offsets[i], properties[i]);
  g_clear_object (&priv->inserts);
  g_clear_object (&priv->sends);
  g_clear_object (&priv->automation);
  G_OBJECT_CLASS (strata_strip_parent_class)->finalize (object);
}

static void
strata_strip_class_init (StrataStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_strip_finalize;
  object_class->get_property = strata_strip_get_property;
  object_class->set_property = strata_strip_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                             G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, STRATA_PROP_FLAGS);
  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, NULL, STRATA_PROP_FLAGS);
  properties[PROP_VOLUME_DB] = g_param_spec_double ("volume-db", NULL, NULL, -INFINITY, 12.0,
                                                    0.0, STRATA_PROP_FLAGS);
  properties[PROP_PAN] = g_param_spec_double ("pan", NULL, NULL, -1.0, 1.0, 0.0,
                                              STRATA_PROP_FLAGS);
  properties[PROP_MUTE] = g_param_spec_boolean ("mute", NULL, NULL, FALSE, STRATA_PROP_FLAGS);
  properties[PROP_SOLO] = g_param_spec_boolean ("solo", NULL, NULL, FALSE, STRATA_PROP_FLAGS);
  properties[PROP_OUTPUT] = g_param_spec_string ("output", NULL, NULL, "master",
                                                 STRATA_PROP_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_strip_init (StrataStrip *self)
{
  StrataStripPrivate *priv = PRIV (self);

  priv->output = g_strdup ("master");
  priv->inserts = g_list_store_new (STRATA_TYPE_INSERT);
  priv->sends = g_list_store_new (STRATA_TYPE_SEND);
  priv->automation = g_list_store_new (STRATA_TYPE_AUTOMATION_LANE);
}

const char *
strata_strip_get_id (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), NULL);
  return PRIV (self)->id;
}

/* The name defaults to the id, as in the JSON format. */
const char *
strata_strip_get_name (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), NULL);
  return PRIV (self)->name ? PRIV (self)->name : PRIV (self)->id;
}

const char *
strata_strip_get_color (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), NULL);
  return PRIV (self)->color;
}

gdouble
strata_strip_get_volume_db (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), 0);
  return PRIV (self)->volume_db;
}

gdouble
strata_strip_get_pan (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), 0);
  return PRIV (self)->pan;
}

gboolean
strata_strip_get_mute (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), FALSE);
  return PRIV (self)->mute;
}

gboolean
strata_strip_get_solo (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), FALSE);
  return PRIV (self)->solo;
}

const char *
strata_strip_get_output (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), NULL);
  return PRIV (self)->output;
}

GListModel *
strata_strip_get_inserts (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), NULL);
  return G_LIST_MODEL (PRIV (self)->inserts);
}

GListModel *
strata_strip_get_sends (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), NULL);
  return G_LIST_MODEL (PRIV (self)->sends);
}

GListModel *
strata_strip_get_automation (StrataStrip *self)
{
  g_return_val_if_fail (STRATA_IS_STRIP (self), NULL);
  return G_LIST_MODEL (PRIV (self)->automation);
}

StrataAutomationLane *
strata_strip_find_lane (StrataStrip *self, const char *param)
{
  GListModel *lanes;

  g_return_val_if_fail (STRATA_IS_STRIP (self), NULL);
  lanes = G_LIST_MODEL (PRIV (self)->automation);
  for (guint i = 0; i < g_list_model_get_n_items (lanes); i++)
    {
      g_autoptr(StrataAutomationLane) lane = g_list_model_get_item (lanes, i);
      if (g_str_equal (strata_automation_lane_get_param (lane), param))
        return lane;
    }
  return NULL;
}

/* Copies everything but the id into `copy` (a fresh strip of the same type). */
void
strata_strip_copy_into (StrataStrip *self, StrataStrip *copy)
{
  StrataStripPrivate *src = PRIV (self);
  StrataStripPrivate *dst = PRIV (copy);
  guint n;

  g_return_if_fail (STRATA_IS_STRIP (self) && STRATA_IS_STRIP (copy));

  g_object_set (copy, "name", src->name, "color", src->color, "volume-db", src->volume_db,
                "pan", src->pan, "mute", src->mute, "solo", src->solo, "output", src->output,
                NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (src->inserts));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataInsert) insert = g_list_model_get_item (G_LIST_MODEL (src->inserts), i);
      g_autoptr(StrataInsert) dup = strata_insert_copy (insert);
      g_list_store_append (dst->inserts, dup);
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (src->sends));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataSend) send = g_list_model_get_item (G_LIST_MODEL (src->sends), i);
      g_autoptr(StrataSend) dup = strata_send_copy (send);
      g_list_store_append (dst->sends, dup);
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (src->automation));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataAutomationLane) lane =
        g_list_model_get_item (G_LIST_MODEL (src->automation), i);
      g_autoptr(StrataAutomationLane) dup = strata_automation_lane_copy (lane);
      g_list_store_append (dst->automation, dup);
    }
}
