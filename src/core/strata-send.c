/* strata-send.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-send"
#include "config.h"
#include "strata-send.h"
#include "strata-props-private.h"

#include <math.h>

struct _StrataSend
{
  GObject  parent_instance;
  char    *bus;
  double   level_db;
  gboolean pre_fader;
};

G_DEFINE_FINAL_TYPE (StrataSend, strata_send, G_TYPE_OBJECT)

enum { PROP_0, PROP_BUS, PROP_LEVEL_DB, PROP_PRE_FADER, N_PROPS };
static GParamSpec *properties[N_PROPS];
static const gsize offsets[N_PROPS] = {
  [PROP_BUS] = G_STRUCT_OFFSET (StrataSend, bus),
  [PROP_LEVEL_DB] = G_STRUCT_OFFSET (StrataSend, level_db),
  [PROP_PRE_FADER] = G_STRUCT_OFFSET (StrataSend, pre_fader),
};

STRATA_DEFINE_PROP_ACCESSORS (strata_send, StrataSend, offsets)

static void
strata_send_finalize (GObject *object)
{
  g_free (STRATA_SEND (object)->bus);
  G_OBJECT_CLASS (strata_send_parent_class)->finalize (object);
}

static void
strata_send_class_init (StrataSendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_send_finalize;
  object_class->get_property = strata_send_get_property;
  object_class->set_property = strata_send_set_property;

  properties[PROP_BUS] = g_param_spec_string ("bus", NULL, NULL, NULL, STRATA_PROP_FLAGS);
  properties[PROP_LEVEL_DB] = g_param_spec_double ("level-db", NULL, NULL, -INFINITY, 12.0, 0.0,
                                                   STRATA_PROP_FLAGS);
  properties[PROP_PRE_FADER] = g_param_spec_boolean ("pre-fader", NULL, NULL, FALSE,
                                                     STRATA_PROP_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_send_init (StrataSend *self)
{
}

StrataSend *
strata_send_new (const char *bus_id, gdouble level_db, gboolean pre_fader)
{
  g_return_val_if_fail (bus_id != NULL, NULL);
  return g_object_new (STRATA_TYPE_SEND, "bus", bus_id, "level-db", level_db,
                       "pre-fader", pre_fader, NULL);
}

StrataSend *
strata_send_copy (StrataSend *self)
{
  g_return_val_if_fail (STRATA_IS_SEND (self), NULL);
  return strata_send_new (self->bus, self->level_db, self->pre_fader);
}

const char *
strata_send_get_bus (StrataSend *self)
{
  g_return_val_if_fail (STRATA_IS_SEND (self), NULL);
  return self->bus;
}

gdouble
strata_send_get_level_db (StrataSend *self)
{
  g_return_val_if_fail (STRATA_IS_SEND (self), 0);
  return self->level_db;
}

gboolean
strata_send_get_pre_fader (StrataSend *self)
{
  g_return_val_if_fail (STRATA_IS_SEND (self), FALSE);
  return self->pre_fader;
}
