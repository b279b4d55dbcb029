/* strata-bus.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-bus"
#include "config.h"
#include "strata-bus.h"

struct _StrataBus
{
  StrataStrip parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataBus, strata_bus, STRATA_TYPE_STRIP)

static void
strata_bus_class_init (StrataBusClass *klass)
{
}

static void
strata_bus_init (StrataBus *self)
{
}

StrataBus *
strata_bus_new (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);
  return g_object_new (STRATA_TYPE_BUS, "id", id, NULL);
}

gboolean
strata_bus_is_master (StrataBus *self)
{
  g_return_val_if_fail (STRATA_IS_BUS (self), FALSE);
  return g_strcmp0 (strata_strip_get_id (STRATA_STRIP (self)), "master") == 0;
}
