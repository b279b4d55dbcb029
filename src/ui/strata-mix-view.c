/* strata-mix-view.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-mix-view"

#include "config.h"

#include "strata-mix-view.h"

struct _StrataMixView
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataMixView, strata_mix_view, GTK_TYPE_WIDGET)

static void
strata_mix_view_class_init (StrataMixViewClass *klass)
{
}

static void
strata_mix_view_init (StrataMixView *self)
{
}

GtkWidget *
strata_mix_view_new (StrataSession *session)
{
  return g_object_new (STRATA_TYPE_MIX_VIEW, NULL);
}
