/* strata-meter.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-meter"

#include "config.h"

#include "strata-meter.h"

struct _StrataMeterWidget
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataMeterWidget, strata_meter_widget, GTK_TYPE_WIDGET)

static void
strata_meter_widget_class_init (StrataMeterWidgetClass *klass)
{
}

static void
strata_meter_widget_init (StrataMeterWidget *self)
{
}

GtkWidget *
strata_meter_widget_new (void)
{
  return g_object_new (STRATA_TYPE_METER_WIDGET, NULL);
}

void
strata_meter_widget_set_levels (StrataMeterWidget *self, const StrataMeter *levels)
{
}
