/* strata-arrange-view.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "strata-arrange-view"

#include "config.h"

#include "strata-arrange-view.h"

struct _StrataArrangeView
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataArrangeView, strata_arrange_view, GTK_TYPE_WIDGET)

static void
strata_arrange_view_class_init (StrataArrangeViewClass *klass)
{
}

static void
strata_arrange_view_init (StrataArrangeView *self)
{
}

GtkWidget *
strata_arrange_view_new (StrataSession *session)
{
  return g_object_new (STRATA_TYPE_ARRANGE_VIEW, NULL);
}

void
strata_arrange_view_import (StrataArrangeView *self, GFile **files, guint n_files,
                            StrataTrack *track, gint64 frame)
{
}

StrataClipCanvas *
strata_arrange_view_get_canvas (StrataArrangeView *self)
{
  return NULL;
}
