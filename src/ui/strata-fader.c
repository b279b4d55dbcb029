/* strata-fader.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-fader"

#include "config.h"

#include "strata-fader.h"

struct _StrataFader
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataFader, strata_fader, GTK_TYPE_WIDGET)

static void
strata_fader_class_init (StrataFaderClass *klass)
{
}

static void
strata_fader_init (StrataFader *self)
{
}

GtkWidget *
strata_fader_new (void)
{
  return g_object_new (STRATA_TYPE_FADER, NULL);
}

gdouble
strata_fader_get_value (StrataFader *self)
{
  return 0;
}

void
strata_fader_set_value (StrataFader *self, gdouble value_db)
{
}
