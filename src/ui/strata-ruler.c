/* strata-ruler.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-ruler"

#include "config.h"

#include "strata-ruler.h"

struct _StrataRuler
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataRuler, strata_ruler, GTK_TYPE_WIDGET)

static void
strata_ruler_class_init (StrataRulerClass *klass)
{
}

static void
strata_ruler_init (StrataRuler *self)
{
}

GtkWidget *
strata_ruler_new (StrataSession *session, GtkAdjustment *hadjustment)
{
  return g_object_new (STRATA_TYPE_RULER, NULL);
}
